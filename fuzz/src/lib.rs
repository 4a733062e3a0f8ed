//! Shared pieces of the fuzz targets: a byte reader, the board configuration, the snapshot
//! envelope, reading the CSV tables the way the CLI does, and decoding fuzz bytes into board
//! inputs. The targets themselves are in `fuzz_targets/`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use hotline_score::board::{Board, BoardBuilder, Input, TicketHeader};
use hotline_score::clocks::Evaluator;
use hotline_score::metrics::{MetricsTable, Scope, partial};
use hotline_score::scheme::{Format, Scheme};
use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::{
    Assembler, Event, EventBody, EventRow, EventType, Kind, Loaded, Mode, Satisfaction, Ticket,
    TicketRow, Urgency,
};
use hotline_score::{Amount, Calendar, Instant, Period, Policy, Role, Unit, UnitId};

/// Reads fuzz bytes front to back; past the end every read is 0.
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.byte()) | (u16::from(self.byte()) << 8)
    }

    /// One of `items`, chosen by the next byte.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        let n = items.len().max(1);
        items.get(usize::from(self.byte()) % n).copied()
    }
}

/// The units of the fuzzed boards: two per group of the sanmenxia preset.
pub fn units() -> Vec<Unit> {
    [
        ("c1", "counties"),
        ("c2", "counties"),
        ("d1", "departments"),
        ("d2", "departments"),
        ("w1", "utilities"),
        ("w2", "utilities"),
    ]
    .into_iter()
    .map(|(id, group)| Unit {
        id: id.into(),
        group: group.into(),
        name: id.to_uppercase(),
    })
    .collect()
}

/// The sanmenxia preset made monthly (so short event spans cross period ends), as in the core's
/// board tests: warnings, sanctions and most counters are in play.
pub fn scheme() -> Option<&'static Scheme> {
    static SCHEME: OnceLock<Option<Scheme>> = OnceLock::new();
    SCHEME
        .get_or_init(|| {
            let (_, text) = hotline_score::scheme::PRESETS
                .iter()
                .find(|(n, _)| *n == "sanmenxia")?;
            let text = text
                .replace("period = \"quarter\"", "period = \"month\"")
                .replace("lead_days = 20", "lead_days = 10");
            Scheme::from_toml(&text).ok()
        })
        .as_ref()
}

/// The fuzzed boards' configuration: PRC calendar, Henan policy, [`scheme`], [`units`].
///
/// `None` only if the built-in data fails to load (the targets then assert, since it never
/// should).
pub fn board_builder() -> Option<BoardBuilder> {
    Some(
        Board::builder()
            .calendar(Calendar::prc().ok()?)
            .policy(Policy::henan().ok()?)
            .scheme(scheme()?.clone())
            .units(units()),
    )
}

