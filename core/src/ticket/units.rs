//! The units table (SPEC §3.2a `units`: `unit, group, name`) as tickets see it: which unit ids
//! exist.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{Error, Result};
use crate::unit::Unit;

/// FNV-1a: a fast hash for the (small, configured) units table, looked up once per event.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xCBF2_9CE4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
}

/// The set of unit ids of a units table, for the `unknown_unit` check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownUnits {
    ids: HashSet<String, BuildHasherDefault<Fnv>>,
}

impl KnownUnits {
    /// The ids of `units` (the table is not checked here; see [`check_units`]).
    pub fn new(units: &[Unit]) -> Self {
        KnownUnits {
            ids: units.iter().map(|u| u.id.0.clone()).collect(),
        }
    }

    /// Whether `id` is in the table.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Checks a units table: every row has a non-empty `unit` and `group`, and no unit is listed
/// twice. Rows are numbered from 0.
pub fn check_units(units: &[Unit]) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(units.len());
    for (row, unit) in units.iter().enumerate() {
        if unit.id.0.is_empty() {
            return Err(Error::InvalidUnitRow {
                row,
                field: "unit".to_owned(),
            });
        }
        if unit.group.is_empty() {
            return Err(Error::InvalidUnitRow {
                row,
                field: "group".to_owned(),
            });
        }
        if seen.insert(unit.id.as_str(), row).is_some() {
            return Err(Error::DuplicateUnit {
                unit: unit.id.0.clone(),
                row,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, group: &str) -> Unit {
        Unit {
            id: id.into(),
            group: group.to_owned(),
            name: String::new(),
        }
    }

    #[test]
    fn table_checks() {
        let ok = [unit("a", "counties"), unit("b", "departments")];
        assert!(check_units(&ok).is_ok());
        let known = KnownUnits::new(&ok);
        assert!(known.contains("a") && !known.contains("c"));
        assert_eq!(known.len(), 2);

        let dup = [unit("a", "g"), unit("b", "g"), unit("a", "g")];
        let e = check_units(&dup).unwrap_err();
        assert_eq!(e.code(), "duplicate_unit");
        assert!(matches!(e, Error::DuplicateUnit { row: 2, .. }));

        let e = check_units(&[unit("a", "")]).unwrap_err();
        assert_eq!(e.code(), "invalid_unit_row");
        let e = check_units(&[unit("", "g")]).unwrap_err();
        assert!(matches!(e, Error::InvalidUnitRow { row: 0, ref field } if field == "unit"));
    }
}
