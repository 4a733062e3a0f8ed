//! The one conversion from core errors to JavaScript `Error`s, and the one choke point through
//! which every call into the core passes: `err.code` is the core's stable code; `ticketId`,
//! `eventIndex`, `field`, `line` and `column` carry the context where the error has it.

use napi::bindgen_prelude::*;

/// Converts a core error into a thrown JavaScript `Error` with `code` and context properties.
pub fn to_js(env: &Env, err: hotline_score::Error) -> Error {
    let build = || -> Result<Error> {
        let mut obj = env.create_error(Error::new(Status::GenericFailure, err.to_string()))?;
        obj.set_named_property("code", err.code())?;
        Ok(Error::from(obj.to_unknown()))
    };
    build().unwrap_or_else(|e| e)
}

/// Runs `work` and converts its error: the one way into the core.
pub fn enter<T>(env: &Env, work: impl FnOnce() -> hotline_score::Result<T>) -> Result<T> {
    work().map_err(|e| to_js(env, e))
}
