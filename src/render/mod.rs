//! The only place output is shaped: plans and apply reports as text or JSON, and the
//! exported file as YAML. Every function here is `X -> String`; callers print.

pub mod json;
pub mod markdown;
pub mod text;
pub mod yaml;
