//! Native memory held by JavaScript objects, reported to V8 (`napi_adjust_external_memory`).
//!
//! V8 sees a `Board` or `Tickets` as a small object; without a report it has no reason to
//! collect one that holds hundreds of megabytes of tickets, and a process that makes and drops
//! them (restoring boards, loading batches) grows until it happens to. Each such class holds an
//! [`External`], sets it to the object's size when made and when it grows, and releases it in
//! its finalizer.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use napi::Env;

/// The bytes one object has reported to V8, and the count of items it held when measured.
#[derive(Debug, Default)]
pub struct External {
    reported: AtomicI64,
    measured_at: AtomicUsize,
}

impl External {
    /// Reports `bytes` as the object's size (the difference from the last report).
    pub fn set(&self, env: &Env, bytes: usize) {
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        let before = self.reported.swap(bytes, Ordering::Relaxed);
        if bytes != before {
            // The report steers V8's collector; failing to make it changes no result.
            let _ = env.adjust_external_memory(bytes.saturating_sub(before));
        }
    }

    /// Whether an object now holding `items` (tickets) should be measured again: it has grown
    /// or shrunk by a quarter (and by 1,024 items) since it was last measured, so measuring
    /// (a walk over the items) costs O(1) per item added.
    pub fn stale(&self, items: usize) -> bool {
        let then = self.measured_at.load(Ordering::Relaxed);
        items.abs_diff(then) > (then / 4).max(1024)
    }

    /// [`External::set`] for an object measured holding `items`.
    pub fn measured(&self, env: &Env, items: usize, bytes: usize) {
        self.measured_at.store(items, Ordering::Relaxed);
        self.set(env, bytes);
    }

    /// Reports the object gone (its finalizer).
    pub fn release(&self, env: &Env) {
        self.set(env, 0);
    }
}
