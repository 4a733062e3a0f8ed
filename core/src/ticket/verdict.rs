//! Checking staged tickets (SPEC §3.2) and keeping the valid ones: staged events grouped by
//! ticket, each ticket checked (ahead of time on several threads when its events stay compact),
//! and the kept tickets' events put in the output batch (in place when they come grouped).

use std::ops::Range;

use crate::clocks::{Header, NO_TEXT, TicketBatch};
use crate::instant::Instant;
use crate::parts::in_parts;
use crate::ticket::assemble::{Entry, Pending};
use crate::ticket::problem::Violation;
use crate::ticket::stage::{Progress, Staged};
use crate::ticket::validate::FlowCheck;
use crate::ticket::{Event, KnownUnits};

/// Appends a ticket with the staged events at `positions`.
pub(super) fn push_staged(
    batch: &mut TicketBatch,
    staged: &Staged,
    header: Header,
    positions: &[usize],
) {
    let start = batch.event_count();
    for &p in positions {
        if let (Some(e), Some((reason, id))) = (staged.event.get(p), staged.text.get(p)) {
            batch.push_event(*e, *reason, *id);
        }
    }
    batch.end_ticket(header, start);
}

/// Whether [`check`] types each event: yes when the events are kept as owned tickets, no when
/// the compact form is kept (the rules read each event's parts where they lie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Owned,
    Compact,
}

/// Checks one ticket's staged events (at `positions`, SPEC §3.2), then its unreadable row if
/// any: the first violation in event order, with `flow` (restarted here; its buffers reused
/// from ticket to ticket). In [`Form::Owned`] the typed events are left in `scratch` (reused
/// buffer).
#[allow(clippy::too_many_arguments)]
pub(super) fn check<'a>(
    p: &Pending,
    positions: &[usize],
    failure: Option<&(Violation, usize)>,
    staged: &'a Staged,
    batch: &'a TicketBatch,
    flow: &mut FlowCheck<'a>,
    form: Form,
    scratch: &mut Vec<Event>,
) -> std::result::Result<(), Violation> {
    scratch.clear();
    flow.restart(p.header.received_at());
    // The rules read each event's parts where they lie; only owned tickets get typed events.
    let events = positions.iter().filter_map(|&s| {
        let (reason, event_id) = staged.text.get(s).copied().unwrap_or((NO_TEXT, NO_TEXT));
        let event = staged.event.get(s)?;
        Some(batch.event_parts(event, reason, event_id))
    });
    for (index, parts) in events.enumerate() {
        flow.push_parts(index, parts)?;
        if form == Form::Owned {
            scratch.push(parts.to_event());
        }
    }
    match failure {
        Some((v, _)) => Err(v.clone()),
        None => Ok(()),
    }
}

/// A ticket's check outcome, small (one per ticket is kept while tickets are checked ahead).
pub(super) type Verdict = std::result::Result<(), Box<Violation>>;

/// What the compact check of each ticket needs, shared by the threads that run it ahead.
pub(super) struct Verdicts<'a> {
    pub entries: &'a [Entry],
    pub progress: &'a [Progress],
    pub grouped: &'a Grouped,
    pub staged: &'a Staged,
    pub batch: &'a TicketBatch,
    pub units: Option<&'a KnownUnits>,
}

impl Verdicts<'_> {
    /// Each ticket's [`check`] outcome (`None` for bad rows), on `parts` threads.
    pub fn ahead(&self, parts: usize) -> Vec<Option<Verdict>> {
        let n = self.entries.len();
        if parts <= 1 {
            return self.part(0..n);
        }
        let part = |tickets: Range<usize>| self.part(tickets);
        let (mut all, rest) = in_parts(n, parts, part, part);
        all.reserve(n.saturating_sub(all.len()));
        all.extend(rest.into_iter().flatten());
        all
    }

    fn part(&self, range: Range<usize>) -> Vec<Option<Verdict>> {
        let mut scratch = Vec::new();
        let mut flow = FlowCheck::start(Instant::from_millis(0), self.units);
        range
            .map(|i| match self.entries.get(i) {
                Some(Entry::Pending(p)) => Some(
                    check(
                        p,
                        self.grouped.of(i),
                        self.progress.get(i).and_then(|p| p.failure.as_deref()),
                        self.staged,
                        self.batch,
                        &mut flow,
                        Form::Compact,
                        &mut scratch,
                    )
                    .map_err(Box::new),
                ),
                _ => None,
            })
            .collect()
    }
}

/// Staged positions grouped by ticket, each group in arrival order (a counting sort).
pub(super) struct Grouped {
    /// The group of entry `i` is `order[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<usize>,
    order: Vec<usize>,
}

impl Grouped {
    /// Groups the positions of `entry_of` (each staged event's entry) among `entries` entries.
    pub fn new(entry_of: &[usize], entries: usize) -> Self {
        let mut offsets = vec![0usize; entries.saturating_add(1)];
        for e in entry_of {
            if let Some(c) = offsets.get_mut(e.saturating_add(1)) {
                *c = c.saturating_add(1);
            }
        }
        for i in 1..offsets.len() {
            let before = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(i) {
                *c = c.saturating_add(before);
            }
        }
        let mut next = offsets.clone();
        let mut order = vec![0usize; entry_of.len()];
        for (position, e) in entry_of.iter().enumerate() {
            if let Some(slot) = next.get_mut(*e) {
                if let Some(o) = order.get_mut(*slot) {
                    *o = position;
                }
                *slot = slot.saturating_add(1);
            }
        }
        Grouped { offsets, order }
    }

    /// The positions of entry `i`'s events.
    pub fn of(&self, i: usize) -> &[usize] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.order.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}
