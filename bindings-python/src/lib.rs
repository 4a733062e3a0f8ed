//! Python bindings of hotline-score: a thin layer that converts arguments, calls the core and
//! converts errors. Module names mirror the core's.

use pyo3::prelude::*;

mod errors;
mod instant;

/// The native module `hotline_score._native`; the public API is re-exported by `hotline_score`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    instant::register(m)?;
    Ok(())
}
