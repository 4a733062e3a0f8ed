//! `Evaluator` (calendar × policy × units: clocks, contributions, open assignments) and
//! `Partial` (mergeable per-unit counters, SPEC §5), with the period and scope arguments.

use std::collections::BTreeMap;
use std::sync::Arc;

use hotline_score::clocks::{Assignment, Evaluator as CoreEvaluator};
use hotline_score::metrics::{
    Adjustment, DueAnchor, MetricsTable, Partial as CorePartial, Scope, contributions,
    open_assignments,
};
use hotline_score::{
    Calendar as CoreCalendar, Period, Policy as CorePolicy, Unit as CoreUnit, UnitId,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::args::{Arg, Instance, Keys, Opts, Text};
use crate::calendar::Calendar;
use crate::decimal;
use crate::errors::{Fallible, MAX_SAFE_INTEGER, bad_arg, enter, named, safe_whole};
use crate::instant::When;
use crate::json::{self, JsonValue, TextOrObject};
use crate::policy::Policy;
use crate::task::Work;
use crate::ticket::{Tickets, Unit, core_units};

/// An assessment period `[start, end)` as given to the library.
#[napi(object, object_to_js = false)]
pub struct PeriodInput {
    #[napi(ts_type = "Date | string | number")]
    pub start: When,
    #[napi(ts_type = "Date | string | number")]
    pub end: When,
    /// The label (`2026-Q1`, `2026-03` …).
    pub label: String,
}

impl Keys for PeriodInput {
    const FIELD: &'static str = "period";
    const KEYS: &'static [&'static str] = &["start", "end", "label"];
}

/// A period argument (its keys checked).
pub type PeriodArg = Opts<PeriodInput>;

/// An assessment period `[start, end)` in epoch milliseconds.
#[napi(object)]
pub struct PeriodOut {
    pub start: i64,
    pub end: i64,
    pub label: String,
}

/// The core period of an input.
pub fn period_in(p: &PeriodArg) -> Fallible<Period> {
    let p = p.get()?;
    Ok(Period::new(p.start.get()?, p.end.get()?, p.label.clone())?)
}

/// The output form of a period.
pub fn period_out(p: &Period) -> PeriodOut {
    PeriodOut {
        start: p.start.millis(),
        end: p.end.millis(),
        label: p.label.clone(),
    }
}

/// What a metrics computation looks at.
#[napi(object, object_to_js = false)]
pub struct ScopeOptions {
    /// The assessment period.
    #[napi(ts_type = "PeriodInput")]
    pub period: PeriodArg,
    /// Evaluation instant: events after it are ignored.
    #[napi(ts_type = "Date | string | number")]
    pub as_of: When,
    /// `due_date` (default: counted in the period of the completion deadline, once passed) or
    /// `due_or_closed` (an on-time closure counts at once, in the period it was closed).
    #[napi(ts_type = "'due_date' | 'due_or_closed'")]
    pub due_anchor: Option<String>,
}

impl Keys for ScopeOptions {
    const FIELD: &'static str = "scope";
    const KEYS: &'static [&'static str] = &["period", "asOf", "dueAnchor"];
}

/// The core scope of the options.
pub fn scope_in(o: &Opts<ScopeOptions>) -> Fallible<Scope> {
    let o = o.get()?;
    let mut scope = Scope::new(period_in(&o.period)?, o.as_of.get()?);
    if let Some(a) = &o.due_anchor {
        scope.due_anchor = named::<DueAnchor>("dueAnchor", a)?;
    }
    Ok(scope)
}

/// External metrics as plain objects: unit → name → decimal (number or decimal string).
/// Manual adjustments given to JavaScript (`[{ unit, metric, amount, reason, approver }]`, or
/// none): another shape is `invalid_argument` naming `adjustments`. Reasons and approvers are
/// checked when scoring (`invalid_adjustment`).
pub fn adjustments_in(v: Option<Value>) -> Fallible<Vec<Adjustment>> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = v else {
        return Err(bad_arg(
            "adjustments",
            "`adjustments` must be an array of { unit, metric, amount, reason, approver }",
        ));
    };
    (items.into_iter().enumerate())
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| {
                let field = format!("adjustments[{i}]");
                bad_arg(&field, format!("`{field}`: {e}"))
            })
        })
        .collect()
}

