//! Work cut into parts — contiguous ranges, or items dealt by weight — run on scoped threads: the
//! first part on the calling thread (which may hold mutable state of its own), the others each on
//! a thread of their own; results in part order. The caller chooses how many parts; nothing here
//! reads the machine.

use std::ops::Range;

/// The `k`-th of `parts` contiguous ranges covering `0..len` (the last may be shorter).
fn range(len: usize, parts: usize, k: usize) -> Range<usize> {
    let size = len.div_ceil(parts.max(1));
    let start = k.saturating_mul(size).min(len);
    start..start.saturating_add(size).min(len)
}

/// Runs `first` on the first of `parts` ranges of `0..len` on this thread and `rest` on each
/// other range on its own thread; returns `first`'s result and the others' in range order.
/// A panic in a thread is raised again here, as if the work had run on this thread.
pub(crate) fn in_parts<F, T>(
    len: usize,
    parts: usize,
    first: impl FnOnce(Range<usize>) -> F,
    rest: impl Fn(Range<usize>) -> T + Sync,
) -> (F, Vec<T>)
where
    T: Send,
{
    let parts = parts.max(1);
    let others = (1..parts).map(|k| range(len, parts, k)).collect();
    on_threads(|| first(range(len, parts, 0)), others, rest)
}

/// Runs `head` on this thread and `work` on each of `others` on a thread of its own; returns
/// `head`'s result and the others' in order. A panic in a thread is raised again here.
pub(crate) fn on_threads<H, I, T>(
    head: impl FnOnce() -> H,
    others: Vec<I>,
    work: impl Fn(I) -> T + Sync,
) -> (H, Vec<T>)
where
    I: Send,
    T: Send,
{
    std::thread::scope(|scope| {
        let work = &work;
        let workers: Vec<_> = others
            .into_iter()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        let head = head();
        let tail = workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (head, tail)
    })
}

/// Items of the given `weights` dealt into at most `parts` lists of similar total weight
/// (heaviest first, each to the lightest list so far); the first list is the heaviest's.
/// Every item appears in exactly one list, lists keep ascending item order, none is empty.
pub(crate) fn balanced(weights: &[usize], parts: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights.get(i).copied().unwrap_or(0)));
    let mut lists: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in order {
        let w = weights.get(i).copied().unwrap_or(0);
        if lists.len() < parts.max(1) {
            lists.push((w, vec![i]));
        } else if let Some(lightest) = lists.iter_mut().min_by_key(|(total, _)| *total) {
            lightest.0 = lightest.0.saturating_add(w);
            lightest.1.push(i);
        }
    }
    lists
        .into_iter()
        .map(|(_, mut items)| {
            items.sort_unstable();
            items
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts cover `0..len` exactly once, in order, one result per part.
    #[test]
    fn parts_cover_the_range_in_order() {
        for len in [0usize, 1, 2, 7, 100] {
            for parts in 0..6 {
                let collect = |r: Range<usize>| r.collect::<Vec<_>>();
                let (head, tail) = in_parts(len, parts, collect, collect);
                assert_eq!(1 + tail.len(), parts.max(1), "{len} in {parts}");
                let all: Vec<usize> = head.into_iter().chain(tail.into_iter().flatten()).collect();
                assert_eq!(all, (0..len).collect::<Vec<_>>(), "{len} in {parts}");
            }
        }
    }

    /// Every item is dealt once, into at most `parts` non-empty lists of similar weight.
    #[test]
    fn balanced_deals_every_item_once() {
        assert_eq!(balanced(&[100, 100, 100], 2), [vec![0, 2], vec![1]]);
        assert_eq!(
            balanced(&[5, 50, 10, 30, 5], 2),
            [vec![1], vec![0, 2, 3, 4]]
        );
        assert_eq!(balanced(&[1, 2], 4), [vec![1], vec![0]]);
        assert!(balanced(&[], 3).is_empty());
        for parts in 0..5 {
            let lists = balanced(&[3, 1, 4, 1, 5, 9, 2, 6], parts);
            assert!(lists.len() <= parts.max(1) && lists.iter().all(|l| !l.is_empty()));
            let mut all: Vec<usize> = lists.concat();
            all.sort_unstable();
            assert_eq!(all, (0..8).collect::<Vec<_>>());
        }
    }
}
