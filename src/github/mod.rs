//! GitHub's REST API: credentials (a token or a GitHub App), the HTTP client (headers,
//! retries, rate limits), the Copilot seat and usage endpoints, and the errors they return.

//!
//! Imports run one way: `installation` -> `client` -> `auth` -> `error`; the endpoint
//! modules (`seats`, `members`, `comments`, `usage`) use `client` and `page`.

pub mod auth;
pub mod client;
pub mod comments;
pub mod error;
pub mod installation;
pub mod members;
pub mod owner;
pub mod pacing;
pub mod page;
pub mod seats;
pub mod usage;

pub use auth::{Credentials, Token, TokenSource};
pub use client::{Client, ClientConfig};
pub use error::GitHubError;
