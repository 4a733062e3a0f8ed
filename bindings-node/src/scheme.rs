//! `Scheme`: scoring schemes (SPEC §6–§7, §9) — presets and files, scoring, explanations,
//! period warnings and the sanctions ladder — and `score`, the tickets-to-scores pipeline.

use std::sync::Arc;

use hotline_score::Instant;
use hotline_score::metrics::{Contribution, MetricsTable, Scope};
use hotline_score::scheme::{Explanation, PRESETS, Scheme as CoreScheme, Scores, UnitWarning};
use hotline_score::{Period, Unit as CoreUnit};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{Arg, Instance, Keys, Opts};
use crate::calendar::Calendar;
use crate::errors::{Fallible, bad_arg, enter, named};
use crate::instant::When;
use crate::json::{self, JsonValue, TextOrObject};
use crate::metrics::{
    Evaluator, PeriodArg, PeriodOut, ScopeOptions, adjustments_in, external_in, period_in,
    period_out, scope_in,
};
use crate::policy::Policy;
use crate::task::{Work, threads};
use crate::ticket::{TicketSet, Tickets, Unit, core_units};

/// A scoring scheme: indicators, curves, weights, groups, grades, warnings and sanctions.
#[napi]
pub struct Scheme {
    pub(crate) inner: Arc<CoreScheme>,
}

impl Scheme {
    fn wrap(s: CoreScheme) -> Self {
        Scheme { inner: Arc::new(s) }
    }
}

/// When and over which period results are computed.
#[napi(object, object_to_js = false)]
pub struct AsOfOptions {
    /// Evaluation instant.
    #[napi(ts_type = "Date | string | number")]
    pub as_of: When,
    /// The period (default: the scheme's period containing `asOf`).
    #[napi(ts_type = "PeriodInput")]
    pub period: Option<PeriodArg>,
}

impl Keys for AsOfOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["asOf", "period"];
}

/// The scheme's period: the given one, or its period containing `as_of`.
fn period_or(scheme: &CoreScheme, period: Option<&PeriodArg>, as_of: Instant) -> Fallible<Period> {
    match period {
        Some(p) => period_in(p),
        None => Ok(scheme.period_at(as_of)?),
    }
}

/// A value given as the core's JSON form (a plain object, or its JSON text).
fn from_plain<T: serde::de::DeserializeOwned>(
    env: &Env,
    field: &str,
    value: Unknown<'_>,
) -> Fallible<T> {
    let text = if value.get_type().ok() == Some(ValueType::String) {
        // SAFETY: the type was just checked.
        unsafe { value.cast::<String>() }.map_err(|e| bad_arg(field, e.reason.clone()))?
    } else {
        json::stringify(env, value).map_err(|e| bad_arg(field, e.reason.clone()))?
    };
    serde_json::from_str(&text).map_err(|e| bad_arg(field, format!("`{field}`: {e}")))
}

/// `scores`, or only the scorecards of `units` (an array of unit ids) when given
/// (`unit_not_scored` for one without a scorecard).
fn only(env: &Env, scores: Scores, units: Option<Unknown<'_>>) -> Fallible<Scores> {
    match units {
        None => Ok(scores),
        Some(units) if units.get_type().ok() == Some(ValueType::String) => Err(bad_arg(
            "units",
            "`units`: an array of unit ids, not one string",
        )),
        Some(units) => {
            let units: Vec<hotline_score::UnitId> = from_plain(env, "units", units)?;
            Ok(scores.only(&units)?)
        }
    }
}

/// Metrics at `t` for the period (the pipeline's first half).
fn metrics_at(
    ev: &Evaluator,
    tickets: &TicketSet,
    period: &Period,
    t: Instant,
    external: &std::collections::BTreeMap<
        hotline_score::UnitId,
        std::collections::BTreeMap<String, rust_decimal::Decimal>,
    >,
) -> Fallible<MetricsTable> {
    let scope = Scope::new(period.clone(), t);
    Ok(tickets
        .partial(&ev.inner, &scope)?
        .finalize(&ev.units, external.clone()))
}

/// Period warnings of `tickets` at `as_of` (the core assembles the period-end projection).
fn warnings(
    scheme: &CoreScheme,
    ev: &Evaluator,
    tickets: &TicketSet,
    period: &Period,
    as_of: Instant,
) -> Fallible<Vec<UnitWarning>> {
    let now = metrics_at(ev, tickets, period, as_of, &Default::default())?;
    Ok(scheme.period_warnings_from_tickets_parallel(
        &ev.inner,
        tickets.held(),
        &now,
        period,
        as_of,
        crate::task::threads(),
    )?)
}

