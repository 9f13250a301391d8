//! The kinds a plan manages, one folder each: seats first.

pub mod seats;
