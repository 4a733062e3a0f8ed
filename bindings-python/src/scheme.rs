//! Scoring schemes (SPEC §6–§7): `Scheme`, `Scores`, explanations, warnings and sanctions.
//! JSON outputs are the core's `serde_json` bytes; tables carry exact decimals as Arrow
//! `decimal128`.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, Int64Array, StringArray};
use hotline_score::Unit;
use hotline_score::metrics::{MetricsTable, Scope, partial_batch_parallel};
use hotline_score::scheme::{
    Component, IndicatorLabel, Scheme as CoreScheme, Scorecard, Scores as CoreScores,
};
use hotline_score::unit::UnitId;
use pyo3::prelude::*;
use pyo3::types::PyString;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::arrow::export::Table;
use crate::convert::{config_text, json_arg, json_out, json_text, path_in, threads};
use crate::errors::{enter, input_error};
use crate::instant;
use crate::metrics::{Contributions, Evaluator, Metrics, Period};
use crate::ticket::{Tickets, units_in};

/// A result the core serializes: `to_json()` gives its exact bytes, `to_python()` the parsed
/// value (lists and dicts).
#[pyclass(module = "hotline_score", frozen)]
pub struct Report {
    json: String,
}

impl Report {
    /// The report of `value` (its core JSON, serialized with the GIL released).
    pub fn of<T: Serialize + Sync + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Report> {
        Ok(Report {
            json: json_out(py, value)?,
        })
    }
}

#[pymethods]
impl Report {
    /// The core's JSON, byte for byte.
    fn to_json(&self) -> String {
        self.json.clone()
    }

    /// The parsed JSON (`json.loads(self.to_json())`).
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?
            .call_method1("loads", (self.json.as_str(),))
    }
}

/// A scoring scheme (考核方案), validated and compiled.
#[pyclass(module = "hotline_score", frozen)]
pub struct Scheme {
    pub inner: Arc<CoreScheme>,
}

fn wrap(
    py: Python<'_>,
    f: impl FnOnce() -> hotline_score::Result<CoreScheme> + Send,
) -> PyResult<Scheme> {
    Ok(Scheme {
        inner: Arc::new(enter(py, f)?),
    })
}

