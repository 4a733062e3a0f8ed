//! `Policy`: time-limit policies (SPEC §4) — built-in presets and TOML/JSON files.

use std::sync::Arc;

use hotline_score::Policy as CorePolicy;
use hotline_score::policy::BUILTIN;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::Arg;
use crate::errors::enter;
use crate::json::{self, TextOrObject};

/// A time-limit policy: per-clock limits by first matching rule, day-count conventions,
/// extension limits and deadline-status thresholds.
#[napi]
pub struct Policy {
    pub(crate) inner: Arc<CorePolicy>,
}

impl Policy {
    fn wrap(p: CorePolicy) -> Self {
        Policy { inner: Arc::new(p) }
    }
}

#[napi]
impl Policy {
    /// A built-in policy: `henan`, `guangdong`, `sichuan-2025`, `shandong`, `lvliang`.
    #[napi(factory, catch_unwind)]
    pub fn builtin(env: Env, #[napi(ts_arg_type = "string")] name: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let name = name.get("name")?;
            Ok(Self::wrap(CorePolicy::builtin(&name)?))
        })
    }

    /// The names of the built-in policies.
    #[napi(catch_unwind)]
    pub fn builtin_names() -> Vec<String> {
        BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    /// A policy from TOML text (the format of `policies/*.toml`).
    #[napi(factory, catch_unwind)]
    pub fn from_toml(env: Env, #[napi(ts_arg_type = "string")] text: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let text = text.get("text")?;
            Ok(Self::wrap(CorePolicy::from_toml_str(&text)?))
        })
    }

    /// A policy from JSON text, or from a plain object of the same structure.
    #[napi(factory, catch_unwind)]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] value: TextOrObject,
    ) -> Result<Self> {
        enter(&env, || {
            let text = match value {
                TextOrObject::Text(t) => t,
                TextOrObject::Object(v) => v.to_string(),
            };
            Ok(Self::wrap(CorePolicy::from_json_str(&text)?))
        })
    }

    /// A policy from a file: `.json` as JSON, anything else as TOML (`Policy::from_path`: read
    /// with its size limit; `cannot_read` when it cannot be read).
    #[napi(factory, catch_unwind)]
    pub fn from_file(env: Env, #[napi(ts_arg_type = "string")] path: Arg<String>) -> Result<Self> {
        enter(&env, || {
            let path = path.get("path")?;
            Ok(Self::wrap(CorePolicy::from_path(&path)?))
        })
    }

    /// The policy's short name (`henan`).
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The policy as the core's (pretty) JSON text.
    #[napi(catch_unwind)]
    pub fn to_json(&self, env: Env) -> Result<String> {
        enter(&env, || Ok(self.inner.to_json_string()?))
    }

    /// The policy as a plain object (the JSON form).
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn to_object<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        json::plain(env, &*self.inner)
    }
}
