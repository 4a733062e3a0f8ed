//! The compact binary form of tickets in a snapshot: LEB128 varints, instants as deltas from the
//! previous event, and every repeated string (units, channels, reasons, attributes) written once
//! in a string table. Decoding checks every tag, length and count against the bytes left, so
//! damaged input gives a typed error, never a panic or a huge allocation.
//!
//! Layout: `strings: count, (len, utf8)*` then `tickets: count, ticket*`; a ticket is `id (len,
//! utf8), kind u8, urgency u8, channel ref, received_at zigzag, attributes: count, (ref, ref)*,
//! events: count, event*`; an event is `Δat zigzag, event_id (0 | 1+len, utf8), type u8, fields`.

use std::collections::HashMap;

use crate::amount::Amount;
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::ticket::{Event, EventBody, Kind, Satisfaction, Ticket, Urgency};
use crate::unit::{Role, UnitId};

/// Encodes tickets, collecting strings into a table.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    body: Vec<u8>,
    table: Vec<String>,
    index: HashMap<String, u64>,
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

impl Encoder {
    fn string(&mut self, s: &str) {
        let i = match self.index.get(s) {
            Some(i) => *i,
            None => {
                let i = self.table.len() as u64;
                self.table.push(s.to_owned());
                self.index.insert(s.to_owned(), i);
                i
            }
        };
        put_varint(&mut self.body, i);
    }

    fn opt_string(&mut self, s: Option<&str>) {
        match s {
            None => put_varint(&mut self.body, 0),
            Some(s) => {
                self.body.push(1);
                self.string(s);
            }
        }
    }

    fn amount(&mut self, a: Amount) {
        match a {
            Amount::Time { ms } => {
                self.body.push(0);
                put_varint(&mut self.body, zigzag(ms));
            }
            Amount::WorkingHours { ms } => {
                self.body.push(1);
                put_varint(&mut self.body, zigzag(ms));
            }
            Amount::WorkingDays(n) => {
                self.body.push(2);
                put_varint(&mut self.body, u64::from(n));
            }
        }
    }

    /// Adds one ticket.
    pub(crate) fn ticket(&mut self, t: &Ticket) {
        put_bytes(&mut self.body, t.id.as_bytes());
        self.body.push(index_of(Kind::ALL, t.kind));
        self.body.push(index_of(Urgency::ALL, t.urgency));
        self.string(&t.channel);
        put_varint(&mut self.body, zigzag(t.received_at.millis()));
        put_varint(&mut self.body, t.attributes.len() as u64);
        for (k, v) in &t.attributes {
            self.string(k);
            self.string(v);
        }
        put_varint(&mut self.body, t.events.len() as u64);
        let mut prev = t.received_at.millis();
        for e in &t.events {
            put_varint(&mut self.body, zigzag(e.at.millis().wrapping_sub(prev)));
            prev = e.at.millis();
            match &e.event_id {
                None => put_varint(&mut self.body, 0),
                Some(id) => {
                    put_varint(&mut self.body, id.len() as u64 + 1);
                    self.body.extend_from_slice(id.as_bytes());
                }
            }
            self.body(&e.body);
        }
    }

    fn role(&mut self, r: Role) {
        self.body.push(u8::from(r == Role::Assisting));
    }

    fn flag(&mut self, b: bool) {
        self.body.push(u8::from(b));
    }

