//! `synthetic_city(...)`: the core's seeded synthetic city (units, tickets with full event flows).

use std::sync::Arc;

use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::Loaded;
use pyo3::prelude::*;

use crate::arrow::export::Table;
use crate::convert::date_in;
use crate::errors::enter;
use crate::ticket::Tickets;

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
#[pyo3(signature = (*, seed=12345, start="2026-01-01", days=90, units=60,
    tickets_per_day=900, quality_spread=0.6))]
fn synthetic_city<'py>(
    py: Python<'py>,
    seed: u64,
    start: &str,
    days: u32,
    units: usize,
    tickets_per_day: u32,
    quality_spread: f64,
) -> PyResult<(Tickets, Table, i64)> {
    let start_obj = start.into_pyobject(py)?.into_any();
    let config = CityConfig {
        seed,
        start: date_in(py, &start_obj, "start")?,
        days,
        units,
        tickets_per_day,
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
