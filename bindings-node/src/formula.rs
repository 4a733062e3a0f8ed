//! `Formula`: the scheme formula language (SPEC §6.1), compiled against a vocabulary of names
//! and evaluated on values — for exploring indicator formulas and what-ifs.

use hotline_score::formula::{Formula as CoreFormula, MapResolver, Value, ValueType};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{Arg, Keys, Opts, optional_owned};
use crate::decimal;
use crate::errors::{Failure, Fallible, bad_arg, enter, named};

/// How a formula is compiled.
#[napi(object, object_to_js = false)]
pub struct FormulaOptions {
    /// The type the formula must have: `number` (default, an indicator value) or `bool` (a
    /// condition).
    #[napi(ts_type = "'number' | 'bool'")]
    pub result: Option<String>,
}

impl Keys for FormulaOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["result"];
}

/// A compiled formula of the scheme language: exact decimal arithmetic, comparisons, `and` /
/// `or` / `not` and `min max clamp if coalesce`, where division by zero and missing values are
/// "no data" (`null`), never NaN.
#[napi]
pub struct Formula {
    inner: CoreFormula,
    /// The vocabulary's names in slot order.
    names: Vec<String>,
}

/// A plain object argument (not an array, not `null`).
fn object_arg<'e>(field: &str, v: Unknown<'e>) -> Fallible<Object<'e>> {
    let is_object = v.get_type().ok() == Some(napi::ValueType::Object);
    if !is_object || v.is_array().unwrap_or(true) {
        return Err(bad_arg(field, format!("`{field}` must be a plain object")));
    }
    Object::from_unknown(v).map_err(|e| bad_arg(field, e.reason.clone()))
}

/// A JavaScript value as a formula value: `null` / `undefined` → no data, a boolean, a finite
/// number (read as its shortest round-trip decimal, so `0.1` is exactly 0.1) or a decimal
/// string.
fn value_in(name: &str, v: Option<Unknown<'_>>) -> Fallible<Value> {
    let Some(v) = v else {
        return Ok(Value::NoData);
    };
    let unreadable = |e: Error| bad_arg(name, e.reason.clone());
    match v.get_type().map_err(unreadable)? {
        napi::ValueType::Undefined | napi::ValueType::Null => Ok(Value::NoData),
        // SAFETY (the three casts): the value's type was just checked.
        napi::ValueType::Boolean => Ok(Value::Bool(
            unsafe { v.cast::<bool>() }.map_err(unreadable)?,
        )),
        napi::ValueType::String => {
            let text = unsafe { v.cast::<String>() }.map_err(unreadable)?;
            Ok(Value::Number(decimal::from_text(name, name, &text)?))
        }
        napi::ValueType::Number => {
            let n = unsafe { v.cast::<f64>() }.map_err(unreadable)?;
            if !n.is_finite() {
                return Err(bad_arg(name, format!("`{name}` must be finite, got {n}")));
            }
            Ok(Value::Number(decimal::from_text(
                name,
                name,
                &n.to_string(),
            )?))
        }
        other => Err(bad_arg(
            name,
            format!("`{name}` must be a number, a decimal string, a boolean or null, got {other}"),
        )),
    }
}

#[napi]
impl Formula {
    /// Compiles `source` against `names` (name → `'number'` or `'bool'`), checking names, arity
    /// and types. An invalid formula throws `formula_invalid` with every problem in
    /// `err.problems` (each with `code`, `message`, `line`, `column`, maybe `suggestion`).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "string")] source: Arg<String>,
        #[napi(ts_arg_type = "Record<string, 'number' | 'bool'>")] names: Unknown<'_>,
        #[napi(ts_arg_type = "FormulaOptions | undefined | null")] options: Option<
            Opts<FormulaOptions>,
        >,
    ) -> Result<Self> {
        enter(&env, || {
            let source = source.get("source")?;
            let expected: ValueType = match optional_owned(options)?.and_then(|o| o.result) {
                Some(r) => named("result", &r)?,
                None => ValueType::Number,
            };
            let names = object_arg("names", names)?;
            let keys = Object::keys(&names).map_err(|e| bad_arg("names", e.reason.clone()))?;
            let mut vocabulary = Vec::with_capacity(keys.len());
            for key in keys {
                let t: String = names.get(&key).ok().flatten().ok_or_else(|| {
                    bad_arg(
                        &key,
                        format!("the type of `{key}` must be 'number' or 'bool'"),
                    )
                })?;
                let ty: ValueType = named(&key, &t)?;
                vocabulary.push((key, ty));
            }
            let names: Vec<String> = vocabulary.iter().map(|(n, _)| n.clone()).collect();
            let inner = CoreFormula::compile(&source, &MapResolver::new(vocabulary), expected)
                .map_err(Failure::Formula)?;
            Ok(Formula { inner, names })
        })
    }

    /// Evaluates with `values` (name → number, decimal string, boolean or null; a missing name
    /// is no data): a decimal string, a boolean, or `null` for no data. A value of the other
    /// type than its name's is no data, as in a scheme.
    #[napi(
        catch_unwind,
        ts_args_type = "values: Record<string, number | string | boolean | null | undefined>",
        ts_return_type = "Decimal | boolean | null"
    )]
    pub fn eval(&self, env: Env, values: Unknown<'_>) -> Result<Option<Either<String, bool>>> {
        enter(&env, || {
            let values = object_arg("values", values)?;
            let mut slots = Vec::with_capacity(self.names.len());
            for name in &self.names {
                // Own properties only: `constructor`, `toString` … of Object.prototype are not
                // values (a name `constructor` read the prototype's function: a formula audit).
                let own = values
                    .has_own_property(name)
                    .map_err(|e| bad_arg(name, e.reason.clone()))?;
                let v: Option<Unknown<'_>> = if own {
                    values
                        .get(name)
                        .map_err(|e| bad_arg(name, e.reason.clone()))?
                } else {
                    None
                };
                slots.push(value_in(name, v)?);
            }
            Ok(match self.inner.eval(&slots) {
                Value::NoData => None,
                Value::Bool(b) => Some(Either::B(b)),
                Value::Number(d) => Some(Either::A(d.normalize().to_string())),
            })
        })
    }

    /// The source text, as given.
    #[napi(getter, catch_unwind)]
    pub fn source(&self) -> String {
        self.inner.source().to_owned()
    }
}