fn plain_js<T: serde::Serialize>(env: &Env, v: T) -> Result<Unknown<'_>> {
    json::plain(env, &v)
}

#[napi]
impl Scheme {
    /// A built-in preset: `sanmenxia`, `lianyungang-2022`, `three-rates`.
    #[napi(factory, catch_unwind)]
    pub fn preset(env: Env, #[napi(ts_arg_type = "string")] name: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let name = name.get("name")?;
            Ok(Self::wrap(CoreScheme::preset(&name)?))
        })
    }

    /// The names of the built-in presets.
    #[napi(catch_unwind)]
    pub fn preset_names() -> Vec<String> {
        PRESETS.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    /// A scheme from TOML text; an invalid file throws `scheme_invalid` with every problem
    /// (`err.problems`, each with line, column and key).
    #[napi(factory, catch_unwind)]
    pub fn from_toml(env: Env, #[napi(ts_arg_type = "string")] text: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let text = text.get("text")?;
            Ok(Self::wrap(CoreScheme::from_toml(&text)?))
        })
    }

    /// A scheme from JSON text, or from a plain object of the same structure.
    #[napi(factory, catch_unwind)]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] value: TextOrObject,
    ) -> Result<Self> {
        enter(&env, || {
            let text = match value {
                TextOrObject::Text(t) => t,
                TextOrObject::Object(v) => {
                    serde_json::to_string(&v).map_err(|e| bad_arg("value", e.to_string()))?
                }
            };
            Ok(Self::wrap(CoreScheme::from_json(&text)?))
        })
    }

    /// A scheme from a file: `.json` as JSON, anything else as TOML (`Scheme::from_path`: read
    /// with its size limit; `cannot_read` when it cannot be read).
    #[napi(factory, catch_unwind)]
    pub fn from_file(env: Env, #[napi(ts_arg_type = "string")] path: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let path = path.get("path")?;
            Ok(Self::wrap(CoreScheme::from_path(&path)?))
        })
    }

    /// The scheme's name.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The scheme's hash (in every result).
    #[napi(getter, catch_unwind)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_owned()
    }

    /// Values the scheme holds but rarely means (code `suspicious_value`: a fraction where a
    /// percent is read, e.g. `target = 0.95` on a ratio), with their places in the file; the
    /// scheme loads, and `hotline-score check` prints them as warnings. Empty for the presets.
    #[napi(getter, catch_unwind, ts_return_type = "Array<SchemeProblem>")]
    pub fn suspicious_values<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        env.to_js_value(&self.inner.suspicious_values())
    }

    /// Decimal places of points and totals.
    #[napi(getter, catch_unwind)]
    pub fn decimals(&self) -> u32 {
        self.inner.decimals()
    }

    /// The canonical JSON the hash is computed from.
    #[napi(catch_unwind)]
    pub fn canonical_json(&self) -> String {
        self.inner.canonical_json()
    }

    /// The scheme's period containing `asOf` (months, quarters and years in +08:00), or its
    /// explicit range whatever `asOf` (a scheme written for one range).
    #[napi(catch_unwind)]
    pub fn period_at(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | number")] as_of: When,
    ) -> Result<PeriodOut> {
        enter(&env, || {
            Ok(period_out(&self.inner.period_at(as_of.get()?)?))
        })
    }

    /// The first instant period warnings are given for `period` (`lead_days` before its end, not
    /// before its start), or null when the scheme has no warnings.
    #[napi(catch_unwind)]
    pub fn warning_start(
        &self,
        env: Env,
        #[napi(ts_arg_type = "PeriodInput")] period: PeriodArg,
    ) -> Result<Option<i64>> {
        enter(&env, || {
            Ok(self
                .inner
                .warning_start(&period_in(&period)?)
                .map(Instant::millis))
        })
    }

    /// Scores units from a metrics table (`{ units: { id: { lead, assisting } }, external }`,
    /// e.g. from `Partial.finalize` or SQL): scorecards with components, totals, ranks, grades.
    #[napi(catch_unwind, ts_return_type = "Scores")]
    pub fn score<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Array<Unit>")] units: Arg<Vec<Unit>>,
        #[napi(ts_arg_type = "Metrics | string")] metrics: Unknown<'_>,
        #[napi(ts_arg_type = "AsOfOptions")] options: Opts<AsOfOptions>,
    ) -> Result<Unknown<'e>> {
        let scores = enter(env, || {
            self.score_inner(env, &units.get("units")?, metrics, options.get()?)
        })?;
        json::plain(env, &scores)
    }

    /// `score`, as the core's JSON text (byte-identical to the Rust library's `serde_json`).
    #[napi(catch_unwind)]
    pub fn score_json(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Unit>")] units: Arg<Vec<Unit>>,
        #[napi(ts_arg_type = "Metrics | string")] metrics: Unknown<'_>,
        #[napi(ts_arg_type = "AsOfOptions")] options: Opts<AsOfOptions>,
    ) -> Result<String> {
        let scores = enter(&env, || {
            self.score_inner(&env, &units.get("units")?, metrics, options.get()?)
        })?;
        json::text(&scores)
    }

    /// For each unit and component: value, numerator, denominator, points, points lost and the
    /// tickets that cost them, from the period's contributions (`Evaluator.contributions`); per
    /// unit, what each of those tickets counted on the indicators it cost (`ticket_counters`).
    /// `units`: explain only these units (say, the one whose contributions are given); default
    /// every scored unit.
    #[napi(catch_unwind, ts_return_type = "Array<Explanation>")]
    pub fn explain<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Scores | string")] scores: Unknown<'_>,
        #[napi(ts_arg_type = "Array<Contribution> | string")] contributions: Unknown<'_>,
        #[napi(ts_arg_type = "Array<string>")] units: Option<Unknown<'_>>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let scores = only(env, from_plain(env, "scores", scores)?, units)?;
            let contributions: Vec<Contribution> = from_plain(env, "contributions", contributions)?;
            Ok(self
                .inner
                .explain_parallel(&scores, &contributions, threads())?)
        })?;
        json::plain(env, &out)
    }

    /// The sanctions ladder over closed periods, oldest first: per period, per unit the level
    /// reached and why.
    #[napi(catch_unwind, ts_return_type = "Array<PeriodSanctions>")]
    pub fn sanctions<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Array<Scores> | string")] history: Unknown<'_>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let history: Vec<Scores> = from_plain(env, "history", history)?;
            Ok(self.inner.sanctions(&history)?)
        })?;
        json::plain(env, &out)
    }

    /// Explains `scores` straight from the tickets they were computed from, for the period and
    /// `asOf` they were computed for: what `explain` gives with every unit's contributions,
    /// without building them (every core evaluates a part of the tickets); off the JavaScript
    /// thread. `units`: explain only these units; default every scored unit.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Explanation>>")]
    pub fn explain_tickets(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Evaluator")] evaluator: Instance<'_, Evaluator>,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Scores | string")] scores: Unknown<'_>,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
        #[napi(ts_arg_type = "Array<string>")] units: Option<Unknown<'_>>,
    ) -> AsyncTask<Work<Vec<Explanation>>> {
        let prepared = from_plain(&env, "scores", scores)
            .and_then(|scores| only(&env, scores, units))
            .and_then(|scores| Ok((scores, scope_in(&scope)?)));
        let (scheme, ev, ts) = (
            self.inner.clone(),
            evaluator.clone_handle(),
            tickets.set.clone(),
        );
        Work::after(
            prepared,
            move |(scores, scope): (Scores, Scope)| {
                Ok(scheme.explain_tickets(&ev.inner, ts.held(), &scope, &scores, threads())?)
            },
            plain_js,
        )
        .spawn()
    }

    /// `explainTickets` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<Explanation>")]
    pub fn explain_tickets_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Evaluator")] evaluator: Instance<'_, Evaluator>,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "Scores | string")] scores: Unknown<'_>,
        #[napi(ts_arg_type = "ScopeOptions")] scope: Opts<ScopeOptions>,
        #[napi(ts_arg_type = "Array<string>")] units: Option<Unknown<'_>>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let scores = only(env, from_plain(env, "scores", scores)?, units)?;
            let scope = scope_in(&scope)?;
            Ok(self.inner.explain_tickets(
                &evaluator.inner,
                tickets.set.held(),
                &scope,
                &scores,
                threads(),
            )?)
        })?;
        json::plain(env, &out)
    }

    /// Period warnings at `asOf` (empty before the warning window): units meeting the scheme's
    /// warning conditions, the indicators that cost most, and the rescuable tickets with the
    /// points closing each on time recovers; off the JavaScript thread. Scored as `score` does
    /// with its defaults: the `due_date` anchor and no external metrics (a board's warnings use
    /// the board's own; `board.warnings`).
    #[napi(catch_unwind, ts_return_type = "Promise<Array<UnitWarning>>")]
    pub fn period_warnings(
        &self,
        #[napi(ts_arg_type = "Evaluator")] evaluator: Instance<'_, Evaluator>,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "AsOfOptions")] options: Opts<AsOfOptions>,
    ) -> AsyncTask<Work<Vec<UnitWarning>>> {
        let prepared = options.get().and_then(|options| {
            let as_of = options.as_of.get()?;
            Ok((
                as_of,
                period_or(&self.inner, options.period.as_ref(), as_of)?,
            ))
        });
        let (scheme, ev, ts) = (
            self.inner.clone(),
            evaluator.clone_handle(),
            tickets.set.clone(),
        );
        Work::after(
            prepared,
            move |(as_of, period)| warnings(&scheme, &ev, &ts, &period, as_of),
            plain_js,
        )
        .spawn()
    }

    /// `periodWarnings` on the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Array<UnitWarning>")]
    pub fn period_warnings_sync<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Evaluator")] evaluator: Instance<'_, Evaluator>,
        #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
        #[napi(ts_arg_type = "AsOfOptions")] options: Opts<AsOfOptions>,
    ) -> Result<Unknown<'e>> {
        let out = enter(env, || {
            let options = options.get()?;
            let as_of = options.as_of.get()?;
            let period = period_or(&self.inner, options.period.as_ref(), as_of)?;
            warnings(&self.inner, &evaluator, &tickets.set, &period, as_of)
        })?;
        json::plain(env, &out)
    }
}

