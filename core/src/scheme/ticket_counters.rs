//! Why a ticket cost a unit points: what it counted there on the indicators it cost
//! ([`TicketCounters`]), part of each [`Explanation`](super::Explanation).
//!
//! Shown, per role the ticket has at the unit: every counter those indicators read, zero or
//! not (a ratio's numerator at 0 is often the reason), and the parts of the totals among them
//! that the ticket moved (`due` → `closed_late` or `overdue_open`; `callbacks` → its
//! satisfaction level; SPEC §5). A count that costs (a deduction's `urged`) shows its numerator
//! only, not the per-100 base.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::model::Indicator;
use super::resolver::slot_counter;
use super::value::ValueForm;
use crate::metrics::{Counter, UnitCounters};
use crate::unit::Role;

/// What one ticket counted at a unit on the indicators it cost points on, by role, each role's
/// counters in catalog order (see the module docs for which). A role in which the ticket moved
/// none of them is left empty; so are both when the indicators read no counter (a constant).
///
/// In JSON: `{"ticket_id": "T3", "lead": {"due": 1, "closed_on_time": 0, "overdue_open": 1}}`, an
/// empty role left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketCounters {
    /// The ticket.
    pub ticket_id: String,
    /// Its counters as the lead unit (主办).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "amounts")]
    pub lead: Vec<(Counter, i64)>,
    /// Its counters as an assisting unit (协办).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "amounts")]
    pub assisting: Vec<(Counter, i64)>,
}

impl TicketCounters {
    /// The counters shown for `role`.
    pub fn role(&self, role: Role) -> &[(Counter, i64)] {
        match role {
            Role::Lead => &self.lead,
            Role::Assisting => &self.assisting,
        }
    }

    /// Ticket `ticket_id`'s counters `own` (at one unit) that `shown` shows.
    pub(crate) fn of(ticket_id: &str, own: &UnitCounters, shown: &Shown) -> Self {
        let pick = |role: Role, flags: &[Show; Counter::COUNT]| -> Vec<(Counter, i64)> {
            let counters = own.role(role);
            let picked: Vec<(Counter, i64)> = Counter::ALL
                .iter()
                .zip(flags)
                .map(|(c, show)| (*c, counters.get(*c), *show))
                .filter(|(_, v, show)| *show == Show::Always || (*show == Show::Moved && *v != 0))
                .map(|(c, v, _)| (c, v))
                .collect();
            // A role in which the ticket moved none of them is not why it cost points (it may
            // not be the ticket's role at this unit at all).
            if picked.iter().all(|(_, v)| *v == 0) {
                Vec::new()
            } else {
                picked
            }
        };
        TicketCounters {
            ticket_id: ticket_id.to_owned(),
            lead: pick(Role::Lead, &shown.0[0]),
            assisting: pick(Role::Assisting, &shown.0[1]),
        }
    }
}

/// Whether a counter is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Show {
    /// Not shown.
    #[default]
    Never,
    /// Shown when the ticket moved it (a part of a total read).
    Moved,
    /// Shown, zero or not (read by a formula).
    Always,
}

/// Which counters are shown, per role (lead, assisting) and [`Counter::index`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown([[Show; Counter::COUNT]; 2]);

impl Default for Shown {
    fn default() -> Self {
        Shown([[Show::Never; Counter::COUNT]; 2])
    }
}

impl Shown {
    /// What a ticket that cost `ind` points shows.
    pub(crate) fn for_indicator(ind: &Indicator) -> Self {
        let mut shown = Shown::default();
        let Some(v) = &ind.value else {
            return shown; // checklists: items are not tickets
        };
        let formulas = match v.form {
            ValueForm::Count => vec![v.num.as_ref().unwrap_or(&v.value)],
            _ => [Some(&v.value), v.num.as_ref(), v.den.as_ref()]
                .into_iter()
                .flatten()
                .collect(),
        };
        let read = formulas.into_iter().flat_map(|f| f.slots_used().iter());
        for (counter, roles) in read.filter_map(|slot| slot_counter(*slot)) {
            for role in roles {
                shown.set(*role, counter, Show::Always);
                for part in counter.parts() {
                    shown.set(*role, *part, Show::Moved);
                }
            }
        }
        shown
    }

    /// Shows `counter` in `role` at least as `show`.
    fn set(&mut self, role: Role, counter: Counter, show: Show) {
        let i = usize::from(role == Role::Assisting);
        if let Some(flag) = self.0.get_mut(i).and_then(|r| r.get_mut(counter.index())) {
            *flag = (*flag).max(show);
        }
    }

    /// Adds what `other` shows.
    pub(crate) fn add(&mut self, other: &Shown) {
        let flags = self.0.iter_mut().flatten().zip(other.0.iter().flatten());
        for (flag, o) in flags {
            *flag = (*flag).max(*o);
        }
    }
}

/// A role's counters as a JSON object of counter name to amount, in the order given (catalog
/// order when written by [`TicketCounters::of`]).
mod amounts {
    use std::fmt;

    use serde::de::{MapAccess, Visitor};

    use super::*;

