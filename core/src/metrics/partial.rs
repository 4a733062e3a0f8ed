//! Mergeable aggregation (SPEC §5): `partial(tickets) → merge → finalize`.
//!
//! The partial state is one row per unit of signed 64-bit integers — the `lead_<counter>` and
//! `assisting_<counter>` columns of `docs/partial-state.md` — so merging shards in any order is
//! exact.

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::contribute::{Scope, Sink, evaluate_contributions, first_dispatch, may_contribute};
use super::{Counter, MetricsTable, UnitCounters};
use crate::clocks::{Converter, Evaluator, Facts, Scratch, TicketBatch, TicketView};
use crate::error::{Error, Result};
use crate::parts::in_parts;
use crate::ticket::Ticket;
use crate::unit::{Unit, UnitId};

/// Where scopes `a` and `b` differ, if they do: what, and its two values.
fn scope_difference(a: &Scope, b: &Scope) -> Option<(&'static str, String, String)> {
    let text = |s: &Scope| {
        [
            format!("{}..{}", s.period.start, s.period.end),
            s.as_of.to_string(),
            s.due_anchor.to_string(),
        ]
    };
    let (x, y) = (text(a), text(b));
    ["period", "as_of", "due_anchor"]
        .into_iter()
        .zip(x)
        .zip(y)
        .find(|((_, x), y)| x != y)
        .map(|((what, x), y)| (what, x, y))
}

/// Version of the partial-state column layout (`docs/partial-state.md`).
pub const PARTIAL_SCHEMA_VERSION: u32 = 1;

/// Per-unit integer counters of a set of tickets for one [`Scope`]: merge shards with
/// [`Partial::merge`], then [`Partial::finalize`].
///
/// Units whose counters are all zero are left out, so `partial(a ∪ b)` equals
/// `partial(a).merge(partial(b))` exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Partial {
    /// The scope the counters were computed for (period, `as_of`, due anchor): set by
    /// [`partial`] and kept by the JSON form; `None` for a partial read from the row form
    /// (SQL sums carry no scope) or built by hand. Partials of two scopes do not merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Counters per unit.
    pub units: BTreeMap<UnitId, UnitCounters>,
}

impl Partial {
    /// Adds every row of `other` (commutative and associative). Partials computed for
    /// different scopes — another period, `as_of` or due anchor (the period's label aside) —
    /// are refused (`invalid_partial` on `scope.<what>`): their sum is no one scope's counts (a
    /// shards audit: a shard computed ten days earlier merged silently). A partial without a
    /// scope merges with any, and the result keeps the scope it has.
    pub fn merge(&mut self, other: Partial) -> Result<()> {
        if let (Some(a), Some(b)) = (&self.scope, &other.scope)
            && let Some((what, x, y)) = scope_difference(a, b)
        {
            return Err(Error::InvalidPartial {
                column: format!("scope.{what}"),
                reason: format!(
                    "the partials were computed for different scopes ({what} {x} and {y}); \
                     merge partials of one period, as_of and due anchor"
                ),
            });
        }
        if self.scope.is_none() {
            self.scope = other.scope;
        }
        for (unit, counters) in other.units {
            self.units.entry(unit).or_default().merge(&counters);
        }
        Ok(())
    }

    /// This partial, stamped with the scope it was computed for.
    pub(crate) fn scoped(mut self, scope: Scope) -> Partial {
        self.scope = Some(scope);
        self
    }

    /// The per-unit metrics table: every unit of `units` (zero rows for units without tickets),
    /// plus any unit that had tickets but is not in `units` (kept, never dropped), and the
    /// external metrics.
    pub fn finalize(
        self,
        units: &[Unit],
        external: BTreeMap<UnitId, BTreeMap<String, Decimal>>,
    ) -> MetricsTable {
        let mut rows = self.units;
        for u in units {
            rows.entry(u.id.clone()).or_default();
        }
        MetricsTable {
            units: rows,
            external,
            adjustments: Vec::new(),
        }
    }

