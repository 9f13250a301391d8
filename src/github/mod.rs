//! GitHub's REST API: credentials (a token or a GitHub App), the HTTP client (headers,
//! retries, rate limits), the Copilot seat and usage endpoints, and the errors they return.

pub mod auth;
pub mod budget;
pub mod client;
pub mod comments;
pub mod error;
pub mod seats;
pub mod usage;

pub use client::{Client, ClientConfig, Token};
pub use error::GitHubError;
