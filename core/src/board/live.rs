//! Counters at `as_of` from a period's state — each unit's finished facts plus the lapses before
//! `as_of` — for every unit at once ([`PeriodSlot::counters`]), or kept current from one query to
//! the next ([`LiveRows`]): a unit is computed again only when its facts or lapse indexes changed
//! (its version) or one of its lapse instants lies between the two `as_of`s; otherwise only the
//! overdue time of its running completion clocks moves, with the working time elapsed.

use super::periods::PeriodSlot;
use super::record::{Lapse, decode_kind, deltas};
use crate::clocks::Evaluator;
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{Counter, UnitCounters};
use crate::unit::Role;

/// What moved in a unit's counters since the last update, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Moved {
    /// Nothing.
    #[default]
    Nothing,
    /// Its overdue working time only ([`Counter::OverdueWorkingMs`], in any role): working
    /// time moved on while its running completion clocks were overdue.
    OverdueTime,
    /// Any counter.
    Any,
}

/// What one unit's counters at an `as_of` depend on besides its finished facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UnitLapses {
    /// The lapse counts are the same for every `as_of` in `(after, until]`.
    after: i64,
    until: i64,
    /// Per role (lead, assisting): running completion clocks already due, and the sum of their
    /// due instants' working offsets from the period start.
    due_open: [(i64, i64); 2],
}

impl UnitLapses {
    fn has_due_open(&self) -> bool {
        self.due_open.iter().any(|(n, _)| *n != 0)
    }
}

const ROLES: [Role; 2] = [Role::Lead, Role::Assisting];

impl PeriodSlot {
    /// Adds to `row` (unit `u`'s finished facts) its lapses before `as_of`, except the overdue
    /// time of running completion clocks ([`set_overdue`]); what they depend on.
    fn add_lapses(&self, u: usize, as_of: i64, row: &mut UnitCounters) -> UnitLapses {
        let mut lapses = UnitLapses {
            after: i64::MIN,
            until: i64::MAX,
            due_open: [(0, 0); 2],
        };
        let Some(kinds) = self.lapses.get(u) else {
            return lapses;
        };
        for (k, idx) in kinds.iter().enumerate() {
            if idx.len() == 0 {
                continue;
            }
            let n = idx.count_before(as_of);
            let (before, next) = idx.around(n);
            lapses.after = lapses.after.max(before.unwrap_or(i64::MIN));
            lapses.until = lapses.until.min(next.unwrap_or(i64::MAX));
            if n == 0 {
                continue;
            }
            let (role, lapse) = decode_kind(u8::try_from(k).unwrap_or(0));
            let n64 = i64::try_from(n).unwrap_or(i64::MAX);
            let r = row.role_mut(role);
            for (counter, d) in deltas(lapse) {
                r.add(*counter, d.saturating_mul(n64));
            }
            if lapse == Lapse::DueOpen
                && let Some(d) = lapses
                    .due_open
                    .get_mut(usize::from(role == Role::Assisting))
            {
                *d = (n64, idx.weight_of_first(n));
            }
        }
        lapses
    }

    /// Every unit's counters at `as_of` (units-table order).
    pub(crate) fn counters(&self, ev: &Evaluator, as_of: Instant) -> Result<Vec<UnitCounters>> {
        let mut w = WorkingTime::new(self, ev, as_of);
        let mut rows = self.rows.clone();
        for (u, (row, finished)) in rows.iter_mut().zip(&self.rows).enumerate() {
            let lapses = self.add_lapses(u, as_of.millis(), row);
            if lapses.has_due_open() {
                set_overdue(row, Some(finished), &lapses, w.get()?);
            }
        }
        Ok(rows)
    }
}

/// `W(as_of)`: working milliseconds from the period start, computed once when first asked.
struct WorkingTime<'a> {
    slot: &'a PeriodSlot,
    ev: &'a Evaluator,
    as_of: Instant,
    w: Option<i64>,
}

impl<'a> WorkingTime<'a> {
    fn new(slot: &'a PeriodSlot, ev: &'a Evaluator, as_of: Instant) -> Self {
        WorkingTime {
            slot,
            ev,
            as_of,
            w: None,
        }
    }

    fn get(&mut self) -> Result<i64> {
        if let Some(w) = self.w {
            return Ok(w);
        }
        let w = self.ev.working_ms(self.slot.period().start, self.as_of)?;
        self.w = Some(w);
        Ok(w)
    }
}

/// Sets the overdue time of `row` (a unit's counters) at `W(as_of) = w`: its finished part plus,
/// per role, `n·w − Σ offsets` of the due running completion clocks. Whether it changed.
fn set_overdue(
    row: &mut UnitCounters,
    finished: Option<&UnitCounters>,
    lapses: &UnitLapses,
    w: i64,
) -> bool {
    let mut changed = false;
    for (role, (n, offsets)) in ROLES.into_iter().zip(lapses.due_open) {
        if n == 0 {
            continue;
        }
        let base = finished.map_or(0, |f| f.role(role).get(Counter::OverdueWorkingMs));
        let value = base.saturating_add(w.saturating_mul(n).saturating_sub(offsets));
        if let Some(v) = row
            .role_mut(role)
            .0
            .get_mut(Counter::OverdueWorkingMs.index())
            && *v != value
        {
            *v = value;
            changed = true;
        }
    }
    changed
}

/// One period's counters at the last `as_of` asked, for every unit, kept current.
#[derive(Debug, Default)]
pub(crate) struct LiveRows {
    rows: Vec<UnitCounters>,
    /// Per unit: the version of its facts and lapse indexes its row was computed from, and what
    /// the row depends on.
    kept: Vec<Option<(u64, UnitLapses)>>,
    /// `W(as_of)` at the last update, when some unit had a due running completion clock.
    w: Option<i64>,
}

impl LiveRows {
    /// Every unit's counters at the last update.
    pub(crate) fn rows(&self) -> &[UnitCounters] {
        &self.rows
    }

    /// Brings every unit's counters to `as_of`; `changed(u, what)` for each unit whose counters
    /// moved since the last update. On error the rows are partly updated: drop them.
    pub(crate) fn update(
        &mut self,
        slot: &PeriodSlot,
        ev: &Evaluator,
        as_of: Instant,
        changed: &mut impl FnMut(usize, Moved),
    ) -> Result<()> {
        let n = slot.rows.len();
        if self.rows.len() != n || self.kept.len() != n {
            self.rows = vec![UnitCounters::default(); n];
            self.kept = vec![None; n];
        }
        let a = as_of.millis();
        let mut w = WorkingTime::new(slot, ev, as_of);
        let last_w = self.w;
        for (u, (row, kept)) in self.rows.iter_mut().zip(self.kept.iter_mut()).enumerate() {
            let version = slot.versions.get(u).copied().unwrap_or(0);
            let finished = slot.rows.get(u);
            match kept {
                Some((v, lapses)) if *v == version && lapses.after < a && a <= lapses.until => {
                    if lapses.has_due_open() {
                        let now = w.get()?;
                        if last_w != Some(now) && set_overdue(row, finished, lapses, now) {
                            changed(u, Moved::OverdueTime);
                        }
                    }
                }
                _ => {
                    let mut new = finished.copied().unwrap_or_default();
                    let lapses = slot.add_lapses(u, a, &mut new);
                    if lapses.has_due_open() {
                        set_overdue(&mut new, finished, &lapses, w.get()?);
                    }
                    if new != *row {
                        *row = new;
                        changed(u, Moved::Any);
                    }
                    *kept = Some((version, lapses));
                }
            }
        }
        self.w = w.w;
        Ok(())
    }
}
