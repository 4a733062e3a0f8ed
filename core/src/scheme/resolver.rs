//! The metric vocabulary of indicator formulas and the slots a unit's metrics fill.
//!
//! Names: a bare counter (`closed_on_time`: the catalog's default roles), `lead.<counter>`,
//! `assisting.<counter>`, and `ext.<name>` for the external metrics the scheme declares. Slots:
//! `[0, C)` bare, `[C, 2C)` lead, `[2C, 3C)` assisting, then the external metrics in declaration
//! order (`C` = [`Counter::COUNT`]).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::formula::{Resolver, Value, ValueType};
use crate::metrics::{Counter, DefaultRoles, UnitCounters};
use crate::unit::Role;

/// Resolves metric names for one scheme (its declared external metrics).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricResolver {
    external: Vec<String>,
}

const C: usize = Counter::COUNT;

impl MetricResolver {
    /// The vocabulary with these external metric names.
    pub fn new(external: Vec<String>) -> Self {
        MetricResolver { external }
    }

    /// The declared external metric names.
    pub fn external(&self) -> &[String] {
        &self.external
    }

    /// The external metric a slot reads (`None` for a counter's slot).
    pub(crate) fn external_of_slot(&self, slot: usize) -> Option<&str> {
        let i = slot.checked_sub(3 * C)?;
        self.external.get(i).map(String::as_str)
    }

    /// Number of slots.
    pub fn slot_count(&self) -> usize {
        3 * C + self.external.len()
    }

    /// Fills `slots` (cleared first) with a unit's metrics; a missing external value is no data.
    pub fn fill(
        &self,
        counters: &UnitCounters,
        external: Option<&BTreeMap<String, Decimal>>,
        slots: &mut Vec<Value>,
    ) {
        slots.clear();
        slots.reserve(self.slot_count());
        let num = |v: i64| Value::Number(Decimal::from(v));
        slots.extend(
            Counter::ALL
                .iter()
                .map(|c| counters.default_value(*c).map_or(Value::NoData, num)),
        );
        slots.extend(Counter::ALL.iter().map(|c| num(counters.lead.get(*c))));
        slots.extend(Counter::ALL.iter().map(|c| num(counters.assisting.get(*c))));
        slots.extend(self.external.iter().map(|name| {
            external
                .and_then(|e| e.get(name))
                .map_or(Value::NoData, |v| Value::Number(*v))
        }));
    }
}

impl MetricResolver {
    /// Like [`MetricResolver::fill`], but only the slots in `used` (ascending) get values; the
    /// others are no data. Scoring fills only what the scheme's formulas read.
    pub fn fill_used(
        &self,
        counters: &UnitCounters,
        external: Option<&BTreeMap<String, Decimal>>,
        used: &[usize],
        slots: &mut Vec<Value>,
    ) {
        slots.clear();
        slots.resize(self.slot_count(), Value::NoData);
        self.fill_slots(counters, external, used, slots);
    }

    /// Sets only the slots in `which` to a unit's metrics, leaving the others as they are
    /// (`slots` is sized first if it is not): what measuring a few indicators again needs.
    pub(crate) fn fill_slots(
        &self,
        counters: &UnitCounters,
        external: Option<&BTreeMap<String, Decimal>>,
        which: &[usize],
        slots: &mut Vec<Value>,
    ) {
        if slots.len() != self.slot_count() {
            slots.resize(self.slot_count(), Value::NoData);
        }
        for &i in which {
            let v = match slot_counter(i) {
                Some((c, roles)) => {
                    // A sum past the i64 range is no data, as every overflow (it saturated).
                    let sum = roles
                        .iter()
                        .try_fold(0i64, |a, r| a.checked_add(counters.role(*r).get(c)));
                    sum.map_or(Value::NoData, |s| Value::Number(Decimal::from(s)))
                }
                None => self
                    .external
                    .get(i.saturating_sub(3 * C))
                    .and_then(|name| external.and_then(|e| e.get(name)))
                    .map_or(Value::NoData, |v| Value::Number(*v)),
            };
            if let Some(slot) = slots.get_mut(i) {
                *slot = v;
            }
        }
    }
}

/// The counter a slot reads and the roles it sums: a bare counter its
/// [`Counter::default_roles`], `lead.<counter>` the lead role, `assisting.<counter>` the
/// assisting one; `None` for an external metric's slot.
pub(crate) fn slot_counter(slot: usize) -> Option<(Counter, &'static [Role])> {
    let counter = *Counter::ALL.get(slot % C)?;
    let roles: &'static [Role] = match slot / C {
        0 => match counter.default_roles() {
            DefaultRoles::All => &[Role::Lead, Role::Assisting],
            DefaultRoles::LeadOnly => &[Role::Lead],
        },
        1 => &[Role::Lead],
        2 => &[Role::Assisting],
        _ => return None,
    };
    Some((counter, roles))
}

/// A set of slots as bits: which slots an indicator reads, or which moved between two queries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SlotSet(Vec<u64>);

impl SlotSet {
    /// The set of `slots`.
    pub(crate) fn of(slots: &[usize]) -> Self {
        let mut set = SlotSet::default();
        for &s in slots {
            set.insert(s);
        }
        set
    }

    /// Empties the set (or, with `all`, fills it) for `count` slots.
    pub(crate) fn reset(&mut self, count: usize, all: bool) {
        self.0.clear();
        self.0
            .resize(count.div_ceil(64), if all { u64::MAX } else { 0 });
    }