/// FNV-1a 64, the snapshot checksum (written here again, from its definition, so that the
/// snapshot target can seal a fuzzed payload and reach the decoder behind the checksum).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Snapshot bytes around `payload`: magic, version, length, payload, checksum (the layout of
/// `core/src/board/snapshot.rs`).
pub fn seal_snapshot(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 28);
    out.extend_from_slice(b"HSBOARD\0");
    out.extend_from_slice(&hotline_score::board::SNAPSHOT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The payload of snapshot bytes (between the 20-byte header and the checksum).
pub fn snapshot_payload(snapshot: &[u8]) -> &[u8] {
    snapshot
        .get(20..snapshot.len().saturating_sub(8))
        .unwrap_or(&[])
}

/// The header cells of a CSV reader, trimmed (as the CLI reads them).
fn header(reader: &mut csv::Reader<&[u8]>) -> Option<Vec<String>> {
    Some(
        reader
            .headers()
            .ok()?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect(),
    )
}

/// Reads a tickets CSV and an events CSV the way `cli/src/input/data.rs` does (the CLI is a
/// binary crate, so its reader is mirrored here: header by name, tickets rows through
/// [`TicketRow::from_columns`], events rows by column, everything into an [`Assembler`]).
///
/// `None` when the CSV layer itself refuses the text (the CLI reports those before the core
/// sees a row): unreadable header, a missing required column, an unknown events column, a row
/// of the wrong length.
pub fn read_csv_tables(tickets: &[u8], events: &[u8], mode: Mode) -> Option<Loaded> {
    let units = units();
    let mut assembler = Assembler::new(Some(&units), mode).ok()?;
    let mut reader = csv::Reader::from_reader(tickets);
    let head = header(&mut reader)?;
    for r in ["ticket_id", "kind", "received_at"] {
        if !head.iter().any(|h| h == r) {
            return None;
        }
    }
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).ok()? {
        assembler.add_ticket(TicketRow::from_columns(
            head.iter().map(String::as_str).zip(record.iter()),
        ));
    }
    let mut reader = csv::Reader::from_reader(events);
    let head = header(&mut reader)?;
    if head
        .iter()
        .any(|h| !EventRow::COLUMNS.contains(&h.as_str()))
        || ["ticket_id", "at", "type"]
            .iter()
            .any(|r| !head.iter().any(|h| h == r))
    {
        return None;
    }
    let column = |name: &str| head.iter().position(|h| h == name);
    let columns: Vec<Option<usize>> = EventRow::COLUMNS.iter().map(|c| column(c)).collect();
    while reader.read_record(&mut record).ok()? {
        let cell = |i: usize| -> String {
            columns
                .get(i)
                .copied()
                .flatten()
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .to_owned()
        };
        let opt = |i: usize| Some(cell(i)).filter(|c| !c.is_empty());
        assembler.add_event(&EventRow {
            ticket_id: cell(0),
            at: cell(1),
            event_type: cell(2),
            unit: opt(3),
            role: opt(4),
            reason: opt(5),
            accepted: opt(6),
            approved: opt(7),
            amount: opt(8),
            passed: opt(9),
            satisfaction: opt(10),
            resolved: opt(11),
            event_id: opt(12),
        });
    }
    assembler.finish().ok()
}

/// `tickets` written as a tickets CSV and an events CSV (every attribute a column).
pub fn write_csv_tables(tickets: &[Ticket]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut attrs: Vec<&str> = tickets
        .iter()
        .flat_map(|t| t.attributes.keys().map(String::as_str))
        .collect();
    attrs.sort_unstable();
    attrs.dedup();
    let mut tw = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = TicketRow::COLUMNS.to_vec();
    head.extend(attrs.iter().copied());
    tw.write_record(&head).ok()?;
    let mut ew = csv::Writer::from_writer(Vec::new());
    ew.write_record(EventRow::COLUMNS).ok()?;
    for t in tickets {
        let (row, events) = t.to_rows();
        let mut cells = vec![
            row.ticket_id,
            row.kind,
            row.urgency.unwrap_or_default(),
            row.channel.unwrap_or_default(),
            row.received_at,
        ];
        cells.extend(
            attrs
                .iter()
                .map(|a| row.attributes.get(*a).cloned().unwrap_or_default()),
        );
        tw.write_record(&cells).ok()?;
        for e in events {
            let o = |v: Option<String>| v.unwrap_or_default();
            ew.write_record([
                e.ticket_id,
                e.at,
                e.event_type,
                o(e.unit),
                o(e.role),
                o(e.reason),
                o(e.accepted),
                o(e.approved),
                o(e.amount),
                o(e.passed),
                o(e.satisfaction),
                o(e.resolved),
                o(e.event_id),
            ])
            .ok()?;
        }
    }
    Some((tw.into_inner().ok()?, ew.into_inner().ok()?))
}

/// 2026-01-26T08:00+08:00, the origin of decoded instants (a month end and the Spring
/// Festival arrangements are within reach).
pub const ORIGIN_MS: i64 = 1_769_385_600_000;

/// An instant decoded from two bytes: up to ~45 days after [`ORIGIN_MS`] in 1-minute steps.
pub fn instant(b: &mut Bytes<'_>) -> Instant {
    Instant::from_millis(ORIGIN_MS + i64::from(b.u16()) * 60_000)
}

/// Ticket ids the decoded inputs use (few, so events pile up on the same tickets).
pub const TICKET_IDS: [&str; 4] = ["T0", "T1", "T2", "T3"];

