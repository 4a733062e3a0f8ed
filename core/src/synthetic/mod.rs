//! A seeded, deterministic synthetic city for demos, benchmarks and tests: a city like
//! Sanmenxia (三门峡) with ~900 tickets a day and ~60 units in three groups.
//!
//! The same [`CityConfig`] always gives the same units and tickets (on every platform: the
//! generator uses only integer and IEEE-exact float operations). Tickets are generated
//! independently from `(seed, index)`, so a [`CityGenerator`] can produce any slice of the data
//! set, or stream it, without holding it all in memory.
//!
//! What it looks like (default parameters; `tests/synthetic.rs` checks the rates): kinds about
//! 35% consult, 25% help, 25% complaint, 5% report, 5% suggestion, 5% praise/other; 5% urgent;
//! about 15% of consultations answered by the operator directly; the rest dispatched, with
//! returns (~5%, most accepted and re-dispatched), late signs, assisting units (~8%), pauses,
//! extensions, urging and supervision, replies with heavy-tailed delays (some late, ~3% never),
//! failed reviews and re-handling, callbacks (~93% satisfied or very satisfied among valid
//! ones, ~7% unreachable), write-offs, and ~1% difficult tickets. Units differ in quality
//! ([`CityConfig::quality_spread`]), so rankings have something to rank. Events happen mostly
//! in office hours (08:30–18:00; fewer on rest days, which are the PRC calendar's: holidays
//! quiet, 调休 weekends worked); urgent tickets get a first feedback within about two hours.
//! The data is a snapshot at [`CityGenerator::as_of`]: nothing later is in it, so the last
//! weeks' tickets are still open.
//!
//! ```
//! use hotline_score::synthetic::{CityConfig, SyntheticCity};
//! use hotline_score::ticket::{load_tickets, Mode};
//! let config = CityConfig { days: 2, tickets_per_day: 50, ..CityConfig::default() };
//! let city = SyntheticCity::generate(&config)?;
//! assert_eq!(city.units.len(), 60);
//! let loaded = load_tickets(city.tickets, Some(&city.units), Mode::Strict)?;
//! assert!(loaded.tickets.len() > 60);
//! # Ok::<(), hotline_score::Error>(())
//! ```

mod catalog;
mod lifecycle;
mod office;
mod rng;

use time::{Date, Duration};

pub use catalog::{COUNTIES, DEPARTMENTS, UTILITIES};
pub use rng::{Rng, mix, splitmix64};

use crate::error::{Error, Result};
use crate::instant::{CHINA_OFFSET, Instant};
use crate::ticket::Ticket;
use crate::unit::Unit;
use lifecycle::City;

/// The attribute names a generated ticket may carry, in the order a tickets table lists them:
/// `district` (the county-level district concerned) and `repeat` (`true` for a repeated call).
pub const ATTRIBUTES: [&str; 2] = [lifecycle::DISTRICT, lifecycle::REPEAT];

/// Seed domains: tickets use `mix(seed, index)`, units and day sizes their own streams.
const UNITS_STREAM: u64 = 0x756E_6974_7300_0000;
const DAYS_STREAM: u64 = 0x6461_7973_0000_0000;

/// Parameters of a synthetic city.
#[derive(Debug, Clone, PartialEq)]
pub struct CityConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// First day (local, `+08:00`).
    pub start: Date,
    /// Number of days of tickets.
    pub days: u32,
    /// Number of units (at least 1; groups keep Sanmenxia's 8 : 44 : 8 proportions).
    pub units: usize,
    /// Average tickets per day (weekdays busier than weekends).
    pub tickets_per_day: u32,
    /// How much units differ in quality, in `[0, 1]`: 0 = all alike, 1 = from excellent to poor.
    pub quality_spread: f64,
}

impl CityConfig {
    /// The most units a city may have.
    pub const MAX_UNITS: usize = 100_000;
    /// The most days a city may span (about a century).
    pub const MAX_DAYS: u32 = 36_500;
    /// The highest average of tickets a day (a province's 12345 line takes some 100,000).
    pub const MAX_TICKETS_PER_DAY: u32 = 10_000_000;
}

impl Default for CityConfig {
    /// Quarter 2026-Q1 (2026-01-01, 90 days), 60 units, 900 tickets a day, spread 0.6, seed 12345.
    fn default() -> Self {
        CityConfig {
            seed: 12345,
            start: Date::from_ordinal_date(2026, 1).unwrap_or(Date::MIN),
            days: 90,
            units: 60,
            tickets_per_day: 900,
            quality_spread: 0.6,
        }
    }
}

