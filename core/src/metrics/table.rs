//! Per-unit counter rows: what evaluation produces and what scoring reads.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::{Counter, DefaultRoles};
use crate::scheme::num::Num;
use crate::unit::{Role, UnitId};

/// One role's counters of one unit: one signed 64-bit integer per [`Counter`], in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleCounters(pub [i64; Counter::COUNT]);

impl Default for RoleCounters {
    fn default() -> Self {
        RoleCounters([0; Counter::COUNT])
    }
}

impl RoleCounters {
    /// The value of `counter`.
    pub fn get(&self, counter: Counter) -> i64 {
        self.0.get(counter.index()).copied().unwrap_or(0)
    }

    /// Adds `amount` to `counter` (saturating: a count never wraps).
    pub fn add(&mut self, counter: Counter, amount: i64) {
        if let Some(v) = self.0.get_mut(counter.index()) {
            *v = v.saturating_add(amount);
        }
    }

    /// Adds every column of `other`.
    pub fn merge(&mut self, other: &RoleCounters) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a = a.saturating_add(*b);
        }
    }

    /// The first partition of SPEC §5 these counters break (`dispatched` is the sum of
    /// `signed_on_time`, `signed_late`, `sign_overdue` and `sign_pending`; `due` the sum of
    /// `closed_on_time`, `closed_late` and `overdue_open`; … and bounds such as `signed` ≤
    /// `dispatched`): the counter on the left and the relation with its values. Evaluation always
    /// keeps them, and so does merging; a hand-edited or wrongly joined table may not.
    pub fn broken_partition(&self) -> Option<(Counter, String)> {
        use Counter::*;
        let sum = |cs: &[Counter]| {
            cs.iter()
                .try_fold(0i64, |acc, c| acc.checked_add(self.get(*c)))
                .unwrap_or(i64::MAX)
        };
        let names = |cs: &[Counter]| cs.iter().map(|c| c.name()).collect::<Vec<_>>().join(" + ");
        let equal = [Dispatched, Due, DueClosed, Callbacks].map(|c| (c, c.parts()));
        for (total, parts) in equal {
            let (left, right) = (self.get(total), sum(parts));
            if left != right {
                let relation = format!("{} = {left}, but {} = {right}", total.name(), names(parts));
                return Some((total, relation));
            }
        }
        let at_most: [(&[Counter], &[Counter]); 8] = [
            (&[Signed], &[Dispatched]),
            (&[ClosedFirstTime], &[DueClosed]),
            (&[RepliedOnTime], &[Replied]),
            (&[ContactedOnTime], &[Contacted]),
            (&[UrgentRepliedOnTime], &[Urgent]),
            (&[ReturnsAccepted, ReturnsRejected], &[Returned]),
            (&[ExtensionsApproved], &[ExtensionsRequested]),
            (&[InitialSatisfied], &[Callbacks, WrittenOff]),
        ];
        for (part, whole) in at_most {
            let (left, right) = (sum(part), sum(whole));
            if left > right {
                let relation = format!(
                    "{} = {left} exceeds {} = {right}",
                    names(part),
                    names(whole)
                );
                return part.first().map(|c| (*c, relation));
            }
        }
        None
    }
}

impl Serialize for RoleCounters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(Counter::COUNT))?;
        for c in Counter::ALL {
            map.serialize_entry(c.name(), &self.get(*c))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RoleCounters {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, i64>::deserialize(d)?;
        let mut out = RoleCounters::default();
        for (name, value) in map {
            let c = Counter::from_name(&name)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown metric {name:?}")))?;
            if value < 0 {
                return Err(serde::de::Error::custom(format!(
                    "metric {name:?} is {value}: counters count assignments and are never negative"
                )));
            }
            out.add(c, value);
        }
        Ok(out)
    }
}

/// A unit's counters, kept per role so they stay integers. In JSON a role left out has no
/// counters (a table built from a database query omits a role without assignments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCounters {
    /// Counters of assignments where the unit was lead (主办).
    #[serde(default, deserialize_with = "read_lead")]
    pub lead: RoleCounters,
    /// Counters of assignments where the unit was assisting (协办).
    #[serde(default, deserialize_with = "read_assisting")]
    pub assisting: RoleCounters,
}

impl UnitCounters {
    /// The counters of `role`.
    pub fn role(&self, role: Role) -> &RoleCounters {
        match role {
            Role::Lead => &self.lead,
            Role::Assisting => &self.assisting,
        }
    }

    /// Mutable counters of `role`.
    pub fn role_mut(&mut self, role: Role) -> &mut RoleCounters {
        match role {
            Role::Lead => &mut self.lead,
            Role::Assisting => &mut self.assisting,
        }
    }

    /// The bare metric `counter`: lead + assisting, or lead only, per
    /// [`Counter::default_roles`]; `None` when the sum is past the `i64` range (no data to a
    /// scheme, as every overflow).
    pub fn default_value(&self, counter: Counter) -> Option<i64> {
        match counter.default_roles() {
            DefaultRoles::All => self
                .lead
                .get(counter)
                .checked_add(self.assisting.get(counter)),
            DefaultRoles::LeadOnly => Some(self.lead.get(counter)),
        }
    }