    /// Adds slot `s`.
    pub(crate) fn insert(&mut self, s: usize) {
        if self.0.len() <= s / 64 {
            self.0.resize(s / 64 + 1, 0);
        }
        if let Some(word) = self.0.get_mut(s / 64) {
            *word |= 1 << (s % 64);
        }
    }

    /// Whether the sets share a slot.
    pub(crate) fn intersects(&self, other: &SlotSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

impl Resolver for MetricResolver {
    fn resolve(&self, name: &str) -> Option<(usize, ValueType)> {
        let (base, offset) = if let Some(rest) = name.strip_prefix("lead.") {
            (rest, C)
        } else if let Some(rest) = name.strip_prefix("assisting.") {
            (rest, 2 * C)
        } else if let Some(rest) = name.strip_prefix("ext.") {
            let i = self.external.iter().position(|e| e == rest)?;
            return Some((3 * C + i, ValueType::Number));
        } else {
            (name, 0)
        };
        let c = Counter::from_name(base)?;
        Some((offset + c.index(), ValueType::Number))
    }

    fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Counter::ALL.iter().map(|c| c.name().to_owned()).collect();
        for prefix in ["lead.", "assisting."] {
            out.extend(Counter::ALL.iter().map(|c| format!("{prefix}{}", c.name())));
        }
        out.extend(self.external.iter().map(|e| format!("ext.{e}")));
        out
    }

    fn unknown_hint(&self, name: &str) -> Option<String> {
        let rest = name.strip_prefix("ext.")?;
        Some(if is_external_name(rest) {
            format!(
                "an external metric is declared first: add \"{rest}\" to the scheme's `external` \
                 list"
            )
        } else {
            format!("\"{rest}\" cannot be an external metric's name: {EXTERNAL_NAMES}")
        })
    }
}

/// What an external metric's name may be, for messages.
pub(super) const EXTERNAL_NAMES: &str =
    "a name starts with a letter or `_`, then letters, digits, `_`";

/// Whether `name` can be an external metric's name (see [`EXTERNAL_NAMES`]).
pub(super) fn is_external_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::Formula;

    /// The hint for an undeclared `ext.` name never advises a name the loader refuses.
    #[test]
    fn external_hints_only_advise_valid_names() {
        let r = MetricResolver::new(vec![]);
        let hint = |n: &str| r.unknown_hint(n).unwrap();
        assert!(hint("ext.mystery_calls").contains("add \"mystery_calls\""));
        assert!(hint("ext.1st").contains("\"1st\" cannot be an external metric's name"));
        assert!(!is_external_name("1st") && is_external_name("_1st") && is_external_name("回访率"));
    }

    #[test]
    fn names_and_slots() {
        let r = MetricResolver::new(vec!["kb".into()]);
        let mut u = UnitCounters::default();
        u.lead.add(Counter::Signed, 3);
        u.assisting.add(Counter::Signed, 2);
        let ext = BTreeMap::from([("kb".to_owned(), Decimal::from(7))]);
        let mut slots = Vec::new();
        r.fill(&u, Some(&ext), &mut slots);
        assert_eq!(slots.len(), r.slot_count());
        for (src, want) in [
            ("signed", 5),
            ("lead.signed", 3),
            ("assisting.signed", 2),
            ("ext.kb", 7),
        ] {
            let f = Formula::compile(src, &r, ValueType::Number).unwrap();
            assert_eq!(f.eval(&slots), Value::Number(Decimal::from(want)), "{src}");
        }
        let mut some = Vec::new();
        let used: Vec<usize> = (0..r.slot_count()).step_by(7).collect();
        r.fill_used(&u, Some(&ext), &used, &mut some);
        for (i, (a, b)) in slots.iter().zip(&some).enumerate() {
            assert_eq!(
                *b,
                if used.contains(&i) { *a } else { Value::NoData },
                "slot {i}"
            );
        }
        r.fill(&u, None, &mut slots);
        let f = Formula::compile("ext.kb", &r, ValueType::Number).unwrap();
        assert_eq!(f.eval(&slots), Value::NoData);
        assert!(r.resolve("ext.other").is_none());
        // An undeclared external metric says where to declare it (a formats audit).
        let problems = Formula::compile("ext.other + 1", &r, ValueType::Number).unwrap_err();
        assert!(
            problems.iter().any(|p| p
                .message
                .contains("add \"other\" to the scheme's `external` list")),
            "{problems:?}"
        );
        assert!(r.resolve("lead.nope").is_none());
        assert!(r.names().contains(&"assisting.due".to_owned()));
        // Filling a few slots leaves the others as they were.
        r.fill_slots(&UnitCounters::default(), None, &[1, 8], &mut some);
        assert_eq!(some[0], slots[0]);
        assert_eq!(some[1], Value::Number(Decimal::ZERO));
        assert_eq!(some[7], slots[7]);
    }

    #[test]
    fn slot_sets_intersect_on_a_shared_slot() {
        let reads = SlotSet::of(&[3, 70, 130]);
        let mut moved = SlotSet::default();
        moved.reset(160, false);
        assert!(!reads.intersects(&moved));
        moved.insert(71);
        assert!(!reads.intersects(&moved));
        moved.insert(70);
        assert!(reads.intersects(&moved));
        moved.reset(160, true);
        assert!(reads.intersects(&moved));
        assert!(SlotSet::of(&[200]).intersects(&SlotSet::of(&[200])));
        assert!(!SlotSet::of(&[]).intersects(&moved));
    }
}
