//! `synthetic_city(...)`: the core's seeded synthetic city (units, tickets with full event flows).

use std::sync::Arc;

use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::Loaded;
use pyo3::prelude::*;

use crate::arrow::export::Table;
use crate::convert::{Bounded, date_in, int_in};
use crate::errors::enter;
use crate::ticket::Tickets;

fn spread_error(py: Python<'_>) -> PyErr {
    crate::errors::input_error(
        py,
        "invalid_argument",
        "quality_spread",
        "`quality_spread` must be a number between 0 and 1".to_owned(),
    )
}

/// The units of a city as a table (`unit, group, name`).
pub fn units_table(units: &[hotline_score::Unit]) -> PyResult<Table> {
    use arrow_array::{ArrayRef, StringArray};
    let col = |f: fn(&hotline_score::Unit) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(units.iter().map(f)))
    };
    Table::new(vec![
        ("unit", col(|u| u.id.as_str())),
        ("group", col(|u| &u.group)),
        ("name", col(|u| &u.name)),
    ])
}

/// A synthetic city: `(tickets, units, as_of)`; tickets are valid and carry the units table.
#[pyfunction]
#[pyo3(signature = (*, seed=None, start=None, days=None, units=None,
    tickets_per_day=None, quality_spread=None),
    text_signature = "(*, seed=12345, start=\"2026-01-01\", days=90, units=60, tickets_per_day=900, quality_spread=0.6)")]
fn synthetic_city<'py>(
    py: Python<'py>,
    seed: Option<Bound<'py, PyAny>>,
    start: Option<Bound<'py, PyAny>>,
    days: Option<Bound<'py, PyAny>>,
    units: Option<Bound<'py, PyAny>>,
    tickets_per_day: Option<Bound<'py, PyAny>>,
    quality_spread: Option<Bound<'py, PyAny>>,
) -> PyResult<(Tickets, Table, i64)> {
    // Whole numbers are read here, so that a negative or huge one is an `InputError` naming
    // the argument (defaults: those of the text signature).
    fn whole<T: TryFrom<i128> + Bounded>(
        py: Python<'_>,
        v: Option<Bound<'_, PyAny>>,
        what: &str,
        default: T,
    ) -> PyResult<T> {
        v.map_or(Ok(default), |v| int_in(py, &v, what))
    }
    let defaults = CityConfig::default();
    // `start`: a date, or its `YYYY-MM-DD` text; `quality_spread`: a number (an `InputError`
    // naming the argument otherwise, not a bare `TypeError`).
    let start = match start {
        Some(s) => date_in(py, &s, "start")?,
        None => defaults.start,
    };
    let quality_spread = match quality_spread {
        Some(q) if !q.is_instance_of::<pyo3::types::PyString>() => {
            q.extract::<f64>().map_err(|_| spread_error(py))?
        }
        Some(_) => return Err(spread_error(py)),
        None => defaults.quality_spread,
    };
    let config = CityConfig {
        seed: whole(py, seed, "seed", defaults.seed)?,
        start,
        days: whole(py, days, "days", defaults.days)?,
        units: whole(py, units, "units", defaults.units)?,
        tickets_per_day: whole(
            py,
            tickets_per_day,
            "tickets_per_day",
            defaults.tickets_per_day,
        )?,
        quality_spread,
    };
    let city = enter(py, || SyntheticCity::generate(&config))?;
    let table = units_table(&city.units)?;
    let loaded = Loaded {
        tickets: city.tickets,
        diagnostics: Vec::new(),
    };
    Ok((
        Tickets::new(loaded, Some(city.units)),
        table,
        city.as_of.millis(),
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(synthetic_city, m)?)?;
    Ok(())
}
