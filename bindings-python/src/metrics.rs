//! Evaluation and base metrics (SPEC §3.3, §5): `Period`, `Evaluator` (calendar × policy ×
//! units), the mergeable `Partial` state, the `Metrics` table and ticket `Contributions`.

use std::collections::BTreeMap;

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, StringArray};
use hotline_score::clocks::Evaluator as CoreEvaluator;
use hotline_score::metrics::{
    Adjustment, Contribution, DueAnchor, MetricsTable, Partial as CorePartial, Scope,
    contributions, partial_batch_parallel, read_external,
};
use hotline_score::{Calendar as CoreCalendar, Instant, Period as CorePeriod, Unit, UnitId};
use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::arrow::export::Table;
use crate::assignments::Assignments;
use crate::calendar::Calendar;
use crate::convert::{json_arg, json_text, threads};
use crate::errors::{enter, input_error};
use crate::instant;
use crate::policy::policy_in;
use crate::ticket::{Tickets, units_in};

/// An assessment period `[start, end)` (epoch milliseconds) with a label.
#[pyclass(module = "hotline_score", frozen)]
#[derive(Clone)]
pub struct Period {
    pub inner: CorePeriod,
}

#[pymethods]
impl Period {
    /// A period over explicit instants; `end` must be after `start`.
    #[new]
    fn new(
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        end: Bound<'_, PyAny>,
        label: String,
    ) -> PyResult<Self> {
        let (s, e) = (instant::extract(py, &start)?, instant::extract(py, &end)?);
        Ok(Period {
            inner: enter(py, || CorePeriod::new(s, e, label))?,
        })
    }

    /// First instant (epoch ms).
    #[getter]
    fn start(&self) -> i64 {
        self.inner.start.millis()
    }

    /// First instant after the period (epoch ms).
    #[getter]
    fn end(&self) -> i64 {
        self.inner.end.millis()
    }

    /// The label (`2026-Q1`, `2026-03` …).
    #[getter]
    fn label(&self) -> String {
        self.inner.label.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Period {} [{}, {})>",
            self.inner.label,
            self.inner
                .start
                .format(hotline_score::instant::CHINA_OFFSET),
            self.inner.end.format(hotline_score::instant::CHINA_OFFSET)
        )
    }
}

/// Reads a `due_anchor` option (`"due_date"` or `"due_or_closed"`).
pub fn due_anchor_in(py: Python<'_>, text: &str) -> PyResult<DueAnchor> {
    DueAnchor::from_name(text).ok_or_else(|| {
        input_error(
            py,
            "invalid_option",
            "due_anchor",
            format!(
                "`due_anchor` must be one of {{\"due_date\", \"due_or_closed\"}}, got {text:?}"
            ),
        )
    })
}

/// Prepared evaluation: an office-hours calendar, a time-limit policy and the units table.
/// Build once, use for any number of tickets, periods and `as_of`s.
#[pyclass(module = "hotline_score", frozen)]
pub struct Evaluator {
    pub inner: Arc<CoreEvaluator>,
    pub units: Arc<Vec<Unit>>,
}

impl Evaluator {
    pub fn build(
        py: Python<'_>,
        units: Vec<Unit>,
        calendar: Option<&Bound<'_, Calendar>>,
        policy: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let cal = match calendar {
            Some(c) => c.get().inner.clone(),
            None => enter(py, CoreCalendar::prc)?,
        };
        let policy = policy_in(py, policy)?;
        // A units table with a duplicate or empty id is refused, as loading refuses it.
        let ev = enter(py, || {
            hotline_score::ticket::check_units(&units)?;
            Ok(CoreEvaluator::new(&cal, policy, &units))
        })?;
        Ok(Evaluator {
            inner: Arc::new(ev),
            units: Arc::new(units),
        })
    }

    /// The partial state of `tickets` for `scope` (GIL released).
    pub fn partial_inner(
        &self,
        py: Python<'_>,
        tickets: &Bound<'_, Tickets>,
        scope: &Scope,
    ) -> PyResult<CorePartial> {
        let tickets = tickets.get().set.clone();
        let ev = self.inner.clone();
        enter(py, || {
            partial_batch_parallel(tickets.batch(), &ev, scope, threads())
        })
    }