impl Scheme {
    fn score_inner(
        &self,
        env: &Env,
        units: &[Unit],
        metrics: Unknown<'_>,
        options: &AsOfOptions,
    ) -> Fallible<Scores> {
        let metrics: MetricsTable = from_plain(env, "metrics", metrics)?;
        let as_of = options.as_of.get()?;
        let period = period_or(&self.inner, options.period.as_ref(), as_of)?;
        Ok(self
            .inner
            .score_parallel(&core_units(units), &metrics, &period, as_of, threads())?)
    }
}

/// What `score` needs besides the tickets and the scheme.
#[napi(object, object_to_js = false)]
pub struct ScoreOptions<'a> {
    /// The units table (every unit that is ranked, including units without tickets).
    pub units: Vec<Unit>,
    /// Evaluation instant.
    #[napi(ts_type = "Date | string | number")]
    pub as_of: When,
    /// The period (default: the scheme's period containing `asOf`).
    #[napi(ts_type = "PeriodInput")]
    pub period: Option<PeriodArg>,
    /// The working-time calendar (default: `Calendar.prc()`).
    #[napi(ts_type = "Calendar")]
    pub calendar: Option<Instance<'a, Calendar>>,
    /// The time-limit policy (default: `Policy.builtin('henan')`).
    #[napi(ts_type = "Policy")]
    pub policy: Option<Instance<'a, Policy>>,
    /// `due_date` (default) or `due_or_closed`.
    #[napi(ts_type = "'due_date' | 'due_or_closed'")]
    pub due_anchor: Option<String>,
    /// External metrics: unit → name → number or decimal string.
    #[napi(ts_type = "Record<string, Record<string, number | string>>")]
    pub external: Option<JsonValue>,
    /// Manual adjustments (人工加减分), each added to its unit's external metric.
    #[napi(ts_type = "Array<Adjustment>")]
    pub adjustments: Option<JsonValue>,
}

