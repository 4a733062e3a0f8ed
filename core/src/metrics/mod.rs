//! Base metrics (SPEC §5): the counter catalog and the per-unit aggregation of assignment
//! outcomes.
//!
//! Aggregation is mergeable: [`partial`] evaluates tickets for a [`Scope`] (period, `as_of`,
//! options) into a [`Partial`] (integer counters per unit and role), shards are combined with
//! [`Partial::merge`] in any order, and [`Partial::finalize`] gives the [`MetricsTable`] that
//! scoring reads. [`contributions`] and [`open_assignments`] serve explanations and warnings;
//! [`partials`] and [`all_contributions`] do several periods or every unit from one evaluation
//! per ticket.

mod adjustment;
mod batch;
mod catalog;
mod contribute;
mod explain;
mod partial;
mod table;

pub use adjustment::Adjustment;
pub(crate) use adjustment::{fold as fold_adjustments, read_list as read_adjustments};
pub use batch::{all_contributions, partials};
pub use catalog::{Anchor, Counter, DefaultRoles};
pub use contribute::{DueAnchor, Scope};
/// For the real-time board: one ticket's contributions into its own sink (one evaluation, any
/// number of periods).
pub(crate) use contribute::{Sink, contribute, evaluate_contributions};
pub(crate) use explain::open_assignments_of;
pub use explain::{OpenAssignment, contributions, open_assignments};
pub(crate) use partial::partial_of_views;
pub use partial::{
    Accumulator, PARTIAL_SCHEMA_VERSION, Partial, partial, partial_batch, partial_batch_parallel,
};
pub use table::{Contribution, MetricsTable, RoleCounters, UnitCounters, read_external};
