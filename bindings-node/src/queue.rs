//! A value behind a lock taken in call order: what a `Board` is behind.
//!
//! A `Promise` method takes its turn when it is called, on the JavaScript thread, and waits for
//! it on its worker; a sync method takes the next turn and waits on the JavaScript thread. So
//! calls run in the order they were made: `b.snapshot()` then `b.ingestTicketSync(t)` gives
//! the snapshot without `t`, whenever the worker starts. A plain mutex, taken when the worker
//! started, let later calls overtake a pending one (a concurrency audit, 2026-12-02: a
//! snapshot requested on an empty board held every ticket ingested after it, 53 times in
//! 1,000).

use std::collections::BTreeSet;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// A value whose lock is taken in turn order.
pub struct Queued<T> {
    value: Mutex<T>,
    turns: Mutex<Turns>,
    served: Condvar,
}

#[derive(Default)]
struct Turns {
    /// The number the next turn gets.
    next: u64,
    /// The turn whose holder may lock the value now.
    serving: u64,
    /// Turns given up before they came (a call that failed before its work started).
    abandoned: BTreeSet<u64>,
}

impl Turns {
    /// Moves on past `number` and every abandoned turn right after it.
    fn advance_past(&mut self, number: u64) {
        self.serving = number.wrapping_add(1);
        while self.abandoned.remove(&self.serving) {
            self.serving = self.serving.wrapping_add(1);
        }
    }
}

/// A place in the queue, taken when a call is made; used (or given up) once.
pub struct Turn<T> {
    queue: Arc<Queued<T>>,
    number: u64,
    used: bool,
}

/// The value, locked in its turn; the next turn comes when this is dropped (its holder then
/// waits a moment for the lock, released right after).
pub struct Held<'a, T> {
    queue: &'a Queued<T>,
    number: u64,
    guard: MutexGuard<'a, T>,
}

impl<T> Queued<T> {
    /// `value`, with no turn taken.
    pub fn new(value: T) -> Arc<Self> {
        Arc::new(Queued {
            value: Mutex::new(value),
            turns: Mutex::new(Turns::default()),
            served: Condvar::new(),
        })
    }

    fn turns(&self) -> MutexGuard<'_, Turns> {
        self.turns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take_number(&self) -> u64 {
        let mut turns = self.turns();
        let number = turns.next;
        turns.next = number.wrapping_add(1);
        number
    }

    /// The next turn, to be waited for later (a `Promise` method's, taken at the call).
    pub fn turn(self: &Arc<Self>) -> Turn<T> {
        Turn {
            number: self.take_number(),
            queue: self.clone(),
            used: false,
        }
    }

    /// The value, locked after every call made before this one (a sync method's).
    pub fn lock(&self) -> Held<'_, T> {
        let number = self.take_number();
        self.hold(number)
    }

    /// Waits for turn `number`, then locks the value. A panic inside a core call cannot leave
    /// a board half-updated (ingestion is transactional), so a poisoned lock is still a
    /// consistent value.
    fn hold(&self, number: u64) -> Held<'_, T> {
        let mut turns = self.turns();
        while turns.serving != number {
            turns = self
                .served
                .wait(turns)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(turns);
        Held {
            queue: self,
            number,
            guard: self.value.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }
}

impl<T> Turn<T> {
    /// Runs `f` on the value in this turn (on a worker: waits for the calls made before).
    pub fn run<R>(mut self, f: impl FnOnce(&mut T) -> R) -> R {
        self.used = true;
        let mut held = self.queue.hold(self.number);
        f(&mut held)
    }
}

impl<T> Drop for Turn<T> {
    fn drop(&mut self) {
        if self.used {
            return;
        }
        let mut turns = self.queue.turns();
        if turns.serving == self.number {
            turns.advance_past(self.number);
            self.queue.served.notify_all();
        } else {
            turns.abandoned.insert(self.number);
        }
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        self.queue.turns().advance_past(self.number);
        self.queue.served.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Turns taken in an order run in that order, whichever thread starts first; a turn given
    /// up is skipped.
    #[test]
    fn turns_run_in_the_order_taken() {
        let q = Queued::new(Vec::new());
        let turns: Vec<_> = (0..8).map(|_| q.turn()).collect();
        let given_up = q.turn();
        let last = q.turn();
        drop(given_up);
        let mut threads = Vec::new();
        for (i, turn) in turns.into_iter().enumerate().rev() {
            threads.push(std::thread::spawn(move || turn.run(|v| v.push(i))));
        }
        threads.push(std::thread::spawn(move || last.run(|v| v.push(99))));
        for t in threads {
            t.join().unwrap();
        }
        q.lock().push(100);
        assert_eq!(*q.lock(), [0, 1, 2, 3, 4, 5, 6, 7, 99, 100]);
    }
}
