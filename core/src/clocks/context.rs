//! The evaluator: a compiled calendar, its whole-day view, a policy and the units table,
//! prepared once and shared by every evaluation.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::amount::Amount;
use crate::calendar::{Calendar, DayCount, DeadlineAt};
use crate::error::{Error, Result};
use crate::instant::{Instant, MS_PER_DAY};
use crate::policy::{Limit, Limits, Policy, Subject, TimeBasis};
use crate::ticket::{Kind, Ticket, Urgency};
use crate::unit::Unit;

use super::view::TicketView;

/// Everything evaluation needs that does not change between calls: build it once per
/// (calendar, policy, units) and reuse it for any number of tickets, periods and `as_of`s.
#[derive(Debug, Clone)]
pub struct Evaluator {
    office: Calendar,
    whole_day: Calendar,
    policy: Policy,
    units: Vec<Unit>,
    index: HashMap<String, u32, BuildHasherDefault<FxHasher>>,
    /// Group index of each unit (same order as `units`); unknown units use `groups.len() - 1`.
    unit_group: Vec<u32>,
    /// Distinct group names; the last entry is `""` (unknown units).
    groups: Vec<String>,
    /// Limits per (kind, urgency, group) when the policy only looks at those.
    table: Option<Vec<Limits>>,
    /// The calendar's UTC offset in milliseconds.
    offset_ms: i64,
}

const KINDS: [Kind; 7] = [
    Kind::Consult,
    Kind::Help,
    Kind::Complaint,
    Kind::Report,
    Kind::Suggestion,
    Kind::Praise,
    Kind::Other,
];
/// The most distinct unit groups for which limits are precomputed per (kind, urgency, group).
const MAX_TABLE_GROUPS: usize = 256;

const URGENCIES: [Urgency; 2] = [Urgency::Normal, Urgency::Urgent];

fn kind_index(k: Kind) -> usize {
    KINDS.iter().position(|x| *x == k).unwrap_or(0)
}

fn urgency_index(u: Urgency) -> usize {
    usize::from(u == Urgency::Urgent)
}

impl Evaluator {
    /// Prepares evaluation with office-hours `calendar`, `policy` and the `units` table, taken
    /// as given: [`check_units`](crate::ticket::check_units) refuses a table with a duplicate or
    /// empty unit id, as every loader does (here the first row of a duplicate id would win).
    pub fn new(calendar: &Calendar, policy: Policy, units: &[Unit]) -> Evaluator {
        let mut groups: Vec<String> = Vec::new();
        let mut group_index: HashMap<&str, usize> = HashMap::default();
        let mut unit_group = Vec::with_capacity(units.len());
        let mut index = HashMap::default();
        for (i, u) in units.iter().enumerate() {
            let g = *group_index.entry(u.group.as_str()).or_insert_with(|| {
                groups.push(u.group.clone());
                groups.len() - 1
            });
            unit_group.push(u32::try_from(g).unwrap_or(u32::MAX));
            index
                .entry(u.id.0.clone())
                .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
        }
        groups.push(String::new());
        // The precomputed table has one entry per (kind, urgency, group): past a few hundred
        // groups (never seen in practice) limits are matched per ticket instead, so memory stays
        // linear in the units table.
        let table = (policy.is_simple() && groups.len() <= MAX_TABLE_GROUPS).then(|| {
            let empty = Default::default();
            let mut t = Vec::with_capacity(KINDS.len() * URGENCIES.len() * groups.len());
            for kind in KINDS {
                for urgency in URGENCIES {
                    for group in &groups {
                        t.push(policy.limits_for_subject(&Subject {
                            kind,
                            urgency,
                            channel: "",
                            group,
                            attributes: &empty,
                        }));
                    }
                }
            }
            t
        });
        Evaluator {
            office: calendar.clone(),
            whole_day: calendar.whole_day(),
            policy,
            units: units.to_vec(),
            index,
            unit_group,
            groups,
            table,
            offset_ms: i64::from(calendar.offset().whole_seconds()) * 1000,
        }
    }

    /// The office-hours calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.office
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The units table.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Position of `unit` in the units table.
    pub fn unit_index(&self, unit: &str) -> Option<u32> {
        self.index.get(unit).copied()
    }

    /// The group of the unit at `index` (`""` for units not in the table).
    pub fn group_of(&self, index: Option<u32>) -> &str {
        self.groups
            .get(self.group_index(index))
            .map_or("", String::as_str)
    }

