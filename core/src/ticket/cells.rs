//! Reading table cells (text) into typed tickets and events. The one conversion used by the flat
//! tables, the JSON ticket arrays and serde: empty cells are absent, booleans are
//! `true`/`false`/`1`/`0` (any case), timestamps are RFC 3339 with an offset or integer epoch
//! milliseconds (and, when the caller asks for local time, without an offset).

use time::UtcOffset;

use crate::amount::Amount;
use crate::clocks::Body;
use crate::instant::{EARLIEST_EPOCH_MILLIS, Instant};
use crate::ticket::borrowed::InstantCell;
use crate::ticket::event::{Field, Presence};
use crate::ticket::problem::Violation;
use crate::ticket::{Event, EventType, Kind, Satisfaction, TicketErrorKind, Urgency};
use crate::unit::{Role, UnitId};

/// The cells of one event, borrowed: `at`, `type`, the optional fields in [`Field::ALL`] order,
/// and `event_id`. Empty strings count as absent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventCells<'a> {
    pub at: InstantCell<'a>,
    pub event_type: &'a str,
    pub fields: [Option<&'a str>; 9],
    pub event_id: Option<&'a str>,
}

/// `Some(text)` unless absent or empty.
pub(crate) fn present(cell: &Option<String>) -> Option<&str> {
    cell.as_deref().filter(|s| !s.is_empty())
}

/// `text.trim()`, without the search for Unicode white space when both ends are visible ASCII
/// (the usual cell): such a first or last byte is a whole character, and not white space.
fn trimmed(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Parses a timestamp cell: RFC 3339 with offset, or integer epoch milliseconds; with `local`,
/// also a timestamp without an offset, as local time in that offset (SPEC §2.1).
pub(crate) fn parse_instant(
    text: &str,
    local: Option<UtcOffset>,
) -> Result<Instant, TicketErrorKind> {
    let t = trimmed(text);
    // Epoch milliseconds: digits, or digits with a decimal point and digits after it
    // (`1772521200000.0`: what pandas writes for epoch milliseconds in a float64 column, one
    // with an empty cell, and what a JSON number may look like). Whole: read as the integer.
    let (signed_int, fraction) = match t.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (t, None),
    };
    let int = signed_int.strip_prefix('-').unwrap_or(signed_int);
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !int.is_empty() && all_digits(int) && fraction.is_none_or(|f| !f.is_empty() && all_digits(f))
    {
        let ms = signed_int.parse::<i64>();
        // A fraction of a millisecond is the fault — unless the number is too small for epoch
        // milliseconds (seconds, an Excel day number), which is the fault to name then.
        let small = matches!(ms, Ok(ms) if ms < EARLIEST_EPOCH_MILLIS);
        if fraction.is_some_and(|f| !f.bytes().all(|b| b == b'0')) && !small {
            return Err(TicketErrorKind::MalformedTimestamp {
                value: text.to_owned(),
                reason: "epoch milliseconds are a whole number; this has a fraction of a \
                         millisecond"
                    .to_owned(),
            });
        }
        let ms = ms.map_err(|_| TicketErrorKind::MalformedTimestamp {
            value: text.to_owned(),
            reason: "epoch milliseconds out of range".to_owned(),
        })?;
        return epoch_millis(ms, || text.to_owned());
    }
    let parsed = Instant::parse_cell(t, local);
    parsed.map_err(|e| TicketErrorKind::MalformedTimestamp {
        value: text.to_owned(),
        // The ticket error names the value itself: only the parser's reason.
        reason: match e {
            crate::Error::InvalidInstant { reason, .. } => reason,
            other => other.to_string(),
        },
    })
}

/// An instant cell given as epoch milliseconds (`value`: the cell as given, written only for
/// the error), refused as [`Instant::from_epoch_number`] refuses it.
fn epoch_millis(ms: i64, value: impl FnOnce() -> String) -> Result<Instant, TicketErrorKind> {
    Instant::from_epoch_number(ms).map_err(|e| TicketErrorKind::MalformedTimestamp {
        value: value(),
        reason: match e {
            crate::Error::InvalidInstant { reason, .. } => reason,
            other => other.to_string(),
        },
    })
}

