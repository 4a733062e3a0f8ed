//! Node bindings of hotline-score: a thin layer that converts arguments, calls the core and
//! converts results and errors. Module names mirror the core's; every export catches unwinds.

// `#[napi]` registers exports only outside `cfg(test)`.
#![cfg_attr(test, allow(dead_code))]

mod board;
mod calendar;
mod columns;
mod errors;
mod instant;
mod json;
mod metrics;
mod policy;
mod scheme;
mod synthetic;
mod task;
mod ticket;