    /// The scope of a call's `period`, `as_of` and `due_anchor` arguments.
    pub(crate) fn scope(
        py: Python<'_>,
        period: &Bound<'_, Period>,
        as_of: &Bound<'_, PyAny>,
        due_anchor: &str,
    ) -> PyResult<Scope> {
        let as_of = instant::extract(py, as_of)?;
        Self::scope_of(py, period.get().inner.clone(), as_of, due_anchor)
    }

    /// The scope of `period` at `as_of` with the `due_anchor` argument.
    pub(crate) fn scope_of(
        py: Python<'_>,
        period: CorePeriod,
        as_of: Instant,
        due_anchor: &str,
    ) -> PyResult<Scope> {
        Ok(Scope {
            period,
            as_of,
            due_anchor: due_anchor_in(py, due_anchor)?,
        })
    }
}

#[pymethods]
impl Evaluator {
    /// `Evaluator(units, *, calendar=None, policy="henan")`: `calendar` defaults to the PRC
    /// calendar; `policy` is a `Policy` or a built-in policy name.
    #[new]
    #[pyo3(signature = (units, *, calendar=None, policy=None))]
    fn new(
        py: Python<'_>,
        units: Bound<'_, PyAny>,
        calendar: Option<Bound<'_, Calendar>>,
        policy: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let units = units_in(py, &units)?;
        let policy = match policy {
            Some(p) => p,
            None => "henan".into_pyobject(py)?.into_any(),
        };
        Self::build(py, units, calendar.as_ref(), &policy)
    }

    /// The units table the evaluator scores (`unit, group, name`), as given.
    #[getter]
    fn units(&self) -> PyResult<Table> {
        crate::synthetic::units_table(&self.units)
    }

    /// The partial state (integer counters per unit and role) of `tickets` for `period`,
    /// evaluated at `as_of`.
    #[pyo3(signature = (tickets, *, period, as_of, due_anchor="due_date"))]
    fn partial(
        &self,
        py: Python<'_>,
        tickets: Bound<'_, Tickets>,
        period: Bound<'_, Period>,
        as_of: Bound<'_, PyAny>,
        due_anchor: &str,
    ) -> PyResult<Partial> {
        let scope = Self::scope(py, &period, &as_of, due_anchor)?;
        let p = self.partial_inner(py, &tickets, &scope)?;
        Ok(Partial {
            inner: p,
            units: self.units.clone(),
        })
    }

    /// Every non-zero contribution of `unit`'s assignments to the period's counters, ticket by
    /// ticket (what explanations read).
    #[pyo3(signature = (tickets, unit, *, period, as_of, due_anchor="due_date"))]
    fn contributions(
        &self,
        py: Python<'_>,
        tickets: Bound<'_, Tickets>,
        unit: String,
        period: Bound<'_, Period>,
        as_of: Bound<'_, PyAny>,
        due_anchor: &str,
    ) -> PyResult<Contributions> {
        let scope = Self::scope(py, &period, &as_of, due_anchor)?;
        let tickets = tickets.get().set.clone();
        let ev = self.inner.clone();
        let unit = UnitId::from(unit);
        let list = enter(py, || contributions(tickets.held(), &ev, &scope, &unit))?;
        Ok(Contributions { inner: list })
    }

    /// Every assignment (ticket × unit × role) of `tickets` evaluated at `as_of`, in ticket
    /// then dispatch order, with its five clocks (start, due, finished, outcome, status …): a
    /// table, or the core's JSON.
    #[pyo3(signature = (tickets, *, as_of))]
    fn evaluate(
        &self,
        py: Python<'_>,
        tickets: Bound<'_, Tickets>,
        as_of: Bound<'_, PyAny>,
    ) -> PyResult<Assignments> {
        let as_of = instant::extract(py, &as_of)?;
        let tickets = tickets.get().set.clone();
        Assignments::evaluate(py, tickets, self.inner.clone(), as_of)
    }

