//! The only place output is shaped: plans and apply reports as text or JSON, the
//! exported file as YAML, seat listings, the billing status and usage reports. Every function here is `X -> String`; callers print.

pub mod json;
pub mod markdown;
pub mod seats;
pub mod status;
pub mod text;
pub mod usage;
pub mod yaml;
