//! Snapshot and restore: the board's whole state as bytes or JSON, with a format version and a
//! checksum. The state is the tickets (headers and logs, which also carry the `event_id`s that
//! make ingestion idempotent), the frozen history of closed periods, the external metrics, and a
//! fingerprint of the configuration (calendar, policy, scheme, units, options). Counters and
//! indexes are derived data: restoring re-evaluates each ticket once, so a restored board answers
//! every query exactly as the original.
//!
//! Bytes: `"HSBOARD\0"`, format version (u32 LE), payload length (u64 LE), payload, FNV-1a 64 of
//! everything before it (u64 LE). The payload is a length-prefixed JSON meta block (fingerprint,
//! closed-through instant, history, external metrics) followed by the tickets in the compact
//! binary form of `codec`.
//!
//! JSON: `{"format": "hotline-score-board", "version": 1, "checksum": "<16 hex digits>",
//! "state": {"meta": {...}, "tickets": [...]}}` where the checksum is FNV-1a 64 of the compact JSON of `state`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::builder::{BoardBuilder, Fingerprint};
use super::check::{self, TicketFlow};
use super::checksum::fnv1a;
use super::codec::{Decoder, Encoder, put_bytes};
use super::keys;
use super::periods::TablePeriods;
use super::record;
use super::{Board, TicketState};
use crate::clocks::is_repeat;
use crate::error::{Error, FilePos, Result, json_error_offset, json_reason};
use crate::instant::Instant;
use crate::metrics::Adjustment;
use crate::scheme::Scores;
use crate::ticket::Ticket;
use crate::unit::UnitId;

/// The snapshot format version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

const MAGIC: &[u8; 8] = b"HSBOARD\0";
const FORMAT: &str = "hotline-score-board";
const HEADER: usize = 8 + 4 + 8;

/// One external metric value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ExternalValue {
    start: Instant,
    end: Instant,
    unit: UnitId,
    name: String,
    value: Decimal,
}

/// One manual adjustment of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodAdjustment {
    start: Instant,
    end: Instant,
    adjustment: Adjustment,
}

/// Everything but the tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    fingerprint: Fingerprint,
    closed_through: Option<Instant>,
    history: Vec<Scores>,
    external: Vec<ExternalValue>,
    /// Absent from snapshots written before 2026-12-02 (evening), and when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    adjustments: Vec<PeriodAdjustment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    meta: Meta,
    tickets: Vec<Ticket>,
}

#[derive(Deserialize)]
struct Head {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u32,
    checksum: String,
    state: State,
}

fn corrupt(offset: usize, reason: impl Into<String>) -> Error {
    Error::BoardSnapshotCorrupt {
        offset: offset as u64,
        reason: reason.into(),
    }
}

fn json_error(e: &serde_json::Error) -> Error {
    corrupt(0, json_reason(e))
}

/// A JSON snapshot that does not read: at the byte serde_json stopped at, its line and column
/// (in characters) in the message.
fn json_text_error(json: &str, e: &serde_json::Error) -> Error {
    let at = FilePos::of_json_error(json, e)
        .map(|p| format!("{p}: "))
        .unwrap_or_default();
    corrupt(
        json_error_offset(json, e),
        format!("{at}{}", json_reason(e)),
    )
}

impl Board {
    fn meta(&self) -> Meta {
        Meta {
            fingerprint: self.fingerprint.clone(),
            closed_through: self.closed_through,
            history: self.history.clone(),
            external: self
                .external
                .iter()
                .flat_map(|((s, e), units)| {
                    units.iter().flat_map(move |(unit, values)| {
                        values.iter().map(move |(name, value)| ExternalValue {
                            start: Instant::from_millis(*s),
                            end: Instant::from_millis(*e),
                            unit: unit.clone(),
                            name: name.clone(),
                            value: *value,
                        })
                    })
                })
                .collect(),
            adjustments: (self.adjustments.iter())
                .flat_map(|((s, e), list)| {
                    list.iter().map(move |a| PeriodAdjustment {
                        start: Instant::from_millis(*s),
                        end: Instant::from_millis(*e),
                        adjustment: a.clone(),
                    })
                })
                .collect(),
        }
    }

