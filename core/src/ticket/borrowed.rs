//! [`TicketRowRef`] and [`EventRowRef`]: table rows whose cells are borrowed, for readers that
//! hold the tables in memory already (Arrow columns, typed arrays with dictionaries): no cell is
//! copied into a row buffer, and instants can be given as epoch milliseconds instead of text.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::amount::Amount;
use crate::clocks::Body;
use crate::ticket::EventRow;
use crate::ticket::cells::{EventCells, EventParts, TicketCells, present};

/// An `at` cell: text (RFC 3339 with offset, or integer epoch milliseconds), epoch milliseconds
/// already read as a number (an integer column), or an instant already typed (a timestamp
/// column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantCell<'a> {
    /// Text, parsed as [`EventRow::at`] is; empty means absent.
    Text(&'a str),
    /// Epoch milliseconds given as a number: refused before 1973, where such a number is
    /// almost always epoch seconds or an Excel day number, and after 9999 (epoch micro- or
    /// nanoseconds).
    Millis(i64),
    /// An instant of a typed timestamp (an Arrow timestamp column, a `datetime`, a batch's
    /// own): taken as it is, whatever its date.
    At(crate::Instant),
}

impl Default for InstantCell<'_> {
    /// An absent cell.
    fn default() -> Self {
        InstantCell::Text("")
    }
}

/// One row of the `events` table with its cells borrowed: the same columns, the same reading
/// and the same errors as [`EventRow`]. Empty cells are absent.
///
/// ```
/// use hotline_score::ticket::{Assembler, EventRowRef, InstantCell, Mode, TicketRow};
/// let mut asm = Assembler::new(None, Mode::Strict)?;
/// asm.add_ticket(TicketRow { ticket_id: "T1".into(), kind: "help".into(),
///     received_at: "2026-03-02T09:00:00+08:00".into(), ..Default::default() });
/// asm.add_event_ref(&EventRowRef { ticket_id: "T1", at: InstantCell::Millis(1_772_414_400_000),
///     event_type: "dispatched", unit: Some("u1"), ..Default::default() });
/// let loaded = asm.finish()?;
/// assert_eq!(loaded.tickets[0].events[0].at.to_string(), "2026-03-02T09:20:00+08:00");
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventRowRef<'a> {
    /// The ticket the event belongs to.
    pub ticket_id: &'a str,
    /// When.
    pub at: InstantCell<'a>,
    /// The event type (`dispatched`, `signed`, …).
    pub event_type: &'a str,
    /// `unit` column.
    pub unit: Option<&'a str>,
    /// `role` column (`lead` or `assisting`).
    pub role: Option<&'a str>,
    /// `reason` column.
    pub reason: Option<&'a str>,
    /// `accepted` column (boolean text: `true`/`false`/`1`/`0`).
    pub accepted: Option<&'a str>,
    /// `approved` column (boolean text).
    pub approved: Option<&'a str>,
    /// `amount` column (`5wd`, `2h`, …).
    pub amount: Option<&'a str>,
    /// `passed` column (boolean text).
    pub passed: Option<&'a str>,
    /// `satisfaction` column.
    pub satisfaction: Option<&'a str>,
    /// `resolved` column (boolean text).
    pub resolved: Option<&'a str>,
    /// `event_id` column.
    pub event_id: Option<&'a str>,
}

impl<'a> EventRowRef<'a> {
    /// The row of one event of ticket `ticket_id`, from its parts: the cells
    /// [`EventRow::from_event`] writes, borrowed, with `at` as epoch milliseconds. An amount is
    /// written into `amount` (a buffer the row then borrows).
    pub(crate) fn of_event(
        ticket_id: &'a str,
        parts: EventParts<'a>,
        amount: &'a mut String,
    ) -> Self {
        let flag = |b: bool| Some(if b { "true" } else { "false" });
        let mut row = EventRowRef {
            ticket_id,
            at: InstantCell::At(parts.at),
            event_type: parts.body.event_type().name(),
            unit: parts.unit,
            reason: parts.reason,
            event_id: parts.event_id,
            ..EventRowRef::default()
        };
        let mut amount_cell: Option<Amount> = None;
        match parts.body {
            Body::Dispatched(role) => {
                row.role = Some(role.name());
            }
            Body::ReturnDecided(accepted) => row.accepted = flag(accepted),
            Body::ExtensionRequested(a) => amount_cell = Some(a),
            Body::ExtensionDecided(approved, a) => {
                row.approved = flag(approved);
                amount_cell = a;
            }
            Body::Reviewed(passed) => row.passed = flag(passed),
            Body::CalledBack(satisfaction, resolved) => {
                row.satisfaction = Some(satisfaction.name());
                row.resolved = resolved.and_then(flag);
            }
            _ => {}
        }
        if let Some(a) = amount_cell {
            amount.clear();
            // Writing into a `String` cannot fail.
            let _ = write!(amount, "{a}");
            row.amount = Some(amount.as_str());
        }
        row
    }

    /// The cells, in the order the reader takes them.
    pub(crate) fn cells(&self) -> EventCells<'a> {
        let some = |c: Option<&'a str>| c.filter(|s| !s.is_empty());
        EventCells {
            at: self.at,
            event_type: self.event_type,
            fields: [
                some(self.unit),
                some(self.role),
                some(self.reason),
                some(self.accepted),
                some(self.approved),
                some(self.amount),
                some(self.passed),
                some(self.satisfaction),
                some(self.resolved),
            ],
            event_id: some(self.event_id),
        }
    }
}

