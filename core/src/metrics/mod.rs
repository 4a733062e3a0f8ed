//! Base metrics (SPEC §5): the counter catalog and the per-unit aggregation of assignment
//! outcomes.

mod catalog;

pub use catalog::{Anchor, Counter, DefaultRoles};
