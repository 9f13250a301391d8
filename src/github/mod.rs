//! GitHub's REST API: the HTTP client (auth, headers, retries), the Copilot seat
//! endpoints, and the errors they return.

pub mod budget;
pub mod client;
pub mod comments;
pub mod error;
pub mod seats;

pub use client::{Client, ClientConfig, Token};
pub use error::GitHubError;