/// A generated city: its units table and its tickets, day after day (within a day in id order,
/// which is not receipt order: each ticket's receipt time is drawn on its own).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticCity {
    /// Every unit (the `units` table).
    pub units: Vec<Unit>,
    /// Every ticket, each valid under strict validation.
    pub tickets: Vec<Ticket>,
    /// The snapshot instant: midnight after the last day; no event is at or after it.
    pub as_of: Instant,
}

impl SyntheticCity {
    /// Generates the whole city.
    pub fn generate(config: &CityConfig) -> Result<Self> {
        let generator = CityGenerator::new(config)?;
        let tickets = generator.tickets().collect();
        Ok(SyntheticCity {
            units: generator.units().to_vec(),
            tickets,
            as_of: generator.as_of(),
        })
    }
}

/// Generates a city's tickets on demand: by index, as a stream, or in slices.
#[derive(Debug)]
pub struct CityGenerator {
    seed: u64,
    units: Vec<Unit>,
    city: City,
    /// Local day number of the first day.
    first_day: i64,
    /// `day_start[d]`: index of the first ticket of day `d`; one extra entry = total.
    day_start: Vec<u64>,
    /// `yyyymmdd` of each day, for ticket ids.
    day_label: Vec<String>,
}

impl CityGenerator {
    /// Prepares the units and the per-day ticket counts of `config`.
    pub fn new(config: &CityConfig) -> Result<Self> {
        let invalid = |field: &str, reason: &str| Error::InvalidCityConfig {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        if config.units == 0 {
            return Err(invalid("units", "a city needs at least one unit"));
        }
        let too_many = |field: &str, most: u64| {
            invalid(field, &format!("must be at most {most} (docs/limits.md)"))
        };
        if config.units > CityConfig::MAX_UNITS {
            return Err(too_many("units", CityConfig::MAX_UNITS as u64));
        }
        if config.days > CityConfig::MAX_DAYS {
            return Err(too_many("days", CityConfig::MAX_DAYS.into()));
        }
        if config.tickets_per_day > CityConfig::MAX_TICKETS_PER_DAY {
            return Err(too_many(
                "tickets_per_day",
                CityConfig::MAX_TICKETS_PER_DAY.into(),
            ));
        }
        if !(0.0..=1.0).contains(&config.quality_spread) {
            return Err(invalid("quality_spread", "must be between 0 and 1"));
        }
        let last = config
            .start
            .checked_add(Duration::days(i64::from(config.days)))
            .ok_or_else(|| invalid("days", "the period ends after year 9999"))?;
        let mut rng = Rng::new(mix(config.seed ^ UNITS_STREAM, 0));
        let (units, profiles, load) = catalog::build(config.units, config.quality_spread, &mut rng);
        let districts = units
            .iter()
            .filter(|u| u.group == COUNTIES)
            .map(|u| u.name.clone())
            .collect();
        let first_day =
            office::local(Instant::from_local(config.start, 0, CHINA_OFFSET).millis()).0;
        let mut day_start = Vec::with_capacity(config.days as usize + 1);
        let mut day_label = Vec::with_capacity(config.days as usize);
        let mut total = 0u64;
        let mut date = config.start;
        for d in 0..i64::from(config.days) {
            let mut day_rng = Rng::new(mix(config.seed ^ DAYS_STREAM, d as u64));
            let factor = if office::is_rest_day(first_day + d) {
                0.75
            } else {
                1.1
            };
            let n = f64::from(config.tickets_per_day) * factor * (0.9 + 0.2 * day_rng.unit());
            day_start.push(total);
            total = total.saturating_add(n.round() as u64);
            day_label.push(format!(
                "{:04}{:02}{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ));
            date = date.next_day().unwrap_or(date);
        }
        day_start.push(total);
        let end = Instant::from_local(last, 0, CHINA_OFFSET).millis();
        Ok(CityGenerator {
            seed: config.seed,
            units,
            city: City {
                profiles,
                load,
                districts,
                end,
            },
            first_day,
            day_start,
            day_label,
        })
    }

    /// The units table.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Number of tickets.
    pub fn len(&self) -> u64 {
        self.day_start.last().copied().unwrap_or(0)
    }

    /// Whether the city has no tickets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The snapshot instant (midnight after the last day): every event is before it.
    pub fn as_of(&self) -> Instant {
        Instant::from_millis(self.city.end)
    }

    /// Ticket number `index` (in receipt-day order), or `None` past the end.
    pub fn ticket(&self, index: u64) -> Option<Ticket> {
        if index >= self.len() {
            return None;
        }
        let day = self
            .day_start
            .partition_point(|&s| s <= index)
            .checked_sub(1)?;
        let seq = index - self.day_start.get(day)?;
        let label = self.day_label.get(day)?;
        let mut rng = Rng::new(mix(self.seed, index));
        let received = lifecycle::received_on(self.first_day + day as i64, &mut rng);
        let id = format!("SMX{label}{:05}", seq + 1);
        Some(lifecycle::ticket(&self.city, id, received, &mut rng))
    }

    /// Every ticket, in order.
    pub fn tickets(&self) -> impl Iterator<Item = Ticket> + '_ {
        self.range(0, self.len())
    }

    /// Tickets `start..end` (clamped to the data set).
    pub fn range(&self, start: u64, end: u64) -> impl Iterator<Item = Ticket> + '_ {
        (start..end.min(self.len())).filter_map(move |i| self.ticket(i))
    }
}

/// A small synthetic city (`days` days, about `tickets_per_day` tickets a day, `units` units)
/// and its evaluator (PRC calendar, `henan` limits): the setting of unit tests across the crate.
#[cfg(test)]
pub(crate) fn test_city(
    days: u32,
    tickets_per_day: u32,
    units: usize,
) -> (SyntheticCity, crate::clocks::Evaluator) {
    let Ok(city) = SyntheticCity::generate(&CityConfig {
        days,
        tickets_per_day,
        units,
        ..CityConfig::default()
    }) else {
        panic!("a valid city configuration");
    };
    let (Ok(calendar), Ok(policy)) = (crate::Calendar::prc(), crate::Policy::henan()) else {
        panic!("the built-in calendar and policy");
    };
    let ev = crate::clocks::Evaluator::new(&calendar, policy, &city.units);
    (city, ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{EventBody, Satisfaction};
    use crate::unit::Role;

    /// Share of problem-free tickets (closed, review passed first time, satisfied) of the units
    /// in the best and the worst third by quality.
    fn best_and_worst(spread: f64) -> (f64, f64) {
        let config = CityConfig {
            days: 20,
            quality_spread: spread,
            ..CityConfig::default()
        };
        let g = CityGenerator::new(&config).unwrap();
        let mut by_quality: Vec<(f64, &str)> = g
            .city
            .profiles
            .iter()
            .map(|p| (p.quality, p.id.as_str()))
            .collect();
        by_quality.sort_by(|a, b| a.0.total_cmp(&b.0));
        let third = by_quality.len() / 3;
        let worst: Vec<&str> = by_quality[..third].iter().map(|x| x.1).collect();
        let best: Vec<&str> = by_quality[by_quality.len() - third..]
            .iter()
            .map(|x| x.1)
            .collect();
        let (mut good, mut total) = ([0usize; 2], [0usize; 2]);
        for t in g.tickets() {
            let mut lead = None;
            let mut ok = false;
            let mut trouble = false;
            for e in &t.events {
                match &e.body {
                    EventBody::Dispatched {
                        unit,
                        role: Role::Lead,
                    } => lead = Some(unit.0.clone()),
                    EventBody::Closed => ok = true,
                    EventBody::Reviewed { passed: false, .. } => trouble = true,
                    EventBody::CalledBack { satisfaction, .. } => {
                        trouble |= *satisfaction > Satisfaction::Satisfied
                            && *satisfaction != Satisfaction::Unreachable;
                    }
                    _ => {}
                }
            }
            let Some(lead) = lead else { continue };
            for (side, units) in [&best, &worst].into_iter().enumerate() {
                if units.contains(&lead.as_str()) {
                    total[side] += 1;
                    good[side] += usize::from(ok && !trouble);
                }
            }
        }
        (
            good[0] as f64 / total[0] as f64,
            good[1] as f64 / total[1] as f64,
        )
    }

    #[test]
    fn quality_spread_separates_units() {
        let (best, worst) = best_and_worst(1.0);
        assert!(best > worst + 0.05, "best {best:.3}, worst {worst:.3}");
        let g = CityGenerator::new(&CityConfig {
            quality_spread: 0.0,
            days: 1,
            ..CityConfig::default()
        })
        .unwrap();
        assert!(g.city.profiles.iter().all(|p| p.quality == 0.5));
    }
}
