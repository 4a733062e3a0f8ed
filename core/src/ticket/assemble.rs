//! Assembling tickets from the flat tables (SPEC §3.2a): a tickets table and an events table
//! whose rows of one ticket are in time order while rows of different tickets interleave.

use std::collections::HashMap;

use crate::clocks::{CEvent, Header, NO_TEXT, NO_UNIT, TicketBatch};
use crate::error::Result;
use crate::ticket::cells::{read_event, ticket_from_cells};
use crate::ticket::load::{LoadedBatch, Sink, known_units};
use crate::ticket::problem::Violation;
use crate::ticket::validate::FlowCheck;
use crate::ticket::{
    Diagnostic, Event, EventRow, KnownUnits, Loaded, Mode, TicketErrorKind, TicketRow,
};
use crate::unit::Unit;

/// A ticket being assembled: its own fields (its events wait in the staging area).
#[derive(Debug)]
struct Pending {
    header: Header,
    /// Tickets-table row.
    row: usize,
    /// Events read so far.
    read: usize,
    /// The first event row that could not be read, and where.
    failure: Option<(Violation, usize)>,
}

/// One tickets-table row: a ticket being assembled, or a bad row (its events are absorbed).
#[derive(Debug)]
enum Entry {
    Pending(Box<Pending>),
    Bad(Box<crate::Error>),
}

/// Event rows naming a ticket id that is not in the tickets table.
#[derive(Debug)]
struct Orphan {
    ticket_id: String,
    first_row: usize,
    rows: usize,
}

/// An event read from its row and waiting for its ticket's check, in compact form: unit and
/// free text (reason, event id) interned in the output batch.
#[derive(Debug, Clone, Copy)]
struct Staged {
    /// Index in `entries`.
    entry: usize,
    /// Events-table row.
    row: usize,
    event: CEvent,
    reason: u32,
    event_id: u32,
}

/// Builds tickets from table rows fed one at a time (a CSV reader, DataFrame columns): first
/// every tickets-table row ([`Assembler::add_ticket`]), then every events-table row
/// ([`Assembler::add_event`]), then [`Assembler::finish`] (owned [`Ticket`](crate::ticket::Ticket)s) or
/// [`Assembler::finish_batch`] (a compact [`TicketBatch`]: far less memory for big exports).
///
/// Each event row is read into a typed event as it arrives and kept in compact form; the rules of
/// SPEC §3.2 are checked at `finish`. Rows are numbered from 0 in the order they are added, per
/// table.
///
/// Reporting order (strict mode returns the first): tickets in tickets-table order (a ticket's
/// first problem in event order: bad ticket row, duplicate id, or its first bad event), then
/// orphan event rows grouped by ticket id (`unknown_ticket`, or `missing_field` for an empty
/// `ticket_id`) in order of their first row. A duplicate tickets-table row is skipped; events
/// with that id belong to the first row.
#[derive(Debug)]
pub struct Assembler {
    units: Option<KnownUnits>,
    mode: Mode,
    index: HashMap<String, usize>,
    entries: Vec<Entry>,
    orphans: Vec<Orphan>,
    orphan_index: HashMap<String, usize>,
    event_rows: usize,
    /// The entry of the previous event row (exports often list a ticket's events together).
    last: Option<usize>,
    staged: Vec<Staged>,
    /// The output: its string tables fill as rows arrive, its tickets at the check.
    batch: TicketBatch,
}

impl Assembler {
    /// A new assembler; checks the units table (empty or duplicate units are errors in either
    /// mode).
    pub fn new(units: Option<&[Unit]>, mode: Mode) -> Result<Self> {
        Ok(Assembler {
            units: known_units(units)?,
            mode,
            index: HashMap::new(),
            entries: Vec::new(),
            orphans: Vec::new(),
            orphan_index: HashMap::new(),
            event_rows: 0,
            last: None,
            staged: Vec::new(),
            batch: TicketBatch::new(),
        })
    }

    /// Makes room for `tickets` more tickets-table rows and `events` more events-table rows (a
    /// hint for big tables whose size is known: it spares re-allocations, nothing else).
    pub fn reserve(&mut self, tickets: usize, events: usize) {
        self.entries.reserve(tickets);
        self.index.reserve(tickets);
        self.staged.reserve(events);
        self.batch.reserve(tickets, events);
    }

