//! Units (承办单位): the government units tickets are dispatched to, scored and ranked.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Identifier of a unit, as the hotline platform exports it (e.g. `"hubin-district"`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(pub String);

impl UnitId {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Maps keyed by unit are read with a plain `&str`: the derived `Eq`, `Ord` and `Hash` are the
/// inner string's, as `Borrow` requires.
///
/// ```
/// use std::collections::BTreeMap;
/// use hotline_score::UnitId;
/// let counts = BTreeMap::from([(UnitId::from("hubin"), 3)]);
/// assert_eq!(counts["hubin"], 3);
/// ```
impl std::borrow::Borrow<str> for UnitId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for UnitId {
    fn from(s: &str) -> Self {
        UnitId(s.to_owned())
    }
}

impl From<String> for UnitId {
    fn from(s: String) -> Self {
        UnitId(s)
    }
}

/// A scored unit: one row of the `units` table (`unit, group, name`).
///
/// Every scored unit is listed, including units with no tickets: they appear in rankings with
/// the scheme's "no data" handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The unit's identifier.
    #[serde(rename = "unit")]
    pub id: UnitId,
    /// The group it is ranked in (e.g. `counties`, `departments`); a scheme's groups refer to it.
    pub group: String,
    /// Display name (e.g. 湖滨区).
    #[serde(default)]
    pub name: String,
}

/// The role of a unit on one ticket (主办 / 协办).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 主办: the unit responsible for the result.
    #[default]
    Lead,
    /// 协办: a unit that assists the lead unit.
    Assisting,
}

crate::ticket::names!(Role {
    Lead = "lead" | "主办",
    Assisting = "assisting" | "协办",
});