/// Decodes fuzz bytes into board inputs: ticket headers and events of a few tickets, over every
/// event type with fields drawn from small vocabularies (known and unknown units, odd amounts),
/// at instants within a few weeks.
pub fn decode_inputs(data: &[u8]) -> Vec<Input> {
    let mut b = Bytes::new(data);
    let mut out = Vec::new();
    while !b.is_empty() && out.len() < 256 {
        let op = b.byte();
        let id = b.pick(&TICKET_IDS).unwrap_or("T0");
        if op % 8 == 0 {
            let kind = b.pick(Kind::ALL).unwrap_or(Kind::Help);
            let mut header = TicketHeader::new(id, kind, instant(&mut b));
            if op & 0x10 != 0 {
                header.urgency = Urgency::Urgent;
            }
            if op & 0x20 != 0 {
                header.attributes = BTreeMap::from([("repeat".to_owned(), "1".to_owned())]);
            }
            out.push(Input::Ticket(header));
            continue;
        }
        let ty = b.pick(EventType::ALL).unwrap_or(EventType::Closed);
        let at = instant(&mut b);
        let flags = b.byte();
        let Some(body) = decode_body(ty, flags, &mut b) else {
            continue;
        };
        let mut event = Event::new(at, body);
        if flags & 0x80 != 0 {
            event.event_id = Some(format!("e{}", (flags >> 4) & 7));
        }
        out.push(Input::Event {
            ticket_id: id.to_owned(),
            event,
        });
    }
    out
}

/// The fields of an event of type `ty`, drawn from the bytes.
fn decode_body(ty: EventType, flags: u8, b: &mut Bytes<'_>) -> Option<EventBody> {
    let unit_names = ["c1", "c2", "d1", "d2", "w1", "w2", "nobody", ""];
    let amounts = ["1wd", "3wd", "5wd", "2h", "30m", "4wh", "0wd", "1000000wd"];
    let mut unit = || UnitId(b.pick(&unit_names).unwrap_or("c1").to_owned());
    let yes = |bit: u8| flags & bit != 0;
    let amount = |i: u8| {
        amounts
            .get(usize::from(i) % amounts.len())?
            .parse::<Amount>()
            .ok()
    };
    let reason = || if yes(2) { "waiting" } else { "not ours" }.to_owned();
    Some(match ty {
        EventType::Dispatched => EventBody::Dispatched {
            unit: unit(),
            role: if yes(1) { Role::Assisting } else { Role::Lead },
        },
        EventType::Signed => EventBody::Signed { unit: unit() },
        EventType::Returned => EventBody::Returned {
            unit: unit(),
            reason: reason(),
        },
        EventType::ReturnDecided => EventBody::ReturnDecided {
            unit: unit(),
            accepted: yes(1),
        },
        EventType::Contacted => EventBody::Contacted { unit: unit() },
        EventType::ExtensionRequested => EventBody::ExtensionRequested {
            unit: unit(),
            amount: amount(flags >> 1)?,
        },
        EventType::ExtensionDecided => EventBody::ExtensionDecided {
            unit: unit(),
            approved: yes(1),
            amount: if yes(2) { amount(flags >> 2) } else { None },
        },
        EventType::Paused => EventBody::Paused {
            unit: unit(),
            reason: reason(),
        },
        EventType::Resumed => EventBody::Resumed {
            unit: unit(),
            reason: Some(reason()).filter(|r| !r.is_empty()),
        },
        EventType::Replied => EventBody::Replied { unit: unit() },
        EventType::Reviewed => EventBody::Reviewed {
            passed: yes(1),
            unit: Some(unit()).filter(|_| yes(2)),
        },
        EventType::Reopened => EventBody::Reopened {
            unit: Some(unit()).filter(|_| yes(2)),
        },
        EventType::CalledBack => EventBody::CalledBack {
            satisfaction: b.pick(Satisfaction::ALL)?,
            resolved: if yes(2) { Some(yes(1)) } else { None },
        },
        EventType::Closed => EventBody::Closed,
        EventType::Urged => EventBody::Urged { unit: unit() },
        EventType::Supervised => EventBody::Supervised { unit: unit() },
        EventType::FlaggedDifficult => EventBody::FlaggedDifficult,
        EventType::WrittenOff => EventBody::WrittenOff,
    })
}

