//! Maps read with each key once: serde's map readers keep the last of a key given twice (in
//! JSON), and the first value was lost without a word.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, Error, MapAccess, Visitor};

/// A map of `V` by text key (`expecting`: what it is, for type errors), refusing a key given
/// twice with `twice(key)` as the message.
pub(crate) fn map<'de, D, V>(
    d: D,
    expecting: &'static str,
    twice: fn(&str) -> String,
) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    labelled(d, expecting, twice, None)
}

/// [`map`], a value's error prefixed with `label(key)` (`"unit u1, "`) when a label is given.
pub(crate) fn labelled<'de, D, V>(
    d: D,
    expecting: &'static str,
    twice: fn(&str) -> String,
    label: Option<fn(&str) -> String>,
) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V> {
        expecting: &'static str,
        twice: fn(&str) -> String,
        label: Option<fn(&str) -> String>,
        values: PhantomData<V>,
    }

    impl<'de, V: Deserialize<'de>> Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(A::Error::custom((self.twice)(&key)));
                }
                let value = map.next_value::<V>().map_err(|e| match self.label {
                    Some(label) => A::Error::custom(format!("{}{e}", label(&key))),
                    None => e,
                })?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    d.deserialize_map(Unique {
        expecting,
        twice,
        label,
        values: PhantomData,
    })
}