    fn group_index(&self, index: Option<u32>) -> usize {
        let unknown = self.groups.len().saturating_sub(1);
        index
            .and_then(|i| self.unit_group.get(i as usize))
            .map_or(unknown, |g| *g as usize)
    }

    /// The limits for `ticket` assigned to the unit at `unit` (its position in the units table;
    /// `None` for a unit not in it, whose group is `""`).
    pub fn limits_for(&self, ticket: &Ticket, unit: Option<u32>) -> Limits {
        self.limits_of(
            ticket.kind,
            ticket.urgency,
            &ticket.channel,
            &ticket.attributes,
            unit,
        )
        .into_owned()
    }

    pub(crate) fn limits_for_view(
        &self,
        ticket: &TicketView<'_>,
        unit: Option<u32>,
    ) -> Cow<'_, Limits> {
        self.limits_of(
            ticket.kind,
            ticket.urgency,
            ticket.channel,
            ticket.attributes,
            unit,
        )
    }

    fn limits_of(
        &self,
        kind: Kind,
        urgency: Urgency,
        channel: &str,
        attributes: &BTreeMap<String, String>,
        unit: Option<u32>,
    ) -> Cow<'_, Limits> {
        if let Some(table) = &self.table {
            let g = self.group_index(unit);
            let at = (kind_index(kind) * URGENCIES.len() + urgency_index(urgency))
                * self.groups.len()
                + g;
            if let Some(l) = table.get(at) {
                return Cow::Borrowed(l);
            }
        }
        Cow::Owned(self.policy.limits_for_subject(&Subject {
            kind,
            urgency,
            channel,
            group: self.group_of(unit),
            attributes,
        }))
    }

    /// `t` plus `ms` of time on `basis` (the earliest such instant).
    pub fn add(&self, basis: TimeBasis, t: Instant, ms: i64) -> Result<Instant> {
        match basis {
            TimeBasis::Natural => t
                .checked_add_millis(ms)
                .ok_or(Error::InstantOutOfRange { millis: t.millis() }),
            TimeBasis::Office => self.office.add_working(t, ms),
            TimeBasis::Workdays => self.whole_day.add_working(t, ms),
        }
    }

    /// `t` minus `ms` of time on `basis` (the latest such instant).
    pub fn sub(&self, basis: TimeBasis, t: Instant, ms: i64) -> Result<Instant> {
        match basis {
            TimeBasis::Natural => t
                .checked_add_millis(ms.saturating_neg())
                .ok_or(Error::InstantOutOfRange { millis: t.millis() }),
            TimeBasis::Office => self.office.sub_working(t, ms),
            TimeBasis::Workdays => self.whole_day.sub_working(t, ms),
        }
    }

    /// Time on `basis` in `[a, b)` (negative when `b < a`).
    pub fn between(&self, basis: TimeBasis, a: Instant, b: Instant) -> Result<i64> {
        match basis {
            TimeBasis::Natural => Ok(b.millis().saturating_sub(a.millis())),
            TimeBasis::Office => self.office.working_between(a, b),
            TimeBasis::Workdays => self.whole_day.working_between(a, b),
        }
    }

    /// Office working time in `[a, b)`: the unit of the `*_working_ms` counters.
    pub fn working_ms(&self, a: Instant, b: Instant) -> Result<i64> {
        self.office.working_between(a, b)
    }

    /// The due instant of `limit` started at `start`, with `extra_days` working days added (for
    /// `wd` limits the count grows; for time limits the due date moves by that many working
    /// days, keeping its time of day).
    pub fn base_due(&self, limit: &Limit, start: Instant, extra_days: u32) -> Result<Instant> {
        match limit.amount {
            Amount::WorkingDays(n) => self.office.working_days_deadline(
                start,
                n.saturating_add(extra_days),
                DayCount {
                    count_start_day: self.policy.count_start_day(limit),
                    deadline_at: self.policy.deadline_at(limit),
                },
            ),
            Amount::Time { ms } => {
                let due = self.add(limit.clock, start, ms)?;
                self.shift_days(due, extra_days)
            }
            Amount::WorkingHours { ms } => {
                let due = self.add(TimeBasis::Office, start, ms)?;
                self.shift_days(due, extra_days)
            }
        }
    }

    /// [`Evaluator::base_due`] through `cache`: an N-working-days deadline depends only on the
    /// start's local date and whether that date counts as day 1 (SPEC §2.3), and tickets of a
    /// batch cluster in time.
    pub(crate) fn base_due_cached(
        &self,
        limit: &Limit,
        start: Instant,
        extra_days: u32,
        cache: &mut DayCache,
    ) -> Result<Instant> {
        // A `0wd` limit is due at its start instant, whose time of day the key does not hold
        // (a cached `0wd` gave a later ticket of the same day the first one's due instant).
        let Amount::WorkingDays(n @ 1..) = limit.amount else {
            return self.base_due(limit, start, extra_days);
        };
        let key = DayKey {
            day: start
                .millis()
                .saturating_add(self.offset_ms)
                .div_euclid(MS_PER_DAY),
            n: n.saturating_add(extra_days),
            // Whether the start's date is day 1 depends on its time of day too.
            count_start_day: self.policy.count_start_day(limit)
                && self.office.start_day_counts(start)?,
            deadline_at: self.policy.deadline_at(limit),
        };
        let slot = cache
            .slots
            .get_mut(key.slot())
            .ok_or(Error::InstantOutOfRange {
                millis: start.millis(),
            })?;
        if let Some((k, due)) = slot
            && *k == key
        {
            return Ok(*due);
        }
        let due = self.base_due(limit, start, extra_days)?;
        *slot = Some((key, due));
        Ok(due)
    }

    /// The same local time of day, `days` working days later. A due instant at midnight is the
    /// end (24:00) of the day before, and moves as that day does: Friday 24:00 + 1 working day
    /// is Monday 24:00, not Monday 00:00 (which would grant nothing across a weekend).
    fn shift_days(&self, t: Instant, days: u32) -> Result<Instant> {
        if days == 0 {
            return Ok(t);
        }
        let offset = self.office.offset();
        let (date, ms) = t.to_local(offset)?;
        let (date, ms) = match (ms, date.previous_day()) {
            (0, Some(before)) => (before, MS_PER_DAY),
            _ => (date, ms),
        };
        let date = self.office.add_working_days(date, i64::from(days))?;
        Ok(Instant::from_local(date, ms, offset))
    }
}

