//! The only place output is shaped: plans and apply reports as text or JSON, the
//! exported file as YAML, seat listings and the billing status. Every function here is `X -> String`; callers print.

pub mod json;
pub mod markdown;
pub mod seats;
pub mod status;
pub mod text;
pub mod yaml;