    fn body(&mut self, b: &EventBody) {
        use EventBody as B;
        let (tag, unit): (u8, Option<&UnitId>) = match b {
            B::Dispatched { unit, .. } => (0, Some(unit)),
            B::Signed { unit } => (1, Some(unit)),
            B::Returned { unit, .. } => (2, Some(unit)),
            B::ReturnDecided { unit, .. } => (3, Some(unit)),
            B::Contacted { unit } => (4, Some(unit)),
            B::ExtensionRequested { unit, .. } => (5, Some(unit)),
            B::ExtensionDecided { unit, .. } => (6, Some(unit)),
            B::Paused { unit, .. } => (7, Some(unit)),
            B::Resumed { unit, .. } => (8, Some(unit)),
            B::Replied { unit } => (9, Some(unit)),
            B::Reviewed { .. } => (10, None),
            B::Reopened { .. } => (11, None),
            B::CalledBack { .. } => (12, None),
            B::Closed => (13, None),
            B::Urged { unit } => (14, Some(unit)),
            B::Supervised { unit } => (15, Some(unit)),
            B::FlaggedDifficult => (16, None),
            B::WrittenOff => (17, None),
        };
        self.body.push(tag);
        if let Some(u) = unit {
            self.string(u.as_str());
        }
        match b {
            B::Dispatched { role, .. } => self.role(*role),
            B::Returned { reason, .. } | B::Paused { reason, .. } => self.string(reason),
            B::ReturnDecided { accepted, .. } => self.flag(*accepted),
            B::ExtensionRequested { amount, .. } => self.amount(*amount),
            B::ExtensionDecided {
                approved, amount, ..
            } => {
                self.flag(*approved);
                match amount {
                    None => self.body.push(0),
                    Some(a) => {
                        self.body.push(1);
                        self.amount(*a);
                    }
                }
            }
            B::Resumed { reason, .. } => self.opt_string(reason.as_deref()),
            B::Reviewed { passed, unit } => {
                self.flag(*passed);
                self.opt_string(unit.as_ref().map(UnitId::as_str));
            }
            B::Reopened { unit } => self.opt_string(unit.as_ref().map(UnitId::as_str)),
            B::CalledBack {
                satisfaction,
                resolved,
            } => {
                self.body.push(index_of(Satisfaction::ALL, *satisfaction));
                self.body.push(match resolved {
                    None => 0,
                    Some(false) => 1,
                    Some(true) => 2,
                });
            }
            _ => {}
        }
    }

    /// The encoded string table followed by the tickets (`count` of them).
    pub(crate) fn finish(self, count: usize, out: &mut Vec<u8>) {
        put_varint(out, self.table.len() as u64);
        for s in &self.table {
            put_bytes(out, s.as_bytes());
        }
        put_varint(out, count as u64);
        out.extend_from_slice(&self.body);
    }
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    all.iter()
        .position(|x| *x == v)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

/// The fewest bytes one encoded ticket takes: id length, kind, urgency, channel reference,
/// `received_at`, attribute count, event count.
const MIN_TICKET_BYTES: u64 = 7;

/// The fewest bytes one encoded event takes: Δat, event-id tag, type.
const MIN_EVENT_BYTES: u64 = 3;

/// Reads what [`Encoder`] wrote; `base` is the offset of `bytes` in the snapshot (for errors).
#[derive(Debug)]
pub(crate) struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    table: Vec<String>,
}

