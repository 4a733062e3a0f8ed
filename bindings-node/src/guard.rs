//! Getters guarded against receivers of another class.
//!
//! V8 refuses to call a class's *method* on an object of another class ("Illegal invocation"),
//! but not its *getters* (Node defines accessors without a receiver check): napi-rs would
//! unwrap the foreign object as this class, and reading it crashed the process
//! (`Object.getOwnPropertyDescriptor(Tickets.prototype, 'diagnostics').get.call(scheme)`, a
//! Node audit). When the module loads, every exported class's getters are wrapped to check
//! `this instanceof` the class first, and throw a `TypeError` otherwise.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Wraps the getters of every class among the exports (see the module's doc).
const GUARD: &str = r#"(function (exports) {
  for (const C of Object.values(exports)) {
    if (typeof C !== 'function' || typeof C.prototype !== 'object' || C.prototype === null) continue
    for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(C.prototype))) {
      if (typeof d.get !== 'function') continue
      const get = d.get
      const guarded = {
        get [key] () {
          if (!(this instanceof C)) {
            throw new TypeError(`Illegal invocation: ${C.name}.prototype.${key} read on an object that is not a ${C.name}`)
          }
          return get.call(this)
        }
      }
      Object.defineProperty(C.prototype, key, { ...d, get: Object.getOwnPropertyDescriptor(guarded, key).get })
    }
  }
})"#;

/// Runs [`GUARD`] over the module's exports once they are all registered.
#[napi(module_exports)]
pub fn guard_getters(exports: Object<'_>, env: Env) -> Result<()> {
    let guard: Function<'_, Object<'_>, ()> = env.run_script(GUARD)?;
    guard.call(exports)
}
