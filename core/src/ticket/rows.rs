//! The flat tables of SPEC §3.2a: one [`TicketRow`] per ticket, one [`EventRow`] per event.
//!
//! Rows hold the cells as text, exactly as a CSV export, a DataFrame or a JSON array of rows
//! carries them; reading them into typed tickets (with errors naming ticket, event, field and
//! row) is [`load_rows`](crate::ticket::load_rows)'s job. Empty cells mean absent.
//!
//! serde: text columns (`ticket_id`, `type`, `unit`, `role`, `reason`, `amount`,
//! `satisfaction`, `event_id`, `kind`, `urgency`, `channel`, attribute columns) are read as
//! strings, never type-inferred (so `"007"` stays `"007"` in a CSV); `at`, `received_at` and
//! the boolean columns also accept JSON booleans and numbers. `null` and `""` are absent. JSON
//! rows whose id columns hold whole numbers (a database's integer keys) are read after
//! [`rows_ids_as_text`](crate::ticket::rows_ids_as_text) writes them as their digits.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::instant::CHINA_OFFSET;
use crate::ticket::cells::{EventCells, event_from_cells};
use crate::ticket::{Event, EventParts, EventRowRef, Ticket};

/// One row of the `events` table: `ticket_id, at, type, unit, role, reason, accepted, approved,
/// amount, passed, satisfaction, resolved, event_id`.
///
/// Unknown columns are rejected when deserializing. Booleans are text (`true`/`false`/`1`/`0`,
/// any case) so that a malformed one is reported like every other bad value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventRow {
    /// The ticket the event belongs to.
    #[serde(deserialize_with = "text")]
    pub ticket_id: String,
    /// When: RFC 3339 with offset, or integer epoch milliseconds.
    #[serde(deserialize_with = "scalar")]
    pub at: String,
    /// The event type (`dispatched`, `signed`, …).
    #[serde(rename = "type", deserialize_with = "text")]
    pub event_type: String,
    /// `unit` column.
    #[serde(deserialize_with = "opt_text")]
    pub unit: Option<String>,
    /// `role` column (`lead` or `assisting`).
    #[serde(deserialize_with = "opt_text")]
    pub role: Option<String>,
    /// `reason` column.
    #[serde(deserialize_with = "opt_text")]
    pub reason: Option<String>,
    /// `accepted` column (boolean).
    #[serde(deserialize_with = "opt_scalar")]
    pub accepted: Option<String>,
    /// `approved` column (boolean).
    #[serde(deserialize_with = "opt_scalar")]
    pub approved: Option<String>,
    /// `amount` column (`5wd`, `2h`, …).
    #[serde(deserialize_with = "opt_text")]
    pub amount: Option<String>,
    /// `passed` column (boolean).
    #[serde(deserialize_with = "opt_scalar")]
    pub passed: Option<String>,
    /// `satisfaction` column.
    #[serde(deserialize_with = "opt_text")]
    pub satisfaction: Option<String>,
    /// `resolved` column (boolean).
    #[serde(deserialize_with = "opt_scalar")]
    pub resolved: Option<String>,
    /// `event_id` column.
    #[serde(deserialize_with = "opt_text")]
    pub event_id: Option<String>,
}

impl EventRow {
    /// The column names, in order.
    pub const COLUMNS: [&'static str; 13] = [
        "ticket_id",
        "at",
        "type",
        "unit",
        "role",
        "reason",
        "accepted",
        "approved",
        "amount",
        "passed",
        "satisfaction",
        "resolved",
        "event_id",
    ];