/// A small synthetic city's tickets (8 units, a week around the January 2026 month end),
/// generated once.
pub fn city() -> Option<&'static SyntheticCity> {
    static CITY: OnceLock<Option<SyntheticCity>> = OnceLock::new();
    CITY.get_or_init(|| {
        SyntheticCity::generate(&CityConfig {
            seed: 9,
            start: time::Date::from_calendar_date(2026, time::Month::January, 26).ok()?,
            days: 7,
            units: 8,
            tickets_per_day: 12,
            quality_spread: 0.8,
        })
        .ok()
    })
    .as_ref()
}

/// January 2026 in `+08:00` and the city's metrics table over it at the city's `as_of`,
/// computed once.
pub fn city_metrics() -> Option<&'static (Period, Instant, MetricsTable)> {
    static METRICS: OnceLock<Option<(Period, Instant, MetricsTable)>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let city = city()?;
            let ev = Evaluator::new(&Calendar::prc().ok()?, Policy::henan().ok()?, &city.units);
            let period = Period::month(
                2026,
                time::Month::January,
                hotline_score::instant::CHINA_OFFSET,
            )
            .ok()?;
            let scope = Scope::new(period.clone(), city.as_of);
            let metrics = partial(&city.tickets, &ev, &scope)
                .ok()?
                .finalize(&city.units, BTreeMap::new());
            Some((period, city.as_of, metrics))
        })
        .as_ref()
}

/// Loads a scheme written in `format` and, when it loads, checks the round trips and scores
/// the synthetic city with it:
/// - its canonical JSON loads to an equal scheme with the same hash;
/// - its file model written as TOML loads to an equal scheme with the same hash;
/// - scoring (units spread over the scheme's groups, every declared external metric set) and
///   explaining return without panicking, and scoring twice gives the same scores.
pub fn check_scheme(text: &str, format: Format) {
    let Ok(scheme) = Scheme::load(text, format) else {
        return;
    };
    let json = scheme.canonical_json();
    match Scheme::from_json(&json) {
        Ok(again) => {
            assert_eq!(again.hash(), scheme.hash(), "canonical JSON: {json}");
            assert_eq!(again.file(), scheme.file(), "canonical JSON: {json}");
        }
        Err(e) => panic!("the canonical JSON of a loaded scheme does not load: {e}\n{json}"),
    }
    match toml::to_string(scheme.file()) {
        Ok(toml_text) => match Scheme::from_toml(&toml_text) {
            Ok(again) => {
                assert_eq!(again.hash(), scheme.hash(), "TOML form: {toml_text}");
                assert_eq!(again.file(), scheme.file(), "TOML form: {toml_text}");
            }
            Err(e) => panic!("the TOML form of a loaded scheme does not load: {e}\n{toml_text}"),
        },
        Err(e) => panic!("a loaded scheme cannot be written as TOML: {e}"),
    }
    let (Some(city), Some((period, as_of, metrics))) = (city(), city_metrics()) else {
        panic!("the synthetic city does not build");
    };
    let groups = scheme.groups();
    let units: Vec<Unit> = city
        .units
        .iter()
        .zip(groups.iter().cycle())
        .map(|(u, g)| Unit {
            group: g.id.clone(),
            ..u.clone()
        })
        .collect();
    let mut metrics = metrics.clone();
    for u in &units {
        let ext = metrics.external.entry(u.id.clone()).or_default();
        for name in &scheme.file().external {
            ext.insert(name.clone(), rust_decimal::Decimal::from(u.id.0.len()));
        }
    }
    let first = scheme.score(&units, &metrics, period, *as_of);
    let second = scheme.score(&units, &metrics, period, *as_of);
    assert_eq!(first.is_ok(), second.is_ok());
    if let (Ok(a), Ok(b)) = (first, second) {
        assert_eq!(a, b, "scoring is not deterministic");
    }
}
