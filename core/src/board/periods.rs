//! Per-period, per-unit state: finished counters, lapse indexes and the tickets that touch each
//! unit — updated by record diffs, read at any `as_of` without visiting tickets.

use std::collections::BTreeSet;

use super::index::TimeIndex;
use super::record::{Fixed, KINDS, Lapse, Periods, Record, Timed, decode_kind, decode_slot};
use crate::clocks::Evaluator;
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::metrics::{DueAnchor, Scope, UnitCounters};
use crate::period::Period;
use crate::scheme::Scheme;

/// One period's state.
#[derive(Debug, Clone)]
pub(crate) struct PeriodSlot {
    /// The period, with the board's options (its `as_of` is scratch space).
    pub scope: Scope,
    /// Finished facts, per unit (dense, units-table order).
    pub rows: Vec<UnitCounters>,
    /// Lapse indexes, per unit and kind.
    pub lapses: Vec<[TimeIndex; KINDS]>,
    /// Tickets with any contribution to this period, per unit.
    pub tickets: Vec<BTreeSet<u32>>,
    /// Per unit, bumped whenever its finished facts or lapse indexes change.
    pub versions: Vec<u64>,
}

impl PeriodSlot {
    /// The period.
    pub(crate) fn period(&self) -> &Period {
        &self.scope.period
    }

    fn heap_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<UnitCounters>()
            + self.lapses.capacity() * std::mem::size_of::<[TimeIndex; KINDS]>()
            + self
                .lapses
                .iter()
                .flat_map(|k| k.iter())
                .map(TimeIndex::heap_bytes)
                .sum::<usize>()
            + self
                .tickets
                .iter()
                .map(|t| t.len() * 2 * std::mem::size_of::<u32>())
                .sum::<usize>()
    }
}

/// Every period the board has seen, by id (ids never change; lookups by instant are binary
/// searches).
#[derive(Debug, Clone)]
pub(crate) struct PeriodTable {
    slots: Vec<PeriodSlot>,
    /// `(start, end, id)` sorted by start.
    order: Vec<(i64, i64, u16)>,
    units: usize,
    due_anchor: DueAnchor,
    /// `(start, end, id)` of the two periods [`PeriodTable::resolve`] found last, the latest
    /// first (a ticket's instants fall in one period, its due instants sometimes in the next).
    hints: [Option<(i64, i64, u16)>; 2],
    /// Memo of [`PeriodTable::offset`]: `(period, instant, offset)` (due instants of running
    /// completion clocks are shared by many tickets: ends of office hours).
    offsets: [(u16, i64, i64); OFFSETS],
}

/// Slots of the offset memo.
const OFFSETS: usize = 64;

impl PeriodTable {
    /// An empty table for `units` units.
    pub(crate) fn new(units: usize, due_anchor: DueAnchor) -> Self {
        PeriodTable {
            slots: Vec::new(),
            order: Vec::new(),
            units,
            due_anchor,
            hints: [None; 2],
            offsets: [(u16::MAX, 0, 0); OFFSETS],
        }
    }

    /// The slot `id`.
    pub(crate) fn get(&self, id: u16) -> Option<&PeriodSlot> {
        self.slots.get(usize::from(id))
    }

    /// The id of the known period containing `t`.
    pub(crate) fn find(&self, t: Instant) -> Option<u16> {
        let i = self
            .order
            .partition_point(|o| o.0 <= t.millis())
            .checked_sub(1)?;
        let (_, end, id) = *self.order.get(i)?;
        (t.millis() < end).then_some(id)
    }

    /// The id of the known period equal to `period` (same start and end).
    pub(crate) fn find_period(&self, period: &Period) -> Option<u16> {
        self.find(period.start).filter(|id| {
            self.get(*id)
                .is_some_and(|s| s.period().start == period.start && s.period().end == period.end)
        })
    }

    /// The id of the scheme's period containing `t`, created if new (`None` when the scheme's
    /// explicit range does not contain `t`).
    pub(crate) fn resolve(&mut self, scheme: &Scheme, t: Instant) -> Result<Option<u16>> {
        let hit = |h: &Option<(i64, i64, u16)>| {
            h.filter(|(start, end, _)| *start <= t.millis() && t.millis() < *end)
                .map(|h| h.2)
        };
        if let Some(id) = self.hints.iter().find_map(hit) {
            return Ok(Some(id));
        }
        if let Some(id) = self.find(t) {
            let found = self.slots.get(usize::from(id)).map(|s| {
                let p = s.period();
                (p.start.millis(), p.end.millis(), id)
            });
            let [latest, _] = self.hints;
            self.hints = [found, latest];
            return Ok(Some(id));
        }
        let period = scheme.period_at(t)?;
        if !period.contains(t) {
            return Ok(None);
        }
        self.insert(period).map(Some)
    }