    /// Adds the next tickets-table row.
    pub fn add_ticket(&mut self, row: TicketRow) {
        let row_no = self.entries.len();
        let id = row.ticket_id.clone();
        if let Some(&first) = self.index.get(&id) {
            let v = Violation::ticket(
                "ticket_id",
                TicketErrorKind::DuplicateTicket {
                    first_row: Some(first),
                },
            );
            self.entries
                .push(Entry::Bad(Box::new(v.into_error(&id, Some(row_no)))));
            return;
        }
        let entry = match ticket_from_cells(row.into_cells(), "ticket_id") {
            Ok(ticket) => Entry::Pending(Box::new(Pending {
                header: self.batch.header(&ticket),
                row: row_no,
                read: 0,
                failure: None,
            })),
            Err(v) => Entry::Bad(Box::new(v.into_error(&id, Some(row_no)))),
        };
        if !id.is_empty() {
            self.index.insert(id, row_no);
        }
        self.entries.push(entry);
    }

    /// The entry of ticket `id`, if the tickets table has it.
    fn entry_of(&mut self, id: &str) -> Option<usize> {
        let same = |i: usize| match self.entries.get(i) {
            Some(Entry::Pending(p)) => p.header.id == id,
            _ => false,
        };
        if let Some(last) = self.last.filter(|&i| same(i)) {
            return Some(last);
        }
        let found = self.index.get(id).copied();
        self.last = found;
        found
    }

    /// Adds the next events-table row (read, not kept: a caller may reuse one row buffer).
    pub fn add_event(&mut self, row: &EventRow) {
        let row_no = self.event_rows;
        self.event_rows = self.event_rows.saturating_add(1);
        let found = self.entry_of(&row.ticket_id);
        match found.and_then(|i| self.entries.get_mut(i).map(|e| (i, e))) {
            None => {
                if let Some(&o) = self.orphan_index.get(&row.ticket_id) {
                    if let Some(orphan) = self.orphans.get_mut(o) {
                        orphan.rows = orphan.rows.saturating_add(1);
                    }
                } else {
                    self.orphan_index
                        .insert(row.ticket_id.clone(), self.orphans.len());
                    self.orphans.push(Orphan {
                        ticket_id: row.ticket_id.clone(),
                        first_row: row_no,
                        rows: 1,
                    });
                }
            }
            // The ticket's row is bad: its diagnostic covers its events.
            Some((_, Entry::Bad(_))) => {}
            Some((entry, Entry::Pending(p))) => {
                if p.failure.is_some() {
                    return;
                }
                match read_event(p.read, &row.cells()) {
                    Ok(parts) => {
                        p.read = p.read.saturating_add(1);
                        let b = &mut self.batch;
                        let staged = Staged {
                            entry,
                            row: row_no,
                            event: CEvent {
                                at: parts.at,
                                unit: parts.unit.map_or(NO_UNIT, |u| b.intern_unit(u)),
                                body: parts.body,
                            },
                            reason: b.push_text(parts.reason),
                            event_id: b.push_text(parts.event_id),
                        };
                        self.staged.push(staged);
                    }
                    Err(v) => p.failure = Some((v, row_no)),
                }
            }
        }
    }

    /// Checks every ticket and returns the valid ones with a diagnostic per skipped ticket
    /// (lenient), or the first error (strict).
    pub fn finish(self) -> Result<Loaded> {
        let mut tickets = Vec::new();
        let (_, diagnostics) = self.check_all(Form::Owned, |batch, header, _, events| {
            tickets.push(batch.owned(header, std::mem::take(events)));
        })?;
        Ok(Loaded {
            tickets,
            diagnostics,
        })
    }

    /// Like [`Assembler::finish`], with the valid tickets in a compact [`TicketBatch`] (in
    /// tickets-table order); no owned ticket is ever built.
    pub fn finish_batch(self) -> Result<LoadedBatch> {
        let (batch, diagnostics) = self.check_all(Form::Compact, |batch, header, staged, _| {
            let start = batch.event_count();
            for s in staged {
                batch.push_event(s.event, s.reason, s.event_id);
            }
            batch.end_ticket(header, start);
        })?;
        Ok(LoadedBatch { batch, diagnostics })
    }

