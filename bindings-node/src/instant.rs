//! Instants across the boundary: RFC 3339 strings with an offset, or epoch milliseconds.

use hotline_score::Instant;
use hotline_score::instant::CHINA_OFFSET;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::errors::enter;

/// Epoch milliseconds of an RFC 3339 timestamp with an offset.
#[napi(catch_unwind)]
pub fn parse_instant(env: Env, text: String) -> Result<i64> {
    enter(&env, || Instant::parse(&text).map(Instant::millis))
}

/// RFC 3339 in +08:00 of epoch milliseconds.
#[napi(catch_unwind)]
pub fn format_instant(ms: i64) -> String {
    Instant::from_millis(ms).format(CHINA_OFFSET)
}
