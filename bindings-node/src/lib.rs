//! Node bindings of hotline-score: a thin layer that converts arguments, calls the core and
//! converts results and errors. Module names mirror the core's; every export catches unwinds.

// `#[napi]` registers exports only outside `cfg(test)`.
#![cfg_attr(test, allow(dead_code))]

/// mimalloc for the addon's own allocations (core included): loading a big table makes tens of
/// millions of small allocations, where it is markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod board;
mod calendar;
mod columns;
mod decimal;
mod errors;
mod external;
mod formula;
mod guard;
mod instant;
mod json;
mod metrics;
mod policy;
mod queue;
mod rows;
mod scheme;
mod sliced;
mod synthetic;
mod task;
mod ticket;
