//! serde for [`Event`]: one flat object `{"at", "type", <fields of the type>, "event_id"}`.
//!
//! Reading goes through the events-table row ([`EventRow`]) and the one cell conversion, so a
//! JSON event and a table row obey exactly the same rules; unknown fields are rejected and
//! errors name the field.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::clocks::Body;
use crate::ticket::cells::{EventParts, event_from_cells};
use crate::ticket::{Event, EventRow};

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EventParts::of(self).serialize(s)
    }
}

/// An event's JSON object from its parts: what [`Event`] serializes as, also written straight
/// from a compact batch ([`TicketBatch::json`](crate::clocks::TicketBatch::json)).
impl Serialize for EventParts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("at", &self.at)?;
        map.serialize_entry("type", self.body.event_type().name())?;
        if let Some(unit) = self.unit {
            map.serialize_entry("unit", unit)?;
        }
        match self.body {
            Body::Dispatched(role) => map.serialize_entry("role", &role)?,
            // Required: written even when empty.
            Body::Returned | Body::Paused => {
                map.serialize_entry("reason", self.reason.unwrap_or_default())?;
            }
            Body::Resumed => {
                if let Some(reason) = self.reason {
                    map.serialize_entry("reason", reason)?;
                }
            }
            Body::ReturnDecided(accepted) => map.serialize_entry("accepted", &accepted)?,
            Body::ExtensionRequested(amount) => map.serialize_entry("amount", &amount)?,
            Body::ExtensionDecided(approved, amount) => {
                map.serialize_entry("approved", &approved)?;
                if let Some(amount) = amount {
                    map.serialize_entry("amount", &amount)?;
                }
            }
            Body::Reviewed(passed) => map.serialize_entry("passed", &passed)?,
            Body::CalledBack(satisfaction, resolved) => {
                map.serialize_entry("satisfaction", &satisfaction)?;
                if let Some(resolved) = resolved {
                    map.serialize_entry("resolved", &resolved)?;
                }
            }
            _ => {}
        }
        if let Some(id) = self.event_id {
            map.serialize_entry("event_id", id)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let row = EventRow::deserialize(d)?;
        if !row.ticket_id.is_empty() {
            return Err(de::Error::custom(
                "unknown field `ticket_id` (an event inside a ticket has no ticket_id)",
            ));
        }
        event_from_cells(0, &row.cells())
            .map_err(|v| de::Error::custom(format_args!("field `{}`: {}", v.field, v.kind)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Instant;
    use crate::amount::Amount;
    use crate::ticket::{EventBody, Satisfaction};
    use crate::unit::Role;

    fn at() -> Instant {
        Instant::parse("2026-03-02T09:00:00+08:00").unwrap()
    }

    #[test]
    fn flat_shape() {
        let e = Event {
            at: at(),
            event_id: Some("e1".into()),
            body: EventBody::Dispatched {
                unit: "hubin".into(),
                role: Role::Lead,
            },
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"at":"2026-03-02T09:00:00+08:00","type":"dispatched","unit":"hubin","role":"lead","event_id":"e1"}"#
        );
        let back: Event = serde_json::from_str(
            r#"{"at":"2026-03-02T09:00:00+08:00","type":"dispatched","unit":"hubin","event_id":"e1"}"#,
        )
        .unwrap();
        assert_eq!(back, e, "role defaults to lead");
    }

    #[test]
    fn every_type_round_trips() {
        let u = || crate::UnitId::from("u");
        let bodies = vec![
            EventBody::Dispatched {
                unit: u(),
                role: Role::Assisting,
            },
            EventBody::Signed { unit: u() },
            EventBody::Returned {
                unit: u(),
                reason: "不属于本单位职责".into(),
            },
            EventBody::ReturnDecided {
                unit: u(),
                accepted: false,
            },
            EventBody::Contacted { unit: u() },
            EventBody::ExtensionRequested {
                unit: u(),
                amount: Amount::WorkingDays(5),
            },
            EventBody::ExtensionDecided {
                unit: u(),
                approved: true,
                amount: Some(Amount::WorkingDays(3)),
            },
            EventBody::ExtensionDecided {
                unit: u(),
                approved: false,
                amount: None,
            },
            EventBody::Paused {
                unit: u(),
                reason: "等待群众补充材料".into(),
            },
            EventBody::Resumed {
                unit: u(),
                reason: None,
            },
            EventBody::Resumed {
                unit: u(),
                reason: Some("材料已补齐".into()),
            },
            EventBody::Replied { unit: u() },
            EventBody::Reviewed {
                passed: false,
                unit: Some(u()),
            },
            EventBody::Reviewed {
                passed: true,
                unit: None,
            },
            EventBody::Reopened { unit: None },
            EventBody::Reopened { unit: Some(u()) },
            EventBody::CalledBack {
                satisfaction: Satisfaction::BasicallySatisfied,
                resolved: Some(true),
            },
            EventBody::CalledBack {
                satisfaction: Satisfaction::Unreachable,
                resolved: None,
            },
            EventBody::Closed,
            EventBody::Urged { unit: u() },
            EventBody::Supervised { unit: u() },
            EventBody::FlaggedDifficult,
            EventBody::WrittenOff,
        ];
        for body in bodies {
            let e = Event::new(at(), body);
            let json = serde_json::to_string(&e).unwrap();
            let back: Event = serde_json::from_str(&json).unwrap();
            assert_eq!(back, e, "{json}");
            let row = EventRow::from_event("T", &e);
            let again = event_from_cells(0, &row.cells()).unwrap();
            assert_eq!(again, e, "{row:?}");
        }
    }

    #[test]
    fn errors_name_the_field() {
        let err = serde_json::from_str::<Event>(
            r#"{"at":"2026-03-02T09:00:00+08:00","type":"signed","unit":"u","colour":"red"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("colour"), "{err}");
        let err =
            serde_json::from_str::<Event>(r#"{"at":"2026-03-02T09:00:00+08:00","type":"signed"}"#)
                .unwrap_err()
                .to_string();
        assert!(err.contains("`unit`"), "{err}");
        let err = serde_json::from_str::<Event>(
            r#"{"at":"2026-03-02T09:00:00+08:00","type":"closed","unit":"u"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`unit`") && err.contains("closed"), "{err}");
    }
}