/// Reads a `scheme` argument: a `Scheme` or a preset name.
pub fn scheme_in(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Arc<CoreScheme>> {
    if let Ok(s) = value.cast::<Scheme>() {
        return Ok(s.get().inner.clone());
    }
    let name: String = value.extract()?;
    Ok(Arc::new(enter(py, || CoreScheme::preset(&name))?))
}

/// `period`, or by default the scheme's period containing `as_of`.
pub fn period_or(
    py: Python<'_>,
    scheme: &CoreScheme,
    period: Option<Bound<'_, Period>>,
    as_of: hotline_score::Instant,
) -> PyResult<hotline_score::Period> {
    match period {
        Some(p) => Ok(p.get().inner.clone()),
        None => enter(py, || scheme.period_at(as_of)),
    }
}

fn metrics_in(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Arc<MetricsTable>> {
    if let Ok(m) = value.cast::<Metrics>() {
        return Ok(m.get().inner.clone());
    }
    Metrics::from_dict_inner(py, value)
}

impl Metrics {
    fn from_dict_inner(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Arc<MetricsTable>> {
        let text = json_text(py, value, "metrics")?;
        serde_json::from_str(&text).map(Arc::new).map_err(|e| {
            input_error(
                py,
                "invalid_metrics",
                "metrics",
                format!("metrics table: {e}"),
            )
        })
    }
}

#[pymethods]
impl Scheme {
    /// A built-in preset: `sanmenxia`, `lianyungang-2022`, `three-rates`.
    #[staticmethod]
    fn preset(py: Python<'_>, name: &str) -> PyResult<Self> {
        wrap(py, || CoreScheme::preset(name))
    }

    /// The names of the presets.
    #[staticmethod]
    fn preset_names() -> Vec<&'static str> {
        hotline_score::scheme::PRESETS
            .iter()
            .map(|(n, _)| *n)
            .collect()
    }

    /// A scheme from TOML text.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        wrap(py, || CoreScheme::from_toml(text))
    }

    /// A scheme from JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        wrap(py, || CoreScheme::from_json(text))
    }

    /// A scheme from a dict (the JSON form of a scheme file).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: Bound<'_, PyAny>) -> PyResult<Self> {
        if data.is_instance_of::<PyString>() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "`data` must be a dict; use Scheme.from_toml / from_json for text",
            ));
        }
        let text = config_text(py, &data, "data")?;
        wrap(py, || CoreScheme::from_json(&text))
    }

    /// A scheme from a file: `.json` (in any case) as JSON, anything else as TOML; read with its
    /// size limit (`FileError` when it cannot be read).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_in(&path)?;
        wrap(py, || CoreScheme::from_path(&path))
    }

    /// The scheme's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The scheme's hash (in every result).
    #[getter]
    fn hash(&self) -> String {
        self.inner.hash().to_owned()
    }

    /// Values the scheme holds but rarely means (code `suspicious_value`: a fraction where a
    /// percent is read, e.g. `target = 0.95` on a ratio), as dicts like `SchemeError.problems`;
    /// the scheme loads, and `hotline-score check` prints them as warnings.
    #[getter]
    fn suspicious_values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(self.inner.suspicious_values())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// Decimal places of points.
    #[getter]
    fn decimals(&self) -> u32 {
        self.inner.decimals()
    }

    /// The scheme in canonical JSON.
    fn canonical_json(&self) -> String {
        self.inner.canonical_json()
    }

    /// The scheme's period containing `as_of` (month, quarter, year), or its explicit range
    /// whatever `as_of` (a scheme written for one range).
    fn period_at(&self, py: Python<'_>, as_of: Bound<'_, PyAny>) -> PyResult<Period> {
        let t = instant::extract(py, &as_of)?;
        Ok(Period {
            inner: enter(py, || self.inner.period_at(t))?,
        })
    }

    /// The first instant (epoch ms) period warnings are given for `period` (`lead_days` before
    /// its end, not before its start), or `None` when the scheme has no warnings.
    fn warning_start(&self, period: &Period) -> Option<i64> {
        self.inner
            .warning_start(&period.inner)
            .map(hotline_score::Instant::millis)
    }

    /// Scores `units` from a metrics table (a `Metrics` or its dict form) for `period`
    /// (default: the scheme's period containing `as_of`).
    #[pyo3(signature = (units, metrics, *, as_of, period=None))]
    fn score(
        &self,
        py: Python<'_>,
        units: Bound<'_, PyAny>,
        metrics: Bound<'_, PyAny>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Scores> {
        let units = units_in(py, &units)?;
        let metrics = metrics_in(py, &metrics)?;
        let as_of = instant::extract(py, &as_of)?;
        let period = period_or(py, &self.inner, period, as_of)?;
        let scheme = self.inner.clone();
        let scores = enter(py, || {
            scheme.score_parallel(&units, &metrics, &period, as_of, threads())
        })?;
        Ok(Scores::new(scores, scheme.decimals()))
    }

    /// Explains `scores` from the period's contributions: per unit and component, the points
    /// lost and the tickets that cost them, and per unit what each of those tickets counted on
    /// the indicators it cost (`ticket_counters`: `overdue_open`, `unsatisfied` …). `units`:
    /// explain only these units (say, the one whose `Evaluator.contributions` are given);
    /// default every scored unit.
    #[pyo3(signature = (scores, contributions, *, units=None))]
    fn explain(
        &self,
        py: Python<'_>,
        scores: &Scores,
        contributions: Bound<'_, PyAny>,
        units: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Report> {
        let list = match contributions.cast::<Contributions>() {
            Ok(c) => c.get().inner.clone(),
            Err(_) => Contributions::from_list_inner(py, &contributions)?,
        };
        let units = unit_ids(py, units)?;
        let scheme = self.inner.clone();
        let out = enter(py, || {
            let scores = scores.only(units)?;
            scheme.explain_parallel(&scores, &list, threads())
        })?;
        Report::of(py, &out)
    }

    /// Explains `scores` straight from the tickets they were computed from, for the period and
    /// `as_of` they were computed for: what `explain` gives with every unit's contributions (the
    /// tickets that cost points, and `ticket_counters`: what each counted), without building
    /// them (every core evaluates a part of the tickets). `units`: explain only these units;
    /// default every scored unit.
    #[pyo3(signature = (evaluator, tickets, scores, *, period, as_of, due_anchor="due_date", units=None))]
    #[allow(clippy::too_many_arguments)]
    fn explain_tickets(
        &self,
        py: Python<'_>,
        evaluator: &Evaluator,
        tickets: Bound<'_, Tickets>,
        scores: &Scores,
        period: Bound<'_, Period>,
        as_of: Bound<'_, PyAny>,
        due_anchor: &str,
        units: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Report> {
        let scope = Evaluator::scope(py, &period, &as_of, due_anchor)?;
        let units = unit_ids(py, units)?;
        let tickets = tickets.get().set.clone();
        let (ev, scheme) = (evaluator.inner.clone(), self.inner.clone());
        let out = enter(py, || {
            let scores = scores.only(units)?;
            scheme.explain_tickets(&ev, tickets.held(), &scope, &scores, threads())
        })?;
        Report::of(py, &out)
    }

    /// The sanctions ladder over closed periods, oldest first.
    fn sanctions(&self, py: Python<'_>, history: Vec<PyRef<'_, Scores>>) -> PyResult<Report> {
        let history: Vec<CoreScores> = history.iter().map(|s| s.inner.clone()).collect();
        let scheme = self.inner.clone();
        let out = enter(py, || scheme.sanctions(&history))?;
        Report::of(py, &out)
    }

    /// Period warnings at `as_of` (SPEC §7): units at risk, why, and the rescuable tickets.
    #[pyo3(signature = (evaluator, tickets, *, as_of, period=None))]
    fn period_warnings(
        &self,
        py: Python<'_>,
        evaluator: &Evaluator,
        tickets: Bound<'_, Tickets>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Report> {
        let as_of = instant::extract(py, &as_of)?;
        let period = period_or(py, &self.inner, period, as_of)?;
        let tickets = tickets.get().set.clone();
        let (ev, units, scheme) = (
            evaluator.inner.clone(),
            evaluator.units.clone(),
            self.inner.clone(),
        );
        let out = enter(py, || {
            let scope = Scope::new(period.clone(), as_of);
            let now = partial_batch_parallel(tickets.batch(), &ev, &scope, threads())?
                .finalize(&units, Default::default());
            scheme.period_warnings_from_tickets_parallel(
                &ev,
                tickets.held(),
                &now,
                &period,
                as_of,
                threads(),
            )
        })?;
        Report::of(py, &out)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Scheme {} {}>",
            self.inner.name(),
            self.inner.hash()
        )
    }
}