impl Keys for ScoreOptions<'_> {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &[
        "units",
        "asOf",
        "period",
        "calendar",
        "policy",
        "dueAnchor",
        "external",
        "adjustments",
    ];
}

/// The pipeline, prepared on the JavaScript thread.
struct Pipeline {
    scheme: Arc<CoreScheme>,
    ev: Evaluator,
    tickets: TicketSet,
    scope: Scope,
    external: std::collections::BTreeMap<
        hotline_score::UnitId,
        std::collections::BTreeMap<String, rust_decimal::Decimal>,
    >,
    adjustments: Vec<hotline_score::metrics::Adjustment>,
}

impl Pipeline {
    fn new(scheme: &Scheme, tickets: &Tickets, o: &Opts<ScoreOptions<'_>>) -> Fallible<Pipeline> {
        let o = o.get()?;
        let ev = Evaluator::build(
            &o.units,
            o.calendar.as_ref().map(|c| &c.inner),
            o.policy.as_ref().map(|p| &*p.inner),
        )?;
        let as_of = o.as_of.get()?;
        let mut scope = Scope::new(period_or(&scheme.inner, o.period.as_ref(), as_of)?, as_of);
        if let Some(a) = &o.due_anchor {
            scope.due_anchor = named("dueAnchor", a)?;
        }
        Ok(Pipeline {
            scheme: scheme.inner.clone(),
            ev,
            tickets: tickets.set.clone(),
            scope,
            external: external_in(o.external.clone().map(|e| e.0))?,
            adjustments: adjustments_in(o.adjustments.clone().map(|a| a.0))?,
        })
    }

