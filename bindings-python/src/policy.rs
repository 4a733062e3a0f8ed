//! `hotline_score.Policy`: time-limit policies (SPEC §4), built in or loaded from TOML / JSON.

use hotline_score::Policy as CorePolicy;
use pyo3::prelude::*;

use crate::convert::{config_text, path_in};
use crate::errors::{Fields, enter, raise};

/// A time-limit policy (时限): ordered rules giving each clock its limit.
#[pyclass(module = "hotline_score", frozen)]
pub struct Policy {
    pub inner: CorePolicy,
}

/// Reads a file as UTF-8 text (a `PolicyError` / `SchemeError` is raised by the loader that
/// follows). A file that cannot be read is an `OSError`; one that is not UTF-8 (a GBK file
/// saved by Excel) is an exception of class `class` (`PolicyError`, `SchemeError`) with code
/// `code`, the path as `field`, and the line and column of the first byte that is not UTF-8.
pub fn read_text(
    py: Python<'_>,
    path: &std::path::Path,
    class: &str,
    code: &'static str,
) -> PyResult<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        pyo3::exceptions::PyOSError::new_err(format!("cannot read {}: {e}", path.display()))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..good).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = std::str::from_utf8(before.get(start..).unwrap_or_default())
            .map_or(1, |t| t.chars().count() + 1);
        let fields = Fields {
            code,
            field: Some(path.display().to_string()),
            line: u32::try_from(line).ok(),
            column: u32::try_from(column).ok(),
            ..Fields::default()
        };
        raise(
            py,
            class,
            &format!(
                "{}: not UTF-8 text (line {line}, column {column}); policy and scheme files are \
                 UTF-8: re-save it as UTF-8 (a GBK/GB18030 file, e.g. from Excel, can be converted \
                 with `iconv -f gb18030 -t utf-8`)",
                path.display()
            ),
            fields,
        )
    })
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

    /// A policy from a `.toml` or `.json` file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_in(&path)?;
        let text = read_text(py, &path, "PolicyError", "invalid_encoding")?;
        if path.extension().is_some_and(|e| e == "json") {
            Self::from_json(py, &text)
        } else {
            Self::from_toml(py, &text)
        }
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