impl Contributions {
    fn from_list_inner(
        py: Python<'_>,
        rows: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<hotline_score::metrics::Contribution>> {
        let text = json_text(py, rows, "contributions")?;
        serde_json::from_str(&text).map_err(|e| {
            input_error(
                py,
                "invalid_contributions",
                "contributions",
                format!("contributions: {e}"),
            )
        })
    }
}

/// The scores of every unit for one period.
#[pyclass(module = "hotline_score", frozen)]
pub struct Scores {
    pub inner: CoreScores,
    decimals: u32,
}

impl Scores {
    pub fn new(inner: CoreScores, decimals: u32) -> Self {
        Scores { inner, decimals }
    }

    /// These scores, or only the scorecards of `units` when given (`unit_not_scored` for one
    /// without a scorecard).
    fn only(&self, units: Option<Vec<UnitId>>) -> hotline_score::Result<Cow<'_, CoreScores>> {
        match units {
            None => Ok(Cow::Borrowed(&self.inner)),
            Some(units) => self.inner.only(&units).map(Cow::Owned),
        }
    }
}

/// The `units` option: a sequence of unit ids (`invalid_option` for one string, or anything
/// else that is not a sequence of strings).
fn unit_ids(py: Python<'_>, units: Option<Bound<'_, PyAny>>) -> PyResult<Option<Vec<UnitId>>> {
    let Some(units) = units else {
        return Ok(None);
    };
    let refuse = |got: String| {
        let message = format!("`units` must be a sequence of unit ids (str); got {got}");
        input_error(py, "invalid_option", "units", message)
    };
    let type_name = |v: &Bound<'_, PyAny>| {
        v.get_type()
            .name()
            .map_or_else(|_| "?".into(), |n| n.to_string())
    };
    if units.is_instance_of::<PyString>() {
        return Err(refuse("one string".into()));
    }
    let items = units.try_iter().map_err(|_| refuse(type_name(&units)))?;
    items
        .map(|item| {
            let item = item?;
            item.extract::<String>()
                .map(UnitId::from)
                .map_err(|_| refuse(format!("an item of type {}", type_name(&item))))
        })
        .collect::<PyResult<Vec<_>>>()
        .map(Some)
}