    /// Checks each ticket in tickets-table order and hands every valid one to `keep` (the batch,
    /// the ticket's header, its staged events, and its events as typed by `form`), then reports
    /// the orphan rows.
    fn check_all(
        self,
        form: Form,
        mut keep: impl FnMut(&mut TicketBatch, Header, &[&Staged], &mut Vec<Event>),
    ) -> Result<(TicketBatch, Vec<Diagnostic>)> {
        let Assembler {
            units,
            mode,
            entries,
            orphans,
            staged,
            mut batch,
            ..
        } = self;
        let (offsets, order) = group_by_entry(&staged, entries.len());
        let mut sink = Sink::new(mode);
        let mut scratch: Vec<Event> = Vec::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let p = match entry {
                Entry::Bad(error) => {
                    sink.report(*error)?;
                    continue;
                }
                Entry::Pending(p) => *p,
            };
            let mine: Vec<&Staged> = match (offsets.get(i), offsets.get(i + 1)) {
                (Some(&a), Some(&b)) => order.get(a..b).unwrap_or(&[]),
                _ => &[],
            }
            .iter()
            .filter_map(|&s| staged.get(s))
            .collect();
            match check(&p, &mine, &batch, units.as_ref(), form, &mut scratch) {
                Ok(()) => keep(&mut batch, p.header, &mine, &mut scratch),
                Err(v) => {
                    let table_row = match v.event_index {
                        None => Some(p.row),
                        Some(k) => mine
                            .get(k)
                            .map(|s| s.row)
                            .or(p.failure.as_ref().map(|(_, r)| *r)),
                    };
                    sink.report(v.into_error(&p.header.id, table_row))?;
                }
            }
        }
        for orphan in orphans {
            let kind = if orphan.ticket_id.is_empty() {
                TicketErrorKind::MissingField
            } else {
                TicketErrorKind::UnknownTicket { rows: orphan.rows }
            };
            let v = Violation::event(0, "ticket_id", kind);
            sink.report(v.into_error(&orphan.ticket_id, Some(orphan.first_row)))?;
        }
        Ok((batch, sink.loaded.diagnostics))
    }
}

/// How much of each event [`check`] types: everything (the events are kept as owned tickets),
/// or all but the event id (the compact form is kept; ids are checked from the text arena).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Owned,
    Compact,
}

/// Checks one ticket's staged events (SPEC §3.2), then its unreadable row if any: the first
/// violation in event order. The typed events are left in `scratch` (reused buffer).
fn check(
    p: &Pending,
    events: &[&Staged],
    batch: &TicketBatch,
    units: Option<&KnownUnits>,
    form: Form,
    scratch: &mut Vec<Event>,
) -> std::result::Result<(), Violation> {
    scratch.clear();
    // Reasons are few and the rules read them; event ids are checked from the arena.
    scratch.extend(events.iter().map(|s| {
        let event_id = match form {
            Form::Owned => s.event_id,
            Form::Compact => NO_TEXT,
        };
        batch.event(&s.event, s.reason, event_id)
    }));
    let mut flow = FlowCheck::start(p.header.received_at(), units);
    for (index, (event, s)) in scratch.iter().zip(events).enumerate() {
        flow.push_with_id(index, event, batch.text(s.event_id))?;
    }
    match &p.failure {
        Some((v, _)) => Err(v.clone()),
        None => Ok(()),
    }
}