    /// The open assignments (completion pending or overdue) at `as_of`: a `Report`
    /// (`.to_python()` gives a list of dicts; `unsigned` is true while the unit has not signed,
    /// `sign_due` is then its sign clock's due instant when it has a limit).
    fn open_assignments(
        &self,
        py: Python<'_>,
        tickets: Bound<'_, Tickets>,
        as_of: Bound<'_, PyAny>,
    ) -> PyResult<crate::scheme::Report> {
        let as_of = instant::extract(py, &as_of)?;
        let tickets = tickets.get().set.clone();
        let ev = self.inner.clone();
        let open = enter(py, || {
            hotline_score::metrics::open_assignments(tickets.held(), &ev, as_of)
        })?;
        crate::scheme::Report::of(py, &open)
    }
}

/// The mergeable per-unit integer state of a set of tickets (SPEC §5): merge shards in any
/// order, then `finalize`.
#[pyclass(module = "hotline_score", frozen)]
pub struct Partial {
    pub inner: CorePartial,
    pub units: Arc<Vec<Unit>>,
}

#[pymethods]
impl Partial {
    /// This state plus `other` (exact; any order gives the same result). Partials computed for
    /// another period, ``as_of`` or due anchor are refused (``invalid_partial`` on
    /// ``scope.<what>``).
    fn merge(&self, py: Python<'_>, other: &Partial) -> PyResult<Partial> {
        let mut inner = self.inner.clone();
        inner
            .merge(other.inner.clone())
            .map_err(|e| crate::errors::to_py(py, e))?;
        Ok(Partial {
            inner,
            units: self.units.clone(),
        })
    }

