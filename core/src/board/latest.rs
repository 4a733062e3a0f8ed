//! Tickets by the instant of their last event, for queries in the past: a ticket whose last
//! event is at or after a query's `as_of` is evaluated at query time.
//!
//! A live feed moves a ticket's last event forward on almost every event, so the entries are an
//! append-mostly sorted vector: the new `(last, ticket)` goes at (or near) the end and the old one
//! is left in place, **stale** (skipped by readers, who check it against the ticket's current
//! last event), until a compaction drops every stale entry once they outnumber the live ones.
//! A bulk load ticket by ticket (`ingest_tickets`, a quarter's tickets each with all its events)
//! moves last events far back instead: an entry that would land deeper than [`NEAR_END`] from
//! the vector's end goes into a sorted tree beside it, so no insert moves more than that many.

use std::collections::BTreeSet;

/// How far from the end of the vector an entry is still inserted in place.
const NEAR_END: usize = 4096;

/// Sorted `(last event instant, ticket)` entries, some stale.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastEvents {
    /// Sorted; entries land at or near its end.
    entries: Vec<(i64, u32)>,
    /// The entries that would have landed deep inside `entries`.
    deep: BTreeSet<(i64, u32)>,
    live: usize,
}

impl LastEvents {
    /// Records that `ticket`'s last event is now at `last` (`had` tells whether it had events
    /// before); `current` gives any ticket's last event (for compaction).
    pub(crate) fn moved(
        &mut self,
        ticket: u32,
        last: i64,
        had: bool,
        current: impl Fn(u32) -> Option<i64>,
    ) {
        if !had {
            self.live = self.live.saturating_add(1);
        }
        let entry = (last, ticket);
        match self.entries.last() {
            Some(end) if *end > entry => {
                let pos = self.entries.partition_point(|e| *e < entry);
                if self.entries.len().saturating_sub(pos) <= NEAR_END {
                    self.entries.insert(pos, entry);
                } else {
                    self.deep.insert(entry);
                }
            }
            _ => self.entries.push(entry),
        }
        if self.len() > 2 * self.live + 1024 {
            self.entries.retain(|(at, t)| current(*t) == Some(*at));
            self.deep.retain(|(at, t)| current(*t) == Some(*at));
        }
    }

    /// Tickets whose last event is at or after `from` (each once, in no particular order).
    pub(crate) fn at_or_after<'a>(
        &'a self,
        from: i64,
        current: impl Fn(u32) -> Option<i64> + 'a,
    ) -> impl Iterator<Item = u32> + 'a {
        let start = self.entries.partition_point(|e| e.0 < from);
        self.entries
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .chain(self.deep.range((from, 0)..))
            .filter(move |(at, t)| current(*t) == Some(*at))
            .map(|(_, t)| *t)
    }

    /// Estimated heap bytes: the vector's entries, and a tree's few dozen bytes per entry.
    pub(crate) fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<(i64, u32)>();
        self.entries.len() * entry + self.deep.len() * (2 * entry + 8)
    }

    /// Entries held (live and stale).
    pub(crate) fn len(&self) -> usize {
        self.entries.len().saturating_add(self.deep.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_entries_are_skipped_and_compacted() {
        let mut last: Vec<Option<i64>> = vec![None; 3];
        let mut idx = LastEvents::default();
        fn step(idx: &mut LastEvents, last: &mut [Option<i64>], t: u32, at: i64) {
            let had = last[t as usize].is_some();
            last[t as usize] = Some(at);
            let snapshot = last.to_vec();
            idx.moved(t, at, had, |x| snapshot[x as usize]);
        }
        step(&mut idx, &mut last, 0, 10);
        step(&mut idx, &mut last, 1, 20);
        step(&mut idx, &mut last, 0, 30);
        step(&mut idx, &mut last, 2, 25); // out of order: inserted in place
        let cur = last.clone();
        let got: Vec<u32> = idx.at_or_after(0, |t| cur[t as usize]).collect();
        assert_eq!(got, [1, 2, 0], "the stale (10, 0) is skipped");
        let got: Vec<u32> = idx.at_or_after(25, |t| cur[t as usize]).collect();
        assert_eq!(got, [2, 0]);
        for k in 0..3000 {
            step(&mut idx, &mut last, 1, 100 + k);
        }
        assert!(idx.len() <= 2 * 3 + 1024 + 1, "compacted: {}", idx.len());
        let cur = last.clone();
        let got: Vec<u32> = idx.at_or_after(0, |t| cur[t as usize]).collect();
        assert_eq!(got, [2, 0, 1]);
    }

    /// Tickets loaded one after the other, each with all its events: half of them live long,
    /// so the others' last events land far before the vector's end, in the tree. Queries see
    /// every ticket's current last event exactly once, before and after compactions.
    #[test]
    fn a_bulk_load_ticket_by_ticket_answers_like_a_scan() {
        let n = 3 * NEAR_END as u32;
        let mut last: Vec<Option<i64>> = vec![None; n as usize];
        let mut idx = LastEvents::default();
        for t in 0..n {
            let life = if t % 2 == 0 { 1_000_000 } else { 50 };
            for at in [
                i64::from(t) * 10,
                i64::from(t) * 10 + life / 2,
                i64::from(t) * 10 + life,
            ] {
                let had = last[t as usize].is_some();
                last[t as usize] = Some(at);
                let cur = last.clone();
                idx.moved(t, at, had, |x| cur[x as usize]);
            }
        }
        assert!(!idx.deep.is_empty(), "some entries went deep");
        assert!(idx.len() <= 2 * n as usize + 1024 + 1);
        for from in [0, 5, 10_000, 500_000, 1_000_000, 1_040_000, 2_000_000] {
            let mut got: Vec<u32> = idx.at_or_after(from, |t| last[t as usize]).collect();
            got.sort_unstable();
            let want: Vec<u32> = (0..n).filter(|t| last[*t as usize] >= Some(from)).collect();
            assert_eq!(got, want, "from {from}");
        }
    }
}
