//! Assembling tickets from the flat tables (SPEC §3.2a): a tickets table and an events table
//! whose rows of one ticket are in time order while rows of different tickets interleave.

use std::borrow::Cow;
use std::ops::Range;

use time::UtcOffset;

use crate::clocks::{Adopted, Header, TicketBatch};
use crate::error::Result;
use crate::parts::in_parts;
use crate::ticket::cells::{TicketCells, read_ticket_head};
use crate::ticket::load::{LoadedBatch, Sink, known_units};
use crate::ticket::problem::Violation;
use crate::ticket::stage::{Lookup, Progress, Staged, Stager, TicketIndex};
use crate::ticket::validate::FlowCheck;
use crate::ticket::verdict::{Form, Grouped, Verdicts, check, push_staged};
use crate::ticket::{
    Diagnostic, Event, EventRow, EventRowRef, InstantCell, KnownUnits, Loaded, Mode,
    TicketErrorKind, TicketRow, TicketRowRef,
};
use crate::unit::Unit;

/// A ticket being assembled: its own fields (its events wait in the stager).
#[derive(Debug)]
pub(super) struct Pending {
    pub header: Header,
    /// Tickets-table row.
    pub row: usize,
}

/// One tickets-table row: a ticket being assembled, a bad row, or a ticket the caller skips
/// ([`Assembler::skip_ticket`]); the events of the last two are absorbed.
#[derive(Debug)]
pub(super) enum Entry {
    Pending(Pending),
    Bad(Box<crate::Error>),
    /// Left out without a diagnostic: the caller reports why.
    Skipped,
}

impl Entry {
    /// The ticket's id, if it is being assembled.
    pub(super) fn id(&self) -> Option<&str> {
        match self {
            Entry::Pending(p) => Some(&p.header.id),
            Entry::Bad(_) | Entry::Skipped => None,
        }
    }
}

/// Tickets-table rows read on a thread of their own: per row its id and its header (strings
/// interned in `batch`) or why it cannot be read.
#[derive(Default)]
struct ReadRows {
    batch: TicketBatch,
    rows: Vec<(String, Result<Header, Violation>)>,
}

/// Reads a tickets-table row's cells and attributes (in name order, each once) into a header,
/// its strings interned in `batch`.
fn read_row<'a>(
    batch: &mut TicketBatch,
    cells: &TicketCells<'_>,
    attributes: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    local: Option<UtcOffset>,
) -> Result<Header, Violation> {
    // First: a misnamed `Received At` also leaves `received_at` missing, which it explains.
    if let Some((name, column)) = attributes
        .clone()
        .find_map(|(name, _)| TicketRow::resembled(name).map(|c| (name, c)))
    {
        return Err(Violation::ticket(
            name,
            TicketErrorKind::MisnamedColumn { column },
        ));
    }
    let head = read_ticket_head(cells, "ticket_id", local)?;
    let channel = cells.channel.unwrap_or_default();
    Ok(batch.header_of(cells.id.to_owned(), head, channel, attributes))
}

/// Fewer rows than this per thread are not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// Fewer tickets than this per thread are not worth a thread.
const MIN_TICKETS_PER_THREAD: usize = 20_000;

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
    index: TicketIndex,
    entries: Vec<Entry>,
    event_rows: usize,
    /// Threads for big tables ([`Assembler::with_threads`]).
    threads: usize,
    /// Fewest rows, and fewest tickets, worth a thread of their own.
    per_thread: (usize, usize),
    /// The offset of timestamps written without one ([`Assembler::with_local_offset`]).
    local: Option<UtcOffset>,
    /// The staged rows; its batch is the output (its string tables fill as rows arrive, its
    /// tickets at the check).
    stager: Stager,
}

impl Assembler {
    /// A new assembler; checks the units table (empty or duplicate units are errors in either
    /// mode).
    pub fn new(units: Option<&[Unit]>, mode: Mode) -> Result<Self> {
        Ok(Assembler {
            units: known_units(units)?,
            mode,
            index: TicketIndex::default(),
            entries: Vec::new(),
            event_rows: 0,
            threads: 1,
            per_thread: (MIN_ROWS_PER_THREAD, MIN_TICKETS_PER_THREAD),
            local: None,
            stager: Stager::default(),
        })
    }