/// One row of the `tickets` table with its cells borrowed: the same columns, the same reading
/// and the same errors as [`TicketRow`](crate::ticket::TicketRow). Empty `urgency` and `channel`
/// cells are absent.
///
/// ```
/// use hotline_score::ticket::{Assembler, InstantCell, Mode, TicketRowRef};
/// let mut asm = Assembler::new(None, Mode::Strict)?;
/// asm.add_ticket_ref(&TicketRowRef { ticket_id: "T1", kind: "help",
///     received_at: InstantCell::Millis(1_772_413_200_000),
///     attributes: &[("repeat", "yes"), ("district", "湖滨区")], ..Default::default() });
/// let loaded = asm.finish()?;
/// assert_eq!(loaded.tickets[0].received_at.to_string(), "2026-03-02T09:00:00+08:00");
/// assert_eq!(loaded.tickets[0].attributes["district"], "湖滨区");
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TicketRowRef<'a> {
    /// `ticket_id` column.
    pub ticket_id: &'a str,
    /// `kind` column.
    pub kind: &'a str,
    /// `urgency` column (absent: `normal`).
    pub urgency: Option<&'a str>,
    /// `channel` column.
    pub channel: Option<&'a str>,
    /// `received_at` column.
    pub received_at: InstantCell<'a>,
    /// Every other column's cell as `(column, value)`, in any order (a column named twice keeps
    /// its last value, as inserting into [`TicketRow::attributes`](crate::ticket::TicketRow)
    /// does).
    pub attributes: &'a [(&'a str, &'a str)],
}

impl<'a> TicketRowRef<'a> {
    /// The cells of the ticket's own fields.
    pub(crate) fn cells(&self) -> TicketCells<'a> {
        TicketCells {
            id: self.ticket_id,
            kind: self.kind,
            urgency: self.urgency,
            channel: self.channel,
            received_at: self.received_at,
        }
    }

    /// The attributes in ascending name order, each name once (its last value): borrowed as
    /// they are when already so.
    pub(crate) fn sorted_attributes(&self) -> Cow<'a, [(&'a str, &'a str)]> {
        let pairs = self.attributes;
        if pairs.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            return Cow::Borrowed(pairs);
        }
        let mut numbered: Vec<(usize, (&str, &str))> = pairs.iter().copied().enumerate().collect();
        // By name, the last given first; then keep the first of each name.
        numbered.sort_by(|(i, a), (j, b)| a.0.cmp(b.0).then(j.cmp(i)));
        numbered.dedup_by(|next, kept| next.1.0 == kept.1.0);
        Cow::Owned(numbered.into_iter().map(|(_, pair)| pair).collect())
    }
}

impl EventRow {
    /// This row with its cells borrowed.
    pub fn borrowed(&self) -> EventRowRef<'_> {
        EventRowRef {
            ticket_id: &self.ticket_id,
            at: InstantCell::Text(&self.at),
            event_type: &self.event_type,
            unit: present(&self.unit),
            role: present(&self.role),
            reason: present(&self.reason),
            accepted: present(&self.accepted),
            approved: present(&self.approved),
            amount: present(&self.amount),
            passed: present(&self.passed),
            satisfaction: present(&self.satisfaction),
            resolved: present(&self.resolved),
            event_id: present(&self.event_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{Assembler, Mode, TicketRow};

    fn assembler() -> Assembler {
        let mut a = Assembler::new(None, Mode::Lenient).unwrap();
        a.add_ticket(TicketRow {
            ticket_id: "T1".into(),
            kind: "help".into(),
            received_at: "2026-03-02T09:00:00+08:00".into(),
            ..TicketRow::default()
        });
        a
    }

    /// Milliseconds and their text read the same; empty cells are absent either way.
    #[test]
    fn millis_and_text_cells_read_alike() {
        let text = EventRow {
            ticket_id: "T1".into(),
            at: "1772414400000".into(),
            event_type: "dispatched".into(),
            unit: Some("u1".into()),
            role: Some(String::new()),
            event_id: Some("E1".into()),
            ..EventRow::default()
        };
        let mut a = assembler();
        a.add_event(&text);
        let mut b = assembler();
        b.add_event_ref(&EventRowRef {
            at: InstantCell::Millis(1_772_414_400_000),
            role: Some(""),
            ..text.borrowed()
        });
        let (a, b) = (a.finish().unwrap(), b.finish().unwrap());
        assert_eq!(a.tickets, b.tickets);
        assert_eq!(b.tickets[0].events[0].event_id.as_deref(), Some("E1"));
    }

    /// An absent `at` is the same missing field in both forms.
    #[test]
    fn absent_at_is_missing() {
        let mut a = assembler();
        a.add_event_ref(&EventRowRef {
            ticket_id: "T1",
            event_type: "dispatched",
            unit: Some("u1"),
            ..EventRowRef::default()
        });
        let loaded = a.finish().unwrap();
        let d = &loaded.diagnostics[0];
        assert_eq!((d.code.as_str(), d.field.as_str()), ("missing_field", "at"));
    }
}