fn decimals(values: impl Iterator<Item = Option<Decimal>>, scale: u32) -> PyResult<ArrayRef> {
    // `rescale` keeps a smaller scale when the digits would not fit 28 (an external metric of
    // 10^25 read ten times too small: a data-out audit): the mantissa is widened in i128, which
    // holds 38 digits, instead.
    let too_big = || pyo3::exceptions::PyValueError::new_err("a decimal beyond 38 digits");
    let v: Vec<Option<i128>> = values
        .map(|d| {
            d.map(|x| {
                let x = if x.scale() > scale {
                    x.round_dp_with_strategy(
                        scale,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    )
                } else {
                    x
                };
                10i128
                    .checked_pow(scale - x.scale().min(scale))
                    .and_then(|p| x.mantissa().checked_mul(p))
                    .ok_or_else(too_big)
            })
            .transpose()
        })
        .collect::<PyResult<_>>()?;
    let scale = i8::try_from(scale).unwrap_or(i8::MAX);
    Decimal128Array::from(v)
        .with_precision_and_scale(38, scale)
        .map(|a| Arc::new(a) as ArrayRef)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

fn serde_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[pymethods]
impl Scores {
    /// Scores saved with `to_json()` (the text, or its parsed dict): last quarter's, for the
    /// sanctions ladder or explanations in a later process (`Scheme.sanctions` refuses scores
    /// of another scheme, `scheme_mismatch`). Text that is not the scores' JSON is
    /// `InputError` (`invalid_argument`).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: Bound<'_, PyAny>) -> PyResult<Scores> {
        let inner: CoreScores = json_arg(
            py,
            &data,
            "scores",
            "invalid_argument",
            "not the JSON of Scores.to_json()",
        )?;
        // The scheme's decimals, as its points are written (2 when there is no scorecard).
        let decimals = inner.units.first().map_or(2, |c| c.total.scale());
        Ok(Scores::new(inner, decimals))
    }

    /// The core's JSON, byte for byte (points as strings with the scheme's decimals).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        json_out(py, &self.inner)
    }

    /// The parsed JSON.
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.to_json(py)?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// The scheme's hash.
    #[getter]
    fn scheme_hash(&self) -> String {
        self.inner.scheme_hash.clone()
    }

    /// The period's label.
    #[getter]
    fn period(&self) -> String {
        self.inner.period.clone()
    }

    /// Number of scorecards (units).
    fn __len__(&self) -> usize {
        self.inner.units.len()
    }

    /// One row per unit: `unit, name, group, total, full_marks, rank, group_size, grade`
    /// (groups in scheme order, then rank, then unit id; exact decimals).
    fn to_table(&self) -> PyResult<Table> {
        let u = &self.inner.units;
        let text = |f: fn(&hotline_score::scheme::Scorecard) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(u.iter().map(f)))
        };
        let int = |f: fn(&hotline_score::scheme::Scorecard) -> u32| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(
                u.iter().map(|c| i64::from(f(c))),
            ))
        };
        Table::new(vec![
            ("unit", text(|c| c.unit.as_str())),
            ("name", text(|c| &c.name)),
            ("group", text(|c| &c.group)),
            (
                "total",
                decimals(u.iter().map(|c| Some(c.total)), self.decimals)?,
            ),
            (
                "full_marks",
                decimals(u.iter().map(|c| Some(c.full_marks)), self.decimals)?,
            ),
            ("rank", int(|c| c.rank)),
            ("group_size", int(|c| c.group_size)),
            ("grade", text(|c| &c.grade)),
        ])
    }

    /// One row per manual adjustment (人工加减分) of the scored units, in scorecard order:
    /// `unit, metric, amount, reason, approver` (amount an exact decimal at the largest scale
    /// given; its decimal text when the amounts are too far apart for 38 digits).
    fn adjustments(&self) -> PyResult<Table> {
        let rows: Vec<&hotline_score::metrics::Adjustment> = (self.inner.units.iter())
            .flat_map(|c| &c.adjustments)
            .collect();
        let text = |f: fn(&hotline_score::metrics::Adjustment) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(rows.iter().map(|a| f(a))))
        };
        // One scale for the column; amounts too far apart in size for 38 digits (1e20 and
        // 1e-28) are written as their decimal text instead.
        let scale = rows.iter().map(|a| a.amount.scale()).max().unwrap_or(0);
        let amounts = decimals(rows.iter().map(|a| Some(a.amount)), scale).or_else(|_| {
            let texts = rows.iter().map(|a| a.amount.to_string());
            Ok::<ArrayRef, PyErr>(Arc::new(StringArray::from_iter_values(texts)))
        })?;
        Table::new(vec![
            ("unit", text(|a| a.unit.as_str())),
            ("metric", text(|a| &a.metric)),
            ("amount", amounts),
            ("reason", text(|a| &a.reason)),
            ("approver", text(|a| &a.approver)),
        ])
    }

    /// One row per unit and component: `unit, indicator, name, kind, value, numerator,
    /// denominator, points, max_points, points_lost, no_data, shrunk, below_red_line`.
    fn components(&self) -> PyResult<Table> {
        let rows: Vec<(&Scorecard, &IndicatorLabel, &Component)> = self
            .inner
            .units
            .iter()
            .flat_map(|c| c.labeled().map(move |(l, x)| (c, l, x)))
            .collect();
        let text = |f: &dyn Fn(&IndicatorLabel, &Component) -> String| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|(_, l, c)| f(l, c)),
            ))
        };
        let value_scale = hotline_score::scheme::VALUE_DECIMALS;
        let dp = self.decimals;
        Table::new(vec![
            (
                "unit",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|(u, _, _)| u.unit.as_str()),
                )),
            ),
            ("indicator", text(&|l, _| l.id.to_string())),
            ("name", text(&|l, _| l.name.to_string())),
            ("kind", text(&|_, c| serde_name(&c.kind))),
            (
                "value",
                decimals(rows.iter().map(|(_, _, c)| c.value), value_scale)?,
            ),
            (
                "numerator",
                decimals(rows.iter().map(|(_, _, c)| c.numerator), value_scale)?,
            ),
            (
                "denominator",
                decimals(rows.iter().map(|(_, _, c)| c.denominator), value_scale)?,
            ),
            (
                "points",
                decimals(rows.iter().map(|(_, _, c)| Some(c.points)), dp)?,
            ),
            (
                "max_points",
                decimals(rows.iter().map(|(_, _, c)| Some(c.max_points)), dp)?,
            ),
            (
                "points_lost",
                decimals(rows.iter().map(|(_, _, c)| Some(c.points_lost)), dp)?,
            ),
            (
                "no_data",
                Arc::new(StringArray::from(
                    rows.iter()
                        .map(|(_, _, c)| c.no_data.as_ref().map(serde_name))
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "shrunk",
                Arc::new(BooleanArray::from(
                    rows.iter().map(|(_, _, c)| c.shrunk).collect::<Vec<_>>(),
                )),
            ),
            (
                "below_red_line",
                Arc::new(BooleanArray::from(
                    rows.iter()
                        .map(|(_, _, c)| c.below_red_line)
                        .collect::<Vec<_>>(),
                )),
            ),
        ])
    }
}

