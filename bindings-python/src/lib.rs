//! Python bindings of hotline-score: a thin layer that converts arguments, calls the core and
//! converts errors. Module names mirror the core's.

#![deny(unsafe_code)]

use pyo3::prelude::*;

/// mimalloc for every allocation of the extension, core included: loading a large events table
/// makes millions of small allocations, where it is markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod arrow;
mod assignments;
mod board;
mod calendar;
mod convert;
mod errors;
mod formula;
mod instant;
mod metrics;
mod policy;
mod rows;
mod scheme;
mod synthetic;
mod ticket;
mod ticket_out;
mod vector;

/// The native module `hotline_score._native`; the public API is re-exported by `hotline_score`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    instant::register(m)?;
    m.add_class::<calendar::Calendar>()?;
    ticket::register(m)?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<metrics::Period>()?;
    m.add_class::<metrics::Evaluator>()?;
    m.add_class::<metrics::Partial>()?;
    m.add_class::<metrics::Metrics>()?;
    m.add_class::<metrics::Contributions>()?;
    m.add_class::<assignments::Assignments>()?;
    scheme::register(m)?;
    synthetic::register(m)?;
    board::register(m)?;
    formula::register(m)?;
    m.add_class::<arrow::export::Table>()?;
    m.add_class::<arrow::export::ArrowArray>()?;
    Ok(())
}