/// Positions in `staged` grouped by entry, each group in arrival order (a counting sort): the
/// group of entry `i` is `order[offsets[i]..offsets[i + 1]]`.
fn group_by_entry(staged: &[Staged], entries: usize) -> (Vec<usize>, Vec<usize>) {
    let mut offsets = vec![0usize; entries.saturating_add(1)];
    for s in staged {
        if let Some(c) = offsets.get_mut(s.entry.saturating_add(1)) {
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
    let mut order = vec![0usize; staged.len()];
    for (position, s) in staged.iter().enumerate() {
        if let Some(slot) = next.get_mut(s.entry) {
            if let Some(o) = order.get_mut(*slot) {
                *o = position;
            }
            *slot = slot.saturating_add(1);
        }
    }
    (offsets, order)
}

/// Assembles and checks tickets from a tickets table and an events table (SPEC §3.2a); see
/// [`Assembler`] for the order of reports. Rows are numbered from 0 per table.
///
/// ```
/// use hotline_score::ticket::{load_rows, EventRow, Mode, TicketRow};
/// let tickets = vec![TicketRow {
///     ticket_id: "T1".into(), kind: "help".into(),
///     received_at: "2026-03-02T09:00:00+08:00".into(), ..Default::default()
/// }];
/// let events = vec![
///     EventRow { ticket_id: "T1".into(), at: "2026-03-02T09:30:00+08:00".into(),
///                event_type: "dispatched".into(), unit: Some("u1".into()), ..Default::default() },
///     EventRow { ticket_id: "T1".into(), at: "2026-03-02T10:00:00+08:00".into(),
///                event_type: "signed".into(), unit: Some("u2".into()), ..Default::default() },
/// ];
/// let err = load_rows(tickets, events, None, Mode::Strict).unwrap_err();
/// assert_eq!(err.code(), "event_before_dispatch");
/// assert!(matches!(err, hotline_score::Error::InvalidTicket { event_index: Some(1), row: Some(1), .. }));
/// ```
pub fn load_rows(
    tickets: Vec<TicketRow>,
    events: Vec<EventRow>,
    units: Option<&[Unit]>,
    mode: Mode,
) -> Result<Loaded> {
    let mut assembler = Assembler::new(units, mode)?;
    for row in tickets {
        assembler.add_ticket(row);
    }
    for row in &events {
        assembler.add_event(row);
    }
    assembler.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ty: &str, at: &str, cells: &[(&str, &str)]) -> EventRow {
        let mut row = EventRow {
            ticket_id: "T1".into(),
            at: format!("2026-03-02T{at}:00+08:00"),
            event_type: ty.into(),
            ..EventRow::default()
        };
        for (column, value) in cells {
            let v = Some((*value).to_owned());
            match *column {
                "unit" => row.unit = v,
                "reason" => row.reason = v,
                "accepted" => row.accepted = v,
                "event_id" => row.event_id = v,
                other => panic!("{other}"),
            }
        }
        row
    }

    /// Free text (reasons, event ids) survives both finishes, and the rules that read it see
    /// it in both (a required reason is not mistaken for a missing one).
    #[test]
    fn reasons_and_event_ids_reach_both_forms() {
        let assemble = || {
            let mut a = Assembler::new(None, Mode::Strict).unwrap();
            a.add_ticket(TicketRow {
                ticket_id: "T1".into(),
                kind: "help".into(),
                received_at: "2026-03-02T09:00:00+08:00".into(),
                ..TicketRow::default()
            });
            for row in [
                event("dispatched", "09:10", &[("unit", "u1"), ("event_id", "E1")]),
                event(
                    "returned",
                    "09:20",
                    &[("unit", "u1"), ("reason", "不属于本单位")],
                ),
                event(
                    "return_decided",
                    "09:30",
                    &[("unit", "u1"), ("accepted", "false")],
                ),
                event(
                    "paused",
                    "09:40",
                    &[("unit", "u1"), ("reason", "等待群众补充材料")],
                ),
                event("resumed", "09:50", &[("unit", "u1"), ("event_id", "E2")]),
            ] {
                a.add_event(&row);
            }
            a
        };
        let owned = assemble().finish().unwrap();
        let compact = assemble().finish_batch().unwrap();
        assert_eq!(owned.tickets.len(), 1);
        let read_back: Vec<_> = compact.batch.tickets().collect();
        assert_eq!(read_back, owned.tickets);
        let t = &owned.tickets[0];
        assert_eq!(t.events[1].body.reason(), Some("不属于本单位"));
        assert_eq!(t.events[4].event_id.as_deref(), Some("E2"));
    }
}
