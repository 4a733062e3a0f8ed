//! Tickets out as the flat tables of SPEC §3.2a (Arrow): `tickets` (fixed columns, then one
//! column per attribute) and `events` (timestamps as `timestamp[ms, +08:00]`, booleans as
//! booleans). Cells come from the core's `TicketRow` / `EventRow`.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, StringArray, TimestampMillisecondArray};
use hotline_score::ticket::{EventRow, Ticket, TicketRow};
use pyo3::prelude::*;

use crate::arrow::export::Table;

const OFFSET: &str = "+08:00";

fn text(values: Vec<Option<String>>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

fn flag(values: Vec<Option<String>>) -> ArrayRef {
    Arc::new(BooleanArray::from(
        values
            .into_iter()
            .map(|v| v.map(|s| s == "true"))
            .collect::<Vec<_>>(),
    ))
}

/// The tickets table.
pub fn tickets_table(tickets: &[Ticket]) -> PyResult<Table> {
    let rows: Vec<TicketRow> = tickets.iter().map(TicketRow::from_ticket).collect();
    let attributes: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.attributes.keys().map(String::as_str))
        .collect();
    let received: ArrayRef = Arc::new(
        TimestampMillisecondArray::from_iter_values(tickets.iter().map(|t| t.received_at.millis()))
            .with_timezone(OFFSET),
    );
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        (
            "ticket_id",
            text(rows.iter().map(|r| Some(r.ticket_id.clone())).collect()),
        ),
        (
            "kind",
            text(rows.iter().map(|r| Some(r.kind.clone())).collect()),
        ),
        (
            "urgency",
            text(rows.iter().map(|r| r.urgency.clone()).collect()),
        ),
        (
            "channel",
            text(rows.iter().map(|r| r.channel.clone()).collect()),
        ),
        ("received_at", received),
    ];
    for a in attributes {
        columns.push((
            a,
            text(rows.iter().map(|r| r.attributes.get(a).cloned()).collect()),
        ));
    }
    Table::new(columns)
}

/// The events table.
pub fn events_table(tickets: &[Ticket]) -> PyResult<Table> {
    let n: usize = tickets.iter().map(|t| t.events.len()).sum();
    let mut at = Vec::with_capacity(n);
    let mut rows: Vec<EventRow> = Vec::with_capacity(n);
    for t in tickets {
        for e in &t.events {
            at.push(e.at.millis());
            rows.push(EventRow::from_event(&t.id, e));
        }
    }
    let mut take = |f: fn(&mut EventRow) -> Option<String>| -> Vec<Option<String>> {
        rows.iter_mut().map(f).collect()
    };
    let ticket_id = take(|r| Some(std::mem::take(&mut r.ticket_id)));
    let event_type = take(|r| Some(std::mem::take(&mut r.event_type)));
    let unit = take(|r| r.unit.take());
    let role = take(|r| r.role.take());
    let reason = take(|r| r.reason.take());
    let accepted = take(|r| r.accepted.take());
    let approved = take(|r| r.approved.take());
    let amount = take(|r| r.amount.take());
    let passed = take(|r| r.passed.take());
    let satisfaction = take(|r| r.satisfaction.take());
    let resolved = take(|r| r.resolved.take());
    let event_id = take(|r| r.event_id.take());
    let at: ArrayRef = Arc::new(TimestampMillisecondArray::from(at).with_timezone(OFFSET));
    Table::new(vec![
        ("ticket_id", text(ticket_id)),
        ("at", at),
        ("type", text(event_type)),
        ("unit", text(unit)),
        ("role", text(role)),
        ("reason", text(reason)),
        ("accepted", flag(accepted)),
        ("approved", flag(approved)),
        ("amount", text(amount)),
        ("passed", flag(passed)),
        ("satisfaction", text(satisfaction)),
        ("resolved", flag(resolved)),
        ("event_id", text(event_id)),
    ])
}