    /// The column names of the row form: `unit`, then `lead_<counter>` and
    /// `assisting_<counter>` in catalog order.
    pub fn columns() -> Vec<String> {
        let mut cols = Vec::with_capacity(1 + 2 * Counter::COUNT);
        cols.push("unit".to_owned());
        for prefix in ["lead_", "assisting_"] {
            cols.extend(Counter::ALL.iter().map(|c| format!("{prefix}{}", c.name())));
        }
        cols
    }

    /// The row form: per unit, the `2 × Counter::COUNT` integer columns after `unit`.
    pub fn to_rows(&self) -> Vec<(UnitId, Vec<i64>)> {
        self.units
            .iter()
            .map(|(u, c)| {
                let mut row = Vec::with_capacity(2 * Counter::COUNT);
                row.extend_from_slice(&c.lead.0);
                row.extend_from_slice(&c.assisting.0);
                (u.clone(), row)
            })
            .collect()
    }

    /// Reads the row form. `columns` are the names of the integer columns (without `unit`), in
    /// any order; every catalog column must be present, unknown ones are an error. Rows of the
    /// same unit are added. A bad row is named by its index (from 0) and its unit.
    pub fn from_rows(columns: &[String], rows: &[(UnitId, Vec<i64>)]) -> Result<Partial> {
        Self::read_rows(columns, rows, true)
    }

    /// [`Partial::from_rows`]; `numbered`: a bad row's errors say its index (not for rows
    /// made from the JSON form, one per unit).
    fn read_rows(
        columns: &[String],
        rows: &[(UnitId, Vec<i64>)],
        numbered: bool,
    ) -> Result<Partial> {
        let mut slots = Vec::with_capacity(columns.len());
        for name in columns {
            let slot = name
                .strip_prefix("lead_")
                .map(|n| (false, n))
                .or_else(|| name.strip_prefix("assisting_").map(|n| (true, n)))
                .and_then(|(assisting, n)| Counter::from_name(n).map(|c| (assisting, c)))
                .ok_or_else(|| Error::InvalidPartial {
                    column: name.clone(),
                    reason: "not a partial-state column".into(),
                })?;
            if slots.contains(&slot) {
                return Err(Error::InvalidPartial {
                    column: name.clone(),
                    reason: "duplicate column".into(),
                });
            }
            slots.push(slot);
        }
        if slots.len() != 2 * Counter::COUNT {
            let missing = Partial::columns()
                .into_iter()
                .skip(1)
                .find(|c| !columns.contains(c))
                .unwrap_or_default();
            return Err(Error::InvalidPartial {
                column: missing,
                reason: "missing column".into(),
            });
        }
        let mut out = Partial::default();
        for (i, (unit, values)) in rows.iter().enumerate() {
            if unit.as_str().is_empty() {
                return Err(Error::InvalidPartial {
                    column: "unit".into(),
                    reason: format!("row {i} has no unit id (an empty or null `unit` cell)"),
                });
            }
            let which = if numbered {
                format!("row {i}, unit {unit}")
            } else {
                format!("unit {unit}")
            };
            if values.len() != slots.len() {
                return Err(Error::InvalidPartial {
                    column: unit.to_string(),
                    reason: format!("{which}: {} values, expected {}", values.len(), slots.len()),
                });
            }
            let row = out.units.entry(unit.clone()).or_default();
            for (((assisting, counter), v), name) in slots.iter().zip(values).zip(columns) {
                let role = if *assisting {
                    &mut row.assisting
                } else {
                    &mut row.lead
                };
                let bad = |reason: String| Error::InvalidPartial {
                    column: name.clone(),
                    reason: format!("{which}: {reason}"),
                };
                if *v < 0 {
                    return Err(bad(format!("{v} is negative; counters count assignments")));
                }
                // Rows of one unit add up (shards written one after another); past i64 they
                // would no longer be counts.
                role.get(*counter)
                    .checked_add(*v)
                    .ok_or_else(|| bad("its rows add up past 2^63 - 1".to_owned()))?;
                role.add(*counter, *v);
            }
        }
        out.units.retain(|_, c| !is_zero(c));
        out.check_partitions()?;
        Ok(out)
    }

