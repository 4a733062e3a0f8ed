//! Base metrics (SPEC §5): the counter catalog and the per-unit aggregation of assignment
//! outcomes.

mod catalog;
mod table;

pub use catalog::{Anchor, Counter, DefaultRoles};
pub use table::{Contribution, MetricsTable, RoleCounters, UnitCounters};