    /// The metrics table: every unit of the units table, plus external metrics
    /// (`{unit: {name: number or decimal string}}`) and manual adjustments (`[{unit, metric,
    /// amount, reason, approver}]`: each amount added to its unit's metric when scoring).
    #[pyo3(signature = (external=None, adjustments=None))]
    fn finalize(
        &self,
        py: Python<'_>,
        external: Option<Bound<'_, PyAny>>,
        adjustments: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Metrics> {
        let external = external_arg(py, external.as_ref())?;
        let mut table = self.inner.clone().finalize(&self.units, external);
        table.adjustments = adjustments_arg(py, adjustments.as_ref())?;
        Ok(Metrics {
            inner: Arc::new(table),
        })
    }

    /// The row form as a table: `unit`, then `lead_<counter>` and `assisting_<counter>` (int64).
    fn to_table(&self) -> PyResult<Table> {
        let rows = self.inner.to_rows();
        let names = CorePartial::columns();
        let mut columns: Vec<(&str, ArrayRef)> = Vec::with_capacity(names.len());
        let units: ArrayRef = Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(u, _)| u.as_str()),
        ));
        let mut iter = names.iter();
        if let Some(first) = iter.next() {
            columns.push((first.as_str(), units));
        }
        for (i, name) in iter.enumerate() {
            let col: ArrayRef = Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|(_, v)| v.get(i).copied().unwrap_or(0)),
            ));
            columns.push((name.as_str(), col));
        }
        Table::new(columns)
    }

    /// Reads the row form (a table with `unit` and every `lead_<counter>` /
    /// `assisting_<counter>` integer column, e.g. summed by SQL or Spark); rows of one unit add
    /// up. `units` is the units table (the scored units); `finalize` lists them and any other
    /// unit with counters, which scoring then refuses (`metrics_for_unknown_unit`).
    #[staticmethod]
    fn from_table(
        py: Python<'_>,
        table: Bound<'_, PyAny>,
        units: Bound<'_, PyAny>,
    ) -> PyResult<Partial> {
        let units = units_in(py, &units)?;
        if !crate::arrow::import::is_arrow(&table) {
            let (columns, rows) = partial_rows(py, &table)?;
            // An empty list (`to_table().to_pylist()` of an empty shard) has no columns to check.
            let inner = if rows.is_empty() {
                CorePartial::default()
            } else {
                enter(py, || CorePartial::from_rows(&columns, &rows))?
            };
            return Ok(Partial {
                inner,
                units: Arc::new(units),
            });
        }
        let t = crate::arrow::import::read_table(py, &table, "partial")?;
        let mut names = Vec::new();
        let mut unit_col = None;
        for (i, f) in t.schema.fields().iter().enumerate() {
            if f.name() == "unit" {
                unit_col = Some(i);
            } else {
                names.push((i, f.name().clone()));
            }
        }
        let Some(unit_col) = unit_col else {
            return Err(crate::errors::column_error(
                py,
                "missing_column",
                "unit",
                "partial table has no column `unit` (expected string)".to_owned(),
            ));
        };
        let mut rows: Vec<(UnitId, Vec<i64>)> = Vec::new();
        for batch in &t.batches {
            let mut ids = Vec::with_capacity(batch.num_rows());
            crate::arrow::cells::push_text(
                batch.column(unit_col).as_ref(),
                crate::arrow::cells::Expect::Id,
                &mut ids,
            )
            .map_err(|_| {
                crate::errors::column_error(
                    py,
                    "invalid_column_type",
                    "unit",
                    "partial table: column `unit` must hold strings".to_owned(),
                )
            })?;
            let mut cols = Vec::with_capacity(names.len());
            for (i, name) in &names {
                let col = batch.column(*i);
                let Some(values) = counter_cells(col.as_ref()) else {
                    return Err(crate::errors::column_error(
                        py,
                        "invalid_column_type",
                        name,
                        format!(
                            "partial table: column `{name}` has Arrow type {}; expected int64 \
                             (or a decimal without fraction digits, as SQL's SUM gives)",
                            col.data_type()
                        ),
                    ));
                };
                cols.push(values);
            }
            for (r, id) in ids.into_iter().enumerate() {
                let row_number = rows.len();
                let unit = id.unwrap_or_default();
                let mut row = Vec::with_capacity(cols.len());
                for (c, (_, name)) in cols.iter().zip(&names) {
                    match c.get(r).copied().flatten() {
                        Some(Ok(v)) => row.push(v),
                        fault => {
                            let what = if fault.is_none() {
                                "is empty (null); a counter is a whole number, 0 when none \
                                 (an outer join or a union with missing columns leaves nulls)"
                            } else {
                                "has fraction digits or does not fit in 64 bits"
                            };
                            return Err(crate::errors::raise(
                                py,
                                "DataError",
                                &format!(
                                    "partial table row {row_number} (unit `{unit}`), column \
                                     `{name}` {what}"
                                ),
                                crate::errors::Fields {
                                    code: "invalid_cell_type",
                                    field: Some(name.clone()),
                                    row: Some(row_number),
                                    ..Default::default()
                                },
                            ));
                        }
                    }
                }
                rows.push((UnitId::from(unit), row));
            }
        }
        let columns: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
        let inner = enter(py, || CorePartial::from_rows(&columns, &rows))?;
        Ok(Partial {
            inner,
            units: Arc::new(units),
        })
    }

    /// Reads the JSON form (`to_json()`'s text, or the same as a dict): errors name the
    /// column (`lead_due`) and the unit. `units` is the units table `finalize` will list.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        data: Bound<'_, PyAny>,
        units: Bound<'_, PyAny>,
    ) -> PyResult<Partial> {
        let units = units_in(py, &units)?;
        let text = json_text(py, &data, "data")?;
        let inner = enter(py, || CorePartial::from_json(&text))?;
        Ok(Partial {
            inner,
            units: Arc::new(units),
        })
    }

    /// Units with at least one non-zero counter.
    fn __len__(&self) -> usize {
        self.inner.units.len()
    }

    /// The state as JSON (the core's serialization).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// A counter column's cells: `None` for a null cell, `Err` for a decimal with fraction digits
