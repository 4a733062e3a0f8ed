//! `hotline_score.Policy`: time-limit policies (SPEC §4), built in or loaded from TOML / JSON.

use hotline_score::Policy as CorePolicy;
use pyo3::prelude::*;

use crate::convert::{config_text, path_in};
use crate::errors::enter;

/// A time-limit policy (时限): ordered rules giving each clock its limit.
#[pyclass(module = "hotline_score", frozen)]
pub struct Policy {
    pub inner: CorePolicy,
}

#[pymethods]
impl Policy {
    /// A built-in policy: `henan`, `guangdong`, `sichuan-2025`, `shandong`, `lvliang`.
    #[staticmethod]
    fn builtin(py: Python<'_>, name: &str) -> PyResult<Self> {
        Ok(Policy {
            inner: enter(py, || CorePolicy::builtin(name))?,
        })
    }

    /// The names of the built-in policies.
    #[staticmethod]
    fn builtin_names() -> Vec<&'static str> {
        hotline_score::policy::BUILTIN
            .iter()
            .map(|(n, _)| *n)
            .collect()
    }

    /// A policy from TOML text.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Ok(Policy {
            inner: enter(py, || CorePolicy::from_toml_str(text))?,
        })
    }

    /// A policy from JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Ok(Policy {
            inner: enter(py, || CorePolicy::from_json_str(text))?,
        })
    }

    /// A policy from a dict (the JSON form of a policy file).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: Bound<'_, PyAny>) -> PyResult<Self> {
        let text = config_text(py, &data, "data")?;
        Self::from_json(py, &text)
    }

    /// A policy from a file: `.json` (in any case) as JSON, anything else as TOML; read with its
    /// size limit (`FileError` when it cannot be read).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_in(&path)?;
        Ok(Policy {
            inner: enter(py, || CorePolicy::from_path(&path))?,
        })
    }

    /// The policy's short name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The policy as JSON (the core's serialization).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        enter(py, || self.inner.to_json_string())
    }

    fn __repr__(&self) -> String {
        format!("<hotline_score.Policy {}>", self.inner.name)
    }
}

/// Reads a `policy` argument: a `Policy`, or the name of a built-in one.
pub fn policy_in(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<CorePolicy> {
    if let Ok(p) = value.cast::<Policy>() {
        return Ok(p.get().inner.clone());
    }
    let name: String = value.extract()?;
    enter(py, || CorePolicy::builtin(&name))
}
