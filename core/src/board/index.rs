//! A sorted multiset of threshold instants, answering "how many entries are strictly before
//! `as_of`" (and the sum of their working-time offsets) by binary search.
//!
//! Entries are `(instant, ticket)` pairs kept in order in a vector; an optional column of prefix
//! sums holds `Σ w` (working milliseconds from the period start to each instant) for the entries
//! whose overdue time grows with `as_of`. Inserting or removing moves the tail of the vector
//! (entries of one unit, one period and one kind: hundreds, most of them inserted near the end
//! because deadlines arrive roughly in time order); counting is `O(log n)`.

/// Sorted `(instant, ticket)` entries, with optional prefix sums of a per-entry weight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TimeIndex {
    keys: Vec<(i64, u32)>,
    /// `prefix[i]` = Σ weights of entries `0..=i` (empty when the index carries no weights).
    prefix: Vec<i64>,
}

impl TimeIndex {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Adds `(at, ticket)` with weight `w` (kept only if `weighted`).
    pub(crate) fn insert(&mut self, at: i64, ticket: u32, w: i64, weighted: bool) {
        let pos = self.keys.partition_point(|k| *k <= (at, ticket));
        self.keys.insert(pos, (at, ticket));
        if weighted {
            let before = pos
                .checked_sub(1)
                .and_then(|p| self.prefix.get(p))
                .copied()
                .unwrap_or(0);
            self.prefix.insert(pos, before.saturating_add(w));
            for p in self.prefix.iter_mut().skip(pos.saturating_add(1)) {
                *p = p.saturating_add(w);
            }
        }
    }

    /// Removes one `(at, ticket)` entry; `false` if there was none.
    pub(crate) fn remove(&mut self, at: i64, ticket: u32) -> bool {
        let pos = self.keys.partition_point(|k| *k < (at, ticket));
        if self.keys.get(pos) != Some(&(at, ticket)) {
            return false;
        }
        self.keys.remove(pos);
        if !self.prefix.is_empty() {
            let here = self.prefix.get(pos).copied().unwrap_or(0);
            let before = pos
                .checked_sub(1)
                .and_then(|p| self.prefix.get(p))
                .copied()
                .unwrap_or(0);
            let w = here.saturating_sub(before);
            if pos < self.prefix.len() {
                self.prefix.remove(pos);
            }
            for p in self.prefix.iter_mut().skip(pos) {
                *p = p.saturating_sub(w);
            }
        }
        true
    }

    /// Number of entries with instant strictly before `as_of`.
    pub(crate) fn count_before(&self, as_of: i64) -> usize {
        self.keys.partition_point(|k| k.0 < as_of)
    }

    /// The instants of the entries at `n - 1` and `n`: with `n = count_before(as_of)`, the last
    /// one before `as_of` and the first at or after it.
    pub(crate) fn around(&self, n: usize) -> (Option<i64>, Option<i64>) {
        let before = n.checked_sub(1).and_then(|i| self.keys.get(i)).map(|k| k.0);
        (before, self.keys.get(n).map(|k| k.0))
    }

    /// Sum of the weights of the first `n` entries.
    pub(crate) fn weight_of_first(&self, n: usize) -> i64 {
        n.checked_sub(1)
            .and_then(|i| self.prefix.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Entries with instant in `[from, to)`, in order.
    pub(crate) fn range(&self, from: i64, to: i64) -> impl Iterator<Item = (i64, u32)> + '_ {
        let a = self.keys.partition_point(|k| k.0 < from);
        let b = self.keys.partition_point(|k| k.0 < to).max(a);
        self.keys.get(a..b).unwrap_or(&[]).iter().copied()
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<(i64, u32)>()
            + self.prefix.capacity() * std::mem::size_of::<i64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: count and weight by scanning a plain list.
    fn scan(list: &[(i64, u32, i64)], as_of: i64) -> (usize, i64) {
        let below: Vec<_> = list.iter().filter(|e| e.0 < as_of).collect();
        (below.len(), below.iter().map(|e| e.2).sum())
    }

    #[test]
    fn counts_and_weights_match_a_scan() {
        let mut idx = TimeIndex::default();
        let mut list: Vec<(i64, u32, i64)> = Vec::new();
        // Deterministic pseudo-random inserts and removals, with duplicates.
        let mut x: u64 = 7;
        for step in 0..2000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = ((x >> 33) % 50) as i64;
            let ticket = ((x >> 20) % 7) as u32;
            let w = at * 10 + 3;
            if step % 3 == 2 && !list.is_empty() {
                let i = (x as usize) % list.len();
                let (a, t, _) = list.remove(i);
                assert!(idx.remove(a, t));
            } else {
                idx.insert(at, ticket, w, true);
                list.push((at, ticket, w));
            }
            for as_of in [-1, 0, 10, 25, 49, 50, 100] {
                let (n, sum) = scan(&list, as_of);
                assert_eq!(idx.count_before(as_of), n);
                assert_eq!(idx.weight_of_first(n), sum);
            }
        }
        assert_eq!(idx.len(), list.len());
        assert!(!idx.remove(1000, 0), "absent entries are not removed");
    }

    #[test]
    fn around_gives_the_neighbours_of_as_of() {
        let mut idx = TimeIndex::default();
        for (at, t) in [(5, 1), (3, 2), (5, 0), (9, 4)] {
            idx.insert(at, t, 0, false);
        }
        // (as_of, last instant before it, first instant at or after it)
        for (as_of, before, next) in [
            (0, None, Some(3)),
            (3, None, Some(3)),
            (4, Some(3), Some(5)),
            (5, Some(3), Some(5)),
            (6, Some(5), Some(9)),
            (10, Some(9), None),
        ] {
            assert_eq!(
                idx.around(idx.count_before(as_of)),
                (before, next),
                "{as_of}"
            );
        }
    }

    #[test]
    fn ranges_are_half_open() {
        let mut idx = TimeIndex::default();
        for (at, t) in [(5, 1), (3, 2), (5, 0), (9, 4)] {
            idx.insert(at, t, 0, false);
        }
        let got: Vec<_> = idx.range(5, 9).collect();
        assert_eq!(got, [(5, 0), (5, 1)]);
        assert_eq!(idx.range(9, 5).count(), 0);
        assert_eq!(idx.weight_of_first(2), 0, "unweighted index");
    }
}
