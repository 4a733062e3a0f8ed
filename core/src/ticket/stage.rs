//! Staging events-table rows for the [`Assembler`](crate::ticket::Assembler): each row is read
//! into a compact event (unit and free text interned) that waits for its ticket's check.
//!
//! Parts of one table can be staged in parallel, each by its own [`Stager`], and merged in row
//! order ([`Stager::absorb`]): the result is that of staging every row in order on one stager.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use time::UtcOffset;

use crate::clocks::{CEvent, FxHasher, NO_UNIT, TicketBatch};
use crate::ticket::EventRowRef;
use crate::ticket::assemble::Entry;
use crate::ticket::cells::read_event;
use crate::ticket::problem::Violation;

/// Tickets-table rows by ticket id. Ids are the platform's own, not chosen by an adversary, so
/// the hash is the crate's fast unkeyed one.
pub(super) type TicketIndex = HashMap<String, usize, BuildHasherDefault<FxHasher>>;

/// The tickets the rows are matched against: the tickets table's rows and their index by id.
pub(super) struct Lookup<'a> {
    pub index: &'a TicketIndex,
    pub entries: &'a [Entry],
    /// How timestamps without an offset are read ([`super::Assembler::with_local_offset`]).
    pub local: Option<UtcOffset>,
}

impl Lookup<'_> {
    /// Row `i` of the tickets table: `Some(id)` for a ticket being assembled, `None` for a bad
    /// row; `None` past the end.
    fn id(&self, i: usize) -> Option<Option<&str>> {
        self.entries.get(i).map(Entry::id)
    }
}

/// Events read from their rows and waiting for their tickets' check, column by column, in
/// compact form (unit and free texts interned in the stager's batch). When every ticket's rows
/// come together, in tickets-table order, the event and text columns become the output batch's
/// as they stand.
#[derive(Debug, Default)]
pub(super) struct Staged {
    /// Tickets-table row of each event's ticket.
    pub entry: Vec<usize>,
    /// Events-table row of each event.
    pub row: Vec<usize>,
    pub event: Vec<CEvent>,
    /// (reason, event id) of each event, text indices.
    pub text: Vec<(u32, u32)>,
}

impl Staged {
    fn push(&mut self, entry: usize, row: usize, event: CEvent, text: (u32, u32)) {
        self.entry.push(entry);
        self.row.push(row);
        self.event.push(event);
        self.text.push(text);
    }

    fn reserve(&mut self, rows: usize) {
        self.entry.reserve(rows);
        self.row.reserve(rows);
        self.event.reserve(rows);
        self.text.reserve(rows);
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.event.len()
    }
}

/// How far the rows of one ticket have been read.
#[derive(Debug, Clone, Default)]
pub(super) struct Progress {
    /// Events read so far.
    pub read: usize,
    /// The first event row that could not be read, and where (later rows are not read).
    pub failure: Option<Box<(Violation, usize)>>,
}

/// Event rows naming a ticket id that is not in the tickets table.
#[derive(Debug)]
pub(super) struct Orphan {
    pub ticket_id: String,
    pub first_row: usize,
    pub rows: usize,
}

/// Rows staged so far (see the module docs).
#[derive(Debug, Default)]
pub(super) struct Stager {
    /// Per tickets-table row.
    pub progress: Vec<Progress>,
    pub staged: Staged,
    pub orphans: Vec<Orphan>,
    orphan_index: HashMap<String, usize>,
    /// The entry of the previous row (exports often list a ticket's events together, and
    /// tickets in tickets-table order).
    last: Option<usize>,
    /// Units and free texts (the assembler's own stager: its output batch).
    pub batch: TicketBatch,
}

impl Stager {
    /// A stager for about `rows` rows of tickets known by `lookup` (a parallel reader's).
    pub fn for_tickets(lookup: &Lookup<'_>, rows: usize) -> Self {
        let mut stager = Stager {
            progress: vec![Progress::default(); lookup.entries.len()],
            ..Stager::default()
        };
        stager.reserve(rows);
        stager
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.staged.reserve(rows);
        self.batch.reserve_events(rows);
    }