    /// The id columns, which JSON rows may give as whole numbers ([`rows_ids_as_text`]).
    ///
    /// [`rows_ids_as_text`]: crate::ticket::rows_ids_as_text
    pub const ID_COLUMNS: [&'static str; 3] = ["ticket_id", "unit", "event_id"];

    /// The row of `event` of ticket `ticket_id` (instants written in `+08:00`).
    pub fn from_event(ticket_id: &str, event: &Event) -> Self {
        let mut amount = String::new();
        let row = EventRowRef::of_event(ticket_id, EventParts::of(event), &mut amount);
        let owned = |c: Option<&str>| c.map(str::to_owned);
        EventRow {
            ticket_id: row.ticket_id.to_owned(),
            at: event.at.format(CHINA_OFFSET),
            event_type: row.event_type.to_owned(),
            unit: owned(row.unit),
            role: owned(row.role),
            reason: owned(row.reason),
            accepted: owned(row.accepted),
            approved: owned(row.approved),
            amount: owned(row.amount),
            passed: owned(row.passed),
            satisfaction: owned(row.satisfaction),
            resolved: owned(row.resolved),
            event_id: owned(row.event_id),
        }
    }

    /// Reads this row alone as event `index` of its ticket, with the table reader's conversion
    /// (for streaming ingestion, where a ticket's events arrive one at a time). Only the cells
    /// are checked, not the ticket's flow; errors are [`Error::InvalidTicket`](crate::Error)
    /// naming `ticket_id`, `index` and the field.
    ///
    /// ```
    /// use hotline_score::ticket::EventRow;
    /// let row = EventRow { ticket_id: "T1".into(), at: "2026-03-02T09:30:00+08:00".into(),
    ///     event_type: "extension_requested".into(), unit: Some("u1".into()),
    ///     amount: Some("5 days".into()), ..Default::default() };
    /// let err = row.to_event(3).unwrap_err();
    /// assert_eq!(err.code(), "malformed_amount");
    /// assert_eq!((err.context().event_index, err.context().field.as_deref()), (Some(3), Some("amount")));
    /// ```
    pub fn to_event(&self, index: usize) -> crate::Result<Event> {
        event_from_cells(index, &self.cells()).map_err(|v| v.into_error(&self.ticket_id, None))
    }

    pub(crate) fn cells(&self) -> EventCells<'_> {
        self.borrowed().cells()
    }
}

/// One row of the `tickets` table: `ticket_id, kind, urgency, channel, received_at`, and every
/// other column as an attribute (empty cells are not attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketRow {
    /// `ticket_id` column.
    pub ticket_id: String,
    /// `kind` column.
    pub kind: String,
    /// `urgency` column (absent: `normal`).
    pub urgency: Option<String>,
    /// `channel` column.
    pub channel: Option<String>,
    /// `received_at` column: RFC 3339 with offset, or integer epoch milliseconds.
    pub received_at: String,
    /// Every other column, by name.
    pub attributes: BTreeMap<String, String>,
}

impl TicketRow {
    /// The fixed columns, in order (attribute columns follow).
    pub const COLUMNS: [&'static str; 5] =
        ["ticket_id", "kind", "urgency", "channel", "received_at"];

    /// The id column, which JSON rows may give as a whole number ([`rows_ids_as_text`]).
    ///
    /// [`rows_ids_as_text`]: crate::ticket::rows_ids_as_text
    pub const ID_COLUMNS: [&'static str; 1] = ["ticket_id"];

    /// The row of `ticket` (its events go to the events table, see [`Ticket::to_rows`]).
    pub fn from_ticket(ticket: &Ticket) -> Self {
        TicketRow {
            ticket_id: ticket.id.clone(),
            kind: ticket.kind.name().to_owned(),
            urgency: Some(ticket.urgency.name().to_owned()),
            channel: Some(ticket.channel.clone()).filter(|c| !c.is_empty()),
            received_at: ticket.received_at.format(CHINA_OFFSET),
            attributes: ticket.attributes.clone(),
        }
    }

    /// The fixed column `name` resembles without being it (`Urgency`, ` urgency`,
    /// `RECEIVED-AT`): the same after trimming, lower-casing and `-`/space to `_`. Called for
    /// every attribute of every tickets-table row, so it compares in place (no allocation).
    pub fn resembled(name: &str) -> Option<&'static str> {
        TicketRow::COLUMNS.into_iter().find(|c| resembles(name, c))
    }

    /// Builds a row from (column, cell) pairs, e.g. a CSV header and record: fixed columns by
    /// name, every other non-empty cell as an attribute.
    pub fn from_columns<'a>(cells: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut row = TicketRow::default();
        for (column, value) in cells {
            row.set(column, value.to_owned());
        }
        row
    }

