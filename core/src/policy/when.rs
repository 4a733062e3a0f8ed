//! Rule predicates (`when`): which tickets and units a rule applies to.
//!
//! Every key is optional (absent = any value); a list means any of its values; all given keys
//! must match. `attributes` maps an attribute name to a value or a list of values; a ticket
//! without that attribute does not match.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, IntoDeserializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::ticket::{Kind, Urgency};

/// A rule's predicate over kind, urgency, channel, unit group and attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Ticket kinds (any of).
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub kind: Vec<Kind>,
    /// Urgencies (any of).
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub urgency: Vec<Urgency>,
    /// Channels (any of), e.g. `province`.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub channel: Vec<String>,
    /// Unit groups (any of) of the assigned unit.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group: Vec<String>,
    /// Attribute name → accepted values (any of).
    #[serde(
        default,
        deserialize_with = "attribute_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// What a predicate looks at: one ticket seen from one assigned unit.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Ticket kind.
    pub kind: Kind,
    /// Ticket urgency.
    pub urgency: Urgency,
    /// Ticket channel.
    pub channel: &'a str,
    /// Group of the assigned unit (`""` when unknown).
    pub group: &'a str,
    /// Ticket attributes.
    pub attributes: &'a BTreeMap<String, String>,
}

impl When {
    /// Whether the predicate holds for `s`.
    pub fn matches(&self, s: &Subject<'_>) -> bool {
        (self.kind.is_empty() || self.kind.contains(&s.kind))
            && (self.urgency.is_empty() || self.urgency.contains(&s.urgency))
            && (self.channel.is_empty() || self.channel.iter().any(|c| c == s.channel))
            && (self.group.is_empty() || self.group.iter().any(|g| g == s.group))
            && self.attributes.iter().all(|(name, values)| {
                s.attributes
                    .get(name)
                    .is_some_and(|v| values.iter().any(|x| x == v))
            })
    }

    /// Whether every subject `other` matches is matched by `self` too (so a rule with `self`
    /// placed before one with `other` decides every clock both set).
    pub fn covers(&self, other: &When) -> bool {
        fn wider<T: PartialEq>(mine: &[T], theirs: &[T]) -> bool {
            mine.is_empty() || (!theirs.is_empty() && theirs.iter().all(|t| mine.contains(t)))
        }
        wider(&self.kind, &other.kind)
            && wider(&self.urgency, &other.urgency)
            && wider(&self.channel, &other.channel)
            && wider(&self.group, &other.group)
            && self.attributes.iter().all(|(name, values)| {
                other.attributes.get(name).is_some_and(|theirs| {
                    !theirs.is_empty() && theirs.iter().all(|t| values.contains(t))
                })
            })
    }

    /// Whether the predicate looks only at kind, urgency and group (so its result can be
    /// tabulated once per policy).
    pub fn is_simple(&self) -> bool {
        self.channel.is_empty() && self.attributes.is_empty()
    }
}

/// Reads `"x"` or `["x", "y"]` as a list.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(OneOrMany(PhantomData))
}

