//! Board ingestion of arbitrary input sequences (decoded by `hotline_score_fuzz::decode_inputs`:
//! headers and events of four tickets, every event type, known and unknown units, late and
//! duplicate events). The first byte picks the batch size. Ingesting never panics, and:
//! - the board holds exactly the accepted inputs: each registered ticket's log is its accepted
//!   events in time order (equal instants in arrival order);
//! - its metrics, scores and deadline statuses equal batch evaluation of those logs at several
//!   `as_of` instants (after the last event, two days later, in the middle);
//! - a snapshot of it restores to a board with the same logs.
//!
//! With `HOTLINE_FUZZ_SNAPSHOT_SEEDS=<dir>` set, each input also writes its board's snapshot
//! there (how the `board_snapshot` seeds were made).
#![no_main]

use std::collections::BTreeMap;

use hotline_score::board::{DeadlineStatus, Ingest, Input};
use hotline_score::metrics::{Scope, partial};
use hotline_score::ticket::{Event, Ticket};
use hotline_score::{Instant, Period};
use hotline_score_fuzz::{ORIGIN_MS, board_builder, decode_inputs};
use libfuzzer_sys::fuzz_target;

fn upto(tickets: &[Ticket], as_of: Instant) -> Vec<Ticket> {
    tickets
        .iter()
        .map(|t| Ticket {
            events: t.events.iter().filter(|e| e.at <= as_of).cloned().collect(),
            ..t.clone()
        })
        .collect()
}

fn same_as_batch(
    board: &hotline_score::board::Board,
    tickets: &[Ticket],
    period: &Period,
    as_of: Instant,
) {
    let ev = board.evaluator();
    let units = ev.units();
    let held = upto(tickets, as_of);
    let scope = Scope {
        period: period.clone(),
        as_of,
        due_anchor: board.due_anchor(),
    };
    let metrics = partial(&held, ev, &scope)
        .unwrap_or_else(|e| panic!("batch metrics: {e}"))
        .finalize(units, BTreeMap::new());
    assert_eq!(
        board.metrics(period, as_of).ok().as_ref(),
        Some(&metrics),
        "metrics at {as_of}"
    );
    let scores = board
        .scheme()
        .score(units, &metrics, period, as_of)
        .map_err(|e| e.code());
    assert_eq!(
        board.scores_in(period, as_of).map_err(|e| e.code()),
        scores,
        "scores at {as_of}"
    );
    for u in units {
        let mut want = Vec::new();
        for t in &held {
            for a in ev
                .evaluate(t, as_of)
                .unwrap_or_else(|e| panic!("evaluate: {e}"))
            {
                if a.unit == u.id {
                    want.extend(DeadlineStatus::of_assignment(&t.id, &a));
                }
            }
        }
        DeadlineStatus::sort(&mut want);
        let got = board
            .deadline_statuses(u.id.as_str(), as_of)
            .map_err(|e| e.code());
        assert_eq!(got, Ok(want), "deadline statuses of {} at {as_of}", u.id);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let batch = usize::from(first % 8) + 1;
    let inputs = decode_inputs(rest);
    let builder = || board_builder().unwrap_or_else(|| panic!("built-in configuration"));
    let mut board = builder().build().unwrap_or_else(|e| panic!("build: {e}"));
    // Accepted inputs, in arrival order.
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut events: Vec<(String, Event)> = Vec::new();
    for chunk in inputs.chunks(batch) {
        let outcomes = board.ingest_batch(chunk.iter().cloned());
        assert_eq!(outcomes.len(), chunk.len());
        for (input, outcome) in chunk.iter().zip(outcomes) {
            if outcome != Ingest::Accepted {
                continue;
            }
            match input {
                Input::Ticket(h) => tickets.push(Ticket {
                    id: h.id.clone(),
                    kind: h.kind,
                    urgency: h.urgency,
                    channel: h.channel.clone(),
                    received_at: h.received_at,
                    attributes: h.attributes.clone(),
                    events: Vec::new(),
                }),
                Input::Event { ticket_id, event } => {
                    events.push((ticket_id.clone(), event.clone()))
                }
            }
        }
    }
    for t in &mut tickets {
        t.events = events
            .iter()
            .filter(|(id, _)| *id == t.id)
            .map(|(_, e)| e.clone())
            .collect();
        t.events.sort_by_key(|e| e.at);
        assert_eq!(
            board.ticket(&t.id),
            Some(&*t),
            "the board's log of {}",
            t.id
        );
    }
    assert_eq!(board.tickets().count(), tickets.len());
    let last = board.latest_event().map_or(ORIGIN_MS, |i| i.millis());
    let scheme = board.scheme().clone();
    for as_of in [
        last,
        last + 2 * 86_400_000 + 3_600_000,
        (ORIGIN_MS + last) / 2,
    ] {
        let as_of = Instant::from_millis(as_of);
        if let Ok(period) = scheme.period_at(as_of) {
            same_as_batch(&board, &tickets, &period, as_of);
        }
    }
    let snap = board.snapshot().unwrap_or_else(|e| panic!("snapshot: {e}"));
    let restored = builder()
        .restore(&snap)
        .unwrap_or_else(|e| panic!("restore: {e}"));
    for t in &tickets {
        assert_eq!(restored.ticket(&t.id), Some(t));
    }
    // Seeds of the `board_snapshot` target (see FUZZING.md): the snapshot, sealed and raw.
    if let Some(dir) = std::env::var_os("HOTLINE_FUZZ_SNAPSHOT_SEEDS") {
        let dir = std::path::PathBuf::from(dir);
        let name = format!("{:016x}", hotline_score_fuzz::fnv1a(data));
        let payload = hotline_score_fuzz::snapshot_payload(&snap);
        let sealed = [&[1u8][..], payload].concat();
        let raw = [&[0u8][..], &snap[..]].concat();
        let written = std::fs::write(dir.join(format!("{name}-sealed")), sealed)
            .and_then(|()| std::fs::write(dir.join(format!("{name}-raw")), raw));
        written.unwrap_or_else(|e| panic!("writing seeds: {e}"));
    }
});