    fn set(&mut self, column: &str, value: String) {
        let opt = |v: String| Some(v).filter(|v| !v.is_empty());
        match column {
            "ticket_id" => self.ticket_id = value,
            "kind" => self.kind = value,
            "urgency" => self.urgency = opt(value),
            "channel" => self.channel = opt(value),
            "received_at" => self.received_at = value,
            other => {
                if !value.is_empty() {
                    self.attributes.insert(other.to_owned(), value);
                }
            }
        }
    }
}

impl Ticket {
    /// The ticket as one tickets-table row and its events-table rows.
    pub fn to_rows(&self) -> (TicketRow, Vec<EventRow>) {
        (
            TicketRow::from_ticket(self),
            self.events
                .iter()
                .map(|e| EventRow::from_event(&self.id, e))
                .collect(),
        )
    }
}

impl TicketRow {
    /// This row with the attribute columns `attributes` (a table's, e.g.
    /// `TicketBatch::attribute_names`), each present: `null` where the ticket has no value. A
    /// table of such rows has every column in every row.
    ///
    /// ```
    /// use hotline_score::ticket::TicketRow;
    /// let row = TicketRow { ticket_id: "T1".into(), kind: "help".into(), ..Default::default() };
    /// let json = serde_json::to_string(&row.with_columns(&["repeat"])).unwrap();
    /// assert!(json.ends_with(r#""received_at":"","repeat":null}"#), "{json}");
    /// ```
    pub fn with_columns<'a>(&'a self, attributes: &'a [&'a str]) -> impl Serialize + 'a {
        RowWithColumns {
            row: self,
            attributes,
        }
    }

    fn serialize_with<'a, S: Serializer>(
        &self,
        s: S,
        attributes: impl ExactSizeIterator<Item = (&'a str, Option<&'a String>)>,
    ) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5 + attributes.len()))?;
        map.serialize_entry("ticket_id", &self.ticket_id)?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("urgency", &self.urgency)?;
        map.serialize_entry("channel", &self.channel)?;
        map.serialize_entry("received_at", &self.received_at)?;
        for (k, v) in attributes {
            map.serialize_entry(k, &v)?;
        }
        map.end()
    }
}

/// See [`TicketRow::with_columns`].
struct RowWithColumns<'a> {
    row: &'a TicketRow,
    attributes: &'a [&'a str],
}

impl Serialize for RowWithColumns<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let attributes = self
            .attributes
            .iter()
            .map(|a| (*a, self.row.attributes.get(*a)));
        self.row.serialize_with(s, attributes)
    }
}

impl Serialize for TicketRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let attributes = self.attributes.iter().map(|(k, v)| (k.as_str(), Some(v)));
        self.serialize_with(s, attributes)
    }
}

impl<'de> Deserialize<'de> for TicketRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = TicketRow;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tickets-table row (a map of column name to cell)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TicketRow, A::Error> {
                let mut row = TicketRow::default();
                let mut seen: Vec<String> = Vec::new();
                while let Some(column) = map.next_key::<String>()? {
                    if seen.contains(&column) {
                        return Err(de::Error::custom(format!("duplicate column `{column}`")));
                    }
                    let value = if column == "received_at" {
                        map.next_value::<OptScalar>()?.0
                    } else {
                        map.next_value::<OptText>()?.0
                    };
                    row.set(&column, value.unwrap_or_default());
                    seen.push(column);
                }
                Ok(row)
            }
        }
        d.deserialize_map(RowVisitor)
    }
}

/// A text cell: a string, or absent (`null`, missing, empty). Never type-inferred.
struct OptText(Option<String>);

