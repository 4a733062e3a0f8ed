//! One pass over a ticket's log up to `as_of`: per-assignment facts and ticket-level facts.
//!
//! Buffers live in [`Scratch`] and are reused from ticket to ticket, so the hot path does not
//! allocate once they have grown.

use std::collections::HashMap;

use crate::amount::Amount;
use crate::instant::Instant;
use crate::ticket::Satisfaction;
use crate::unit::Role;

use super::state::EndReason;
use super::view::{Body, NO_UNIT, TicketView};

/// Facts about one assignment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    /// The unit's key in the ticket view.
    pub key: u32,
    /// Position of the unit in the evaluator's units table (`None`: not in it).
    pub unit: Option<u32>,
    pub role: Role,
    pub event_index: usize,
    pub dispatched_at: Instant,
    pub signed_at: Option<Instant>,
    pub contacted_at: Option<Instant>,
    pub first_reply_at: Option<Instant>,
    pub last_reply_at: Option<Instant>,
    /// The last reply a passed review accepted (cleared by a reopen).
    pub passed_reply_at: Option<Instant>,
    pub first_return_at: Option<Instant>,
    pending_return_at: Option<Instant>,
    pub ended: Option<(Instant, EndReason)>,
    /// Whether an earlier assignment of the same role ended by an accepted return before this
    /// dispatch (a re-dispatch: `redispatch = "continue"` applies to it).
    pub after_return: bool,
    pub returns: i64,
    pub returns_accepted: i64,
    pub returns_rejected: i64,
    pub extensions_requested: i64,
    pub extensions_approved: i64,
    pub urged: i64,
    pub supervised: i64,
}

/// An event that moves a clock's due instant.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClockEvent {
    Pause(Instant),
    Resume(Instant),
    Request(Instant, Amount),
    Decision(Instant, bool, Option<Amount>),
}

/// A review, reopen or callback, attributed to an assignment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attributed<T> {
    pub at: Instant,
    pub assignment: Option<usize>,
    pub what: T,
}

/// A callback's facts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Callback {
    pub satisfaction: Satisfaction,
    pub resolved: Option<bool>,
    pub written_off: bool,
    /// The ticket's first callback that reached the citizen.
    pub first_valid: bool,
}

/// Reusable buffers and the facts of the ticket last scanned.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub(crate) assignments: Vec<Facts>,
    /// Pause, resume and extension events, tagged with their assignment.
    pub(crate) clock_events: Vec<(usize, ClockEvent)>,
    /// Every `returned` instant, tagged with its assignment.
    pub(crate) returns: Vec<(usize, Instant)>,
    /// Reviews: passed or not.
    pub(crate) reviews: Vec<Attributed<bool>>,
    /// Reopenings.
    pub(crate) reopens: Vec<Attributed<()>>,
    pub(crate) callbacks: Vec<Attributed<Callback>>,
    /// The ticket's final close at `as_of` (the last `closed` not followed by a `reopened`).
    pub(crate) closed_at: Option<Instant>,
    /// Whether the ticket was reopened at least once by `as_of`.
    pub(crate) reopened: bool,
    /// Whether the ticket was flagged difficult by `as_of`.
    pub(crate) difficult: bool,
    /// Earliest dispatch per role (lead, assisting).
    pub(crate) first_dispatch: [Option<Instant>; 2],
    pub(crate) clocks: Vec<super::state::Clocks>,
    /// Extension records of the evaluated assignments, in assignment order.
    pub(crate) extension_records: Vec<super::state::ExtensionRecord>,
    /// Where each assignment's records start in `extension_records`.
    pub(crate) extension_starts: Vec<usize>,
    /// Memo of working-day deadlines.
    pub(crate) days: super::context::DayCache,
    /// The latest assignment of each unit key, kept once a ticket has more than
    /// [`Scratch::MANY`] assignments (a linear search serves the usual few).
    latest: HashMap<u32, usize>,
    /// Whether `latest` is in use for the ticket being scanned.
    many: bool,
    /// Whether a callback of the ticket being scanned has reached the citizen.
    reached: bool,
}

