//! The synthetic city generator (seeded, deterministic): units, valid tickets and the snapshot
//! instant, for demos, tests and benchmarks.

use hotline_score::synthetic::{CityConfig as CoreConfig, SyntheticCity};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{Keys, Opts, optional_owned};
use crate::errors::{Fallible, bad_arg, count, enter, whole};
use crate::instant::parse_date;
use crate::task::Work;
use crate::ticket::{Tickets, Unit};

/// Parameters of a synthetic city (defaults: 2026-Q1, 90 days, 60 units, 900 tickets a day,
/// quality spread 0.6, seed 12345).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct CityConfig {
    /// Seed of every random choice: a whole number ≥ 0, as a number up to 2^53 − 1 or a
    /// `BigInt` up to 2^64 − 1 (the CLI and Python take any 64-bit seed).
    #[napi(ts_type = "number | bigint")]
    pub seed: Option<Either<f64, BigInt>>,
    /// First day, `YYYY-MM-DD` (+08:00).
    pub start: Option<String>,
    /// Number of days of tickets.
    pub days: Option<f64>,
    /// Number of units (at least 1).
    pub units: Option<f64>,
    /// Average tickets per day.
    pub tickets_per_day: Option<f64>,
    /// How much units differ in quality, in [0, 1].
    pub quality_spread: Option<f64>,
}

impl Keys for CityConfig {
    const FIELD: &'static str = "config";
    const KEYS: &'static [&'static str] = &[
        "seed",
        "start",
        "days",
        "units",
        "ticketsPerDay",
        "qualitySpread",
    ];
}

fn config(c: Option<Opts<CityConfig>>) -> Fallible<CoreConfig> {
    let c = optional_owned(c)?.unwrap_or_default();
    let mut out = CoreConfig::default();
    let bad_seed = || {
        bad_arg(
            "seed",
            "`seed` must be a whole number ≥ 0: a number up to 2^53 − 1, or a BigInt up to \
             2^64 − 1",
        )
    };
    match c.seed {
        None => {}
        Some(Either::A(s)) => {
            out.seed = whole("seed", s)
                .ok()
                .and_then(|s| u64::try_from(s).ok())
                .ok_or_else(bad_seed)?;
        }
        Some(Either::B(b)) => {
            let (negative, value, lossless) = b.get_u64();
            if negative || !lossless {
                return Err(bad_seed());
            }
            out.seed = value;
        }
    }
    if let Some(s) = &c.start {
        out.start = parse_date(s)?;
    }
    if let Some(d) = c.days {
        out.days = count("days", d)?;
    }
    if let Some(u) = c.units {
        out.units = count("units", u)? as usize;
    }
    if let Some(t) = c.tickets_per_day {
        out.tickets_per_day = count("ticketsPerDay", t)?;
    }
    if let Some(q) = c.quality_spread {
        out.quality_spread = q;
    }
    Ok(out)
}

/// A generated city.
#[napi]
pub struct City {
    units: Vec<Unit>,
    tickets: Tickets,
    as_of: i64,
}

impl City {
    fn of(city: SyntheticCity) -> Self {
        City {
            units: city
                .units
                .iter()
                .map(|u| Unit {
                    unit: u.id.to_string().into(),
                    group: u.group.clone(),
                    name: Some(u.name.clone()),
                })
                .collect(),
            as_of: city.as_of.millis(),
            tickets: Tickets::valid(city.tickets),
        }
    }
}

#[napi]
impl City {
    /// The units table.
    #[napi(getter, catch_unwind)]
    pub fn units(&self) -> Vec<Unit> {
        self.units.clone()
    }

    /// The snapshot instant (midnight after the last day; every event is before it).
    #[napi(getter, catch_unwind)]
    pub fn as_of(&self) -> i64 {
        self.as_of
    }

    /// The tickets (each valid under strict validation), day after day (within a day by id, not by receipt time).
    #[napi(getter, catch_unwind)]
    pub fn tickets(&self) -> Tickets {
        self.tickets.share()
    }
}

fn city_js(env: &Env, city: SyntheticCity) -> Result<Unknown<'_>> {
    Ok(City::of(city).into_instance(env)?.to_unknown())
}

/// Generates a synthetic city off the JavaScript thread.
#[napi(catch_unwind, ts_return_type = "Promise<City>")]
pub fn synthetic_city(
    #[napi(ts_arg_type = "CityConfig | undefined | null")] config: Option<Opts<CityConfig>>,
) -> AsyncTask<Work<SyntheticCity>> {
    Work::after(
        self::config(config),
        |c| Ok(SyntheticCity::generate(&c)?),
        city_js,
    )
    .spawn()
}

/// `syntheticCity` on the JavaScript thread.
#[napi(catch_unwind)]
pub fn synthetic_city_sync(
    env: Env,
    #[napi(ts_arg_type = "CityConfig | undefined | null")] config: Option<Opts<CityConfig>>,
) -> Result<City> {
    enter(&env, || {
        let c = self::config(config)?;
        Ok(City::of(SyntheticCity::generate(&c)?))
    })
}