/// Reads an instant cell: epoch milliseconds, or text as [`parse_instant`] reads it (blank:
/// missing).
fn read_instant(
    cell: InstantCell<'_>,
    local: Option<UtcOffset>,
) -> Result<Instant, TicketErrorKind> {
    match cell {
        InstantCell::Millis(ms) => epoch_millis(ms, || ms.to_string()),
        InstantCell::At(t) => Ok(t),
        InstantCell::Text(t) if trimmed(t).is_empty() => Err(TicketErrorKind::MissingField),
        InstantCell::Text(t) => parse_instant(t, local),
    }
}

/// Parses a boolean cell: `true`/`false`/`1`/`0`, any case, surrounding spaces ignored.
pub(crate) fn parse_bool(text: &str) -> Result<bool, TicketErrorKind> {
    let t = trimmed(text);
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(false)
    } else {
        Err(TicketErrorKind::MalformedValue {
            value: text.to_owned(),
            expected: "a boolean (true, false, 1 or 0)".to_owned(),
        })
    }
}

fn parse_role(text: &str) -> Result<Role, TicketErrorKind> {
    Role::from_name(trimmed(text)).ok_or_else(|| TicketErrorKind::UnknownRole {
        value: text.to_owned(),
    })
}

/// An event read from its cells, its strings still borrowed: what a compact store keeps
/// ([`Body`] plus the unit, the free-text reason and the event id).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EventParts<'a> {
    pub at: Instant,
    pub body: Body,
    pub unit: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub event_id: Option<&'a str>,
}

impl<'a> EventParts<'a> {
    /// The parts of `event` (the inverse of [`EventParts::to_event`]).
    pub(crate) fn of(event: &'a Event) -> Self {
        EventParts {
            at: event.at,
            body: Body::of(&event.body),
            unit: event.body.unit().map(UnitId::as_str),
            reason: event.body.reason(),
            event_id: event.event_id.as_deref(),
        }
    }

    /// The owned event.
    pub(crate) fn to_event(self) -> Event {
        Event {
            at: self.at,
            event_id: self.event_id.map(str::to_owned),
            body: self
                .body
                .into_event_body(self.unit.map(UnitId::from), self.reason.map(str::to_owned)),
        }
    }
}

/// Reads the event at `index` from its cells.
pub(crate) fn event_from_cells(index: usize, c: &EventCells<'_>) -> Result<Event, Violation> {
    read_event(index, c, None).map(|parts| parts.to_event())
}