pub fn external_in(v: Option<Value>) -> Fallible<BTreeMap<UnitId, BTreeMap<String, Decimal>>> {
    let Some(v) = v else {
        return Ok(BTreeMap::new());
    };
    let Value::Object(units) = v else {
        return Err(bad_arg(
            "external",
            "`external` must be an object: unit → name → value",
        ));
    };
    let mut out = BTreeMap::new();
    for (unit, metrics) in units {
        let Value::Object(metrics) = metrics else {
            return Err(bad_arg(
                "external",
                format!("`external.{unit}` must be an object"),
            ));
        };
        let mut row = BTreeMap::new();
        for (name, value) in metrics {
            let d = decimal::from_json("external", &format!("external.{unit}.{name}"), &value)?;
            row.insert(name, d);
        }
        out.insert(UnitId::from(unit.as_str()), row);
    }
    Ok(out)
}

/// Calendar × policy × units, prepared once for any number of evaluations.
#[napi]
pub struct Evaluator {
    pub(crate) inner: Arc<CoreEvaluator>,
    pub(crate) units: Arc<Vec<CoreUnit>>,
}

impl Evaluator {
    /// Another handle to the same evaluator (for work off the JavaScript thread).
    pub fn clone_handle(&self) -> Evaluator {
        Evaluator {
            inner: self.inner.clone(),
            units: self.units.clone(),
        }
    }

    /// An evaluator of `units` with `calendar` (default: the PRC calendar) and `policy`
    /// (default: `henan`).
    pub fn build(
        units: &[Unit],
        calendar: Option<&CoreCalendar>,
        policy: Option<&CorePolicy>,
    ) -> Fallible<Evaluator> {
        let units = core_units(units);
        // A units table with a duplicate or empty id is refused, as loading refuses it.
        hotline_score::ticket::check_units(&units)?;
        let calendar = match calendar {
            Some(c) => c.clone(),
            None => CoreCalendar::prc()?,
        };
        let policy = match policy {
            Some(p) => p.clone(),
            None => CorePolicy::builtin("henan")?,
        };
        Ok(Evaluator {
            inner: Arc::new(CoreEvaluator::new(&calendar, policy, &units)),
            units: Arc::new(units),
        })
    }
}

fn partial_js(env: &Env, p: CorePartial) -> Result<Unknown<'_>> {
    Ok(Partial { inner: p }.into_instance(env)?.to_unknown())
}

fn plain_js<T: serde::Serialize>(env: &Env, v: T) -> Result<Unknown<'_>> {
    json::plain(env, &v)
}

/// Assignments as plain objects, a slice at a time: a big quarter's JSON is beyond V8's
/// longest string.
fn assignments_js(env: &Env, all: Vec<Assignment>) -> Result<Unknown<'_>> {
    json::plain_slices(env, all.len(), |range| all.get(range).unwrap_or_default())
}