    /// Adds `period` (which contains no known period's start) and returns its id.
    pub(crate) fn insert(&mut self, period: Period) -> Result<u16> {
        let id = u16::try_from(self.slots.len()).map_err(|_| Error::BoardConfig {
            field: "periods".into(),
            reason: "more than 65535 periods on one board".into(),
        })?;
        let pos = self.order.partition_point(|o| o.0 < period.start.millis());
        self.order
            .insert(pos, (period.start.millis(), period.end.millis(), id));
        let as_of = period.start;
        self.slots.push(PeriodSlot {
            scope: Scope {
                period,
                as_of,
                due_anchor: self.due_anchor,
            },
            rows: vec![UnitCounters::default(); self.units],
            lapses: vec![Default::default(); self.units],
            tickets: vec![BTreeSet::new(); self.units],
            versions: vec![0; self.units],
        });
        Ok(id)
    }

    /// Replaces `ticket`'s contributions `old` by `new` (both sorted records), touching only
    /// what differs. The ticket sets change only for a `(period, unit)` pair that one record has
    /// and the other lacks: an entry present on one side only is looked up (binary search) in
    /// the other record.
    pub(crate) fn apply(&mut self, ticket: u32, old: &Record, new: &Record) {
        let key = Fixed::key;
        // Entries of one pair are adjacent in each list: a pair is looked up once per side.
        let mut sets = PairMoves::default();
        let (mut a, mut b) = (old.fixed.iter().peekable(), new.fixed.iter().peekable());
        loop {
            match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) if key(x) == key(y) => {
                    let d = y.amount.saturating_sub(x.amount);
                    a.next();
                    b.next();
                    if d != 0 {
                        self.add_fixed(y, d);
                    }
                }
                (Some(x), Some(y)) if key(x) < key(y) => {
                    a.next();
                    self.add_fixed(x, x.amount.saturating_neg());
                    sets.left(self, ticket, new, (x.period(), x.unit()));
                }
                (Some(x), None) => {
                    a.next();
                    self.add_fixed(x, x.amount.saturating_neg());
                    sets.left(self, ticket, new, (x.period(), x.unit()));
                }
                (_, Some(y)) => {
                    b.next();
                    self.add_fixed(y, y.amount);
                    sets.joined(self, ticket, old, (y.period(), y.unit()));
                }
                (None, None) => break,
            }
        }
        // Timed entries: merge-walk the two sorted lists, touching only the differences.
        let (mut a, mut b) = (old.timed.iter().peekable(), new.timed.iter().peekable());
        loop {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x == y => {
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x < y => {
                    self.timed(ticket, x, false);
                    sets.left(self, ticket, new, (x.period, x.unit));
                    a.next();
                }
                (Some(x), None) => {
                    self.timed(ticket, x, false);
                    sets.left(self, ticket, new, (x.period, x.unit));
                    a.next();
                }
                (_, Some(y)) => {
                    self.timed(ticket, y, true);
                    sets.joined(self, ticket, old, (y.period, y.unit));
                    b.next();
                }
                (None, None) => break,
            }
        }
    }

    fn add_fixed(&mut self, f: &Fixed, amount: i64) {
        let Some((role, counter)) = decode_slot(f.slot()) else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(usize::from(f.period()))
            && let Some(row) = slot.rows.get_mut(f.unit() as usize)
        {
            row.role_mut(role).add(counter, amount);
            bump(slot, f.unit());
        }
    }

    fn ticket_set(&mut self, (period, unit): (u16, u32)) -> Option<&mut BTreeSet<u32>> {
        self.slots
            .get_mut(usize::from(period))?
            .tickets
            .get_mut(unit as usize)
    }

    fn timed(&mut self, ticket: u32, t: &Timed, insert: bool) {
        let Some(slot) = self.slots.get_mut(usize::from(t.period)) else {
            return;
        };
        bump(slot, t.unit);
        let Some(idx) = slot
            .lapses
            .get_mut(t.unit as usize)
            .and_then(|k| k.get_mut(usize::from(t.kind)))
        else {
            return;
        };
        if insert {
            let weighted = decode_kind(t.kind).1 == Lapse::DueOpen;
            idx.insert(t.at, ticket, t.w, weighted);
        } else {
            idx.remove(t.at, ticket);
        }
    }

    /// Working milliseconds from the start of period `id` to `t`.
    pub(crate) fn offset(&mut self, ev: &Evaluator, id: u16, t: Instant) -> Result<i64> {
        let h = (t.millis() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58;
        if let Some((p, at, w)) = self.offsets.get(h as usize)
            && *p == id
            && *at == t.millis()
        {
            return Ok(*w);
        }
        let start = self.get(id).map_or(t, |s| s.scope.period.start);
        let w = ev.working_ms(start, t)?;
        if let Some(s) = self.offsets.get_mut(h as usize) {
            *s = (id, t.millis(), w);
        }
        Ok(w)
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.iter().map(PeriodSlot::heap_bytes).sum::<usize>()
            + self.order.capacity() * std::mem::size_of::<(i64, i64, u16)>()
    }

    /// Number of lapse entries held.
    pub(crate) fn lapse_entries(&self) -> usize {
        self.slots
            .iter()
            .flat_map(|s| s.lapses.iter())
            .flat_map(|k| k.iter())
            .map(TimeIndex::len)
            .sum()
    }
}