pub(crate) fn role_index(role: Role) -> usize {
    usize::from(role == Role::Assisting)
}

impl Scratch {
    /// The extension records of assignment `i` (after `Evaluator::evaluate_into` with
    /// `Detail::records`; empty without).
    pub(crate) fn extensions_of(&self, i: usize) -> &[super::state::ExtensionRecord] {
        let start = self.extension_starts.get(i).copied().unwrap_or(0);
        let end = self
            .extension_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.extension_records.len());
        self.extension_records.get(start..end).unwrap_or(&[])
    }

    /// Assignments per ticket beyond which the latest assignment of a unit is looked up in a map.
    const MANY: usize = 16;

    /// Scans `ticket`'s events with `at <= as_of`.
    pub(crate) fn scan(&mut self, ticket: &TicketView<'_>, as_of: Instant) {
        self.assignments.clear();
        self.clock_events.clear();
        self.returns.clear();
        self.reviews.clear();
        self.reopens.clear();
        self.callbacks.clear();
        self.clocks.clear();
        self.extension_records.clear();
        self.extension_starts.clear();
        self.closed_at = None;
        self.reopened = false;
        self.difficult = false;
        self.first_dispatch = [None, None];
        self.latest.clear();
        self.many = false;
        self.reached = false;
        let mut last_reply_by: Option<usize> = None;
        for (index, event) in ticket.events.iter().enumerate() {
            let at = event.at;
            if at > as_of {
                break;
            }
            let named = (event.unit != NO_UNIT).then_some(event.unit);
            match event.body {
                Body::Dispatched(role) => {
                    if let Some(old) = self.latest_of(event.unit)
                        && let Some(f) = self.assignments.get_mut(old)
                        && f.ended.is_none()
                    {
                        f.ended = Some((at, EndReason::Superseded));
                    }
                    let after_return = self.assignments.iter().any(|a| {
                        a.role == role && matches!(a.ended, Some((_, EndReason::Returned)))
                    });
                    let slot = self.first_dispatch.get_mut(role_index(role));
                    if let Some(slot) = slot
                        && slot.is_none()
                    {
                        *slot = Some(at);
                    }
                    self.assignments.push(Facts {
                        key: event.unit,
                        unit: ticket.row(event.unit),
                        role,
                        event_index: index,
                        dispatched_at: at,
                        signed_at: None,
                        contacted_at: None,
                        first_reply_at: None,
                        last_reply_at: None,
                        passed_reply_at: None,
                        first_return_at: None,
                        pending_return_at: None,
                        ended: None,
                        after_return,
                        returns: 0,
                        returns_accepted: 0,
                        returns_rejected: 0,
                        extensions_requested: 0,
                        extensions_approved: 0,
                        urged: 0,
                        supervised: 0,
                    });
                    self.note_latest();
                }
                Body::Reviewed(passed) => {
                    let a = match named {
                        Some(u) => self.latest_of(u),
                        None => last_reply_by.or_else(|| self.current_lead()),
                    };
                    // A failed review sends the ticket back to the unit (SPEC §3.2): its reply
                    // no longer stands, as after a reopen.
                    if let Some(f) = a.and_then(|a| self.assignments.get_mut(a)) {
                        f.passed_reply_at = if passed { f.last_reply_at } else { None };
                    }
                    self.reviews.push(Attributed {
                        at,
                        assignment: a,
                        what: passed,
                    });
                }
                Body::Reopened => {
                    self.closed_at = None;
                    self.reopened = true;
                    let a = match named {
                        Some(u) => self.latest_of(u),
                        None => self.current_lead(),
                    };
                    match (named, a) {
                        (Some(_), Some(a)) => {
                            if let Some(f) = self.assignments.get_mut(a) {
                                f.passed_reply_at = None;
                            }
                        }
                        _ => {
                            for f in self.assignments.iter_mut().filter(|f| f.ended.is_none()) {
                                f.passed_reply_at = None;
                            }
                        }
                    }
                    self.reopens.push(Attributed {
                        at,
                        assignment: a,
                        what: (),
                    });
                }
                Body::CalledBack(satisfaction, resolved) => {
                    let reached = satisfaction != Satisfaction::Unreachable;
                    let first_valid = reached && !self.reached;
                    self.reached |= reached;
                    let assignment = self.current_lead();
                    self.callbacks.push(Attributed {
                        at,
                        assignment,
                        what: Callback {
                            satisfaction,
                            resolved,
                            written_off: false,
                            first_valid,
                        },
                    });
                }
                Body::WrittenOff => {
                    if let Some(c) = self.callbacks.iter_mut().rev().find(|c| {
                        !c.what.written_off
                            && matches!(
                                c.what.satisfaction,
                                Satisfaction::Unsatisfied | Satisfaction::VeryUnsatisfied
                            )
                    }) {
                        c.what.written_off = true;
                    }
                }
                Body::Closed => self.closed_at = Some(at),
                Body::FlaggedDifficult => self.difficult = true,
                body => {
                    let Some(a) = named.and_then(|u| self.latest_of(u)) else {
                        continue;
                    };
                    self.unit_event(a, at, body);
                    if body == Body::Replied {
                        last_reply_by = Some(a);
                    }
                }
            }
        }
    }

    fn unit_event(&mut self, a: usize, at: Instant, body: Body) {
        let Some(f) = self.assignments.get_mut(a) else {
            return;
        };
        match body {
            Body::Signed => {
                f.signed_at.get_or_insert(at);
            }
            Body::Contacted => {
                f.contacted_at.get_or_insert(at);
            }
            Body::Replied => {
                f.first_reply_at.get_or_insert(at);
                f.last_reply_at = Some(at);
            }
            Body::Returned => {
                f.first_return_at.get_or_insert(at);
                f.pending_return_at = Some(at);
                f.returns += 1;
                self.returns.push((a, at));
            }
            Body::ReturnDecided(accepted) => {
                let returned_at = f.pending_return_at.take();
                if accepted {
                    f.returns_accepted += 1;
                    if f.ended.is_none() {
                        f.ended = Some((returned_at.unwrap_or(at), EndReason::Returned));
                    }
                } else {
                    f.returns_rejected += 1;
                }
            }
            Body::ExtensionRequested(amount) => {
                f.extensions_requested += 1;
                self.clock_events.push((a, ClockEvent::Request(at, amount)));
            }
            Body::ExtensionDecided(approved, amount) => {
                if approved {
                    f.extensions_approved += 1;
                }
                self.clock_events
                    .push((a, ClockEvent::Decision(at, approved, amount)));
            }
            Body::Paused => self.clock_events.push((a, ClockEvent::Pause(at))),
            Body::Resumed => self.clock_events.push((a, ClockEvent::Resume(at))),
            Body::Urged => f.urged += 1,
            Body::Supervised => f.supervised += 1,
            _ => {}
        }
    }

    /// The latest assignment of the unit with key `key`.
    fn latest_of(&self, key: u32) -> Option<usize> {
        if self.many {
            self.latest.get(&key).copied()
        } else {
            self.assignments.iter().rposition(|f| f.key == key)
        }
    }

    /// Records that the assignment just pushed is its unit's latest.
    fn note_latest(&mut self) {
        let Some(last) = self.assignments.len().checked_sub(1) else {
            return;
        };
        if self.many {
            if let Some(f) = self.assignments.get(last) {
                self.latest.insert(f.key, last);
            }
        } else if self.assignments.len() > Self::MANY {
            self.many = true;
            for (i, f) in self.assignments.iter().enumerate() {
                self.latest.insert(f.key, i);
            }
        }
    }

    /// The assignment ticket-level events (callbacks, reopens without a unit) are attributed
    /// to: the latest lead assignment still open, else the latest lead assignment, else the
    /// latest assignment.
    fn current_lead(&self) -> Option<usize> {
        let lead = |f: &Facts| f.role == Role::Lead;
        self.assignments
            .iter()
            .rposition(|f| lead(f) && f.ended.is_none())
            .or_else(|| self.assignments.iter().rposition(lead))
            .or_else(|| self.assignments.len().checked_sub(1))
    }
}
