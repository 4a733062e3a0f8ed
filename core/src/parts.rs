//! Work cut into contiguous parts, run on scoped threads: the first part on the calling thread
//! (which may hold mutable state of its own), the others each on a thread of their own; results
//! in part order. The caller chooses how many parts; nothing here reads the machine.

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
    std::thread::scope(|scope| {
        let rest = &rest;
        let workers: Vec<_> = (1..parts)
            .map(|k| scope.spawn(move || rest(range(len, parts, k))))
            .collect();
        let head = first(range(len, parts, 0));
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
}