/// The `(period, unit)` pairs whose ticket sets one commit already updated (the last one
/// each way: a record's entries of one pair are adjacent).
#[derive(Default)]
struct PairMoves {
    left: Option<(u16, u32)>,
    joined: Option<(u16, u32)>,
}

impl PairMoves {
    /// An entry of `pair` left the ticket's record: unless the `new` record still contributes
    /// there, the ticket leaves the pair's ticket set.
    fn left(&mut self, table: &mut PeriodTable, ticket: u32, new: &Record, pair: (u16, u32)) {
        if self.left.replace(pair) != Some(pair)
            && !contributes(new, pair)
            && let Some(set) = table.ticket_set(pair)
        {
            set.remove(&ticket);
        }
    }

    /// An entry of `pair` joined the ticket's record: unless the `old` record already
    /// contributed there, the ticket joins the pair's ticket set.
    fn joined(&mut self, table: &mut PeriodTable, ticket: u32, old: &Record, pair: (u16, u32)) {
        if self.joined.replace(pair) != Some(pair)
            && !contributes(old, pair)
            && let Some(set) = table.ticket_set(pair)
        {
            set.insert(ticket);
        }
    }
}

/// Marks unit `unit`'s counters in `slot` as changed.
fn bump(slot: &mut PeriodSlot, unit: u32) {
    if let Some(v) = slot.versions.get_mut(unit as usize) {
        *v = v.wrapping_add(1);
    }
}

/// Whether `rec` has a finished fact or a lapse for `(period, unit)` (both lists are sorted by
/// period, then unit).
fn contributes(rec: &Record, pair: (u16, u32)) -> bool {
    let i = rec.fixed.partition_point(|f| (f.period(), f.unit()) < pair);
    let j = rec.timed.partition_point(|t| (t.period, t.unit) < pair);
    rec.fixed
        .get(i)
        .is_some_and(|f| (f.period(), f.unit()) == pair)
        || rec.timed.get(j).is_some_and(|t| (t.period, t.unit) == pair)
}

/// [`Periods`] over the board's table: periods are created as anchors reach them.
pub(crate) struct TablePeriods<'a> {
    pub table: &'a mut PeriodTable,
    pub scheme: &'a Scheme,
}

impl Periods for TablePeriods<'_> {
    fn period_of(&mut self, t: Instant) -> Result<Option<u16>> {
        self.table.resolve(self.scheme, t)
    }

    fn bounds(&self, id: u16) -> Option<(Instant, Instant)> {
        let p = self.table.get(id)?.period();
        Some((p.start, p.end))
    }

    fn scope(&mut self, id: u16, as_of: Instant) -> Option<&Scope> {
        let slot = self.table.slots.get_mut(usize::from(id))?;
        slot.scope.as_of = as_of;
        Some(&slot.scope)
    }

    fn offset(&mut self, ev: &Evaluator, id: u16, t: Instant) -> Result<i64> {
        self.table.offset(ev, id, t)
    }
}

/// [`Periods`] for one period only (query-time evaluation of a ticket).
pub(crate) struct OnePeriod {
    /// The id the contributions are labelled with.
    pub id: u16,
    /// The period and options.
    pub scope: Scope,
}

impl Periods for OnePeriod {
    fn period_of(&mut self, t: Instant) -> Result<Option<u16>> {
        Ok(self.scope.period.contains(t).then_some(self.id))
    }

    fn bounds(&self, id: u16) -> Option<(Instant, Instant)> {
        let p = &self.scope.period;
        (id == self.id).then_some((p.start, p.end))
    }

    fn scope(&mut self, id: u16, as_of: Instant) -> Option<&Scope> {
        self.scope.as_of = as_of;
        (id == self.id).then_some(&self.scope)
    }

    fn offset(&mut self, ev: &Evaluator, _: u16, t: Instant) -> Result<i64> {
        ev.working_ms(self.scope.period.start, t)
    }
}