struct OneOrMany<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for OneOrMany<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        T::deserialize(v.into_deserializer()).map(|t| vec![t])
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(x) = seq.next_element()? {
            out.push(x);
        }
        if out.is_empty() {
            return Err(de::Error::custom(
                "an empty list matches nothing; omit the key to match any value",
            ));
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
struct AttributeValues(#[serde(deserialize_with = "one_or_many")] Vec<String>);

/// Attribute name → values, each name once: a map reader keeps the last of a name given twice
/// (JSON), and the first values were lost without a word (a policy audit).
fn attribute_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
    let raw: BTreeMap<String, AttributeValues> = crate::unique_keys::map(
        d,
        "a table of attribute names and accepted values",
        |name| {
            format!(
                "attribute `{name}` is given twice; list its values once: `{name} = [\"a\", \"b\"]`"
            )
        },
    )?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(attrs: &'a BTreeMap<String, String>) -> Subject<'a> {
        Subject {
            kind: Kind::Complaint,
            urgency: Urgency::Urgent,
            channel: "province",
            group: "counties",
            attributes: attrs,
        }
    }

    #[test]
    fn an_attribute_given_twice_is_refused() {
        let e = serde_json::from_str::<When>(
            r#"{"attributes":{"district":"hubin","district":"lingbao"}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("`district` is given twice"), "{e}");
    }

    #[test]
    fn lists_are_any_of_and_absent_is_any() {
        let attrs: BTreeMap<_, _> = [("district".to_owned(), "hubin".to_owned())].into();
        let s = subject(&attrs);
        let w: When = serde_json::from_str("{}").unwrap();
        assert!(w.matches(&s));
        let w: When = serde_json::from_str(
            r#"{"kind":["consult","complaint"],"urgency":"urgent","channel":"province",
                "group":["counties"],"attributes":{"district":["hubin","shanzhou"]}}"#,
        )
        .unwrap();
        assert!(w.matches(&s));
        assert!(!w.is_simple());
        let w: When = serde_json::from_str(r#"{"kind":"consult"}"#).unwrap();
        assert!(!w.matches(&s));
        let w: When = serde_json::from_str(r#"{"attributes":{"repeat":"true"}}"#).unwrap();
        assert!(!w.matches(&s), "a missing attribute does not match");
    }

    #[test]
    fn rejects_unknown_values_and_keys() {
        for bad in [
            r#"{"kind":"gossip"}"#,
            r#"{"kinds":"consult"}"#,
            r#"{"kind":[]}"#,
            r#"{"urgency":3}"#,
        ] {
            assert!(serde_json::from_str::<When>(bad).is_err(), "{bad}");
        }
    }

    /// A small `When` from bit masks over two values per key (empty = any), for the property
    /// test below.
    fn when_of(kinds: u8, urgencies: u8, channels: u8, groups: u8, attrs: Option<u8>) -> When {
        fn pick<T: Clone>(mask: u8, values: &[T]) -> Vec<T> {
            values
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, v)| v.clone())
                .collect()
        }
        let two = |a: &str, b: &str| [a.to_owned(), b.to_owned()];
        When {
            kind: pick(kinds, &[Kind::Consult, Kind::Complaint]),
            urgency: pick(urgencies, &[Urgency::Normal, Urgency::Urgent]),
            channel: pick(channels, &two("phone", "province")),
            group: pick(groups, &two("counties", "departments")),
            attributes: attrs
                .map(|m| {
                    [(
                        "district".to_owned(),
                        pick(m.max(1), &two("hubin", "lingbao")),
                    )]
                    .into()
                })
                .unwrap_or_default(),
        }
    }

    proptest::proptest! {
        /// `covers` is sound: whenever `a` covers `b`, every subject `b` matches `a` matches
        /// (so a rule refused as hidden could never have applied).
        #[test]
        fn covers_means_every_match_of_the_later_is_a_match_of_the_earlier(
            a in (0u8..4, 0u8..4, 0u8..4, 0u8..4, proptest::option::of(0u8..4)),
            b in (0u8..4, 0u8..4, 0u8..4, 0u8..4, proptest::option::of(0u8..4)),
        ) {
            let (a, b) = (when_of(a.0, a.1, a.2, a.3, a.4), when_of(b.0, b.1, b.2, b.3, b.4));
            if a.covers(&b) {
                for kind in [Kind::Consult, Kind::Complaint] {
                    for urgency in [Urgency::Normal, Urgency::Urgent] {
                        for channel in ["phone", "province"] {
                            for group in ["counties", "departments"] {
                                for district in [None, Some("hubin"), Some("lingbao")] {
                                    let attrs: BTreeMap<String, String> = district
                                        .map(|d| [("district".to_owned(), d.to_owned())].into())
                                        .unwrap_or_default();
                                    let s = Subject { kind, urgency, channel, group, attributes: &attrs };
                                    proptest::prop_assert!(!b.matches(&s) || a.matches(&s));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