/// Reads the event at `index` from its cells, without copying its strings; `local` as in
/// [`parse_instant`].
pub(crate) fn read_event<'a>(
    index: usize,
    c: &EventCells<'a>,
    local: Option<UtcOffset>,
) -> Result<EventParts<'a>, Violation> {
    let fail = |field: &str, kind| Violation::event(index, field, kind);
    let type_text = trimmed(c.event_type);
    if type_text.is_empty() {
        return Err(fail("type", TicketErrorKind::MissingField));
    }
    let event_type = EventType::from_name(type_text).ok_or_else(|| {
        fail(
            "type",
            TicketErrorKind::UnknownEventType {
                value: c.event_type.to_owned(),
            },
        )
    })?;
    let at = read_instant(c.at, local).map_err(|k| fail("at", k))?;
    // Every required field is present and no field is out of place past this loop.
    for (field, value) in Field::ALL.iter().zip(c.fields.iter()) {
        match (event_type.presence(*field), value) {
            (Presence::NotAllowed, Some(_)) => {
                return Err(fail(
                    field.name(),
                    TicketErrorKind::UnexpectedField {
                        event_type: event_type.name().to_owned(),
                    },
                ));
            }
            (Presence::Required, None) => {
                return Err(fail(field.name(), TicketErrorKind::MissingField));
            }
            _ => {}
        }
    }
    let cell = |f: Field| c.fields.get(f as usize).copied().flatten();
    let missing = |f: Field| fail(f.name(), TicketErrorKind::MissingField);
    let boolean = |f: Field| -> Result<Option<bool>, Violation> {
        cell(f)
            .map(parse_bool)
            .transpose()
            .map_err(|k| fail(f.name(), k))
    };
    let required_bool =
        |f: Field| -> Result<bool, Violation> { boolean(f)?.ok_or_else(|| missing(f)) };
    let amount = || -> Result<Option<Amount>, Violation> {
        cell(Field::Amount)
            .map(|a| {
                a.parse::<Amount>().map_err(|e| {
                    let reason = match e {
                        crate::Error::InvalidAmount { reason, .. } => reason,
                        other => other.to_string(),
                    };
                    fail(
                        "amount",
                        TicketErrorKind::MalformedAmount {
                            value: a.to_owned(),
                            reason,
                        },
                    )
                })
            })
            .transpose()
    };
    let body = match event_type {
        EventType::Dispatched => Body::Dispatched(
            cell(Field::Role)
                .map(parse_role)
                .transpose()
                .map_err(|k| fail("role", k))?
                .unwrap_or_default(),
        ),
        EventType::Signed => Body::Signed,
        EventType::Returned => Body::Returned,
        EventType::ReturnDecided => Body::ReturnDecided(required_bool(Field::Accepted)?),
        EventType::Contacted => Body::Contacted,
        EventType::ExtensionRequested => {
            Body::ExtensionRequested(amount()?.ok_or_else(|| missing(Field::Amount))?)
        }
        EventType::ExtensionDecided => {
            Body::ExtensionDecided(required_bool(Field::Approved)?, amount()?)
        }
        EventType::Paused => Body::Paused,
        EventType::Resumed => Body::Resumed,
        EventType::Replied => Body::Replied,
        EventType::Reviewed => Body::Reviewed(required_bool(Field::Passed)?),
        EventType::Reopened => Body::Reopened,
        EventType::CalledBack => {
            let level = cell(Field::Satisfaction).ok_or_else(|| missing(Field::Satisfaction))?;
            let satisfaction = Satisfaction::from_name(trimmed(level)).ok_or_else(|| {
                fail(
                    "satisfaction",
                    TicketErrorKind::UnknownSatisfaction {
                        value: level.to_owned(),
                    },
                )
            })?;
            Body::CalledBack(satisfaction, boolean(Field::Resolved)?)
        }
        EventType::Closed => Body::Closed,
        EventType::Urged => Body::Urged,
        EventType::Supervised => Body::Supervised,
        EventType::FlaggedDifficult => Body::FlaggedDifficult,
        EventType::WrittenOff => Body::WrittenOff,
    };
    Ok(EventParts {
        at,
        body,
        unit: cell(Field::Unit),
        reason: cell(Field::Reason),
        event_id: c.event_id,
    })
}

/// The cells of a ticket's own fields (no events; its attributes go straight to their
/// interning). `id_field` names the id in errors (`ticket_id` in tables, `id` in JSON).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TicketCells<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub urgency: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub received_at: InstantCell<'a>,
}

/// A ticket's own fields as read from its cells (the id, channel and attributes stay with the
/// caller, owned or borrowed).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TicketHead {
    pub kind: Kind,
    pub urgency: Urgency,
    pub received_at: Instant,
}

