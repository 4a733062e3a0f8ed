//! # hotline-score
//!
//! The scoring engine behind China's 12345 government service hotlines (政务服务便民热线): working-time
//! deadlines over China's holiday calendar, ticket stage clocks, rule-based scoring schemes,
//! rankings, warnings and sanctions.
//!
//! The crate never reads the clock: everything that depends on "now" takes an explicit `as_of`
//! [`Instant`]. Nothing in it panics on bad input; every failure is an [`Error`] with a stable
//! [`Error::code`].

pub mod amount;
pub mod board;
pub mod calendar;
pub mod clocks;
pub mod config_file;
mod document;
pub mod error;
pub mod formula;
pub mod instant;
pub mod metrics;
mod parts;
pub mod period;
pub mod policy;
pub mod scheme;
pub mod synthetic;
pub mod ticket;
pub mod unit;

pub use amount::Amount;
pub use calendar::{Calendar, CalendarBuilder, DayCount, DayKind, DeadlineAt};
pub use error::{Error, ErrorContext, FilePos, Result};
pub use instant::Instant;
pub use period::Period;
pub use policy::Policy;
pub use unit::{Role, Unit, UnitId};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