    /// Adds every column of `other`, role by role.
    pub fn merge(&mut self, other: &UnitCounters) {
        self.lead.merge(&other.lead);
        self.assisting.merge(&other.assisting);
    }
}

/// Per-unit base metrics of one period: what scoring reads.
///
/// Built by evaluating tickets, or handed over directly by users who compute base metrics
/// elsewhere (SQL, Spark). External metrics (`ext.<name>` in formulas: knowledge-base updates,
/// mystery calls, manual 加减分) are exact decimals per unit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MetricsTable {
    /// Counters per unit.
    #[serde(deserialize_with = "read_units")]
    pub units: BTreeMap<UnitId, UnitCounters>,
    /// External metrics per unit, by name (without the `ext.` prefix). Read exactly, as numbers
    /// or decimal strings ([`crate::scheme::num::parse`]): never rounded.
    #[serde(default, deserialize_with = "read_external")]
    pub external: BTreeMap<UnitId, BTreeMap<String, Decimal>>,
    /// Manual adjustments (人工加减分), each added to its unit's external metric with its reason
    /// and approver.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::read_adjustments"
    )]
    pub adjustments: Vec<super::Adjustment>,
}

impl MetricsTable {
    /// The external metrics formulas read: [`Self::external`] with every adjustment added
    /// (borrowed when there is none). An adjustment without a reason or an approver is
    /// [`Error::InvalidAdjustment`](crate::Error::InvalidAdjustment).
    pub fn external_values(
        &self,
    ) -> crate::Result<std::borrow::Cow<'_, BTreeMap<UnitId, BTreeMap<String, Decimal>>>> {
        if self.adjustments.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(&self.external));
        }
        super::fold_adjustments(&self.external, &self.adjustments).map(std::borrow::Cow::Owned)
    }

    /// This table with every adjustment added to its metric's value and none left to add
    /// (borrowed when there is none): for readers of [`Self::external`] alone.
    pub(crate) fn folded(&self) -> crate::Result<std::borrow::Cow<'_, MetricsTable>> {
        if self.adjustments.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        Ok(std::borrow::Cow::Owned(MetricsTable {
            units: self.units.clone(),
            external: self.external_values()?.into_owned(),
            adjustments: Vec::new(),
        }))
    }
}

/// Reads one role's counters, an error naming the role.
fn read_role<'de, D: Deserializer<'de>>(d: D, role: &str) -> Result<RoleCounters, D::Error> {
    RoleCounters::deserialize(d).map_err(|e| serde::de::Error::custom(format!("{role}: {e}")))
}

fn read_lead<'de, D: Deserializer<'de>>(d: D) -> Result<RoleCounters, D::Error> {
    read_role(d, "lead")
}

fn read_assisting<'de, D: Deserializer<'de>>(d: D) -> Result<RoleCounters, D::Error> {
    read_role(d, "assisting")
}

/// Reads the counters per unit (`{unit: {"lead": {counter: n}, "assisting": {…}}}`), an error
/// naming the unit and the role it is in (`unit u1, lead: metric "due" is -2 …`); a unit given
/// twice is refused (JSON readers keep the last: the first unit's counts were lost).
fn read_units<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<UnitId, UnitCounters>, D::Error> {
    let units: BTreeMap<String, UnitCounters> = crate::unique_keys::labelled(
        d,
        "counters per unit: {unit: {\"lead\": {…}, \"assisting\": {…}}}",
        unit_twice,
        Some(|unit| format!("unit {unit}, ")),
    )?;
    Ok(units
        .into_iter()
        .map(|(u, c)| (UnitId::from(u), c))
        .collect())
}

fn unit_twice(unit: &str) -> String {
    format!("unit {unit} is given twice")
}

/// One unit's external metrics, each name once, a value's error naming it.
struct ExternalRow(BTreeMap<String, Num>);

impl<'de> Deserialize<'de> for ExternalRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::unique_keys::labelled(
            d,
            "external metrics by name: {name: value}",
            |name| format!("metric `{name}` is given twice"),
            Some(|name| format!("metric `{name}`: ")),
        )
        .map(ExternalRow)
    }
}

/// Reads external metrics (`{unit: {name: value}}`) exactly, as [`Num`]s: numbers as written
/// (their shortest decimal text; a whole number past 2^53 that came as a float refused: write
/// long numbers as strings), strings exactly, more digits than a decimal holds refused. An
/// error names the unit and the metric; a unit or a metric given twice is refused. Usable as a
/// serde `deserialize_with` function.
pub fn read_external<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<UnitId, BTreeMap<String, Decimal>>, D::Error> {
    let rows: BTreeMap<String, ExternalRow> = crate::unique_keys::labelled(
        d,
        "external metrics per unit: {unit: {name: value}}",
        unit_twice,
        Some(|unit| format!("unit {unit}, ")),
    )?;
    Ok(rows
        .into_iter()
        .map(|(unit, row)| {
            let row = row.0.into_iter().map(|(k, v)| (k, v.get())).collect();
            (UnitId::from(unit), row)
        })
        .collect())
}