/// Reads a ticket's own fields from its cells; `local` as in [`parse_instant`].
pub(crate) fn read_ticket_head(
    c: &TicketCells<'_>,
    id_field: &str,
    local: Option<UtcOffset>,
) -> Result<TicketHead, Violation> {
    if c.id.is_empty() {
        return Err(Violation::ticket(id_field, TicketErrorKind::MissingField));
    }
    let kind_text = trimmed(c.kind);
    if kind_text.is_empty() {
        return Err(Violation::ticket("kind", TicketErrorKind::MissingField));
    }
    let kind = Kind::from_name(kind_text).ok_or_else(|| {
        Violation::ticket(
            "kind",
            TicketErrorKind::UnknownKind {
                value: c.kind.to_owned(),
            },
        )
    })?;
    let urgency = match c.urgency.filter(|u| !u.is_empty()) {
        None => Urgency::Normal,
        Some(u) => Urgency::from_name(trimmed(u)).ok_or_else(|| {
            Violation::ticket(
                "urgency",
                TicketErrorKind::UnknownUrgency {
                    value: u.to_owned(),
                },
            )
        })?,
    };
    let received_at =
        read_instant(c.received_at, local).map_err(|k| Violation::ticket("received_at", k))?;
    Ok(TicketHead {
        kind,
        urgency,
        received_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::LATEST_EPOCH_MILLIS;
    use crate::ticket::EventBody;

    /// A cell's sub-millisecond digits are floored (a database's microsecond export), as
    /// typed timestamp columns' are; an argument's are refused.
    #[test]
    fn a_cells_sub_millisecond_digits_are_floored() {
        let want = Instant::parse("2026-03-02T09:30:00.123+08:00").unwrap();
        for text in [
            "2026-03-02T09:30:00.123456+08:00",
            "2026-03-02T09:30:00.1239999+08:00",
            "2026-03-02T01:30:00.123456Z",
        ] {
            assert_eq!(parse_instant(text, None), Ok(want), "{text}");
            assert_eq!(
                Instant::parse(text).unwrap_err().code(),
                "invalid_instant",
                "{text}"
            );
        }
        let local = UtcOffset::from_hms(8, 0, 0).ok();
        assert_eq!(parse_instant("2026-03-02 09:30:00.123456", local), Ok(want));
    }

    /// An unknown event type names the closest type and lists them all.
    #[test]
    fn an_unknown_event_type_suggests_the_closest() {
        let text = TicketErrorKind::UnknownEventType {
            value: "urgde".into(),
        }
        .to_string();
        assert!(
            text.starts_with("unknown event type \"urgde\" (did you mean \"urged\"?); expected one of dispatched, signed,"),
            "{text}"
        );
        assert!(text.ends_with("written_off"), "{text}");
    }

    /// Epoch seconds and Excel day numbers in a timestamp cell are refused, not read as
    /// milliseconds of January 1970; real epoch milliseconds are read.
    #[test]
    fn epoch_seconds_and_excel_days_are_not_milliseconds() {
        let reason = |r: Result<Instant, TicketErrorKind>| match r {
            Err(TicketErrorKind::MalformedTimestamp { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        // 2026-03-02T09:05:00+08:00 as seconds, as text and as a number cell.
        for r in [
            parse_instant("1772413500", None),
            read_instant(InstantCell::Millis(1_772_413_500), None),
        ] {
            let r = reason(r);
            assert!(
                r.contains("as epoch seconds it is 2026-03-02T09:05:00+08:00"),
                "{r}"
            );
            assert!(r.contains("seconds × 1000"), "{r}");
        }
        let excel = reason(parse_instant("46083", None));
        assert!(
            excel.contains("Excel") && !excel.contains("as epoch seconds"),
            "{excel}"
        );
        assert!(parse_instant("0", None).is_err());
        assert!(parse_instant("-1772413500000", None).is_err());
        assert_eq!(
            parse_instant("1772413500000", None),
            Ok(Instant::from_millis(1_772_413_500_000))
        );
        assert_eq!(
            read_instant(InstantCell::Millis(EARLIEST_EPOCH_MILLIS), None),
            Ok(Instant::from_millis(EARLIEST_EPOCH_MILLIS))
        );
        assert_eq!(
            read_instant(InstantCell::Millis(LATEST_EPOCH_MILLIS), None),
            Ok(Instant::from_millis(LATEST_EPOCH_MILLIS))
        );
        // Epoch micro- and nanoseconds (pandas' `astype("int64")`, polars' `dt.epoch()`) put
        // the ticket in year 58,000 or later, every deadline still running: refused, the
        // reading meant named (an Arrow audit: every unit scored full marks on no data).
        for (cell, meant) in [
            (
                "1772413500000000",
                "as epoch microseconds it is 2026-03-02T09:05:00+08:00",
            ),
            (
                "1772413500000000000",
                "as epoch nanoseconds it is 2026-03-02T09:05:00+08:00",
            ),
            (
                "9223372036854775807",
                "after the year 9999; as epoch nanoseconds it is 2262-04-12",
            ),
        ] {
            let r = reason(parse_instant(cell, None));
            assert!(r.contains(meant), "{cell}: {r}");
            let ms: i64 = cell.parse().unwrap();
            assert_eq!(
                read_instant(InstantCell::Millis(ms), None).map_err(|e| format!("{e:?}")),
                parse_instant(cell, None).map_err(|e| format!("{e:?}"))
            );
        }
        // A typed timestamp is no number that could be seconds: taken whatever its date.
        for ms in [0, 76_176_000_000, -2_208_988_800_000] {
            let t = Instant::from_millis(ms);
            assert_eq!(read_instant(InstantCell::At(t), None), Ok(t));
        }
        // Whole epoch milliseconds written with a decimal point (pandas' float64 column in a
        // CSV; a data audit: "a character literal was not valid") are the integer; a fraction
        // of a millisecond, and seconds so written, are refused with a reason.
        assert_eq!(
            parse_instant("1772413500000.0", None),
            Ok(Instant::from_millis(1_772_413_500_000))
        );
        assert_eq!(
            parse_instant(" 1772413500000.000 ", None),
            Ok(Instant::from_millis(1_772_413_500_000))
        );
        assert!(
            reason(parse_instant("1772413500000.5", None)).contains("fraction of a millisecond")
        );
        assert!(reason(parse_instant("1772413500.0", None)).contains("as epoch seconds"));
        assert!(parse_instant("-1772413500000.0", None).is_err());
        assert!(parse_instant(".0", None).is_err());
        assert!(parse_instant("1772413500000.", None).is_err());
        // Seconds (as `time.time()` gives) and an Excel date-time with a fraction: the hint is
        // about the magnitude (a review).
        assert!(reason(parse_instant("1767196800.25", None)).contains("as epoch seconds"));
        assert!(reason(parse_instant("46023.375", None)).contains("Excel"));
    }

    /// The fast path of `trimmed` is `str::trim`, for any text (Unicode white space included).
    #[test]
    fn trimmed_is_trim() {
        use proptest::prelude::*;
        for text in [
            "",
            " ",
            "x",
            " x",
            "x ",
            "\u{3000}x",
            "x\u{3000}",
            "\u{85}",
            "区",
            "a区",
            "区a",
            "\ta\n",
        ] {
            assert_eq!(trimmed(text), text.trim(), "{text:?}");
        }
        proptest!(|(text in "[ \t\u{3000}\u{85}a-z区~]{0,6}")| {
            prop_assert_eq!(trimmed(&text), text.trim());
        });
    }

    fn cells<'a>(at: &'a str, ty: &'a str, fields: &[(Field, &'a str)]) -> EventCells<'a> {
        let mut c = EventCells {
            at: InstantCell::Text(at),
            event_type: ty,
            fields: [None; 9],
            event_id: None,
        };
        for (f, v) in fields {
            c.fields[*f as usize] = Some(v);
        }
        c
    }

    const AT: &str = "2026-03-02T09:00:00+08:00";

    #[test]
    fn reads_every_field_kind() {
        let e = event_from_cells(
            0,
            &cells(
                AT,
                "extension_decided",
                &[
                    (Field::Unit, "u"),
                    (Field::Approved, " TRUE "),
                    (Field::Amount, "3wd"),
                ],
            ),
        )
        .unwrap();
        assert_eq!(
            e.body,
            EventBody::ExtensionDecided {
                unit: "u".into(),
                approved: true,
                amount: Some(Amount::WorkingDays(3)),
            }
        );
        let e = event_from_cells(0, &cells("1772413200000", "closed", &[])).unwrap();
        assert_eq!(e.at, Instant::parse(AT).unwrap());
        let e = event_from_cells(
            0,
            &cells(
                AT,
                "dispatched",
                &[(Field::Unit, "u"), (Field::Role, "assisting")],
            ),
        )
        .unwrap();
        assert_eq!(
            e.body,
            EventBody::Dispatched {
                unit: "u".into(),
                role: Role::Assisting
            }
        );
    }

    #[test]
    fn violations_name_the_field() {
        let v = event_from_cells(3, &cells(AT, "signed", &[])).unwrap_err();
        assert_eq!((v.event_index, v.field.as_str()), (Some(3), "unit"));
        assert_eq!(v.kind, TicketErrorKind::MissingField);
        let v = event_from_cells(
            0,
            &cells(AT, "signed", &[(Field::Unit, "u"), (Field::Passed, "true")]),
        )
        .unwrap_err();
        assert_eq!(v.field, "passed");
        assert_eq!(v.kind.code(), "unexpected_field");
        let v = event_from_cells(
            0,
            &cells(
                AT,
                "return_decided",
                &[(Field::Unit, "u"), (Field::Accepted, "yes")],
            ),
        )
        .unwrap_err();
        assert_eq!(v.kind.code(), "malformed_value");
        let v = event_from_cells(0, &cells("2026-03-02 09:00", "closed", &[])).unwrap_err();
        assert_eq!(v.kind.code(), "malformed_timestamp");
        let v = event_from_cells(0, &cells(AT, "Closed", &[])).unwrap_err();
        assert_eq!(v.kind.code(), "unknown_event_type");
        let v = event_from_cells(0, &cells("99999999999999999999", "closed", &[])).unwrap_err();
        assert_eq!(v.kind.code(), "malformed_timestamp");
    }
}
