//! Tickets out as the flat tables of SPEC §3.2a (Arrow): `tickets` (fixed columns, then one
//! column per attribute) and `events` (timestamps as `timestamp[ms, +08:00]`, booleans as
//! booleans). Cells come from the core's borrowed rows of the compact batch
//! (`TicketBatch::for_each_ticket_row`, `for_each_event_row`) straight into Arrow builders: no
//! owned ticket and no `String` per cell.

use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::BooleanBuilder;
use hotline_score::clocks::TicketBatch;
use hotline_score::ticket::InstantCell;
use pyo3::prelude::*;

use crate::arrow::export::{Table, Texts, timestamps};

/// Bytes reserved per cell of a text column (grown as needed).
const BYTES_PER_CELL: usize = 12;

fn texts(rows: usize) -> Texts {
    Texts::with_capacity(rows, rows.saturating_mul(BYTES_PER_CELL))
}

/// A column of one array.
fn one(a: ArrayRef) -> Vec<ArrayRef> {
    vec![a]
}

fn flag(b: &mut BooleanBuilder, cell: Option<&str>) {
    b.append_option(cell.map(|v| v == "true"));
}

/// The batch's rows always carry typed instants.
fn millis(cell: InstantCell<'_>) -> Option<i64> {
    match cell {
        InstantCell::At(t) => Some(t.millis()),
        InstantCell::Millis(ms) => Some(ms),
        InstantCell::Text(_) => None,
    }
}

/// The tickets table.
pub fn tickets_table(batch: &TicketBatch) -> PyResult<Table> {
    let n = batch.len();
    let names = batch.attribute_names();
    let [mut id, mut kind, mut urgency, mut channel] = [(); 4].map(|()| texts(n));
    let mut received = Vec::with_capacity(n);
    // Attributes hold the free texts (工单 content …): their bytes are counted first, so a column
    // of gigabytes is written once instead of grown by doubling.
    let mut bytes = vec![0_usize; names.len()];
    batch.for_each_ticket_row(|r| {
        for (k, v) in r.attributes {
            if let Some(b) = names.binary_search(k).ok().and_then(|i| bytes.get_mut(i)) {
                *b += v.len();
            }
        }
    });
    let mut attributes: Vec<Texts> = bytes.iter().map(|b| Texts::with_capacity(n, *b)).collect();
    batch.for_each_ticket_row(|r| {
        id.append_value(r.ticket_id);
        kind.append_value(r.kind);
        urgency.append_option(r.urgency);
        channel.append_option(r.channel);
        received.push(millis(r.received_at));
        // Both in name order: one walk through the row's attributes.
        let mut pairs = r.attributes.iter().peekable();
        for (name, column) in names.iter().zip(&mut attributes) {
            while pairs.next_if(|(k, _)| k < name).is_some() {}
            column.append_option(pairs.next_if(|(k, _)| k == name).map(|(_, v)| *v));
        }
    });
    let mut columns: Vec<(&str, Vec<ArrayRef>)> = vec![
        ("ticket_id", id.finish("ticket_id")?),
        ("kind", kind.finish("kind")?),
        ("urgency", urgency.finish("urgency")?),
        ("channel", channel.finish("channel")?),
        ("received_at", one(timestamps(received))),
    ];
    for (name, column) in names.iter().zip(attributes) {
        columns.push((name, column.finish(name)?));
    }
    Table::from_chunks(columns)
}

/// The events table.
pub fn events_table(batch: &TicketBatch) -> PyResult<Table> {
    let n = batch.event_count();
    let mut at = Vec::with_capacity(n);
    let [
        mut ticket_id,
        mut event_type,
        mut unit,
        mut role,
        mut reason,
        mut amount,
        mut satisfaction,
        mut event_id,
    ] = [(); 8].map(|()| texts(n));
    let [mut accepted, mut approved, mut passed, mut resolved] =
        [(); 4].map(|()| BooleanBuilder::with_capacity(n));
    batch.for_each_event_row(|_, r| {
        ticket_id.append_value(r.ticket_id);
        at.push(millis(r.at));
        event_type.append_value(r.event_type);
        unit.append_option(r.unit);
        role.append_option(r.role);
        reason.append_option(r.reason);
        flag(&mut accepted, r.accepted);
        flag(&mut approved, r.approved);
        amount.append_option(r.amount);
        flag(&mut passed, r.passed);
        satisfaction.append_option(r.satisfaction);
        flag(&mut resolved, r.resolved);
        event_id.append_option(r.event_id);
    });
    let boolean = |mut b: BooleanBuilder| one(Arc::new(b.finish()));
    Table::from_chunks(vec![
        ("ticket_id", ticket_id.finish("ticket_id")?),
        ("at", one(timestamps(at))),
        ("type", event_type.finish("type")?),
        ("unit", unit.finish("unit")?),
        ("role", role.finish("role")?),
        ("reason", reason.finish("reason")?),
        ("accepted", boolean(accepted)),
        ("approved", boolean(approved)),
        ("amount", amount.finish("amount")?),
        ("passed", boolean(passed)),
        ("satisfaction", satisfaction.finish("satisfaction")?),
        ("resolved", boolean(resolved)),
        ("event_id", event_id.finish("event_id")?),
    ])
}