#[napi]
impl Evaluator {
    /// An evaluator of the units table with `calendar` (default: `Calendar.prc()`) and
    /// `policy` (default: `Policy.builtin('henan')`).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "Array<Unit>")] units: Arg<Vec<Unit>>,
        #[napi(ts_arg_type = "Calendar | undefined | null")] calendar: Option<
            Instance<'_, Calendar>,
        >,
        #[napi(ts_arg_type = "Policy | undefined | null")] policy: Option<Instance<'_, Policy>>,
    ) -> Result<Self> {
        enter(&env, || {
            Self::build(
                &units.get("units")?,
                calendar.as_deref().map(|c| &c.inner),
                policy.as_deref().map(|p| &*p.inner),
            )
        })
    }

    /// The units table.
    #[napi(getter, catch_unwind)]
    pub fn units(&self) -> Vec<Unit> {
        self.units
            .iter()
            .map(|u| Unit {
                unit: u.id.to_string().into(),
                group: u.group.clone(),
                name: Some(u.name.clone()),
            })
            .collect()
    }

    /// Every assignment of every ticket at `asOf`, with its five clocks (due, finish, outcome,
    /// deadline status), in ticket then dispatch order; off the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Assignment>>")]
    pub fn evaluate(
        &self,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> AsyncTask<Work<Vec<Assignment>>> {
        let (ev, ts) = (self.inner.clone(), tickets.set.clone());
        Work::new(
            move || Ok(ev.evaluate_all(ts.held(), as_of.get()?)?),
            assignments_js,
        )
        .spawn()
    }

    /// `evaluate` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<Assignment>")]
    pub fn evaluate_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            Ok(self.inner.evaluate_all(tickets.set.held(), as_of.get()?)?)
        })?;
        assignments_js(env, out)
    }

    /// The partial state (per-unit integer counters) of the tickets for a period at `asOf`,
    /// off the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Partial>")]
    pub fn partial(
        &self,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
    ) -> AsyncTask<Work<CorePartial>> {
        let (ev, set) = (self.inner.clone(), tickets.set.clone());
        Work::after(
            scope_in(&scope),
            move |scope| Ok(set.partial(&ev, &scope)?),
            partial_js,
        )
        .spawn()
    }

    /// `partial` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn partial_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
    ) -> Result<Partial> {
        enter(&env, || {
            let scope = scope_in(&scope)?;
            Ok(Partial {
                inner: tickets.set.partial(&self.inner, &scope)?,
            })
        })
    }

    /// Every contribution of `unit`'s assignments to the period's counters, ticket by ticket
    /// (`ticket_id, unit, role, counter, amount`): what explanations trace points back to.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Contribution>>")]
    pub fn contributions(
        &self,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "string")] unit: Text,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
    ) -> AsyncTask<Work<Vec<hotline_score::metrics::Contribution>>> {
        let (ev, ts) = (self.inner.clone(), tickets.set.clone());
        let prepared = unit
            .get("unit")
            .map(UnitId::from)
            .and_then(|unit| Ok((unit, scope_in(&scope)?)));
        Work::after(
            prepared,
            move |(unit, scope)| Ok(contributions(ts.held(), &ev, &scope, &unit)?),
            plain_js,
        )
        .spawn()
    }

    /// `contributions` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<Contribution>")]
    pub fn contributions_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "string")] unit: Text,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let scope = scope_in(&scope)?;
            let unit = UnitId::from(unit.get("unit")?);
            Ok(contributions(
                tickets.set.held(),
                &self.inner,
                &scope,
                &unit,
            )?)
        })?;
        json::plain(env, &out)
    }

    /// Assignments whose completion clock is unfinished at `asOf` (pending or overdue).
    #[napi(catch_unwind, ts_return_type = "Promise<Array<OpenAssignment>>")]
    pub fn open_assignments(
        &self,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> AsyncTask<Work<Vec<hotline_score::metrics::OpenAssignment>>> {
        let (ev, ts) = (self.inner.clone(), tickets.set.clone());
        Work::new(
            move || Ok(open_assignments(ts.held(), &ev, as_of.get()?)?),
            plain_js,
        )
        .spawn()
    }

    /// `openAssignments` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<OpenAssignment>")]
    pub fn open_assignments_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            Ok(open_assignments(
                tickets.set.held(),
                &self.inner,
                as_of.get()?,
            )?)
        })?;
        json::plain(env, &out)
    }
}

/// The row form of a partial state: `columns` (`unit`, then `lead_<counter>` and
/// `assisting_<counter>`) and one array per unit.
#[napi(object)]
pub struct PartialRows {
    pub columns: Vec<String>,
    #[napi(ts_type = "Array<[string, ...number[]]>")]
    pub rows: JsonValue,
}

impl Keys for PartialRows {
    const FIELD: &'static str = "table";
    const KEYS: &'static [&'static str] = &["columns", "rows"];
}