    /// The pipeline off the JavaScript thread, its scores converted by `finish` on it.
    fn spawn(
        tickets: &Tickets,
        scheme: &Scheme,
        options: &Opts<ScoreOptions<'_>>,
        finish: for<'e> fn(&'e Env, Scores) -> Result<Unknown<'e>>,
    ) -> AsyncTask<Work<Scores>> {
        Work::after(
            Pipeline::new(scheme, tickets, options),
            Pipeline::run,
            finish,
        )
        .spawn()
    }

    fn run(self) -> Fallible<Scores> {
        let mut metrics = self
            .tickets
            .partial(&self.ev.inner, &self.scope)?
            .finalize(&self.ev.units, self.external);
        metrics.adjustments = self.adjustments;
        let units: &[CoreUnit] = &self.ev.units;
        Ok(self.scheme.score_parallel(
            units,
            &metrics,
            &self.scope.period,
            self.scope.as_of,
            threads(),
        )?)
    }
}

/// Scores tickets with a scheme: evaluate every assignment's clocks, aggregate the period's
/// counters per unit, score, rank and grade — off the JavaScript thread.
#[napi(catch_unwind, ts_return_type = "Promise<Scores>")]
pub fn score(
    #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    #[napi(ts_arg_type = "Scheme")] scheme: Instance<'_, Scheme>,
    #[napi(ts_arg_type = "ScoreOptions")] options: Opts<ScoreOptions<'_>>,
) -> AsyncTask<Work<Scores>> {
    Pipeline::spawn(&tickets, &scheme, &options, plain_js)
}

/// `score` on the JavaScript thread.
#[napi(catch_unwind, ts_return_type = "Scores")]
pub fn score_sync<'e>(
    env: &'e Env,
    #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    #[napi(ts_arg_type = "Scheme")] scheme: Instance<'_, Scheme>,
    #[napi(ts_arg_type = "ScoreOptions")] options: Opts<ScoreOptions<'_>>,
) -> Result<Unknown<'e>> {
    let scores = enter(env, || Pipeline::new(&scheme, &tickets, &options)?.run())?;
    json::plain(env, &scores)
}

/// `score` as the core's JSON text (byte-identical to the Rust library's `serde_json`), off the
/// JavaScript thread.
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn score_json(
    #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    #[napi(ts_arg_type = "Scheme")] scheme: Instance<'_, Scheme>,
    #[napi(ts_arg_type = "ScoreOptions")] options: Opts<ScoreOptions<'_>>,
) -> AsyncTask<Work<Scores>> {
    Pipeline::spawn(&tickets, &scheme, &options, json_js)
}

fn json_js(env: &Env, scores: Scores) -> Result<Unknown<'_>> {
    Ok(env.create_string(&json::text(&scores)?)?.to_unknown())
}

/// `scoreJson` on the JavaScript thread.
#[napi(catch_unwind)]
pub fn score_json_sync(
    env: Env,
    #[napi(ts_arg_type = "Tickets")] tickets: Instance<'_, Tickets>,
    #[napi(ts_arg_type = "Scheme")] scheme: Instance<'_, Scheme>,
    #[napi(ts_arg_type = "ScoreOptions")] options: Opts<ScoreOptions<'_>>,
) -> Result<String> {
    let scores = enter(&env, || Pipeline::new(&scheme, &tickets, &options)?.run())?;
    json::text(&scores)
}