    /// Lets big tables be read ([`Assembler::add_events_parallel`]) and checked
    /// ([`Assembler::finish_batch`]) on up to `threads` threads (default 1). The outcome does not
    /// depend on the number of threads.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Reads timestamps written without an offset (`2026-03-02 09:30:00`, as database exports
    /// write them) as local time in `offset`, the explicit request of SPEC §2.1; a timestamp
    /// with its own offset, or in epoch milliseconds, keeps its instant. Without this, such a
    /// timestamp is a `malformed_timestamp` problem.
    ///
    /// ```
    /// use hotline_score::instant::CHINA_OFFSET;
    /// use hotline_score::ticket::{Assembler, EventRow, Mode, TicketRow};
    /// let mut asm = Assembler::new(None, Mode::Strict)?.with_local_offset(CHINA_OFFSET);
    /// asm.add_ticket(TicketRow::from_columns([
    ///     ("ticket_id", "T1"), ("kind", "help"), ("received_at", "2026-03-02 09:00:00"),
    /// ]));
    /// asm.add_event(&EventRow {
    ///     ticket_id: "T1".into(), at: "2026-03-02T01:30:00Z".into(),
    ///     event_type: "dispatched".into(), unit: Some("u1".into()), ..EventRow::default()
    /// });
    /// let tickets = asm.finish()?.tickets;
    /// assert_eq!(tickets[0].received_at.to_string(), "2026-03-02T09:00:00+08:00");
    /// assert_eq!(tickets[0].events[0].at.to_string(), "2026-03-02T09:30:00+08:00");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn with_local_offset(mut self, offset: UtcOffset) -> Self {
        self.local = Some(offset);
        self
    }

    /// Adds every row of both tables in order, then [`Assembler::finish`]es: [`load_rows`]
    /// with this assembler's settings.
    pub fn load_rows(mut self, tickets: Vec<TicketRow>, events: &[EventRow]) -> Result<Loaded> {
        for row in tickets {
            self.add_ticket(row);
        }
        for row in events {
            self.add_event(row);
        }
        self.finish()
    }

    /// Makes room for `tickets` more tickets-table rows and `events` more events-table rows (a
    /// hint for big tables whose size is known: it spares re-allocations, nothing else).
    pub fn reserve(&mut self, tickets: usize, events: usize) {
        self.entries.reserve(tickets);
        self.index.reserve(tickets);
        self.stager.progress.reserve(tickets);
        self.stager.reserve(events);
        self.stager.batch.reserve(tickets, 0);
    }

    /// Adds the next tickets-table row.
    pub fn add_ticket(&mut self, row: TicketRow) {
        let cells = TicketCells {
            id: &row.ticket_id,
            kind: &row.kind,
            urgency: row.urgency.as_deref(),
            channel: row.channel.as_deref(),
            received_at: InstantCell::Text(&row.received_at),
        };
        let attributes = row.attributes.iter();
        self.add_ticket_cells(&cells, attributes.map(|(k, v)| (k.as_str(), v.as_str())));
    }

    /// Adds the next tickets-table row, its cells borrowed (read, not kept): the path for
    /// readers over columns already in memory.
    pub fn add_ticket_ref(&mut self, row: &TicketRowRef<'_>) {
        let attributes = row.sorted_attributes();
        self.add_ticket_cells(&row.cells(), attributes.iter().copied());
    }

    /// Adds a tickets-table row read as `cells` and its attributes (in name order, each once).
    fn add_ticket_cells<'a>(
        &mut self,
        cells: &TicketCells<'_>,
        attributes: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) {
        let local = self.local;
        self.push_row(Cow::Borrowed(cells.id), |batch| {
            read_row(batch, cells, attributes, local)
        });
    }

    /// Adds the next `rows` tickets-table rows, read on up to [`Assembler::with_threads`]
    /// threads: `read(range, sink)` hands rows `range` (0-based within these `rows`) to `sink`,
    /// in order, and may be called from several threads at once for disjoint ranges. The outcome
    /// is exactly that of [`Assembler::add_ticket_ref`] on every row in order: the other parts'
    /// rows are read on their threads, then added in row order (duplicates found, strings
    /// interned in first-use order); small tables are read on the calling thread alone.
    pub fn add_tickets_parallel<F>(&mut self, rows: usize, read: F)
    where
        F: Fn(Range<usize>, &mut dyn FnMut(&TicketRowRef<'_>)) + Sync,
    {
        let parts = self.threads.min(rows / self.per_thread.1.max(1)).max(1);
        let local = self.local;
        let ((), rest) = in_parts(
            rows,
            parts,
            |range| read(range, &mut |row| self.add_ticket_ref(row)),
            |range| {
                let mut part = ReadRows::default();
                part.rows.reserve(range.len());
                read(range, &mut |row| {
                    let attributes = row.sorted_attributes();
                    let header = read_row(
                        &mut part.batch,
                        &row.cells(),
                        attributes.iter().copied(),
                        local,
                    );
                    part.rows.push((row.ticket_id.to_owned(), header));
                });
                part
            },
        );
        for part in rest {
            let mut adopted = Adopted::default();
            for (id, header) in part.rows {
                self.push_row(Cow::Owned(id), |batch| {
                    header.map(|h| batch.adopt_header(h, &part.batch, &mut adopted))
                });
            }
        }
    }

    /// Adds the next tickets-table row, with id `id`: a duplicate of an earlier row, or the
    /// outcome of `read` (called only for the first row of an id, with the batch to intern in).
    /// An owned `id` becomes the index's key as it is.
    fn push_row(
        &mut self,
        id: Cow<'_, str>,
        read: impl FnOnce(&mut TicketBatch) -> Result<Header, Violation>,
    ) {
        let row_no = self.entries.len();
        let entry = if let Some(&first_row) = self.index.get(id.as_ref()) {
            let v = Violation::ticket(
                "ticket_id",
                TicketErrorKind::DuplicateTicket {
                    first_row: Some(first_row),
                },
            );
            Entry::Bad(Box::new(v.into_error(&id, Some(row_no))))
        } else {
            let entry = match read(&mut self.stager.batch) {
                Ok(header) => Entry::Pending(Pending {
                    header,
                    row: row_no,
                }),
                Err(v) => Entry::Bad(Box::new(v.into_error(&id, Some(row_no)))),
            };
            // A row without an id is reported; it has no id to be found by.
            if !id.is_empty() {
                self.index.insert(id.into_owned(), row_no);
            }
            entry
        };
        self.entries.push(entry);
        self.stager.progress.push(Progress::default());
    }

    /// Adds the next tickets-table row as one the reader could not read (the wrong number of
    /// cells, a JSON row of the wrong shape) and reports itself: it counts as a row, makes no
    /// ticket and no diagnostic, and the events naming `ticket_id` are absorbed, as for
    /// [`Assembler::skip_ticket`]. An id an earlier row holds stays that row's.
    pub fn add_unreadable_ticket(&mut self, ticket_id: &str) {
        let row_no = self.entries.len();
        if !ticket_id.is_empty() && !self.index.contains_key(ticket_id) {
            self.index.insert(ticket_id.to_owned(), row_no);
        }
        self.entries.push(Entry::Skipped);
        self.stager.progress.push(Progress::default());
    }

    /// Leaves the ticket `ticket_id` out of the result, with no diagnostic of its own: for a
    /// reader that met a row of it that it could not read (a CSV row with the wrong number of
    /// cells, a JSON row of the wrong shape) and reports that row itself. The ticket's rows,
    /// before and after, are absorbed (they are not orphans). An id that no tickets-table row
    /// added so far holds is ignored.
    ///
    /// ```
    /// use hotline_score::ticket::{Assembler, EventRow, Mode, TicketRow};
    /// let mut asm = Assembler::new(None, Mode::Lenient)?;
    /// for id in ["T1", "T2"] {
    ///     asm.add_ticket(TicketRow::from_columns([
    ///         ("ticket_id", id), ("kind", "help"), ("received_at", "2026-03-02T09:00:00+08:00"),
    ///     ]));
    /// }
    /// asm.skip_ticket("T2");
    /// let loaded = asm.finish()?;
    /// assert_eq!(loaded.tickets.len(), 1);
    /// assert!(loaded.diagnostics.is_empty());
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn skip_ticket(&mut self, ticket_id: &str) {
        if let Some(entry) = self
            .index
            .get(ticket_id)
            .and_then(|&i| self.entries.get_mut(i))
        {
            *entry = Entry::Skipped;
        }
    }

    /// Counts the next events-table row as one the reader could not read, nor tell the ticket
    /// of (a JSON row that is not an object, or whose `ticket_id` is not an id), and reports
    /// itself: it makes no event and no diagnostic; the rows after it keep their numbers.
    pub fn add_unreadable_event(&mut self) {
        self.event_rows = self.event_rows.saturating_add(1);
    }

    /// Adds the next events-table row (read, not kept: a caller may reuse one row buffer).
    pub fn add_event(&mut self, row: &EventRow) {
        self.add_event_ref(&row.borrowed());
    }

    /// Adds the next events-table row, its cells borrowed (read, not kept): the path for
    /// readers over columns already in memory.
    pub fn add_event_ref(&mut self, row: &EventRowRef<'_>) {
        let lookup = Lookup {
            index: &self.index,
            entries: &self.entries,
            local: self.local,
        };
        self.stager.add(&lookup, self.event_rows, row);
        self.event_rows = self.event_rows.saturating_add(1);
    }

    /// Adds the next `rows` events-table rows, read on up to [`Assembler::with_threads`]
    /// threads: `read(range, sink)` hands rows `range` (0-based within these `rows`) to `sink`,
    /// in order, and may be called from several threads at once for disjoint ranges. The outcome
    /// is exactly that of [`Assembler::add_event_ref`] on every row in order (the parts are
    /// merged in row order); small tables are read on the calling thread alone.
    pub fn add_events_parallel<F>(&mut self, rows: usize, read: F)
    where
        F: Fn(Range<usize>, &mut dyn FnMut(&EventRowRef<'_>)) + Sync,
    {
        let parts = self.threads.min(rows / self.per_thread.0.max(1)).max(1);
        let first = self.event_rows;
        let lookup = Lookup {
            index: &self.index,
            entries: &self.entries,
            local: self.local,
        };
        let stage = |stager: &mut Stager, range: Range<usize>| {
            let mut row_no = first.saturating_add(range.start);
            read(range, &mut |row: &EventRowRef<'_>| {
                stager.add(&lookup, row_no, row);
                row_no = row_no.saturating_add(1);
            });
        };
        let stager = &mut self.stager;
        let ((), rest) = in_parts(
            rows,
            parts,
            |range| stage(stager, range),
            |range| {
                let mut part = Stager::for_tickets(&lookup, range.len());
                stage(&mut part, range);
                part
            },
        );
        for part in rest {
            self.stager.absorb(part);
        }
        self.event_rows = first.saturating_add(rows);
    }

    /// Checks every ticket and returns the valid ones with a diagnostic per skipped ticket
    /// (lenient), or the first error (strict).
    pub fn finish(self) -> Result<Loaded> {
        let mut tickets = Vec::new();
        let (_, _, diagnostics) = self.check_all(Form::Owned, |batch, _, header, _, events| {
            tickets.push(batch.owned(header, std::mem::take(events)));
        })?;
        Ok(Loaded {
            tickets,
            diagnostics,
        })
    }

    /// Like [`Assembler::finish`], with the valid tickets in a compact [`TicketBatch`] (in
    /// tickets-table order); no owned ticket is ever built. When each ticket's rows come
    /// together and tickets in tickets-table order (the usual export), the staged events become
    /// the batch's where they lie.
    pub fn finish_batch(self) -> Result<LoadedBatch> {
        // While every kept ticket's events are one run of staged positions, runs ascending, the
        // batch's tickets name staged positions; at the first that is not, they are copied in.
        let mut in_place = true;
        let mut after = 0usize;
        let (mut batch, staged, diagnostics) =
            self.check_all(Form::Compact, |batch, staged, header, positions, _| {
                if in_place {
                    let start = positions.first().copied().unwrap_or(after);
                    let end = start.saturating_add(positions.len());
                    if start >= after && positions.iter().zip(start..).all(|(p, q)| *p == q) {
                        batch.end_ticket_at(header, start, end);
                        after = end;
                        return;
                    }
                    batch.copy_events_from(&staged.event, &staged.text);
                    in_place = false;
                }
                push_staged(batch, staged, header, positions);
            })?;
        if in_place {
            batch.adopt_events(staged.event, staged.text);
        }
        Ok(LoadedBatch { batch, diagnostics })
    }

    /// Checks each ticket in tickets-table order and hands every valid one to `keep` (the batch,
    /// the staged events, the ticket's header, its events' positions in them, and its events as
    /// typed by `form`), then reports the orphan rows.
    fn check_all(
        self,
        form: Form,
        mut keep: impl FnMut(&mut TicketBatch, &Staged, Header, &[usize], &mut Vec<Event>),
    ) -> Result<(TicketBatch, Staged, Vec<Diagnostic>)> {
        let Assembler {
            units,
            mode,
            entries,
            stager,
            threads,
            per_thread,
            ..
        } = self;
        let Stager {
            progress,
            staged,
            orphans,
            mut batch,
            ..
        } = stager;
        let grouped = Grouped::new(&staged.entry, entries.len());
        // Compact checks keep no typed events, so they run ahead (on several threads for many
        // tickets), each thread reusing one check's buffers.
        let mut verdicts = match form {
            Form::Compact => Verdicts {
                entries: &entries,
                progress: &progress,
                grouped: &grouped,
                staged: &staged,
                batch: &batch,
                units: units.as_ref(),
            }
            .ahead(threads.min(entries.len() / per_thread.1.max(1))),
            Form::Owned => Vec::new(),
        };
        let mut sink = Sink::new(mode);
        let mut scratch: Vec<Event> = Vec::new();
        for ((i, entry), progress) in entries.into_iter().enumerate().zip(&progress) {
            let p = match entry {
                Entry::Bad(error) => {
                    sink.report(*error)?;
                    continue;
                }
                Entry::Skipped => continue,
                Entry::Pending(p) => p,
            };
            let mine = grouped.of(i);
            let failure = progress.failure.as_deref();
            let verdict = match verdicts.get_mut(i).and_then(Option::take) {
                Some(verdict) => verdict.map_err(|v| *v),
                None => check(
                    &p,
                    mine,
                    failure,
                    &staged,
                    &batch,
                    &mut FlowCheck::start(p.header.received_at(), units.as_ref()),
                    form,
                    &mut scratch,
                ),
            };
            match verdict {
                Ok(()) => keep(&mut batch, &staged, p.header, mine, &mut scratch),
                Err(v) => {
                    let table_row = match v.event_index {
                        None => Some(p.row),
                        Some(k) => mine
                            .get(k)
                            .and_then(|&s| staged.row.get(s).copied())
                            .or(failure.map(|(_, r)| *r)),
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
        Ok((batch, staged, sink.loaded.diagnostics))
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
    Assembler::new(units, mode)?.load_rows(tickets, &events)
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

    /// Skipped tickets and unreadable rows leave no ticket and no diagnostic; their events are
    /// absorbed, not orphans; rows keep their numbers; both forms of the result agree.
    #[test]
    fn skipped_tickets_leave_no_trace() {
        let ticket = |id: &str| TicketRow {
            ticket_id: id.into(),
            kind: "help".into(),
            received_at: "2026-03-02T09:00:00+08:00".into(),
            ..TicketRow::default()
        };
        let for_ticket = |id: &str, mut e: EventRow| {
            e.ticket_id = id.into();
            e
        };
        let bad = EventRow {
            event_type: "x".into(),
            ..event("dispatched", "09:10", &[("unit", "u1")])
        };
        let build = || {
            let mut a = Assembler::new(None, Mode::Lenient).unwrap();
            a.add_ticket(ticket("T1"));
            a.add_unreadable_ticket("T2");
            a.add_unreadable_ticket("T1"); // an id an earlier row holds stays that row's
            a.add_ticket(ticket("T3"));
            for id in ["T1", "T2", "T3"] {
                a.add_event(&for_ticket(
                    id,
                    event("dispatched", "09:10", &[("unit", "u1")]),
                ));
            }
            a.skip_ticket("T3");
            a.add_event(&for_ticket("T3", bad.clone()));
            a.add_event(&for_ticket("T9", bad.clone()));
            a
        };
        let owned = build().finish().unwrap();
        let ids: Vec<&str> = owned.tickets.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T1"]);
        assert_eq!(owned.tickets[0].events.len(), 1);
        // Only the orphan row is reported, at its own row number.
        assert_eq!(owned.diagnostics.len(), 1);
        assert_eq!(owned.diagnostics[0].ticket_id, "T9");
        assert_eq!(owned.diagnostics[0].row, Some(4));
        let compact = build().finish_batch().unwrap();
        assert_eq!(compact.diagnostics, owned.diagnostics);
        let tickets: Vec<_> = compact.batch.tickets().collect();
        assert_eq!(tickets, owned.tickets);
    }

    /// Staging in parts on several threads, merged in row order, is staging row by row:
    /// the same tickets and the same diagnostics (bad rows, read failures and orphans whose
    /// rows straddle the parts, units and texts interned by different parts).
    #[test]
    fn parallel_staging_equals_row_by_row() {
        use proptest::prelude::*;
        let row = (
            0..5usize,
            0..40i64,
            proptest::sample::select(&["dispatched", "signed", "returned", "closed", "x", ""][..]),
            proptest::option::of(proptest::sample::select(&["u1", "u2", "u3", ""][..])),
            proptest::option::of(proptest::sample::select(&["不属于本单位", "r"][..])),
            proptest::option::of(proptest::sample::select(&["E1", "E2", "E3"][..])),
        )
            .prop_map(|(t, minute, ty, unit, reason, id)| EventRow {
                ticket_id: format!("T{t}"),
                at: (1_772_413_200_000 + minute * 60_000).to_string(),
                event_type: ty.to_owned(),
                unit: unit.map(str::to_owned),
                reason: reason.map(str::to_owned),
                event_id: id.map(str::to_owned),
                ..EventRow::default()
            });
        let tickets = proptest::collection::vec((0..4usize, proptest::bool::weighted(0.8)), 0..5);
        let config = ProptestConfig::with_cases(256);
        proptest!(config, |(tickets in tickets, mut events in proptest::collection::vec(row, 0..40), parts in 1..5usize, grouped in any::<bool>())| {
            if grouped {
                events.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id).then(a.at.cmp(&b.at)));
            } else {
                events.sort_by(|a, b| a.at.cmp(&b.at));
            }
            for mode in [Mode::Lenient, Mode::Strict] {
                let start = || {
                    let mut a = Assembler::new(None, mode).unwrap();
                    for (id, good) in &tickets {
                        a.add_ticket(TicketRow {
                            ticket_id: format!("T{id}"),
                            kind: if *good { "help" } else { "?" }.to_owned(),
                            received_at: "2026-03-02T09:00:00+08:00".into(),
                            ..TicketRow::default()
                        });
                    }
                    a
                };
                let mut one = start();
                for e in &events {
                    one.add_event(e);
                }
                let mut many = start().with_threads(parts);
                many.per_thread = (1, 1);
                many.add_events_parallel(events.len(), |range, sink| {
                    for e in &events[range] {
                        sink(&e.borrowed());
                    }
                });
                match (one.finish_batch(), many.finish_batch()) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(a.diagnostics, b.diagnostics);
                        prop_assert_eq!(a.batch.units(), b.batch.units());
                        let (a, b): (Vec<_>, Vec<_>) = (a.batch.tickets().collect(), b.batch.tickets().collect());
                        prop_assert_eq!(a, b);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
                }
            }
        });
    }

    /// Tickets-table rows read in parts on several threads and added in row order are rows
    /// added one by one: the same tickets, diagnostics (duplicates across the parts, bad rows)
    /// and batch, down to the order its channels and attribute sets were interned in.
    #[test]
    fn parallel_ticket_reading_equals_row_by_row() {
        use proptest::prelude::*;
        let row = (
            0..6usize,
            proptest::sample::select(&["help", "?", ""][..]),
            proptest::option::of(proptest::sample::select(&["phone", "web", "微信", ""][..])),
            proptest::sample::select(&["1772413200000", "2026-03-02T09:00:00+08:00", "x"][..]),
            proptest::collection::vec(
                (
                    proptest::sample::select(&["district", "repeat"][..]),
                    proptest::sample::select(&["湖滨区", "yes", "no"][..]),
                ),
                0..3,
            ),
        );
        let config = ProptestConfig::with_cases(256);
        proptest!(config, |(rows in proptest::collection::vec(row, 0..30), parts in 1..5usize)| {
            type Cells = (String, &'static str, Option<&'static str>, &'static str, Vec<(&'static str, &'static str)>);
            fn row_ref(r: &Cells) -> TicketRowRef<'_> {
                let (id, kind, channel, at, attributes) = r;
                TicketRowRef {
                    ticket_id: id,
                    kind,
                    channel: *channel,
                    received_at: at.parse().map_or(InstantCell::Text(at), InstantCell::Millis),
                    attributes,
                    ..TicketRowRef::default()
                }
            }
            let rows: Vec<Cells> = rows
                .into_iter()
                .map(|(id, kind, channel, at, attributes)| (format!("T{id}"), kind, channel, at, attributes))
                .collect();
            for mode in [Mode::Lenient, Mode::Strict] {
                let mut one = Assembler::new(None, mode).unwrap();
                for r in &rows {
                    one.add_ticket_ref(&row_ref(r));
                }
                let mut many = Assembler::new(None, mode).unwrap().with_threads(parts);
                many.per_thread = (1, 1);
                many.add_tickets_parallel(rows.len(), |range, sink| {
                    for r in &rows[range] {
                        sink(&row_ref(r));
                    }
                });
                prop_assert_eq!(format!("{:?}", one.stager.batch), format!("{:?}", many.stager.batch));
                match (one.finish_batch(), many.finish_batch()) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(a.diagnostics, b.diagnostics);
                        let (a, b): (Vec<_>, Vec<_>) = (a.batch.tickets().collect(), b.batch.tickets().collect());
                        prop_assert_eq!(a, b);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
                }
            }
        });
    }

    /// Rows grouped in tickets-table order: the staged events become the batch's in place, the
    /// events of a rejected ticket between kept ones cut out.
    #[test]
    fn in_place_batch_skips_rejected_tickets() {
        let mut a = Assembler::new(None, Mode::Lenient).unwrap();
        for id in ["T1", "T2", "T3"] {
            a.add_ticket(TicketRow {
                ticket_id: id.into(),
                kind: "help".into(),
                received_at: "2026-03-02T09:00:00+08:00".into(),
                ..TicketRow::default()
            });
        }
        let row = |id: &str, ty: &str, at: &str, unit: &str| EventRow {
            ticket_id: id.into(),
            at: format!("2026-03-02T{at}:00+08:00"),
            event_type: ty.into(),
            unit: Some(unit.into()),
            event_id: Some(format!("{id}-{at}")),
            ..EventRow::default()
        };
        let rows = [
            row("T1", "dispatched", "09:10", "u1"),
            row("T1", "signed", "09:20", "u1"),
            row("T2", "signed", "09:10", "u2"),
            row("T2", "dispatched", "09:20", "u2"),
            row("T3", "dispatched", "09:30", "u3"),
            row("T3", "signed", "09:40", "u3"),
        ];
        for r in &rows {
            a.add_event(r);
        }
        let loaded = a.finish_batch().unwrap();
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].ticket_id, "T2");
        let ids: Vec<_> = loaded
            .batch
            .tickets()
            .map(|t| {
                (
                    t.id,
                    t.events
                        .iter()
                        .map(|e| e.event_id.clone().unwrap())
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                (
                    "T1".to_owned(),
                    vec!["T1-09:10".to_owned(), "T1-09:20".to_owned()]
                ),
                (
                    "T3".to_owned(),
                    vec!["T3-09:30".to_owned(), "T3-09:40".to_owned()]
                ),
            ]
        );
        assert_eq!(loaded.batch.event_count(), 4);
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

    /// Timestamps without an offset are read as local time only when asked for, the same on
    /// one thread and in parallel parts; a timestamp with its own offset, or in epoch
    /// milliseconds, keeps its instant.
    #[test]
    fn local_times_are_read_in_the_offset_asked_for() {
        use crate::instant::CHINA_OFFSET;
        let ticket = |id: &str, at: &str| TicketRow {
            ticket_id: id.into(),
            kind: "help".into(),
            received_at: at.into(),
            ..TicketRow::default()
        };
        let event = |id: &str, ty: &str, at: &str| EventRow {
            ticket_id: id.into(),
            at: at.into(),
            event_type: ty.into(),
            unit: Some("u1".into()),
            ..EventRow::default()
        };
        let load = |local: &[&str; 5], asm: Assembler, parallel: bool| {
            let tickets = [ticket("T1", local[0]), ticket("T2", local[1])];
            let events = [
                event("T1", "dispatched", local[2]),
                event("T1", "signed", local[3]),
                event("T2", "dispatched", local[4]),
            ];
            let mut asm = asm;
            if parallel {
                asm = asm.with_threads(2);
                asm.per_thread = (1, 1);
                asm.add_tickets_parallel(tickets.len(), |range, sink| {
                    let attributes = Vec::new();
                    for t in &tickets[range] {
                        sink(&TicketRowRef {
                            ticket_id: &t.ticket_id,
                            kind: &t.kind,
                            received_at: InstantCell::Text(&t.received_at),
                            attributes: &attributes,
                            ..TicketRowRef::default()
                        });
                    }
                });
                asm.add_events_parallel(events.len(), |range, sink| {
                    for e in &events[range] {
                        sink(&e.borrowed());
                    }
                });
            } else {
                tickets.into_iter().for_each(|t| asm.add_ticket(t));
                events.iter().for_each(|e| asm.add_event(e));
            }
            asm.finish()
        };
        let aware = [
            "2026-03-02T09:00:00+08:00",
            "2026-03-03T01:00:00Z",
            "2026-03-02T09:30:00+08:00",
            "1772418600000",
            "2026-03-03T09:30:00.250+08:00",
        ];
        let local = [
            "2026-03-02 09:00:00",
            "2026-03-03T01:00:00Z",
            "2026-03-02T09:30:00",
            "1772418600000",
            "2026-03-03 09:30:00.250",
        ];
        let want = load(&aware, Assembler::new(None, Mode::Strict).unwrap(), false).unwrap();
        assert_eq!(want.tickets.len(), 2);
        for parallel in [false, true] {
            let asm = Assembler::new(None, Mode::Strict)
                .unwrap()
                .with_local_offset(CHINA_OFFSET);
            let got = load(&local, asm, parallel).unwrap();
            assert_eq!(got.tickets, want.tickets, "parallel: {parallel}");
            // Not asked for: the first such cell is a problem naming its field.
            let lenient = Assembler::new(None, Mode::Lenient).unwrap();
            let got = load(&local, lenient, parallel).unwrap();
            assert!(got.tickets.is_empty(), "parallel: {parallel}");
            let fields: Vec<_> = got.diagnostics.iter().map(|d| d.field.as_str()).collect();
            assert_eq!(fields, ["received_at", "at"], "parallel: {parallel}");
            assert!(
                got.diagnostics
                    .iter()
                    .all(|d| d.code == "malformed_timestamp")
            );
        }
    }
}