/// The integer a text of decimal digits (an optional `-`, no spaces or fraction) writes.
fn integer_text(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Refuses a partial state with a counter JavaScript numbers cannot hold exactly (`toRows`
/// and `finalize` would give another number): `invalid_partial` naming the column and unit.
fn exact_in_js(p: &CorePartial) -> Fallible<()> {
    let columns = CorePartial::columns();
    for (unit, values) in p.to_rows() {
        if let Some((column, v)) = columns
            .iter()
            .skip(1)
            .zip(values)
            .find(|(_, v)| !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(v))
        {
            return Err(hotline_score::Error::InvalidPartial {
                column: column.clone(),
                reason: format!(
                    "unit {unit}: {v} is above 2^53 - 1, which JavaScript numbers cannot hold \
                     exactly"
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// Per-unit integer counters of a set of tickets (SPEC §5): merge shards in any order, then
/// `finalize` into the metrics table a scheme scores.
#[napi]
pub struct Partial {
    pub(crate) inner: CorePartial,
}

#[napi]
impl Partial {
    /// An empty partial state.
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Partial {
            inner: CorePartial::default(),
        }
    }

    /// Reads the JSON form (`{ units: { id: { lead: {...}, assisting: {...} } } }`).
    #[napi(factory, catch_unwind)]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] value: TextOrObject,
    ) -> Result<Self> {
        enter(&env, || {
            let text = match value {
                TextOrObject::Text(t) => t,
                TextOrObject::Object(v) => v.to_string(),
            };
            let inner = CorePartial::from_json(&text)?;
            exact_in_js(&inner)?;
            Ok(Partial { inner })
        })
    }

    /// Reads the row form (see `toRows`; columns in any order, rows of one unit are added).
    #[napi(factory, catch_unwind)]
    pub fn from_rows(
        env: Env,
        #[napi(
            ts_arg_type = "PartialRows | { columns: Array<string>; rows: Array<Array<string | number | bigint>> }"
        )]
        table: Opts<PartialRows>,
    ) -> Result<Self> {
        enter(&env, || {
            let table = table.into_inner()?;
            // `unit` anywhere (a SQL `SELECT` lists columns in its own order).
            let Some(unit_at) = table.columns.iter().position(|c| c == "unit") else {
                return Err(bad_arg("columns", "`columns` must name `unit`"));
            };
            let columns: Vec<String> = table
                .columns
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != unit_at)
                .map(|(_, c)| c.clone())
                .collect();
            let Value::Array(list) = table.rows.0 else {
                return Err(bad_arg("rows", "`rows` must be an array of arrays"));
            };
            let mut rows = Vec::with_capacity(list.len());
            for (i, row) in list.into_iter().enumerate() {
                let Value::Array(cells) = row else {
                    return Err(bad_arg(
                        "rows",
                        format!("`rows[{i}]` must be an array of cells, one per column"),
                    ));
                };
                if cells.len() != table.columns.len() {
                    return Err(bad_arg(
                        "rows",
                        format!(
                            "`rows[{i}]` has {} cells; `columns` names {}",
                            cells.len(),
                            table.columns.len()
                        ),
                    ));
                }
                let unit = cells.get(unit_at).and_then(Value::as_str).ok_or_else(|| {
                    bad_arg(
                        "unit",
                        format!("`rows[{i}][{unit_at}]` (column `unit`) must be a string"),
                    )
                })?;
                // N-API hands large integers over as doubles: accept whole ones, up to 2^53
                // (beyond, the number the caller wrote is not the one received). A BigInt, or
                // the digit string node-postgres gives for a BIGINT `SUM` (read as text here),
                // is the integer it writes (both were refused as "got \"111\"").
                let values = cells
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != unit_at)
                    .zip(&columns)
                    .map(|((k, v), column)| {
                        let cell = || {
                            bad_arg(
                                column,
                                format!(
                                    "`rows[{i}][{k}]` (column `{column}`, unit `{unit}`) must be \
                                     a whole number up to 2^53 - 1 (a number, a BigInt or its \
                                     digits as text), got {v}"
                                ),
                            )
                        };
                        let n = match v {
                            Value::String(text) => integer_text(text).ok_or_else(cell)?,
                            _ => match v.as_i64() {
                                Some(n) => n,
                                None => v.as_f64().and_then(safe_whole).ok_or_else(cell)?,
                            },
                        };
                        if !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) {
                            return Err(cell());
                        }
                        Ok(n)
                    })
                    .collect::<Fallible<Vec<i64>>>()?;
                rows.push((UnitId::from(unit), values));
            }
            let inner = CorePartial::from_rows(&columns, &rows)?;
            exact_in_js(&inner)?;
            Ok(Partial { inner })
        })
    }

    /// Units with counters.
    #[napi(getter, catch_unwind)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.units.len()).unwrap_or(u32::MAX)
    }

    /// A new partial state: this one plus `other` (exact, commutative, associative). Partials
    /// computed for another period, `asOf` or due anchor are refused (`invalid_partial` on
    /// `scope.<what>`), and so is a sum JavaScript numbers cannot hold exactly.
    #[napi(catch_unwind)]
    pub fn merge(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Partial")] other: Instance<'_, Partial>,
    ) -> Result<Partial> {
        enter(&env, || {
            let mut inner = self.inner.clone();
            inner.merge(other.inner.clone())?;
            exact_in_js(&inner)?;
            Ok(Partial { inner })
        })
    }

    /// The metrics table (plain object, the core's JSON form): every unit of `units` (zero
    /// rows for units without tickets) plus any unit with counters, the external metrics
    /// (`unit → name → number or decimal string`) and the manual adjustments (人工加减分).
    #[napi(catch_unwind, ts_return_type = "Metrics")]
    pub fn finalize<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Array<Unit>")] units: Arg<Vec<Unit>>,
        #[napi(ts_arg_type = "Record<string, Record<string, number | string>>")] external: Option<
            JsonValue,
        >,
        #[napi(ts_arg_type = "Array<Adjustment>")] adjustments: Option<JsonValue>,
    ) -> Result<Unknown<'e>> {
        let table = enter(env, || self.finalized(units, external, adjustments))?;
        json::plain(env, &table)
    }

    /// `finalize`, as the core's JSON text: the exact bytes, also for units whose ids are
    /// digits (which a JavaScript object lists first, in numeric order).
    #[napi(catch_unwind)]
    pub fn finalize_json(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Unit>")] units: Arg<Vec<Unit>>,
        #[napi(ts_arg_type = "Record<string, Record<string, number | string>>")] external: Option<
            JsonValue,
        >,
        #[napi(ts_arg_type = "Array<Adjustment>")] adjustments: Option<JsonValue>,
    ) -> Result<String> {
        let table = enter(&env, || self.finalized(units, external, adjustments))?;
        json::text(&table)
    }

    /// The metrics table of `units` with the `external` metrics and the `adjustments`.
    fn finalized(
        &self,
        units: Arg<Vec<Unit>>,
        external: Option<JsonValue>,
        adjustments: Option<JsonValue>,
    ) -> Fallible<MetricsTable> {
        let units = core_units(&units.get("units")?);
        let external = external_in(external.map(|e| e.0))?;
        let mut table = self.inner.clone().finalize(&units, external);
        table.adjustments = adjustments_in(adjustments.map(|a| a.0))?;
        Ok(table)
    }

    /// The row form: `columns` and one `[unit, ...counters]` array per unit.
    #[napi(catch_unwind)]
    pub fn to_rows(&self) -> PartialRows {
        let rows: Vec<Value> = self
            .inner
            .to_rows()
            .into_iter()
            .map(|(unit, values)| {
                let mut row = vec![Value::from(unit.to_string())];
                row.extend(values.into_iter().map(Value::from));
                Value::Array(row)
            })
            .collect();
        PartialRows {
            columns: CorePartial::columns(),
            rows: JsonValue(Value::Array(rows)),
        }
    }

    /// The core's JSON text.
    #[napi(catch_unwind)]
    pub fn to_json(&self) -> Result<String> {
        json::text(&self.inner)
    }
}

impl Default for Partial {
    fn default() -> Self {
        Self::new()
    }
}