    pub fn serialize<S: Serializer>(v: &[(Counter, i64)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(v.iter().map(|(c, n)| (c.name(), n)))
    }

    /// Reads the object: an unknown or repeated counter is an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(Counter, i64)>, D::Error> {
        struct Amounts;
        impl<'de> Visitor<'de> for Amounts {
            type Value = Vec<(Counter, i64)>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of counter name to amount")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(Counter, i64)> = Vec::new();
                while let Some((name, amount)) = map.next_entry::<String, i64>()? {
                    let c = Counter::from_name(&name)
                        .ok_or_else(|| A::Error::custom(format!("unknown metric {name:?}")))?;
                    if out.iter().any(|(x, _)| *x == c) {
                        return Err(A::Error::custom(format!("metric {name:?} appears twice")));
                    }
                    out.push((c, amount));
                }
                out.sort_unstable_by_key(|(c, _)| c.index());
                Ok(out)
            }
        }
        d.deserialize_map(Amounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::Scheme;

    /// A scheme of one group and the given `[[indicators]]` tables.
    fn indicators(toml: &str) -> Vec<Indicator> {
        let text = format!(
            "schema_version = 1\nname = \"t\"\nperiod = \"month\"\nexternal = [\"x\"]\n\
             [[groups]]\nid = \"g\"\nfull_marks = 100\n{toml}"
        );
        Scheme::from_toml(&text).unwrap().indicators
    }

    fn shown(s: &Shown, role: Role) -> Vec<(&'static str, Show)> {
        let i = usize::from(role == Role::Assisting);
        Counter::ALL
            .iter()
            .zip(s.0[i])
            .filter(|(_, show)| *show != Show::Never)
            .map(|(c, show)| (c.name(), show))
            .collect()
    }

    /// Bare counters show in their default roles (`due` lead only, `signed` both), prefixed
    /// ones in their role; a total's parts show when moved; a count's per-100 base is not shown.
    #[test]
    fn what_an_indicator_shows_by_role() {
        let inds = indicators(
            r#"
[[indicators]]
id = "on_time"
name = "按时办结率"
value = { ratio = { num = "closed_on_time", den = "due" } }
points = 50
rule = { proportional = {} }

[[indicators]]
id = "assist"
name = "协办签收"
value = { formula = "assisting.signed + ext.x" }
points = 50
rule = { proportional = {} }

[[indicators]]
id = "urged"
name = "催办扣分"
kind = "deduction"
value = { count = "urged" }
per_100 = "dispatched"
points = 5
rule = { per_item = { each = 1 } }
"#,
        );
        let [on_time, assist, urged] = [0, 1, 2].map(|i| Shown::for_indicator(&inds[i]));
        use Show::{Always, Moved};
        let due = vec![
            ("due", Always),
            ("closed_on_time", Always),
            ("closed_late", Moved),
            ("overdue_open", Moved),
        ];
        assert_eq!(shown(&on_time, Role::Lead), due);
        assert!(shown(&on_time, Role::Assisting).is_empty());
        assert!(shown(&assist, Role::Lead).is_empty());
        assert_eq!(shown(&assist, Role::Assisting), vec![("signed", Always)]);
        assert_eq!(shown(&urged, Role::Lead), vec![("urged", Always)]);
        assert_eq!(shown(&urged, Role::Assisting), vec![("urged", Always)]);
        let mut both = on_time.clone();
        both.add(&assist);
        assert_eq!(shown(&both, Role::Lead), due);
        assert_eq!(shown(&both, Role::Assisting), vec![("signed", Always)]);

        // A ticket shows them in the roles it has at the unit: read counters even at 0, parts
        // only when moved.
        let mut own = UnitCounters::default();
        for (c, v) in [
            (Counter::Due, 1),
            (Counter::OverdueOpen, 1),
            (Counter::Signed, 1),
        ] {
            own.lead.add(c, v);
        }
        // The assisting role moved only a counter nothing reads: left out, not shown as zeros.
        own.assisting.add(Counter::Dispatched, 1);
        let t = TicketCounters::of("T3", &own, &both);
        assert_eq!(t.ticket_id, "T3");
        let lead = [
            (Counter::Due, 1),
            (Counter::ClosedOnTime, 0),
            (Counter::OverdueOpen, 1),
        ];
        assert_eq!(t.role(Role::Lead), &lead[..]);
        assert!(t.assisting.is_empty(), "not an assisting unit on T3");
        let text = serde_json::to_string(&t).unwrap();
        assert_eq!(
            text,
            r#"{"ticket_id":"T3","lead":{"due":1,"closed_on_time":0,"overdue_open":1}}"#
        );
        assert_eq!(serde_json::from_str::<TicketCounters>(&text).unwrap(), t);
    }

    /// JSON reads back whatever it holds (zeros, negative amounts of hand-made contributions),
    /// in catalog order; an unknown counter or key is an error.
    #[test]
    fn json_round_trips_and_refuses_unknown_names() {
        let t: TicketCounters =
            serde_json::from_str(r#"{"ticket_id":"7","assisting":{"signed":-1,"dispatched":0}}"#)
                .unwrap();
        assert_eq!(
            t.assisting,
            vec![(Counter::Dispatched, 0), (Counter::Signed, -1)]
        );
        let back: TicketCounters =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        for bad in [
            r#"{"ticket_id":"7","lead":{"overdue":1}}"#,
            r#"{"ticket_id":"7","helper":{}}"#,
            r#"{"ticket_id":"7","lead":{"due":1,"due":2}}"#,
        ] {
            assert!(
                serde_json::from_str::<TicketCounters>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
