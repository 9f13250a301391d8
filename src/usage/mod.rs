//! Copilot usage metrics, summarised (SPEC 12): the report files' records (`records`) and
//! what they come to (`summary`): daily active and engaged users, suggestions,
//! acceptances and chat, the window's totals and top lists, one row per user, a team's
//! days. Pure; the files come from `github::usage` or a directory, and `render::usage`
//! shapes the result.

pub mod records;
pub mod summary;
