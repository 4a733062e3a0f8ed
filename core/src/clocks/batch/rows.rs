//! A batch's tickets as the flat tables of SPEC §3.2a, row by row with the cells borrowed: the
//! export path for big batches (DataFrames, typed arrays), with no owned ticket, no instant as
//! text and no `String` per cell.

use std::collections::BTreeSet;

use crate::ticket::{EventRowRef, InstantCell, TicketRowRef};

use super::TicketBatch;

impl TicketBatch {
    /// The names of the attributes the batch's tickets have, in ascending order: the attribute
    /// columns of the tickets table.
    pub fn attribute_names(&self) -> Vec<&str> {
        let mut used = vec![false; self.attribute_sets.len()];
        for m in &self.tickets {
            if let Some(u) = used.get_mut(m.attributes as usize) {
                *u = true;
            }
        }
        let names: BTreeSet<&str> = self
            .attribute_sets
            .iter()
            .zip(used)
            .filter(|(_, used)| *used)
            .flat_map(|(set, _)| set.keys().map(String::as_str))
            .collect();
        names.into_iter().collect()
    }

    /// Calls `f` with every ticket's tickets-table row, in order: the cells of
    /// [`TicketRow::from_ticket`](crate::ticket::TicketRow::from_ticket), borrowed, with
    /// `received_at` as epoch milliseconds and the attributes in name order.
    ///
    /// ```
    /// use hotline_score::clocks::TicketBatch;
    /// use hotline_score::synthetic::{CityConfig, CityGenerator};
    /// let generator = CityGenerator::new(&CityConfig { days: 1, tickets_per_day: 5, ..CityConfig::default() })?;
    /// let batch = TicketBatch::from_tickets(&generator.tickets().collect::<Vec<_>>());
    /// let mut ids = Vec::new();
    /// batch.for_each_ticket_row(|row| ids.push(row.ticket_id.to_owned()));
    /// assert_eq!(ids.len(), batch.len());
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn for_each_ticket_row(&self, mut f: impl FnMut(&TicketRowRef<'_>)) {
        let sets: Vec<Vec<(&str, &str)>> = self
            .attribute_sets
            .iter()
            .map(|set| set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .collect();
        for (m, id) in self.tickets.iter().zip(&self.ids) {
            let channel = self.channels.get(m.channel as usize).map(String::as_str);
            f(&TicketRowRef {
                ticket_id: id,
                kind: m.kind.name(),
                urgency: Some(m.urgency.name()),
                channel: channel.filter(|c| !c.is_empty()),
                received_at: InstantCell::At(m.received_at),
                attributes: sets.get(m.attributes as usize).map_or(&[], Vec::as_slice),
            });
        }
    }

    /// Calls `f` with every event's events-table row and the position of its ticket, ticket by
    /// ticket in order: the cells of [`EventRow::from_event`](crate::ticket::EventRow::from_event),
    /// borrowed, with `at` as epoch milliseconds.
    ///
    /// ```
    /// use hotline_score::clocks::TicketBatch;
    /// use hotline_score::synthetic::{CityConfig, CityGenerator};
    /// let generator = CityGenerator::new(&CityConfig { days: 1, tickets_per_day: 5, ..CityConfig::default() })?;
    /// let batch = TicketBatch::from_tickets(&generator.tickets().collect::<Vec<_>>());
    /// let mut rows = 0;
    /// batch.for_each_event_row(|ticket, row| {
    ///     assert_eq!(batch.ticket_id(ticket), Some(row.ticket_id));
    ///     rows += 1;
    /// });
    /// assert_eq!(rows, batch.event_count());
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn for_each_event_row(&self, mut f: impl FnMut(usize, &EventRowRef<'_>)) {
        let mut amount = String::new();
        for (index, (m, id)) in self.tickets.iter().zip(&self.ids).enumerate() {
            let events = self.events.get(m.start..m.end).unwrap_or_default();
            let texts = self.event_texts.get(m.start..m.end).unwrap_or_default();
            for (e, (reason, event_id)) in events.iter().zip(texts) {
                let parts = self.event_parts(e, *reason, *event_id);
                let row = EventRowRef::of_event(id, parts, &mut amount);
                f(index, &row);
            }
        }
    }
}
