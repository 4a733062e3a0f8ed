//! # hotline-score
//!
//! The scoring engine behind China's 12345 government service hotlines (政务服务便民热线): working-time
//! deadlines over China's holiday calendar, ticket stage clocks, rule-based scoring schemes,
//! rankings, warnings and sanctions.
//!
//! The crate never reads the clock: everything that depends on "now" takes an explicit `as_of`
//! [`Instant`]. Nothing in it panics on bad input; every failure is an [`Error`] with a stable
//! [`Error::code`].
//!
//! ## From tickets to a ranking
//!
//! A quarter of tickets (here the synthetic city; your own export reads the same way with
//! [`ticket::load_json`] or, for flat tables, [`ticket::load_rows`] / [`ticket::Assembler`]),
//! evaluated under a time-limit [`Policy`] on a working-time [`Calendar`], counted per unit
//! ([`metrics`]), scored and ranked by a [`scheme::Scheme`], then explained and warned about:
//!
//! ```
//! use std::collections::BTreeMap;
//! use hotline_score::clocks::Evaluator;
//! use hotline_score::metrics::{Scope, partial};
//! use hotline_score::scheme::Scheme;
//! use hotline_score::synthetic::{CityConfig, SyntheticCity};
//! use hotline_score::ticket::{Mode, load_json};
//! use hotline_score::{Calendar, Policy};
//!
//! // 80 days of 2026: the data ends on 2026-03-22, inside the quarter's warning window.
//! let city = SyntheticCity::generate(&CityConfig { days: 80, tickets_per_day: 30, units: 12, ..CityConfig::default() })?;
//! // Tickets arrive as JSON (or rows); every event is checked against SPEC §3.2 on the way in.
//! let json = serde_json::to_string(&city.tickets).expect("tickets write as JSON");
//! let loaded = load_json(&json, Some(&city.units), Mode::Strict)?;
//!
//! // Deadlines in working time: the PRC calendar and Henan's limits (签收 24 h; 办结 3, 5 or 10
//! // working days by kind …).
//! let ev = Evaluator::new(&Calendar::prc()?, Policy::builtin("henan")?, &city.units);
//! let scheme = Scheme::preset("sanmenxia")?;
//! let period = scheme.period_at(city.as_of)?; // 2026-Q1
//! let scope = Scope::new(period.clone(), city.as_of);
//! let metrics = partial(&loaded.tickets, &ev, &scope)?.finalize(&city.units, BTreeMap::new());
//!
//! // Points, totals, ranks and grades per group; exact decimals.
//! let scores = scheme.score(&city.units, &metrics, &period, city.as_of)?;
//! let last = scores.units.iter().max_by_key(|c| c.rank).expect("units were scored");
//! assert!(last.total <= last.full_marks);
//!
//! // Why: per indicator, the points lost and the tickets that cost them.
//! let why = scheme.explain_tickets(&ev, &loaded.tickets, &scope, &scores, 1)?;
//! assert_eq!(why.len(), scores.units.len());
//!
//! // 提前预警: from 20 days before the quarter ends, the laggards and their rescuable tickets.
//! let warnings = scheme.period_warnings_from_tickets(&ev, &loaded.tickets, &metrics, &period, city.as_of)?;
//! assert!(!warnings.is_empty() && warnings.iter().all(|w| w.rank >= 1));
//! # Ok::<(), hotline_score::Error>(())
//! ```
//!
//! ## Where things are
//!
//! | module | what it holds |
//! |---|---|
//! | [`instant`], [`period`], [`amount`] | instants (integer ms), assessment periods, limit amounts (`24h`, `5wd`) |
//! | [`unit`](mod@unit) | units (`Unit`, `UnitId`) and their roles on a ticket (`Role`: 主办 lead, 协办 assisting) |
//! | [`calendar`] | working-time calendars: PRC holiday data, office hours, every operation of SPEC §2.3 |
//! | [`ticket`] | tickets and events: the model, loading from JSON or tables, validation, lenient mode |
//! | [`policy`], [`clocks`] | time-limit policies and each assignment's stage clocks (签收, 反馈, 办结 …) |
//! | [`metrics`] | per-unit counters, partial state of shards and its merge, contributions |
//! | [`formula`], [`scheme`] | the formula language; schemes: scoring, ranking, explanations, warnings, sanctions |
//! | [`board`] | the real-time board: events one at a time, standings at any instant, snapshots |
//! | [`config_file`] | reading scheme, policy and calendar files as every front end does |
//! | [`synthetic`] | the synthetic city the demo and the benchmarks use |
//! | [`error`] | [`Error`], its stable codes and context |
//!
//! The decisions behind every rule are in `docs/semantics.md` of the repository.

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
mod unique_keys;
pub mod unit;

pub use amount::Amount;
pub use calendar::{Calendar, CalendarBuilder, DayCount, DayKind, DeadlineAt};
pub use error::{
    Error, ErrorContext, FilePos, FilePosCursor, Result, json_error_offset, json_reason,
};
pub use instant::Instant;
pub use period::Period;
pub use policy::Policy;
pub use unit::{Role, Unit, UnitId};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