/// Key of a memoized N-working-days deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayKey {
    day: i64,
    n: u32,
    count_start_day: bool,
    deadline_at: DeadlineAt,
}

impl DayKey {
    fn slot(&self) -> usize {
        let h = (self.day as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(u64::from(self.n).wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
        // The top bits of a multiplicative hash are the best mixed.
        (h >> (u64::BITS - DAY_SLOTS.trailing_zeros())) as usize
    }
}

/// A power of two (the slot is the hash's top bits).
const DAY_SLOTS: usize = 256;
const _: () = assert!(DAY_SLOTS.is_power_of_two());

/// A small direct-mapped memo of N-working-days deadlines, kept in the reusable scratch space.
#[derive(Debug, Clone)]
pub(crate) struct DayCache {
    slots: Box<[Option<(DayKey, Instant)>; DAY_SLOTS]>,
}

impl Default for DayCache {
    fn default() -> Self {
        DayCache {
            slots: Box::new([None; DAY_SLOTS]),
        }
    }
}

/// A small, fast, non-cryptographic hasher for unit and ticket ids (the Fx hash of rustc, with a
/// final mix): the units table is trusted configuration and ticket ids are assigned by the
/// center's platform, not attacker-controlled keys.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            for (d, s) in w.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    /// The state, mixed so that every bit of the input reaches the low bits (which pick the
    /// bucket) and the high ones (the tag): ids differing only in their last characters differ
    /// only in the state's high bits.
    #[inline]
    fn finish(&self) -> u64 {
        let h = (self.hash ^ (self.hash >> 32)).wrapping_mul(SEED);
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    /// Sequential ticket ids (differing only in their last characters) spread over the low
    /// bits that pick a bucket and over the top seven bits of the tag.
    #[test]
    fn sequential_ids_spread_over_low_and_high_bits() {
        let build = std::hash::BuildHasherDefault::<FxHasher>::default();
        let hashes: Vec<u64> = (0..4096)
            .map(|i| build.hash_one(format!("GD2026-03-{i:06}")))
            .collect();
        let low: HashSet<u64> = hashes.iter().map(|h| h & 0xFFF).collect();
        let top: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        // 4096 keys into 4096 buckets: a uniform hash fills about 63 % of them.
        assert!(low.len() > 2400, "{} distinct buckets", low.len());
        assert_eq!(top.len(), 128);
    }
}