    /// Reads the JSON form (`{"units": {id: {"lead": {counter: n, …}, "assisting": {…}}}}`, what
    /// serializing a `Partial` writes; an absent counter or role is 0) with the row form's
    /// checks: every counter a whole number ≥ 0, the partitions of SPEC §5; errors name the
    /// column (`lead_due`) and the unit. A key repeated in one object is refused (rows of one
    /// unit add up in the row form; here the JSON would say two different things).
    pub fn from_json(text: &str) -> Result<Partial> {
        use serde_json::Value;
        let bad = |column: &str, reason: String| Error::InvalidPartial {
            column: column.to_owned(),
            reason,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let at = crate::error::FilePos::of_json_error(text, &e)
                .map(|p| format!(" at {p}"))
                .unwrap_or_default();
            bad(
                "",
                format!("not JSON{at}: {}", crate::error::json_reason(&e)),
            )
        })?;
        // serde_json keeps the last of a repeated key: a unit given twice would lose the counts
        // of its first entry. The strict reader refuses a key repeated in one object.
        if let Err((reason, span)) = crate::scheme::json::parse(text) {
            let at = crate::error::FilePos::from_offset(text, span.start);
            let key = text.get(span).unwrap_or_default().trim_matches('"');
            return Err(bad(
                key,
                format!("{reason} at {at}: give each unit, role and counter once"),
            ));
        }
        let Some(top) = value.as_object() else {
            return Err(bad("", "expected an object with `units`".into()));
        };
        if let Some(key) = top.keys().find(|k| *k != "units" && *k != "scope") {
            return Err(bad(
                key,
                format!("unknown key `{key}`; the JSON form has `scope` and `units`"),
            ));
        }
        let scope = match top.get("scope") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value::<Scope>(v.clone())
                    .map_err(|e| bad("scope", format!("`scope`: {e}")))?,
            ),
        };
        let empty = serde_json::Map::new();
        let units = match top.get("units") {
            None => &empty,
            Some(Value::Object(units)) => units,
            Some(_) => return Err(bad("units", "`units` must be an object".into())),
        };
        let columns: Vec<String> = Partial::columns().into_iter().skip(1).collect();
        let mut rows = Vec::with_capacity(units.len());
        for (unit, roles) in units {
            let mut values = vec![0i64; columns.len()];
            let Some(roles) = roles.as_object() else {
                return Err(bad(
                    unit,
                    format!("unit {unit}: expected an object with `lead` and `assisting`"),
                ));
            };
            for (role, counters) in roles {
                let offset = match role.as_str() {
                    "lead" => 0,
                    "assisting" => Counter::COUNT,
                    _ => {
                        return Err(bad(
                            role,
                            format!("unit {unit}: unknown role `{role}` (lead, assisting)"),
                        ));
                    }
                };
                let Some(counters) = counters.as_object() else {
                    return Err(bad(
                        role,
                        format!("unit {unit}: `{role}` must be an object"),
                    ));
                };
                for (name, v) in counters {
                    let column = format!("{role}_{name}");
                    let counter = Counter::from_name(name).ok_or_else(|| {
                        bad(&column, format!("unit {unit}: `{name}` is not a counter"))
                    })?;
                    let n = v.as_i64().ok_or_else(|| {
                        bad(
                            &column,
                            format!(
                                "unit {unit}: {v} is not a whole number from -2^63 to 2^63 - 1"
                            ),
                        )
                    })?;
                    if let Some(slot) = values.get_mut(offset + counter.index()) {
                        *slot = n;
                    }
                }
            }
            rows.push((UnitId::from(unit.as_str()), values));
        }
        let mut partial = Partial::read_rows(&columns, &rows, false)?;
        partial.scope = scope;
        Ok(partial)
    }

    /// Checks every unit's counters against the partitions of SPEC §5
    /// ([`RoleCounters::broken_partition`](super::RoleCounters::broken_partition)): a table read
    /// from outside (edited by hand, joined with missing rows) that breaks one is
    /// `invalid_partial`, naming the column and the unit — it would score a rate above 100 %.
    pub fn check_partitions(&self) -> Result<()> {
        for (unit, row) in &self.units {
            for (prefix, role) in [("lead_", &row.lead), ("assisting_", &row.assisting)] {
                if let Some((counter, relation)) = role.broken_partition() {
                    return Err(Error::InvalidPartial {
                        column: format!("{prefix}{}", counter.name()),
                        reason: format!(
                            "unit {unit}: {relation} (SPEC §5: evaluation always keeps this; \
                             was the table edited, or joined with rows missing?)"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

fn is_zero(c: &UnitCounters) -> bool {
    c.lead.0.iter().chain(c.assisting.0.iter()).all(|v| *v == 0)
}

/// Streaming aggregation: feed tickets one by one, then take the [`Partial`]. Buffers are reused,
/// units of the units table are indexed by position, so the hot path does not allocate.
#[derive(Debug)]
pub struct Accumulator<'e> {
    ev: &'e Evaluator,
    scope: Scope,
    tally: Tally,
    scratch: Scratch,
    converter: Converter,
}

/// Per-unit counters being summed: the units of the units table by position (no allocation on
/// the hot path), any other unit by id.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    rows: Vec<UnitCounters>,
    others: BTreeMap<UnitId, UnitCounters>,
}

impl Tally {
    /// Nothing counted yet, for the units of `ev`.
    pub(crate) fn new(ev: &Evaluator) -> Self {
        Tally {
            rows: vec![UnitCounters::default(); ev.units().len()],
            others: BTreeMap::new(),
        }
    }

    /// The partial state (units with all-zero counters left out); `ev` is the evaluator the
    /// tally was made for.
    pub(crate) fn finish(self, ev: &Evaluator) -> Partial {
        let mut units = self.others;
        for (unit, row) in ev.units().iter().zip(self.rows) {
            if !is_zero(&row) {
                units.entry(unit.id.clone()).or_default().merge(&row);
            }
        }
        units.retain(|_, c| !is_zero(c));
        Partial { scope: None, units }
    }
}

impl Sink for Tally {
    #[inline]
    fn add(&mut self, ticket: &TicketView<'_>, f: &Facts, counter: Counter, amount: i64) {
        let row = match f.unit.and_then(|u| self.rows.get_mut(u as usize)) {
            Some(row) => row,
            None => {
                let unit = ticket
                    .names
                    .get(f.key)
                    .cloned()
                    .unwrap_or_else(|| UnitId(String::new()));
                self.others.entry(unit).or_default()
            }
        };
        row.role_mut(f.role).add(counter, amount);
    }
}

impl<'e> Accumulator<'e> {
    /// An empty accumulator for `scope`.
    pub fn new(ev: &'e Evaluator, scope: Scope) -> Self {
        Accumulator {
            ev,
            scope,
            tally: Tally::new(ev),
            scratch: Scratch::default(),
            converter: Converter::default(),
        }
    }

    /// Adds one ticket's contributions.
    pub fn add(&mut self, ticket: &Ticket) -> Result<()> {
        let first = first_dispatch(ticket);
        if !may_contribute(first, &self.scope) {
            return Ok(());
        }
        let view = self.converter.view(self.ev, ticket);
        evaluate_contributions(
            self.ev,
            &view,
            &self.scope,
            &mut self.scratch,
            &mut self.tally,
        )
    }

    /// Adds the contributions of every ticket of `batch`.
    pub fn add_batch(&mut self, batch: &TicketBatch) -> Result<()> {
        self.add_batch_range(batch, 0..batch.len())
    }

    /// Adds the contributions of tickets `range` of `batch`.
    fn add_batch_range(&mut self, batch: &TicketBatch, range: Range<usize>) -> Result<()> {
        let rows = batch.rows_for(self.ev);
        for view in batch.views(&rows, range) {
            self.add_ticket_view(&view)?;
        }
        Ok(())
    }

    /// Adds the contributions of the ticket `view` shows.
    fn add_ticket_view(&mut self, view: &TicketView<'_>) -> Result<()> {
        evaluate_contributions(
            self.ev,
            view,
            &self.scope,
            &mut self.scratch,
            &mut self.tally,
        )
    }

    /// The partial state (units with all-zero counters left out).
    pub fn finish(self) -> Partial {
        self.tally.finish(self.ev).scoped(self.scope)
    }
}

/// The partial state of `tickets` for `scope` (SPEC §5): evaluate, aggregate per unit.
pub fn partial(tickets: &[Ticket], ev: &Evaluator, scope: &Scope) -> Result<Partial> {
    let mut acc = Accumulator::new(ev, scope.clone());
    for t in tickets {
        acc.add(t)?;
    }
    Ok(acc.finish())
}

/// [`partial`] over a [`TicketBatch`] (the fast path; same result as over its tickets).
pub fn partial_batch(batch: &TicketBatch, ev: &Evaluator, scope: &Scope) -> Result<Partial> {
    let mut acc = Accumulator::new(ev, scope.clone());
    acc.add_batch(batch)?;
    Ok(acc.finish())
}

/// [`partial`] of the tickets `views` show (e.g. a batch as known at some instant).
pub(crate) fn partial_of_views<'v>(
    views: impl Iterator<Item = TicketView<'v>>,
    ev: &Evaluator,
    scope: &Scope,
) -> Result<Partial> {
    let mut acc = Accumulator::new(ev, scope.clone());
    for view in views {
        acc.add_ticket_view(&view)?;
    }
    Ok(acc.finish())
}

/// Fewer tickets than this per thread are not worth a thread.
const MIN_TICKETS_PER_THREAD: usize = 20_000;

/// [`partial_batch`] on up to `threads` threads, each over a contiguous part of the batch, the
/// parts merged: the same result (the first error in ticket order, if any). Small batches and
/// `threads <= 1` run on the calling thread alone.
pub fn partial_batch_parallel(
    batch: &TicketBatch,
    ev: &Evaluator,
    scope: &Scope,
    threads: usize,
) -> Result<Partial> {
    let parts = threads.min(batch.len() / MIN_TICKETS_PER_THREAD).max(1);
    partial_batch_in_parts(batch, ev, scope, parts)
}

/// [`partial_batch`] in exactly `parts` parts (at least one).
fn partial_batch_in_parts(
    batch: &TicketBatch,
    ev: &Evaluator,
    scope: &Scope,
    parts: usize,
) -> Result<Partial> {
    let part = |tickets: Range<usize>| -> Result<Partial> {
        let mut acc = Accumulator::new(ev, scope.clone());
        acc.add_batch_range(batch, tickets)?;
        Ok(acc.finish())
    };
    let (first, rest) = in_parts(batch.len(), parts, part, part);
    let mut whole = first?;
    for p in rest {
        whole.merge(p?)?;
    }
    Ok(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluating a batch in contiguous parts on several threads and merging the parts gives
    /// the partial state of the whole batch.
    #[test]
    fn parts_on_threads_equal_the_whole() {
        use crate::Period;
        let (city, ev) = crate::synthetic::test_city(6, 40, 7);
        let batch = TicketBatch::from_tickets(&city.tickets);
        let first = city.tickets[0].received_at;
        let period = Period::new(
            first,
            first.checked_add_millis(10 * 86_400_000).unwrap(),
            "p",
        )
        .unwrap();
        let scope = Scope::new(period, first.checked_add_millis(4 * 86_400_000).unwrap());
        let whole = partial_batch(&batch, &ev, &scope).unwrap();
        assert!(!whole.units.is_empty());
        for parts in 1..=5 {
            assert_eq!(
                partial_batch_in_parts(&batch, &ev, &scope, parts).unwrap(),
                whole,
                "{parts}"
            );
        }
        assert_eq!(
            partial_batch_parallel(&batch, &ev, &scope, 4).unwrap(),
            whole
        );
    }

    fn one(unit: &str, counter: Counter, v: i64) -> Partial {
        let mut c = UnitCounters::default();
        c.lead.add(counter, v);
        c.assisting.add(counter, 2 * v);
        Partial {
            scope: None,
            units: [(UnitId::from(unit), c)].into(),
        }
    }

    /// Shards computed for two `as_of`s (or periods, or due anchors) are refused; the label
    /// aside, equal scopes merge, and a partial without a scope (the row form's) merges with
    /// any, the result keeping the scope. The scope survives the JSON form.
    #[test]
    fn partials_of_two_scopes_do_not_merge() {
        use crate::Period;
        let (city, ev) = crate::synthetic::test_city(6, 40, 7);
        let first = city.tickets[0].received_at;
        let day = |n: i64| first.checked_add_millis(n * 86_400_000).unwrap();
        let period = Period::new(first, day(10), "p").unwrap();
        let (a, b) = city.tickets.split_at(city.tickets.len() / 2);
        let scope = Scope::new(period.clone(), day(4));
        let mut left = partial(a, &ev, &scope).unwrap();
        let earlier = partial(b, &ev, &Scope::new(period.clone(), day(3))).unwrap();
        let e = left.clone().merge(earlier).unwrap_err();
        assert_eq!(e.code(), "invalid_partial");
        assert_eq!(e.context().field.as_deref(), Some("scope.as_of"), "{e}");
        let anchored = Scope {
            due_anchor: crate::metrics::DueAnchor::DueOrClosed,
            ..scope.clone()
        };
        let e = left
            .clone()
            .merge(partial(b, &ev, &anchored).unwrap())
            .unwrap_err();
        assert_eq!(
            e.context().field.as_deref(),
            Some("scope.due_anchor"),
            "{e}"
        );
        // The anchors by the names options take, not their Rust names.
        assert!(e.to_string().contains("due_date and due_or_closed"), "{e}");
        let relabelled = Scope::new(Period::new(first, day(10), "q").unwrap(), day(4));
        let right = partial(b, &ev, &relabelled).unwrap();
        left.clone().merge(right.clone()).unwrap();
        let mut unscoped = Partial::from_rows(&Partial::columns()[1..], &right.to_rows()).unwrap();
        assert_eq!(unscoped.scope, None);
        unscoped.merge(left.clone()).unwrap();
        assert_eq!(unscoped.scope.as_ref(), Some(&scope));
        left.merge(right).unwrap();
        assert_eq!(left, partial(&city.tickets, &ev, &scope).unwrap());
        let text = serde_json::to_string(&left).unwrap();
        assert_eq!(Partial::from_json(&text).unwrap(), left);
    }

    #[test]
    fn merge_adds_and_finalize_lists_every_unit() {
        let mut a = one("x", Counter::Due, 2);
        a.merge(one("x", Counter::Due, 3)).unwrap();
        a.merge(one("y", Counter::Closed, 1)).unwrap();
        assert_eq!(a.units[&UnitId::from("x")].lead.get(Counter::Due), 5);
        assert_eq!(a.units[&UnitId::from("x")].assisting.get(Counter::Due), 10);
        let units = [
            Unit {
                id: "z".into(),
                group: "g".into(),
                name: String::new(),
            },
            Unit {
                id: "x".into(),
                group: "g".into(),
                name: String::new(),
            },
        ];
        let table = a.finalize(&units, BTreeMap::new());
        let names: Vec<_> = table.units.keys().map(UnitId::as_str).collect();
        assert_eq!(
            names,
            ["x", "y", "z"],
            "listed units get zero rows, others are kept"
        );
        assert_eq!(table.units[&UnitId::from("z")], UnitCounters::default());
    }

    #[test]
    fn rows_round_trip_in_any_column_order() {
        let mut p = one("x", Counter::SignWorkingMs, 7);
        p.merge(one("y", Counter::Callbacks, 1)).unwrap();
        p.merge(one("y", Counter::Satisfied, 1)).unwrap();
        let cols = Partial::columns();
        assert_eq!(cols.len(), 1 + 2 * Counter::COUNT);
        assert_eq!(cols[1], "lead_dispatched");
        assert_eq!(cols[1 + Counter::COUNT], "assisting_dispatched");
        let rows = p.to_rows();
        assert_eq!(Partial::from_rows(&cols[1..], &rows).unwrap(), p);
        // Reverse the column order and every row with it.
        let rcols: Vec<String> = cols[1..].iter().rev().cloned().collect();
        let rrows: Vec<_> = rows
            .iter()
            .map(|(u, r)| (u.clone(), r.iter().rev().copied().collect::<Vec<_>>()))
            .collect();
        assert_eq!(Partial::from_rows(&rcols, &rrows).unwrap(), p);
    }

    #[test]
    fn the_documented_layout_is_the_catalog() {
        let doc = include_str!("../../../docs/partial-state.md");
        let start = doc.find("`dispatched,").unwrap();
        let end = start + 1 + doc[start + 1..].find('`').unwrap();
        let listed: Vec<&str> = doc[start + 1..end].split(',').map(str::trim).collect();
        let names: Vec<&str> = Counter::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(listed, names);
        assert!(doc.contains(&format!(
            "{} counters, so {} columns",
            names.len(),
            1 + 2 * names.len()
        )));
        assert!(doc.contains(&format!("Schema version {PARTIAL_SCHEMA_VERSION}")));
    }

    #[test]
    fn bad_rows_are_typed_errors() {
        let cols = Partial::columns();
        let mut bad = cols[1..].to_vec();
        bad[0] = "lead_bogus".into();
        let e = Partial::from_rows(&bad, &[]).unwrap_err();
        assert_eq!(e.code(), "invalid_partial");
        let e = Partial::from_rows(&cols[2..], &[]).unwrap_err();
        assert!(e.to_string().contains("lead_dispatched"), "{e}");
        let mut dup = cols[1..].to_vec();
        dup[1] = dup[0].clone();
        assert_eq!(
            Partial::from_rows(&dup, &[]).unwrap_err().code(),
            "invalid_partial"
        );
        let e = Partial::from_rows(&cols[1..], &[("x".into(), vec![1, 2])]).unwrap_err();
        assert_eq!(e.code(), "invalid_partial");
        // Counts are never negative, and rows of one unit never add up past i64.
        let n = cols.len() - 1;
        let mut negative = vec![0; n];
        negative[3] = -5;
        let e = Partial::from_rows(&cols[1..], &[("u".into(), negative)]).unwrap_err();
        assert_eq!(e.context().field.as_deref(), Some(cols[4].as_str()));
        assert!(
            e.to_string().contains("row 0, unit u: -5 is negative"),
            "{e}"
        );
        let big = vec![i64::MAX; n];
        let e = Partial::from_rows(&cols[1..], &[("u".into(), big.clone()), ("u".into(), big)])
            .unwrap_err();
        assert!(e.to_string().contains("past 2^63 - 1"), "{e}");
        // The partitions of SPEC §5 hold (a hand-edited table scored 按时办结率 129.59 %).
        let mut broken = Partial::default();
        broken.merge(one("u", Counter::Due, 338)).unwrap();
        broken.merge(one("u", Counter::DueClosed, 438)).unwrap();
        broken.merge(one("u", Counter::ClosedOnTime, 438)).unwrap();
        let e = Partial::from_rows(&cols[1..], &broken.to_rows()).unwrap_err();
        assert_eq!(e.code(), "invalid_partial");
        assert_eq!(e.context().field.as_deref(), Some("lead_due"));
        let message = e.to_string();
        assert!(
            message.contains(
                "unit u: due = 338, but closed_on_time + closed_late + overdue_open = 438"
            ),
            "{message}"
        );
        broken.merge(one("u", Counter::Due, 100)).unwrap();
        assert!(Partial::from_rows(&cols[1..], &broken.to_rows()).is_ok());
        broken.merge(one("u", Counter::Signed, 1)).unwrap();
        let e = Partial::from_rows(&cols[1..], &broken.to_rows()).unwrap_err();
        assert_eq!(e.context().field.as_deref(), Some("lead_signed"));
        assert!(
            e.to_string().contains("signed = 1 exceeds dispatched = 0"),
            "{e}"
        );
        // A row without a unit.
        let e = Partial::from_rows(
            &cols[1..],
            &[("u".into(), vec![0; n]), ("".into(), vec![0; n])],
        )
        .unwrap_err();
        assert_eq!(e.context().field.as_deref(), Some("unit"));
        assert!(e.to_string().contains("row 1 has no unit id"), "{e}");
        // The JSON form, with the same checks and the unit named.
        let mut fine = Partial::default();
        fine.merge(one("u", Counter::Callbacks, 2)).unwrap();
        fine.merge(one("u", Counter::Satisfied, 2)).unwrap();
        fine.merge(one("v", Counter::SignWorkingMs, 9)).unwrap();
        let text = serde_json::to_string(&fine).unwrap();
        assert_eq!(Partial::from_json(&text).unwrap(), fine);
        let sparse = r#"{"units": {"u": {"lead": {"callbacks": 2, "satisfied": 2}}}}"#;
        assert_eq!(Partial::from_json(sparse).unwrap().units.len(), 1);
        for (text, column, says) in [
            (
                r#"{"units": {"u": {"lead": {"due": -2, "overdue_open": -2}}}}"#,
                "lead_due",
                "unit u: -2 is negative",
            ),
            (
                r#"{"units": {"u": {"lead": {"due": 1.5}}}}"#,
                "lead_due",
                "unit u: 1.5 is not a whole number",
            ),
            (
                r#"{"units": {"u": {"lead": {"callbacks": 1}}}}"#,
                "lead_callbacks",
                "unit u: callbacks = 1, but",
            ),
            (
                r#"{"units": {"u": {"lead": {"bogus": 1}}}}"#,
                "lead_bogus",
                "not a counter",
            ),
            (
                r#"{"units": {"u": {"helper": {}}}}"#,
                "helper",
                "unknown role",
            ),
            (r#"{"unit": {}}"#, "unit", "unknown key"),
            // serde_json kept the last of a repeated key.
            (
                r#"{"units": {"x": {"lead": {"urged": 1}}, "x": {"lead": {"urged": 2}}}}"#,
                "x",
                "duplicate key \"x\" at line 1, column 41",
            ),
            (
                r#"{"units": {"x": {"lead": {"urged": 1}}}, "units": {}}"#,
                "units",
                "duplicate key \"units\"",
            ),
            (
                r#"{"units": {"x": {"lead": {"urged": 1, "urged": 1}}}}"#,
                "urged",
                "duplicate key",
            ),
        ] {
            let e = Partial::from_json(text).unwrap_err();
            assert_eq!(e.code(), "invalid_partial", "{text}");
            assert_eq!(e.context().field.as_deref(), Some(column), "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
        // A metrics table refuses negative counters too.
        let json = r#"{"units": {"u": {"lead": {"dispatched": -1}}}}"#;
        let e = serde_json::from_str::<crate::metrics::MetricsTable>(json).unwrap_err();
        assert!(e.to_string().contains("never negative"), "{e}");
        // The unit and the role are named (the position is in text a binding wrote).
        assert!(
            e.to_string()
                .starts_with(r#"unit u, lead: metric "dispatched" is -1"#),
            "{e}"
        );
        let e = serde_json::from_str::<crate::metrics::MetricsTable>(
            r#"{"units": {"v": {"assisting": {"due": 1.5}}}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("unit v, assisting: "), "{e}");
        let fine = json.replace("-1", "1");
        assert!(serde_json::from_str::<crate::metrics::MetricsTable>(&fine).is_ok());
    }
}
