//! `demo`: a synthetic city like Sanmenxia (60 units in three groups, ~900 tickets a day),
//! scored with the `sanmenxia` preset and the `henan` policy 20 days before the quarter ends.
//!
//! The sanctions ladder needs closed periods before the current one: the demo generates them
//! with the same generator (the city's two previous periods — 2025-Q3 and 2025-Q4 for the
//! default quarter), scores each at its own end, and runs the ladder over the three periods.
//! The current period's levels are projected ("if the quarter closed with today's standings").

use std::path::PathBuf;

use hotline_score::instant::{CHINA_OFFSET, MS_PER_DAY};
use hotline_score::scheme::Scheme;
use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::{Calendar, Instant, Period, Policy};
use time::Date;

use crate::engine::{Explain, Job, run as score};
use crate::fail::{CliResult, Failure};
use crate::input::external::ExternalInputs;
use crate::input::{parse_instant, previous_period};
use crate::progress::Progress;
use crate::report;

/// Options of `demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Seed of the synthetic city (same seed, same city).
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Days in the assessment period starting 2026-01-01 (90 = the quarter 2026-Q1).
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// Evaluation instant, e.g. 2026-03-12 or 2026-03-12T09:00:00+08:00 (default: 20 days
    /// before the period ends, when the warnings start).
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Also write the HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Average tickets a day (Sanmenxia: 800–1,000).
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub tickets_per_day: u32,
}

/// First day of the demo's period.
const START: Date = time::macros::date!(2026 - 01 - 01);
/// Closed periods before the current one, for the sanctions ladder.
const HISTORY: usize = 2;

/// Runs `demo`.
pub fn run(args: &DemoArgs, progress: Progress) -> CliResult<()> {
    let scheme = Scheme::preset("sanmenxia")?;
    let period = demo_period(args.days)?;
    let mut first = period.clone();
    for _ in 0..HISTORY {
        first = previous_period(&scheme, &first)?;
    }
    // The warning window's start; in a period of 20 days or fewer (all of it in the window),
    // its middle, so the report has tickets to show.
    let middle = Instant::from_millis(
        period.start.millis() + (period.end.millis() - period.start.millis()) / 2,
    );
    let window = scheme.warning_start(&period).unwrap_or(period.end);
    let as_of = match &args.as_of {
        Some(a) => parse_instant(a)?,
        None if window > period.start => window,
        None => middle,
    };
    if as_of < period.start {
        return Err(Failure::usage(format!(
            "--as-of must not be before the period starts ({})",
            crate::text::local_short(period.start)
        )));
    }
    let (start, _) = first.start.to_local(CHINA_OFFSET)?;
    let days = (period.end.millis() - first.start.millis()) / MS_PER_DAY;
    let config = CityConfig {
        seed: args.seed,
        start,
        days: u32::try_from(days).unwrap_or(u32::MAX),
        tickets_per_day: args.tickets_per_day,
        ..CityConfig::default()
    };
    let bar = progress.step("generating the city");
    let city = SyntheticCity::generate(&config)?;
    bar.finish_and_clear();
    let calendar = Calendar::prc()?;
    let job = Job {
        title: format!(
            "Synthetic city (seed {}, {} units, ~{} tickets a day)",
            args.seed,
            city.units.len(),
            args.tickets_per_day
        ),
        scheme: &scheme,
        policy: ("henan".to_owned(), Policy::henan()?),
        calendar: &calendar,
        units: &city.units,
        tickets: &city.tickets,
        period,
        as_of,
        history: HISTORY,
        explain: if args.html.is_some() {
            Explain::Everyone
        } else {
            Explain::Nobody
        },
        trend: args.html.is_some(),
        external: &ExternalInputs::default(),
        problems: Vec::new(),
    };
    let report = score(job, progress)?;
    if let Some(path) = &args.html {
        super::emit(Some(path), &report::html::render(&report))?;
    }
    super::emit(None, &report::text::render(&report))?;
    if let Some(path) = &args.html {
        eprintln!("HTML report written to {}", path.display());
    }
    Ok(())
}

/// The quarter 2026-Q1 for 90 days, else the `days` days from 2026-01-01.
fn demo_period(days: u32) -> CliResult<Period> {
    if days == 90 {
        return Ok(Period::quarter(2026, 1, CHINA_OFFSET)?);
    }
    let start = Instant::from_local(START, 0, CHINA_OFFSET);
    let end = Instant::from_millis(start.millis() + i64::from(days) * MS_PER_DAY);
    let last = Instant::from_millis(end.millis() - MS_PER_DAY)
        .to_local(CHINA_OFFSET)?
        .0;
    Ok(Period::new(start, end, format!("{START}..{last}"))?)
}