    /// The entry of ticket `id`, if the tickets table has it.
    fn entry_of(&mut self, lookup: &Lookup<'_>, id: &str) -> Option<usize> {
        let same = |i: usize| lookup.id(i) == Some(Some(id));
        let guesses = self.last.map(|i| [i, i.saturating_add(1)]);
        if let Some(hit) = guesses.into_iter().flatten().find(|&i| same(i)) {
            self.last = Some(hit);
            return Some(hit);
        }
        let found = lookup.index.get(id).copied();
        self.last = found;
        found
    }

    /// Stages events-table row `row_no`.
    pub fn add(&mut self, lookup: &Lookup<'_>, row_no: usize, row: &EventRowRef<'_>) {
        let found = self.entry_of(lookup, row.ticket_id);
        match found.map(|i| (i, lookup.id(i))) {
            None | Some((_, None)) => self.orphan(row.ticket_id, row_no),
            // The ticket's row is bad: its diagnostic covers its events.
            Some((_, Some(None))) => {}
            Some((entry, Some(Some(_)))) => {
                let Some(p) = self.progress.get_mut(entry) else {
                    return;
                };
                if p.failure.is_some() {
                    return;
                }
                match read_event(p.read, &row.cells(), lookup.local) {
                    Ok(parts) => {
                        p.read = p.read.saturating_add(1);
                        let b = &mut self.batch;
                        let event = CEvent {
                            at: parts.at,
                            unit: parts.unit.map_or(NO_UNIT, |u| b.intern_unit(u)),
                            body: parts.body,
                        };
                        let text = (b.push_text(parts.reason), b.push_text(parts.event_id));
                        self.staged.push(entry, row_no, event, text);
                    }
                    Err(v) => p.failure = Some(Box::new((v, row_no))),
                }
            }
        }
    }

    fn orphan(&mut self, ticket_id: &str, row_no: usize) {
        if let Some(&o) = self.orphan_index.get(ticket_id) {
            if let Some(orphan) = self.orphans.get_mut(o) {
                orphan.rows = orphan.rows.saturating_add(1);
            }
            return;
        }
        self.orphan_index
            .insert(ticket_id.to_owned(), self.orphans.len());
        self.orphans.push(Orphan {
            ticket_id: ticket_id.to_owned(),
            first_row: row_no,
            rows: 1,
        });
    }

    /// Appends the rows `other` staged, which all come after this stager's rows.
    pub fn absorb(&mut self, other: Stager) {
        let texts = self.batch.absorb_texts(&other.batch);
        // Units are interned again in row order, as one stager would have met them.
        let mut units: Vec<Option<u32>> = vec![None; other.batch.units().len()];
        // A ticket whose rows failed here reads no further rows.
        let mut closed = vec![false; self.progress.len()];
        for ((mine, theirs), closed) in self
            .progress
            .iter_mut()
            .zip(other.progress)
            .zip(&mut closed)
        {
            if mine.failure.is_some() {
                *closed = true;
                continue;
            }
            if let Some(mut failure) = theirs.failure {
                failure.0.event_index = failure.0.event_index.map(|k| k.saturating_add(mine.read));
                mine.failure = Some(failure);
            }
            mine.read = mine.read.saturating_add(theirs.read);
        }
        self.staged.reserve(other.staged.len());
        let Staged {
            entry,
            row,
            event,
            text,
        } = other.staged;
        for (((entry, row), mut event), (reason, event_id)) in
            entry.into_iter().zip(row).zip(event).zip(text)
        {
            if closed.get(entry).copied().unwrap_or(true) {
                continue;
            }
            if let Some(slot) = units.get_mut(event.unit as usize) {
                let key = match *slot {
                    Some(key) => key,
                    None => {
                        let name = other.batch.unit_name(event.unit).unwrap_or_default();
                        let key = self.batch.intern_unit(name);
                        *slot = Some(key);
                        key
                    }
                };
                event.unit = key;
            }
            self.staged
                .push(entry, row, event, (texts(reason), texts(event_id)));
        }
        for o in other.orphans {
            match self.orphan_index.get(&o.ticket_id) {
                Some(&i) => {
                    if let Some(mine) = self.orphans.get_mut(i) {
                        mine.rows = mine.rows.saturating_add(o.rows);
                    }
                }
                None => {
                    self.orphan_index
                        .insert(o.ticket_id.clone(), self.orphans.len());
                    self.orphans.push(o);
                }
            }
        }
        self.last = None;
    }
}
