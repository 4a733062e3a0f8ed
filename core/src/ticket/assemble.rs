//! Assembling tickets from the flat tables (SPEC §3.2a): a tickets table and an events table
//! whose rows of one ticket are in time order while rows of different tickets interleave.

use std::collections::HashMap;

use crate::error::Result;
use crate::ticket::cells::{event_from_cells, ticket_from_cells};
use crate::ticket::load::{Sink, check_ticket, known_units};
use crate::ticket::problem::Violation;
use crate::ticket::{EventRow, KnownUnits, Loaded, Mode, Ticket, TicketErrorKind, TicketRow};
use crate::unit::Unit;

/// A ticket being assembled.
#[derive(Debug)]
struct Pending {
    ticket: Ticket,
    /// Tickets-table row.
    row: usize,
    /// Events-table row of each event read so far.
    event_rows: Vec<usize>,
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

/// Builds tickets from table rows fed one at a time (a CSV reader, DataFrame columns): first
/// every tickets-table row ([`Assembler::add_ticket`]), then every events-table row
/// ([`Assembler::add_event`]), then [`Assembler::finish`].
///
/// Each event row is read into a typed event as it arrives; the rules of SPEC §3.2 are checked at
/// `finish`. Rows are numbered from 0 in the order they are added, per table.
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
        })
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
                ticket,
                row: row_no,
                event_rows: Vec::new(),
                failure: None,
            })),
            Err(v) => Entry::Bad(Box::new(v.into_error(&id, Some(row_no)))),
        };
        if !id.is_empty() {
            self.index.insert(id, row_no);
        }
        self.entries.push(entry);
    }

    /// Adds the next events-table row (read, not kept: a caller may reuse one row buffer).
    pub fn add_event(&mut self, row: &EventRow) {
        let row_no = self.event_rows;
        self.event_rows = self.event_rows.saturating_add(1);
        let entry = self
            .index
            .get(&row.ticket_id)
            .and_then(|&i| self.entries.get_mut(i));
        match entry {
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
            Some(Entry::Bad(_)) => {}
            Some(Entry::Pending(p)) => {
                if p.failure.is_some() {
                    return;
                }
                match event_from_cells(p.ticket.events.len(), &row.cells()) {
                    Ok(event) => {
                        p.ticket.events.push(event);
                        p.event_rows.push(row_no);
                    }
                    Err(v) => p.failure = Some((v, row_no)),
                }
            }
        }
    }

    /// Checks every ticket and returns the valid ones with a diagnostic per skipped ticket
    /// (lenient), or the first error (strict).
    pub fn finish(self) -> Result<Loaded> {
        let mut sink = Sink::new(self.mode);
        let units = self.units.as_ref();
        for entry in self.entries {
            match entry {
                Entry::Bad(error) => sink.report(*error)?,
                Entry::Pending(p) => {
                    let Pending {
                        ticket,
                        row,
                        event_rows,
                        failure,
                    } = *p;
                    let failure_row = failure.as_ref().map(|(_, r)| *r);
                    match check_ticket(&ticket, failure.map(|(v, _)| v), units) {
                        Ok(()) => sink.loaded.tickets.push(ticket),
                        Err(v) => {
                            let table_row = match v.event_index {
                                None => Some(row),
                                Some(i) => event_rows.get(i).copied().or(failure_row),
                            };
                            sink.report(v.into_error(&ticket.id, table_row))?;
                        }
                    }
                }
            }
        }
        for orphan in self.orphans {
            let kind = if orphan.ticket_id.is_empty() {
                TicketErrorKind::MissingField
            } else {
                TicketErrorKind::UnknownTicket { rows: orphan.rows }
            };
            let v = Violation::event(0, "ticket_id", kind);
            sink.report(v.into_error(&orphan.ticket_id, Some(orphan.first_row)))?;
        }
        Ok(sink.loaded)
    }
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