/// or past 64 bits; `None` for a column of another type. Int64, and decimals without fraction
/// digits (SQL's `SUM` of a BIGINT column is a DECIMAL(38, 0) in DuckDB and Postgres).
#[allow(clippy::type_complexity)]
fn counter_cells(col: &dyn arrow_array::Array) -> Option<Vec<Option<Result<i64, ()>>>> {
    use arrow_array::{Decimal128Array, Decimal256Array};
    let any = col.as_any();
    match col.data_type() {
        arrow_schema::DataType::Int64 => any
            .downcast_ref::<Int64Array>()
            .map(|a| a.iter().map(|v| v.map(Ok)).collect()),
        arrow_schema::DataType::Decimal128(_, 0) => {
            any.downcast_ref::<Decimal128Array>().map(|a| {
                a.iter()
                    .map(|v| v.map(|v| i64::try_from(v).map_err(|_| ())))
                    .collect()
            })
        }
        arrow_schema::DataType::Decimal256(_, 0) => {
            any.downcast_ref::<Decimal256Array>().map(|a| {
                a.iter()
                    .map(|v| v.map(|v| v.to_i128().and_then(|v| i64::try_from(v).ok()).ok_or(())))
                    .collect()
            })
        }
        _ => None,
    }
}

/// The row form of a partial state from a list of dicts (`unit`, then integer counters, every
/// row with the first row's columns; `None` is refused): the counter columns in the first row's
/// order, and the rows.
#[allow(clippy::type_complexity)]
fn partial_rows(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
) -> PyResult<(Vec<String>, Vec<(UnitId, Vec<i64>)>)> {
    use pyo3::types::{PyDict, PyString};
    if table.is_instance_of::<PyString>() || table.is_instance_of::<PyDict>() {
        return Err(input_error(
            py,
            "invalid_table",
            "partial",
            "`table` must be an Arrow table (pyarrow, polars, pandas >= 2.2 …) or a list of dicts"
                .to_owned(),
        ));
    }
    let cell_error = |row: usize, column: &str, message: String| {
        crate::errors::raise(
            py,
            "DataError",
            &message,
            crate::errors::Fields {
                code: "invalid_cell_type",
                field: Some(column.to_owned()),
                row: Some(row),
                ..Default::default()
            },
        )
    };
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<(UnitId, Vec<i64>)> = Vec::new();
    for (r, item) in table.try_iter()?.enumerate() {
        let item = item?;
        let dict = item.cast::<PyDict>().map_err(|_| {
            input_error(
                py,
                "invalid_table",
                "partial",
                format!("partial table row {r}: expected a dict"),
            )
        })?;
        let mut unit = None;
        let mut values = vec![0i64; columns.len()];
        let mut seen = vec![false; columns.len()];
        for (k, v) in crate::convert::entries(dict)? {
            let key: String = k.extract()?;
            if key == "unit" {
                let id = if let Ok(s) = v.cast::<PyString>() {
                    s.to_cow()?.into_owned()
                } else if v.is_instance_of::<pyo3::types::PyInt>()
                    && !v.is_instance_of::<pyo3::types::PyBool>()
                {
                    v.str()?.to_cow()?.into_owned()
                } else {
                    return Err(cell_error(
                        r,
                        "unit",
                        format!("partial table row {r}, column `unit`: expected a string"),
                    ));
                };
                unit = Some(id);
                continue;
            }
            let n = if crate::convert::is_missing(&v)? {
                return Err(cell_error(
                    r,
                    &key,
                    format!(
                        "partial table row {r}, column `{key}` is empty (None); a counter is a \
                         whole number, 0 when none"
                    ),
                ));
            } else if v.is_instance_of::<pyo3::types::PyBool>() {
                return Err(cell_error(
                    r,
                    &key,
                    format!(
                        "partial table row {r}, column `{key}`: expected an integer, got a bool"
                    ),
                ));
            } else {
                whole_number(&v).ok_or_else(|| {
                    cell_error(
                        r,
                        &key,
                        format!("partial table row {r}, column `{key}`: expected an integer"),
                    )
                })?
            };
            let i = match columns.iter().position(|c| *c == key) {
                Some(i) => i,
                None if r == 0 => {
                    columns.push(key);
                    values.push(0);
                    seen.push(false);
                    columns.len() - 1
                }
                // Every row has the first row's columns (a catalog column missing from every
                // row is the core's `missing column`).
                None => {
                    return Err(crate::errors::column_error(
                        py,
                        "unknown_column",
                        &key,
                        format!("partial table row {r} has column `{key}`, which row 0 has not"),
                    ));
                }
            };
            if let Some(slot) = values.get_mut(i) {
                *slot = n;
            }
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
        if let Some(missing) = columns.iter().zip(&seen).find(|(_, s)| !**s) {
            return Err(crate::errors::raise(
                py,
                "DataError",
                &format!("partial table row {r} has no `{}`", missing.0),
                crate::errors::Fields {
                    code: "missing_column",
                    field: Some(missing.0.clone()),
                    row: Some(r),
                    ..Default::default()
                },
            ));
        }
        let Some(unit) = unit else {
            return Err(crate::errors::column_error(
                py,
                "missing_column",
                "unit",
                format!("partial table row {r} has no `unit`"),
            ));
        };
        if r == 0 {
            // The first row sets the columns: one that is not the catalog's is refused here,
            // not as missing from the next row.
            enter(py, || CorePartial::from_rows(&columns, &[]))?;
        }
        rows.push((UnitId::from(unit), values));
    }
    Ok((columns, rows))
}

/// The `external` argument (`{unit: {name: number or decimal string}}`, or none) read exactly:
/// floats refused, errors `invalid_external` naming the unit and the metric.
pub(crate) fn external_arg(
    py: Python<'_>,
    external: Option<&Bound<'_, PyAny>>,
) -> PyResult<BTreeMap<UnitId, BTreeMap<String, Decimal>>> {
    let Some(e) = external else {
        return Ok(BTreeMap::new());
    };
    refuse_floats(py, e)?;
    let text = json_text(py, e, "external")?;
    let mut de = serde_json::Deserializer::from_str(&text);
    read_external(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|err| {
            input_error(
                py,
                "invalid_external",
                "external",
                format!("`external`: {err}"),
            )
        })
}

/// The `adjustments` argument (a sequence of `{unit, metric, amount, reason, approver}` dicts,
/// or none), each read by [`adjustment_in`] as `adjustments[i]`. Reasons and approvers are
/// checked when scoring (`invalid_adjustment`).
pub(crate) fn adjustments_arg(
    py: Python<'_>,
    adjustments: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Adjustment>> {
    let Some(list) = adjustments else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in list.try_iter()?.enumerate() {
        out.push(adjustment_in(py, &item?, &format!("adjustments[{i}]"))?);
    }
    Ok(out)
}

/// One adjustment dict (`what`: its name in errors): the amount exact (a float refused,
/// `invalid_value` naming `<what>.amount`), another shape `invalid_external` naming `what`.
pub(crate) fn adjustment_in(
    py: Python<'_>,
    item: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<Adjustment> {
    refuse_float_amount(py, item, what)?;
    let text = json_text(py, item, what)?;
    serde_json::from_str(&text)
        .map_err(|err| input_error(py, "invalid_external", what, format!("`{what}`: {err}")))
}

/// Refuses a `float` amount in an adjustment mapping (`what`: its name in errors).
fn refuse_float_amount(py: Python<'_>, item: &Bound<'_, PyAny>, what: &str) -> PyResult<()> {
    if let Ok(item) = item.cast::<pyo3::types::PyMapping>()
        && let Ok(amount) = item.get_item("amount")
    {
        crate::convert::refuse_float(py, &amount, &format!("{what}.amount"))?;
    }
    Ok(())
}

/// Refuses a `float` amount in a sequence of adjustment mappings (`adjustments[i].amount`).
fn refuse_float_amounts(py: Python<'_>, list: &Bound<'_, PyAny>) -> PyResult<()> {
    if list.is_instance_of::<pyo3::types::PyString>()
        || list.cast::<pyo3::types::PyMapping>().is_ok()
    {
        return Ok(());
    }
    let Ok(items) = list.try_iter() else {
        return Ok(());
    };
    for (i, item) in items.enumerate() {
        refuse_float_amount(py, &item?, &format!("adjustments[{i}]"))?;
    }
    Ok(())
}

/// Refuses a `float` among the values of an external-metrics dict (`{unit: {name: value}}`), as
/// `Board.set_external` and every other exact input do (`invalid_value` naming
/// `external.<unit>.<name>`): JSON would carry `0.1` as the nearest double's shortest digits.
fn refuse_floats(py: Python<'_>, external: &Bound<'_, PyAny>) -> PyResult<()> {
    let Ok(units) = external.cast::<pyo3::types::PyDict>() else {
        return Ok(());
    };
    for (unit, values) in crate::convert::entries(units)? {
        let Ok(values) = values.cast::<pyo3::types::PyDict>() else {
            continue;
        };
        for (name, value) in crate::convert::entries(values)? {
            // (The name is written out only for a float.)
            if value.is_instance_of::<pyo3::types::PyFloat>() {
                let what = format!("external.{}.{}", unit.str()?, name.str()?);
                crate::convert::refuse_float(py, &value, &what)?;
            }
        }
    }
    Ok(())
}

/// An `int`, or a whole `decimal.Decimal` (what SQL's `SUM` gives through Postgres drivers),
/// as an `i64`.
fn whole_number(v: &Bound<'_, PyAny>) -> Option<i64> {
    if let Ok(n) = v.extract::<i64>() {
        return Some(n);
    }
    let decimal = v.py().import("decimal").ok()?.getattr("Decimal").ok()?;
    if !v.is_instance(&decimal).ok()? {
        return None;
    }
    let (n, d): (Bound<'_, PyAny>, i64) =
        v.call_method0("as_integer_ratio").ok()?.extract().ok()?;
    (d == 1).then(|| n.extract::<i64>().ok()).flatten()
}

/// A per-unit metrics table (counters per role, and external metrics): what schemes score.
#[pyclass(module = "hotline_score", frozen)]
pub struct Metrics {
    pub inner: Arc<MetricsTable>,
}

#[pymethods]
impl Metrics {
    /// A metrics table from its JSON form (`{"units": {id: {"lead": {counter: n}, "assisting":
    /// {…}}}, "external": {id: {name: "decimal"}}}`), as text or a dict.
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(table) = data.cast::<pyo3::types::PyDict>() {
            if let Some(external) = table.get_item("external")? {
                refuse_floats(py, &external)?;
            }
            if let Some(adjustments) = table.get_item("adjustments")? {
                refuse_float_amounts(py, &adjustments)?;
            }
        }
        let inner: MetricsTable = json_arg(
            py,
            &data,
            "metrics",
            "invalid_metrics",
            "not a metrics table",
        )?;
        Ok(Metrics {
            inner: Arc::new(inner),
        })
    }

    /// The table as JSON (the core's serialization).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.as_ref())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    /// Number of units.
    fn __len__(&self) -> usize {
        self.inner.units.len()
    }
}

/// Per-ticket contributions to counters (`ticket_id, unit, role, counter, amount`).
#[pyclass(module = "hotline_score", frozen)]
pub struct Contributions {
    pub inner: Vec<Contribution>,
}

#[pymethods]
impl Contributions {
    /// From dicts with keys `ticket_id, unit, role, counter, amount`.
    #[staticmethod]
    fn from_list(py: Python<'_>, rows: Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(py, &rows, "contributions")?;
        let inner: Vec<Contribution> = serde_json::from_str(&text).map_err(|e| {
            input_error(
                py,
                "invalid_contributions",
                "contributions",
                format!("contributions: {e}"),
            )
        })?;
        Ok(Contributions { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// As a table.
    fn to_table(&self) -> PyResult<Table> {
        let c = &self.inner;
        let text = |f: fn(&Contribution) -> String| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(c.iter().map(f)))
        };
        Table::new(vec![
            ("ticket_id", text(|x| x.ticket_id.clone())),
            ("unit", text(|x| x.unit.to_string())),
            ("role", text(|x| x.role.name().to_owned())),
            ("counter", text(|x| x.counter.name().to_owned())),
            (
                "amount",
                Arc::new(Int64Array::from_iter_values(c.iter().map(|x| x.amount))),
            ),
        ])
    }
}
