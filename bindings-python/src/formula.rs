//! `hotline_score.Formula`: the scheme formula language (SPEC §6.1), compiled against a
//! vocabulary of names and evaluated on values — for exploring indicator formulas and what-ifs.

use hotline_score::formula::{Formula as CoreFormula, MapResolver, Value, ValueType};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

use crate::errors::{Fields, input_error, raise};

/// A compiled formula.
#[pyclass(module = "hotline_score", frozen)]
pub struct Formula {
    inner: CoreFormula,
    names: Vec<String>,
}

fn type_in(py: Python<'_>, text: &str, what: &str) -> PyResult<ValueType> {
    match text {
        "number" => Ok(ValueType::Number),
        "bool" => Ok(ValueType::Bool),
        other => Err(input_error(
            py,
            "invalid_option",
            what,
            format!("`{what}` must be \"number\" or \"bool\", got {other:?}"),
        )),
    }
}

/// A Python value as a formula value: `None` → no data, `bool`, or a number (`Decimal`, `int`,
/// or a decimal string; floats are refused: exact decimals only).
fn value_in(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_none() {
        return Ok(Value::NoData);
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(v.extract()?));
    }
    crate::convert::decimal_in(py, v, name).map(Value::Number)
}

fn value_out<'py>(py: Python<'py>, v: Value) -> PyResult<Bound<'py, PyAny>> {
    match v {
        Value::NoData => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(d) => py
            .import("decimal")?
            .getattr("Decimal")?
            .call1((d.normalize().to_string(),)),
    }
}

#[pymethods]
impl Formula {
    /// Compiles `source` against `names` (`{name: "number" | "bool"}`); the result must have type
    /// `result`. Every problem is reported at once in a `SchemeError` (`code`
    /// `"formula_invalid"`, `problems`: dicts with `code, message, line, column, suggestion`).
    #[new]
    #[pyo3(signature = (source, names, *, result="number"))]
    fn new(py: Python<'_>, source: &str, names: Bound<'_, PyDict>, result: &str) -> PyResult<Self> {
        let expected = type_in(py, result, "result")?;
        let mut vocabulary = Vec::with_capacity(names.len());
        for (k, v) in names.iter() {
            let name: String = k.extract()?;
            let t: String = v.extract()?;
            vocabulary.push((name.clone(), type_in(py, &t, &name)?));
        }
        let order: Vec<String> = vocabulary.iter().map(|(n, _)| n.clone()).collect();
        let resolver = MapResolver::new(vocabulary);
        match CoreFormula::compile(source, &resolver, expected) {
            Ok(inner) => Ok(Formula {
                inner,
                names: order,
            }),
            Err(problems) => {
                let first = problems.first();
                let message = problems
                    .iter()
                    .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                let err = raise(
                    py,
                    "SchemeError",
                    &format!("invalid formula: {message}"),
                    Fields {
                        code: "formula_invalid",
                        line: first.map(|p| p.line),
                        column: first.map(|p| p.column),
                        ..Fields::default()
                    },
                );
                let list = pyo3::types::PyList::empty(py);
                for p in &problems {
                    let d = PyDict::new(py);
                    d.set_item("code", p.code)?;
                    d.set_item("message", &p.message)?;
                    d.set_item("line", p.line)?;
                    d.set_item("column", p.column)?;
                    d.set_item("suggestion", p.suggestion.as_deref())?;
                    list.append(d)?;
                }
                err.value(py).setattr("problems", list)?;
                Err(err)
            }
        }
    }

    /// Evaluates with `values` (`{name: Decimal | int | str | bool | None}`; a missing name is
    /// no data): a `Decimal`, a `bool`, or `None` for no data.
    fn eval<'py>(
        &self,
        py: Python<'py>,
        values: Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut slots = Vec::with_capacity(self.names.len());
        for name in &self.names {
            slots.push(match values.get_item(name)? {
                Some(v) => value_in(py, name, &v)?,
                None => Value::NoData,
            });
        }
        value_out(py, self.inner.eval(&slots))
    }

    /// The source text.
    #[getter]
    fn source(&self) -> String {
        self.inner.source().to_owned()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Formula>()?;
    Ok(())
}