/// `score(tickets, scheme, *, as_of, units=None, calendar=None, policy="henan", period=None,
/// due_anchor="due_date", external=None, adjustments=None)`: evaluate, aggregate and score in
/// one call (`external` and `adjustments` as `Partial.finalize` takes them).
#[pyfunction]
#[pyo3(signature = (tickets, scheme, *, as_of, units=None, calendar=None, policy=None, period=None, due_anchor="due_date", external=None, adjustments=None))]
#[allow(clippy::too_many_arguments)]
fn score(
    py: Python<'_>,
    tickets: Bound<'_, Tickets>,
    scheme: Bound<'_, PyAny>,
    as_of: Bound<'_, PyAny>,
    units: Option<Bound<'_, PyAny>>,
    calendar: Option<Bound<'_, crate::calendar::Calendar>>,
    policy: Option<Bound<'_, PyAny>>,
    period: Option<Bound<'_, Period>>,
    due_anchor: &str,
    external: Option<Bound<'_, PyAny>>,
    adjustments: Option<Bound<'_, PyAny>>,
) -> PyResult<Scores> {
    let scheme = scheme_in(py, &scheme)?;
    let external = crate::metrics::external_arg(py, external.as_ref())?;
    let adjustments = crate::metrics::adjustments_arg(py, adjustments.as_ref())?;
    let units: Vec<Unit> = match units {
        Some(u) => units_in(py, &u)?,
        None => match &tickets.get().units {
            Some(u) => u.as_ref().clone(),
            None => {
                return Err(input_error(
                    py,
                    "missing_units",
                    "units",
                    "`units` is required (or load the tickets with a units table)".to_owned(),
                ));
            }
        },
    };
    let policy = match policy {
        Some(p) => p,
        None => "henan".into_pyobject(py)?.into_any(),
    };
    let ev = Evaluator::build(py, units, calendar.as_ref(), &policy)?;
    let as_of = instant::extract(py, &as_of)?;
    let period = match period {
        Some(p) => p.get().inner.clone(),
        None => enter(py, || scheme.period_at(as_of))?,
    };
    let scope = Evaluator::scope_of(py, period, as_of, due_anchor)?;
    let p = ev.partial_inner(py, &tickets, &scope)?;
    let mut table = p.finalize(&ev.units, external);
    table.adjustments = adjustments;
    let units = ev.units.clone();
    let decimals = scheme.decimals();
    let scores = enter(py, || {
        scheme.score_parallel(&units, &table, &scope.period, as_of, threads())
    })?;
    Ok(Scores::new(scores, decimals))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scheme>()?;
    m.add_class::<Scores>()?;
    m.add_class::<Report>()?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    Ok(())
}