impl<'de> Deserialize<'de> for OptText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OptText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<OptText, E> {
                Ok(OptText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OptText, E> {
                Ok(OptText(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OptText, D::Error> {
                let s = String::deserialize(d)?;
                Ok(OptText(Some(s).filter(|s| !s.is_empty())))
            }
        }
        d.deserialize_option(V)
    }
}

/// A scalar cell kept as text: a string, boolean or number, or absent.
struct OptScalar(Option<String>);

impl<'de> Deserialize<'de> for OptScalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Inner;
        impl Visitor<'_> for Inner {
            type Value = Option<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, boolean or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Some(v.to_owned()).filter(|s| !s.is_empty()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Some(v).filter(|s| !s.is_empty()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OptScalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, boolean, number or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<OptScalar, E> {
                Ok(OptScalar(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OptScalar, E> {
                Ok(OptScalar(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OptScalar, D::Error> {
                d.deserialize_any(Inner).map(OptScalar)
            }
        }
        d.deserialize_option(V)
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    OptText::deserialize(d).map(|c| c.0.unwrap_or_default())
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    OptText::deserialize(d).map(|c| c.0)
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    OptScalar::deserialize(d).map(|c| c.0.unwrap_or_default())
}

fn opt_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    OptScalar::deserialize(d).map(|c| c.0)
}

/// Whether header name `name` is the column `column` (a snake_case name of the tables) written
/// another way, as a spreadsheet's header often has it: not `column` itself, but the same after
/// trimming, lower-casing and `-`/space to `_` (`Received At`, ` urgency`, `RECEIVED-AT`).
/// Compares in place (no allocation).
///
/// ```
/// use hotline_score::ticket::resembles;
/// assert!(resembles("Received At", "received_at"));
/// assert!(!resembles("received_at", "received_at"));
/// assert!(!resembles("收到时间", "received_at"));
/// ```
pub fn resembles(name: &str, column: &str) -> bool {
    let t = name.trim().as_bytes();
    name != column
        && column.len() == t.len()
        && t.iter().zip(column.bytes()).all(|(a, c)| match a {
            b'-' | b' ' => c == b'_',
            a => a.to_ascii_lowercase() == c,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_named_almost_like_a_fixed_one_is_recognised() {
        for (name, column) in [
            ("Urgency", Some("urgency")),
            (" urgency ", Some("urgency")),
            ("RECEIVED-AT", Some("received_at")),
            ("Received At", Some("received_at")),
            ("Ticket_ID", Some("ticket_id")),
            ("urgency", None),
            ("district", None),
            ("紧急程度", None),
            ("urgency_level", None),
        ] {
            assert_eq!(TicketRow::resembled(name), column, "{name:?}");
        }
    }

    #[test]
    fn event_row_json_accepts_scalars_and_rejects_unknown_columns() {
        let row: EventRow = serde_json::from_str(
            r#"{"ticket_id":"T1","at":1772413200000,"type":"return_decided","unit":"u","accepted":true,"role":null,"reason":""}"#,
        )
        .unwrap();
        assert_eq!(row.at, "1772413200000");
        assert_eq!(row.accepted.as_deref(), Some("true"));
        assert_eq!(row.role, None);
        assert_eq!(row.reason, None);
        let err = serde_json::from_str::<EventRow>(r#"{"ticket_id":"T1","handler":"x"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("handler"), "{err}");
        // Text columns are never type-inferred: numbers are refused, not rewritten.
        assert!(serde_json::from_str::<EventRow>(r#"{"ticket_id":7}"#).is_err());
    }

    #[test]
    fn ticket_row_collects_attribute_columns() {
        let row: TicketRow = serde_json::from_str(
            r#"{"ticket_id":"007","kind":"help","received_at":"2026-03-02T09:00:00+08:00","district":"湖滨区","repeat":"","channel":null}"#,
        )
        .unwrap();
        assert_eq!(row.ticket_id, "007");
        assert_eq!(row.channel, None);
        assert_eq!(row.attributes.len(), 1);
        assert_eq!(row.attributes["district"], "湖滨区");
        let back = serde_json::to_value(&row).unwrap();
        assert_eq!(back["district"], "湖滨区");
        assert!(serde_json::from_str::<TicketRow>(r#"{"kind":"help","kind":"consult"}"#).is_err());
        let r2 = TicketRow::from_columns([("ticket_id", "1"), ("kind", "help"), ("x", "")]);
        assert!(r2.attributes.is_empty());
        assert_eq!(r2.kind, "help");
    }
}