/// One ticket's contribution to one counter of one unit and role: what explanations trace
/// published numbers back to (SPEC §6 "the tickets that cost them").
///
/// Summing every contribution of a period gives exactly that period's [`MetricsTable`] counters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contribution {
    /// The ticket.
    pub ticket_id: String,
    /// The unit credited or charged.
    pub unit: UnitId,
    /// The unit's role on the ticket.
    pub role: Role,
    /// The counter.
    pub counter: Counter,
    /// The amount added (1 for counts, working milliseconds for durations).
    pub amount: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_roles_select_columns() {
        let mut u = UnitCounters::default();
        u.lead.add(Counter::Signed, 3);
        u.assisting.add(Counter::Signed, 2);
        u.lead.add(Counter::ClosedOnTime, 4);
        u.assisting.add(Counter::ClosedOnTime, 7);
        assert_eq!(u.default_value(Counter::Signed), Some(5));
        assert_eq!(u.default_value(Counter::ClosedOnTime), Some(4));
        let mut huge = UnitCounters::default();
        huge.lead.add(Counter::Dispatched, i64::MAX);
        huge.assisting.add(Counter::Dispatched, 5);
        assert_eq!(
            huge.default_value(Counter::Dispatched),
            None,
            "past i64: no data"
        );
        let mut v = u;
        v.merge(&u);
        assert_eq!(v.role(Role::Assisting).get(Counter::ClosedOnTime), 14);
    }

    #[test]
    fn serde_by_name() {
        let mut r = RoleCounters::default();
        r.add(Counter::Due, 9);
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"due\":9"));
        let back: RoleCounters = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert!(serde_json::from_str::<RoleCounters>("{\"bogus\":1}").is_err());
        // A role left out has no counters; an unknown role is still refused.
        let only_lead: UnitCounters =
            serde_json::from_str(&format!("{{\"lead\":{json}}}")).unwrap();
        assert_eq!(only_lead.lead, r);
        assert_eq!(only_lead.assisting, RoleCounters::default());
        let none: UnitCounters = serde_json::from_str("{}").unwrap();
        assert_eq!(none, UnitCounters::default());
        assert!(serde_json::from_str::<UnitCounters>(r#"{"leed":{}}"#).is_err());
    }

    #[test]
    fn external_metrics_are_read_exactly() {
        let read = |ext: &str| {
            serde_json::from_str::<MetricsTable>(&format!("{{\"units\":{{}},\"external\":{ext}}}"))
        };
        let t = read(r#"{"u1":{"a":0.1,"b":"2.50","c":7,"d":"1E+3"}}"#).unwrap();
        let row = &t.external[&UnitId::from("u1")];
        assert_eq!(row["a"], Decimal::new(1, 1));
        assert_eq!(row["b"], Decimal::new(250, 2));
        assert_eq!(row["c"], Decimal::from(7));
        assert_eq!(row["d"], Decimal::from(1000));
        // A 29th digit after the point would be rounded away: refused, naming the value.
        let err = read(r#"{"u1":{"a":"0.12345678901234567890123456789"}}"#).unwrap_err();
        assert!(
            err.to_string().contains("0.12345678901234567890123456789"),
            "{err}"
        );
        // Written back as strings, read back equal.
        let back: MetricsTable = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    /// A bad value names its unit and metric; a unit or a metric given twice is refused (the
    /// JSON reader kept the last, and the first was lost without a word).
    #[test]
    fn external_metrics_are_named_and_given_once() {
        let read = |ext: &str| {
            serde_json::from_str::<MetricsTable>(&format!("{{\"units\":{{}},\"external\":{ext}}}"))
                .unwrap_err()
                .to_string()
        };
        let e = read(r#"{"u1":{"praise":"abc"}}"#);
        assert!(e.starts_with("unit u1, metric `praise`: "), "{e}");
        let e = read(r#"{"u1":{"praise":1},"u1":{"bonus":3}}"#);
        assert!(e.starts_with("unit u1 is given twice"), "{e}");
        let e = read(r#"{"u1":{"praise":1,"praise":2}}"#);
        assert!(
            e.starts_with("unit u1, metric `praise` is given twice"),
            "{e}"
        );
        let units = r#"{"units":{"u1":{"lead":{"due":1}},"u1":{"lead":{"due":2}}}}"#;
        let e = serde_json::from_str::<MetricsTable>(units).unwrap_err();
        assert!(e.to_string().starts_with("unit u1 is given twice"), "{e}");
        let units = r#"{"units":{"u1":{"lead":{"due":-2}}}}"#;
        let e = serde_json::from_str::<MetricsTable>(units).unwrap_err();
        assert!(e.to_string().starts_with("unit u1, lead: "), "{e}");
    }
}