impl<'a> Decoder<'a> {
    /// A decoder over `bytes`, found at `base` in the snapshot.
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        Decoder {
            bytes,
            pos: 0,
            base,
            table: Vec::new(),
        }
    }

    fn corrupt(&self, reason: impl Into<String>) -> Error {
        Error::BoardSnapshotCorrupt {
            offset: (self.base + self.pos) as u64,
            reason: reason.into(),
        }
    }

    /// The offset in the snapshot of the next byte to read.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Whether every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn u8(&mut self) -> Result<u8> {
        let b = self
            .bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.corrupt("unexpected end of data"))?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt("varint longer than 10 bytes"))
    }

    /// A count of items each at least one byte long (so a damaged count cannot allocate much).
    pub(crate) fn count(&mut self) -> Result<usize> {
        self.count_of(1)
    }

    /// A count of items each at least `min_bytes` long, checked against the bytes left BEFORE
    /// anything is allocated: whatever a damaged or hostile count claims, the items it would
    /// allocate fit in the input, so memory stays proportional to the input's size.
    pub(crate) fn count_of(&mut self, min_bytes: u64) -> Result<usize> {
        let n = self.varint()?;
        let left = self.bytes.len().saturating_sub(self.pos) as u64;
        if n.saturating_mul(min_bytes) > left {
            return Err(self.corrupt(format!(
                "count {n} of items of at least {min_bytes} byte(s) exceeds the {left} bytes left"
            )));
        }
        usize::try_from(n).map_err(|_| self.corrupt("count too large"))
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.count()?;
        let end = self.pos.saturating_add(n);
        let b = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| self.corrupt("string past the end"))?;
        self.pos = end;
        Ok(b)
    }

    fn text(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| self.corrupt("string is not UTF-8"))
    }

    fn string(&mut self) -> Result<String> {
        let i = self.varint()?;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.table.get(i))
            .cloned()
            .ok_or_else(|| self.corrupt(format!("string reference {i} out of range")))
    }

    fn opt_string(&mut self) -> Result<Option<String>> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            t => Err(self.corrupt(format!("bad option tag {t}"))),
        }
    }

    fn flag(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(self.corrupt(format!("bad boolean {t}"))),
        }
    }

    fn pick<T: Copy>(&mut self, all: &[T], what: &str) -> Result<T> {
        let i = self.u8()?;
        all.get(usize::from(i))
            .copied()
            .ok_or_else(|| self.corrupt(format!("bad {what} {i}")))
    }

    /// An amount; one without a text form (see [`Amount::check`]) is corrupt, so that every
    /// restored board also has a JSON snapshot.
    fn amount(&mut self) -> Result<Amount> {
        let amount = match self.u8()? {
            0 => Amount::Time {
                ms: unzigzag(self.varint()?),
            },
            1 => Amount::WorkingHours {
                ms: unzigzag(self.varint()?),
            },
            2 => {
                let n = self.varint()?;
                u32::try_from(n)
                    .map(Amount::WorkingDays)
                    .map_err(|_| self.corrupt("working days out of range"))?
            }
            t => return Err(self.corrupt(format!("bad amount tag {t}"))),
        };
        amount.check().map_err(|e| self.corrupt(e.to_string()))?;
        Ok(amount)
    }

    fn instant(&mut self, base: i64) -> Result<Instant> {
        let d = unzigzag(self.varint()?);
        base.checked_add(d)
            .map(Instant::from_millis)
            .ok_or_else(|| self.corrupt("instant out of range"))
    }

    /// Reads the string table and the ticket count.
    pub(crate) fn start(&mut self) -> Result<usize> {
        let n = self.count()?;
        let mut table = Vec::with_capacity(n);
        for _ in 0..n {
            table.push(self.text()?);
        }
        self.table = table;
        self.count_of(MIN_TICKET_BYTES)
    }

    /// Reads one ticket.
    pub(crate) fn ticket(&mut self) -> Result<Ticket> {
        let id = self.text()?;
        let kind = self.pick(Kind::ALL, "kind")?;
        let urgency = self.pick(Urgency::ALL, "urgency")?;
        let channel = self.string()?;
        let received_at = self.instant(0)?;
        let mut attributes = std::collections::BTreeMap::new();
        for _ in 0..self.count_of(2)? {
            let k = self.string()?;
            let v = self.string()?;
            attributes.insert(k, v);
        }
        let n = self.count_of(MIN_EVENT_BYTES)?;
        let mut events = Vec::with_capacity(n);
        let mut prev = received_at.millis();
        for _ in 0..n {
            let at = self.instant(prev)?;
            prev = at.millis();
            let event_id = match self.varint()? {
                0 => None,
                len => {
                    let len = usize::try_from(len - 1).map_err(|_| self.corrupt("bad id"))?;
                    let end = self.pos.saturating_add(len);
                    let b = self
                        .bytes
                        .get(self.pos..end)
                        .ok_or_else(|| self.corrupt("event_id past the end"))?;
                    self.pos = end;
                    Some(
                        String::from_utf8(b.to_vec())
                            .map_err(|_| self.corrupt("event_id is not UTF-8"))?,
                    )
                }
            };
            let body = self.body()?;
            events.push(Event { at, event_id, body });
        }
        Ok(Ticket {
            id,
            kind,
            urgency,
            channel,
            received_at,
            attributes,
            events,
        })
    }

    fn unit(&mut self) -> Result<UnitId> {
        self.string().map(UnitId)
    }

    fn body(&mut self) -> Result<EventBody> {
        use EventBody as B;
        let tag = self.u8()?;
        Ok(match tag {
            0 => {
                let unit = self.unit()?;
                let role = if self.flag()? {
                    Role::Assisting
                } else {
                    Role::Lead
                };
                B::Dispatched { unit, role }
            }
            1 => B::Signed { unit: self.unit()? },
            2 => B::Returned {
                unit: self.unit()?,
                reason: self.string()?,
            },
            3 => B::ReturnDecided {
                unit: self.unit()?,
                accepted: self.flag()?,
            },
            4 => B::Contacted { unit: self.unit()? },
            5 => B::ExtensionRequested {
                unit: self.unit()?,
                amount: self.amount()?,
            },
            6 => {
                let unit = self.unit()?;
                let approved = self.flag()?;
                let amount = if self.flag()? {
                    Some(self.amount()?)
                } else {
                    None
                };
                B::ExtensionDecided {
                    unit,
                    approved,
                    amount,
                }
            }
            7 => B::Paused {
                unit: self.unit()?,
                reason: self.string()?,
            },
            8 => B::Resumed {
                unit: self.unit()?,
                reason: self.opt_string()?,
            },
            9 => B::Replied { unit: self.unit()? },
            10 => B::Reviewed {
                passed: self.flag()?,
                unit: self.opt_string()?.map(UnitId),
            },
            11 => B::Reopened {
                unit: self.opt_string()?.map(UnitId),
            },
            12 => B::CalledBack {
                satisfaction: self.pick(Satisfaction::ALL, "satisfaction")?,
                resolved: match self.u8()? {
                    0 => None,
                    1 => Some(false),
                    2 => Some(true),
                    t => return Err(self.corrupt(format!("bad resolved {t}"))),
                },
            },
            13 => B::Closed,
            14 => B::Urged { unit: self.unit()? },
            15 => B::Supervised { unit: self.unit()? },
            16 => B::FlaggedDifficult,
            17 => B::WrittenOff,
            t => return Err(self.corrupt(format!("unknown event type {t}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_round_trip() {
        for v in [0i64, 1, -1, 63, -64, 1 << 40, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            put_varint(&mut out, zigzag(v));
            let mut d = Decoder::new(&out, 0);
            assert_eq!(unzigzag(d.varint().unwrap()), v);
            assert!(d.at_end());
        }
        let mut d = Decoder::new(&[0xff; 11], 0);
        assert_eq!(d.varint().unwrap_err().code(), "board_snapshot_corrupt");
    }

    #[test]
    fn amounts_without_a_text_form_are_corrupt() {
        // Seen while fixing a board_snapshot fuzz crash: bytes holding `Time { ms: 90_001 }`
        // restored to a board whose JSON snapshot (`"amount": "1m"`) would not read back.
        for (amount, ok) in [
            (Amount::Time { ms: 90 * 60_000 }, true),
            (Amount::Time { ms: 90_001 }, false),
            (Amount::Time { ms: -60_000 }, false),
            (Amount::WorkingHours { ms: 5_400_000 }, false),
        ] {
            let mut enc = Encoder::default();
            enc.amount(amount);
            let mut d = Decoder::new(&enc.body, 0);
            match d.amount() {
                Ok(a) => assert!(ok && a == amount, "{amount:?}"),
                Err(e) => assert!(!ok && e.code() == "board_snapshot_corrupt", "{amount:?}"),
            }
        }
    }

    #[test]
    fn absurd_counts_are_refused_before_allocating() {
        let mut out = Vec::new();
        put_varint(&mut out, u64::MAX / 2);
        let mut d = Decoder::new(&out, 100);
        let e = d.count().unwrap_err();
        assert!(matches!(e, Error::BoardSnapshotCorrupt { offset, .. } if offset >= 100));
    }
}