    /// The whole state as compact bytes (see the module docs).
    pub fn snapshot(&self) -> Result<Vec<u8>> {
        let meta = serde_json::to_vec(&self.meta()).map_err(|e| json_error(&e))?;
        let mut payload = Vec::new();
        put_bytes(&mut payload, &meta);
        let mut enc = Encoder::default();
        for t in &self.tickets {
            enc.ticket(&t.ticket);
        }
        enc.finish(self.tickets.len(), &mut payload);
        let mut out = Vec::with_capacity(HEADER + payload.len() + 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// The whole state as JSON (see the module docs).
    pub fn snapshot_json(&self) -> Result<String> {
        let state = State {
            meta: self.meta(),
            tickets: self.tickets.iter().map(|t| t.ticket.clone()).collect(),
        };
        let body = serde_json::to_string(&state).map_err(|e| json_error(&e))?;
        let checksum = format!("{:016x}", fnv1a(body.as_bytes()));
        let head = serde_json::to_string(&FORMAT).map_err(|e| json_error(&e))?;
        Ok(format!(
            "{{\"format\":{head},\"version\":{SNAPSHOT_VERSION},\"checksum\":\"{checksum}\",\"state\":{body}}}"
        ))
    }
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

impl BoardBuilder {
    /// A board restored from [`Board::snapshot`] bytes, with this builder's configuration (which
    /// must be the one the snapshot was taken with, or extend it: a calendar with every date the
    /// snapshot's covered, with the same working time, such as next year's notice loaded in
    /// December; a units table with every unit of the snapshot's in the same group, names, order
    /// and new units free).
    ///
    /// Errors: [`Error::BoardSnapshotCorrupt`] (truncated, damaged, not a snapshot),
    /// [`Error::BoardSnapshotVersion`], [`Error::BoardSnapshotMismatch`].
    pub fn restore(self, bytes: &[u8]) -> Result<Board> {
        if bytes.len() < HEADER + 8 {
            return Err(corrupt(bytes.len(), "too short for a board snapshot"));
        }
        if bytes.get(..8) != Some(MAGIC.as_slice()) {
            return Err(corrupt(0, "not a board snapshot (bad magic bytes)"));
        }
        let version = read_u32(bytes, 8).ok_or_else(|| corrupt(8, "truncated header"))?;
        if version != SNAPSHOT_VERSION {
            return Err(Error::BoardSnapshotVersion {
                found: version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let len = read_u64(bytes, 12).ok_or_else(|| corrupt(12, "truncated header"))?;
        let room = (bytes.len() - HEADER - 8) as u64;
        if len != room {
            return Err(corrupt(
                12,
                format!("payload length {len} does not match the {room} bytes present"),
            ));
        }
        let end = bytes.len() - 8;
        let stored = read_u64(bytes, end).ok_or_else(|| corrupt(end, "truncated checksum"))?;
        let body = bytes.get(..end).ok_or_else(|| corrupt(end, "truncated"))?;
        if fnv1a(body) != stored {
            return Err(corrupt(end, "checksum mismatch"));
        }
        let payload = bytes
            .get(HEADER..end)
            .ok_or_else(|| corrupt(HEADER, "truncated payload"))?;
        let mut dec = Decoder::new(payload, HEADER);
        let meta_bytes = dec.bytes()?;
        let meta: Meta = serde_json::from_slice(meta_bytes).map_err(|e| json_error(&e))?;
        let n = dec.start()?;
        let mut tickets = Vec::with_capacity(n);
        let mut offsets = Vec::with_capacity(n);
        for _ in 0..n {
            offsets.push(dec.offset());
            tickets.push(dec.ticket()?);
        }
        if !dec.at_end() {
            return Err(corrupt(end, "trailing bytes after the tickets"));
        }
        self.restore_state(State { meta, tickets }, &offsets)
    }

    /// A board restored from [`Board::snapshot_json`] text (same errors as
    /// [`BoardBuilder::restore`]).
    pub fn restore_json(self, json: &str) -> Result<Board> {
        let head: Head = serde_json::from_str(json).map_err(|e| json_text_error(json, &e))?;
        if head.format != FORMAT {
            return Err(corrupt(
                0,
                format!("format {:?} is not {FORMAT:?}", head.format),
            ));
        }
        if head.version != SNAPSHOT_VERSION {
            return Err(Error::BoardSnapshotVersion {
                found: head.version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let env: Envelope = serde_json::from_str(json).map_err(|e| json_text_error(json, &e))?;
        let body = serde_json::to_string(&env.state).map_err(|e| json_error(&e))?;
        if format!("{:016x}", fnv1a(body.as_bytes())) != env.checksum {
            return Err(corrupt(0, "checksum mismatch"));
        }
        self.restore_state(env.state, &[])
    }

    /// `offsets`: where each ticket starts in a binary snapshot, for errors (none in JSON text,
    /// whose tickets are named by their index).
    fn restore_state(self, state: State, offsets: &[usize]) -> Result<Board> {
        let mut board = self.build()?;
        if let Some(field) = board
            .fingerprint
            .misfit(board.ev.calendar(), &state.meta.fingerprint)?
        {
            return Err(Error::BoardSnapshotMismatch {
                field: field.to_owned(),
            });
        }
        let mut ids =
            super::TicketIds::with_capacity_and_hasher(state.tickets.len(), Default::default());
        for (i, ticket) in state.tickets.into_iter().enumerate() {
            let at = offsets.get(i).copied().unwrap_or(0);
            let invalid = |e: Error| corrupt(at, format!("ticket {i} ({:?}): {e}", ticket.id));
            let mut flow = TicketFlow::start(ticket.received_at);
            check::replay(&board.ev, &ticket, true, &mut flow).map_err(invalid)?;
            let index =
                u32::try_from(board.tickets.len()).map_err(|_| corrupt(at, "too many tickets"))?;
            if ids.insert(ticket.id.clone(), index).is_some() {
                return Err(corrupt(
                    at,
                    format!("ticket {i} ({:?}) appears twice", ticket.id),
                ));
            }
            let words = keys::words(&board.ev, &mut board.work.converter, &ticket);
            match record::decompose_at(&ticket) {
                Some(at) => record::build(
                    &board.ev,
                    board.due_anchor,
                    &ticket,
                    Some((&words, is_repeat(&ticket.attributes))),
                    at,
                    true,
                    &mut board.work,
                    &mut TablePeriods {
                        table: &mut board.periods,
                        scheme: &board.scheme,
                    },
                )?, // a calendar not covering its dates: that error, as on ingest
                None => board.work.rec.clear(),
            }
            if let Some(last) = ticket.events.last() {
                board.latest = Some(board.latest.map_or(last.at, |l| l.max(last.at)));
            }
            board.tickets.push(TicketState::new(ticket, flow, words));
            board.commit(index);
        }
        board.by_id = ids;
        board.closed_through = state.meta.closed_through;
        board.history = state.meta.history;
        for x in state.meta.external {
            board
                .external
                .entry((x.start.millis(), x.end.millis()))
                .or_default()
                .entry(x.unit)
                .or_default()
                .insert(x.name, x.value);
        }
        for x in state.meta.adjustments {
            board
                .adjustments
                .entry((x.start.millis(), x.end.millis()))
                .or_default()
                .push(x.adjustment);
        }
        Ok(board)
    }
}
