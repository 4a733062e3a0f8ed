//! `Tickets`: validated tickets (SPEC §3) loaded from plain objects, flat rows, JSON text or the
//! columnar fast path (`columns.rs`), strict or lenient, with every skipped ticket reported.

use std::sync::Arc;

use hotline_score::Unit as CoreUnit;
use hotline_score::clocks::{Evaluator as CoreEvaluator, TicketBatch};
use hotline_score::metrics::{Partial as CorePartial, Scope, partial_batch_parallel};
use hotline_score::ticket::{
    Assembler, Diagnostic, Loaded, LoadedBatch, Mode, Ticket, TicketSet as CoreTicketSet,
    TicketsRef, load_json_arrays, load_json_parallel, load_tickets,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use time::UtcOffset;

use crate::args::{Arg, Keys, Opts, Text, optional, optional_owned};
use crate::columns::{self, Owned, TicketColumns};
use crate::errors::{Fallible, bad_arg, enter, named};
use crate::external::External;
use crate::instant::parse_offset;
use crate::json;
use crate::rows;
use crate::sliced;
use crate::task::{Work, threads};

/// One row of the units table: every unit that is scored.
#[napi(object, object_from_js = false)]
#[derive(Clone, Debug, Default)]
pub struct Unit {
    /// The unit's id (a whole number is read as its digits: a database's integer key, as the
    /// events rows' `unit` reads it).
    #[napi(ts_type = "string")]
    pub unit: UnitKey,
    /// The group it is ranked in.
    pub group: String,
    /// Display name.
    pub name: Option<String>,
}

impl ValidateNapiValue for Unit {}

impl FromNapiValue for Unit {
    /// A units row, read as the other front ends read one: an unknown key (a misspelt `nmae`)
    /// is refused — it left the name empty without a word.
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let not_object = || {
            Error::new(
                Status::ObjectExpected,
                "a units row must be an object with `unit`, `group` and `name`",
            )
        };
        // SAFETY: `env` and `value` come from napi for this call; the cast follows the type.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        if unknown.get_type()? != ValueType::Object || unknown.is_array()? {
            return Err(not_object());
        }
        let object = unsafe { Object::from_napi_value(env, value)? };
        let keys = crate::args::key_names(&object, "units").map_err(|_| not_object())?;
        if let Some(key) = keys
            .iter()
            .find(|k| !matches!(k.as_str(), "unit" | "group" | "name"))
        {
            return Err(Error::new(
                Status::InvalidArg,
                format!("unknown units column `{key}`; the columns are unit, group, name"),
            ));
        }
        let missing = |field: &str| {
            Error::new(
                Status::InvalidArg,
                format!("Missing field `{field}` in a units row"),
            )
        };
        let group: Text = object.get("group")?.ok_or_else(|| missing("group"))?;
        let name: Option<Text> = object.get("name")?;
        Ok(Unit {
            unit: object.get("unit")?.ok_or_else(|| missing("unit"))?,
            group: group.into_string("a units row's `group`")?,
            name: name
                .map(|n| n.into_string("a units row's `name`"))
                .transpose()?,
        })
    }
}

/// A unit's id from JavaScript: a string, or a whole number written as its digits (up to
/// `Number.MAX_SAFE_INTEGER`); given back as a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitKey(pub String);

impl From<String> for UnitKey {
    fn from(id: String) -> Self {
        UnitKey(id)
    }
}

impl TypeName for UnitKey {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for UnitKey {}

impl FromNapiValue for UnitKey {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: the caller's contract, passed on.
        let text = unsafe { crate::args::text_or_number(env, value, "a unit id") }?;
        Ok(UnitKey(text.into_string("a unit id")?))
    }
}

impl ToNapiValue for UnitKey {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        // SAFETY: as for any string given back to napi.
        unsafe { String::to_napi_value(env, val.0) }
    }
}

/// The core's units table.
pub fn core_units(units: &[Unit]) -> Vec<CoreUnit> {
    units
        .iter()
        .map(|u| CoreUnit {
            id: u.unit.0.as_str().into(),
            group: u.group.clone(),
            name: u.name.clone().unwrap_or_default(),
        })
        .collect()
}

/// How to load tickets.
#[napi(object, object_to_js = false)]
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// The units table: events naming another unit are `unknown_unit` errors.
    pub units: Option<Vec<Unit>>,
    /// `strict` (default): the first bad ticket throws. `lenient`: bad tickets are skipped and
    /// each is reported in `diagnostics`.
    #[napi(ts_type = "'strict' | 'lenient'")]
    pub mode: Option<String>,
    /// `fromRows`: timestamps written without an offset (`2026-03-02 09:30:00`, as database
    /// exports write them) are local time in this offset (`'+08:00'`). Ticket objects, JSON and
    /// columns carry instants with offsets or in epoch ms: there it is an `invalid_argument`.
    pub local_offset: Option<String>,
}

impl Keys for LoadOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["units", "mode", "localOffset"];
}

/// How `toColumns` lays out the dictionaries.
#[napi(object, object_to_js = false)]
#[derive(Clone, Default)]
pub struct ColumnOptions {
    /// Every dictionary as `PackedStrings` (UTF-8 bytes and offsets) instead of an array of
    /// strings: the form `fromColumns` reads fastest.
    pub packed: Option<bool>,
}

impl Keys for ColumnOptions {
    const FIELD: &'static str = "options";
    const KEYS: &'static [&'static str] = &["packed"];
}

/// The parts of [`LoadOptions`] the core reads.
pub struct Load {
    units: Option<Vec<CoreUnit>>,
    mode: Mode,
    local: Option<UtcOffset>,
}

impl Load {
    fn read(options: Option<Opts<LoadOptions>>) -> Fallible<Load> {
        let o = optional_owned(options)?.unwrap_or_default();
        Ok(Load {
            units: o.units.as_deref().map(core_units),
            mode: match &o.mode {
                Some(m) => named("mode", m)?,
                None => Mode::Strict,
            },
            local: match &o.local_offset {
                Some(text) => Some(parse_offset(text).map_err(|_| {
                    bad_arg(
                        "localOffset",
                        format!("`localOffset` {text:?}: write it as '+08:00'"),
                    )
                })?),
                None => None,
            },
        })
    }

    /// An assembler for table rows with these options.
    pub fn assembler(&self) -> hotline_score::Result<Assembler> {
        let assembler = Assembler::new(self.units(), self.mode)?;
        Ok(match self.local {
            Some(offset) => assembler.with_local_offset(offset),
            None => assembler,
        })
    }

    /// The options of a form whose instants carry their offsets or are epoch ms (ticket
    /// objects, JSON, columns): refused with a `localOffset`, before any work (as every other
    /// bad option).
    fn read_absolute(options: Option<Opts<LoadOptions>>) -> Fallible<Load> {
        let load = Load::read(options)?;
        match load.local {
            Some(_) => Err(bad_arg(
                "localOffset",
                "`localOffset` applies to fromRows: ticket objects, JSON and columns carry \
                 instants with their offsets or in epoch milliseconds",
            )),
            None => Ok(load),
        }
    }

    /// The units table, if given.
    pub fn units(&self) -> Option<&[CoreUnit]> {
        self.units.as_deref()
    }

    /// Strict or lenient.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

/// Shared, immutable tickets for work on any thread (the core's `TicketSet`: owned tickets
/// or the compact batch aggregation runs on, the other form built on first use).
#[derive(Clone)]
pub struct TicketSet(Arc<CoreTicketSet>);

impl TicketSet {
    fn new(tickets: Vec<Ticket>) -> Self {
        TicketSet(Arc::new(CoreTicketSet::from_tickets(tickets)))
    }

    fn from_batch(batch: TicketBatch) -> Self {
        TicketSet(Arc::new(CoreTicketSet::from_batch(batch)))
    }

    /// The tickets, owned.
    pub fn tickets(&self) -> &[Ticket] {
        self.0.tickets()
    }

    /// The tickets in compact form.
    pub fn batch(&self) -> &TicketBatch {
        self.0.batch()
    }

    /// The tickets in the form the set holds (nothing built).
    pub fn held(&self) -> TicketsRef<'_> {
        self.0.held()
    }

    /// The number of tickets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The partial state for `scope` (through the batch; the same result as
    /// `metrics::partial` over the tickets).
    pub fn partial(&self, ev: &CoreEvaluator, scope: &Scope) -> hotline_score::Result<CorePartial> {
        partial_batch_parallel(self.0.batch(), ev, scope, threads())
    }
}

/// Validated tickets, held natively (evaluation and scoring read them without conversion), and
/// the diagnostics of the tickets lenient loading skipped.
#[napi(custom_finalize)]
pub struct Tickets {
    pub(crate) set: TicketSet,
    diagnostics: Arc<Vec<Diagnostic>>,
    /// The set's native memory as this object reported it to V8 (nothing for a handle that
    /// shares another's set).
    external: External,
}

impl ObjectFinalize for Tickets {
    fn finalize(self, env: Env) -> Result<()> {
        self.external.release(&env);
        Ok(())
    }
}

impl Tickets {
    fn of(set: TicketSet, diagnostics: Vec<Diagnostic>) -> Self {
        Tickets {
            set,
            diagnostics: Arc::new(diagnostics),
            external: External::default(),
        }
    }

    /// Reports the set's native memory to V8 (for a set this object made).
    fn reported(self, env: &Env) -> Self {
        self.external.set(env, self.set.0.heap_bytes());
        self
    }

    pub fn from_loaded(env: &Env, l: Loaded) -> Self {
        Self::of(TicketSet::new(l.tickets), l.diagnostics).reported(env)
    }

    pub fn into_js(env: &Env, l: Loaded) -> Result<Unknown<'_>> {
        Ok(Self::from_loaded(env, l).into_instance(env)?.to_unknown())
    }

    fn from_batch(env: &Env, l: LoadedBatch) -> Self {
        Self::of(TicketSet::from_batch(l.batch), l.diagnostics).reported(env)
    }

    fn batch_into_js(env: &Env, l: LoadedBatch) -> Result<Unknown<'_>> {
        Ok(Self::from_batch(env, l).into_instance(env)?.to_unknown())
    }

    /// Another handle to the same tickets (their memory is reported by their owner).
    pub fn share(&self) -> Self {
        Tickets {
            set: self.set.clone(),
            diagnostics: self.diagnostics.clone(),
            external: External::default(),
        }
    }

    /// Wraps tickets known to be valid (the synthetic generator's), not reported to V8.
    pub fn valid(tickets: Vec<Ticket>) -> Self {
        Self::of(TicketSet::new(tickets), Vec::new())
    }
}

/// An index of `slice` as `Array.prototype.slice` reads it (negative: from the end; clamped to
/// `0..=len`), refusing what is not a whole number.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn slice_index(field: &str, v: f64, len: usize) -> Fallible<usize> {
    if v.is_nan() || (v.is_finite() && v.fract() != 0.0) {
        return Err(bad_arg(
            field,
            format!("`{field}` must be a whole number, got {v}"),
        ));
    }
    // `len` is far below 2^53, so exact as a float; the clamped value is in `0..=len`.
    let len_f = len as f64;
    let at = if v < 0.0 {
        (len_f + v).max(0.0)
    } else {
        v.min(len_f)
    };
    Ok(at as usize)
}

/// `value` as a JavaScript array, or an error naming `field`.
fn js_array<'e>(field: &str, value: Unknown<'e>) -> Fallible<Object<'e>> {
    (value.get_type().ok() == Some(ValueType::Object))
        .then(|| Object::from_unknown(value).ok())
        .flatten()
        .filter(|o| o.is_array().unwrap_or(false))
        .ok_or_else(|| bad_arg(field, format!("`{field}` must be an array")))
}

/// The JSON text of a JavaScript array (`JSON.stringify`: a `Date` becomes RFC 3339 in UTC).
fn array_text(env: &Env, field: &str, value: Unknown<'_>) -> Fallible<String> {
    json::stringify_array(env, &js_array(field, value)?)
        .map_err(|e| bad_arg(field, e.reason.clone()))
}

/// A JavaScript array as JSON arrays of consecutive slices of it (`JSON.stringify`), for the
/// core to read on several threads.
fn array_slices(env: &Env, field: &str, value: Unknown<'_>) -> Fallible<Vec<String>> {
    json::stringify_slices(env, &js_array(field, value)?)
        .map_err(|e| bad_arg(field, e.reason.clone()))
}

/// Loads tickets given as JSON arrays of consecutive slices of one array.
pub fn load_slices(slices: &[String], load: &Load) -> Fallible<Loaded> {
    let slices: Vec<&str> = slices.iter().map(String::as_str).collect();
    Ok(load_json_arrays(
        &slices,
        load.units(),
        load.mode(),
        threads(),
    )?)
}

/// Loads JSON text (an array of tickets).
fn load_text(text: &str, load: &Load) -> Fallible<Loaded> {
    Ok(load_json_parallel(
        text,
        load.units(),
        load.mode(),
        threads(),
    )?)
}

/// Flat tables as plain row objects (SPEC §3.2a column names).
#[napi(object, object_to_js = false)]
pub struct TableRows<'a> {
    /// Tickets-table rows: `ticket_id, kind, urgency, channel, received_at`, other keys are
    /// attributes.
    #[napi(ts_type = "Array<Record<string, unknown>>")]
    pub tickets: Unknown<'a>,
    /// Events-table rows: `ticket_id, at, type, unit, role, reason, accepted, approved, amount,
    /// passed, satisfaction, resolved, event_id`.
    #[napi(ts_type = "Array<Record<string, unknown>>")]
    pub events: Unknown<'a>,
}

impl Keys for TableRows<'_> {
    const FIELD: &'static str = "tables";
    const KEYS: &'static [&'static str] = &["tickets", "events"];
}

fn from_rows(t: &str, e: &str, load: &Load) -> Fallible<Loaded> {
    rows::load(load.assembler()?, load.mode(), t, e)
}

#[napi]
impl Tickets {
    /// Loads an array of ticket objects (the JSON form of SPEC §3: fields, `attributes`,
    /// `events` as flat event objects; instants as RFC 3339 strings, `Date`s or epoch ms):
    /// the objects are turned into JSON 4096 at a time, one slice per turn of the event loop,
    /// then read off the JavaScript thread. Do not modify the array until the promise settles.
    #[napi(catch_unwind, ts_return_type = "Promise<Tickets>")]
    pub fn from_objects<'e>(
        env: &'e Env,
        #[napi(ts_arg_type = "Array<TicketObject>")] tickets: Unknown<'_>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Unknown<'e>> {
        let prepared =
            Load::read_absolute(options).and_then(|load| Ok((js_array("tickets", tickets)?, load)));
        let (array, load) = match prepared {
            Ok(p) => p,
            Err(failure) => return sliced::rejected(env, &failure),
        };
        sliced::read_then(
            env,
            vec![("tickets", array)],
            move |slices| load_slices(&slices.concat(), &load),
            Self::into_js,
        )
    }

    /// `fromObjects` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn from_objects_sync(
        env: Env,
        #[napi(ts_arg_type = "Array<TicketObject>")] tickets: Unknown<'_>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            let slices = array_slices(&env, "tickets", tickets)?;
            Ok(Self::from_loaded(
                &env,
                load_slices(&slices, &Load::read_absolute(options)?)?,
            ))
        })
    }

    /// Loads JSON text: an array of tickets (as `fromObjects`), off the JavaScript thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Tickets>")]
    pub fn from_json(
        #[napi(ts_arg_type = "string")] text: Text,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> AsyncTask<Work<Loaded>> {
        Work::after(
            Load::read_absolute(options),
            move |load| load_text(text.get("text")?, &load),
            Self::into_js,
        )
        .spawn()
    }

    /// `fromJson` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn from_json_sync(
        env: Env,
        #[napi(ts_arg_type = "string")] text: Text,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            Ok(Self::from_loaded(
                &env,
                load_text(text.get("text")?, &Load::read_absolute(options)?)?,
            ))
        })
    }

    /// Loads the flat tables of SPEC §3.2a given as row objects (`{ tickets, events }`; the
    /// rows of one ticket in time order, tickets may interleave): the rows are turned into
    /// JSON 4096 at a time, one slice per turn of the event loop, then read off the JavaScript
    /// thread. Do not modify the tables until the promise settles.
    #[napi(catch_unwind, ts_return_type = "Promise<Tickets>")]
    pub fn from_rows<'e>(
        env: &'e Env,
        #[napi(ts_arg_type = "TableRows")] tables: Opts<TableRows<'_>>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Unknown<'e>> {
        let prepared = tables.into_inner().and_then(|tables| {
            Ok((
                js_array("tickets", tables.tickets)?,
                js_array("events", tables.events)?,
                Load::read(options)?,
            ))
        });
        let (tickets, events, load) = match prepared {
            Ok(p) => p,
            Err(failure) => return sliced::rejected(env, &failure),
        };
        sliced::read_then(
            env,
            vec![("tickets", tickets), ("events", events)],
            move |slices| {
                let mut tables = slices.into_iter().map(json::join_slices);
                let (t, e) = (tables.next(), tables.next());
                from_rows(&t.unwrap_or_default(), &e.unwrap_or_default(), &load)
            },
            Self::into_js,
        )
    }

    /// `fromRows` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn from_rows_sync(
        env: Env,
        #[napi(ts_arg_type = "TableRows")] tables: Opts<TableRows<'_>>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            let tables = tables.into_inner()?;
            let t = array_text(&env, "tickets", tables.tickets)?;
            let e = array_text(&env, "events", tables.events)?;
            Ok(Self::from_loaded(
                &env,
                from_rows(&t, &e, &Load::read(options)?)?,
            ))
        })
    }

    /// The columnar fast path (see `TicketColumns`), off the JavaScript thread. The typed arrays
    /// are copied when the call is made (a buffer detached or changed afterwards does not
    /// affect the result); `fromColumnsSync` reads them in place.
    #[napi(catch_unwind, ts_return_type = "Promise<Tickets>")]
    pub fn from_columns(
        #[napi(ts_arg_type = "TicketColumns")] columns: Opts<TicketColumns>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> AsyncTask<Work<LoadedBatch>> {
        let prepared = columns
            .into_inner()
            .and_then(|columns| Ok((columns.owned(), Load::read_absolute(options)?)));
        Work::after(
            prepared,
            move |(columns, load)| columns::load(&columns, &load),
            Self::batch_into_js,
        )
        .spawn()
    }

    /// `fromColumns` on the JavaScript thread.
    #[napi(catch_unwind)]
    pub fn from_columns_sync(
        env: Env,
        #[napi(ts_arg_type = "TicketColumns")] columns: Opts<TicketColumns>,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            let columns = columns.into_inner()?;
            let load = Load::read_absolute(options)?;
            Ok(Self::from_batch(&env, columns::load(&columns, &load)?))
        })
    }

    /// Number of tickets loaded.
    #[napi(getter, catch_unwind)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.set.len()).unwrap_or(u32::MAX)
    }

    /// One entry per ticket lenient loading skipped: `code`, `ticket_id`, `event_index`,
    /// `field`, `row` (0-based row of the input table or array), `message`; `null` where there
    /// is none (an element that is no ticket object has no id), as in Python and the CLI.
    #[napi(getter, catch_unwind, ts_return_type = "Array<Diagnostic>")]
    pub fn diagnostics<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        /// A diagnostic with its fields in the core's order, `null` for absent text.
        #[derive(serde::Serialize)]
        struct Out<'a> {
            code: &'a str,
            ticket_id: Option<&'a str>,
            event_index: Option<usize>,
            field: Option<&'a str>,
            row: Option<usize>,
            message: &'a str,
        }
        fn known(s: &str) -> Option<&str> {
            Some(s).filter(|s| !s.is_empty())
        }
        let out: Vec<Out<'_>> = self
            .diagnostics
            .iter()
            .map(|d| Out {
                code: &d.code,
                ticket_id: known(&d.ticket_id),
                event_index: d.event_index,
                field: known(&d.field),
                row: d.row,
                message: &d.message,
            })
            .collect();
        json::plain(env, &out)
    }

    /// The ticket ids, in order.
    #[napi(catch_unwind)]
    pub fn ids(&self) -> Vec<String> {
        self.set.0.ids().into_iter().map(str::to_owned).collect()
    }

    /// Tickets `start..end` as a new `Tickets` (no diagnostics), as `Array.prototype.slice`
    /// counts: a negative index counts from the end (`slice(-2)` is the last two tickets),
    /// indices are clamped to `0..length` (`±Infinity` included), `end` defaults to `length`
    /// and `start` to 0, and `start >= end` gives no tickets. An index that is not a whole number
    /// (`1.5`, `NaN`) throws `invalid_argument`.
    #[napi(catch_unwind)]
    pub fn slice(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number | undefined | null")] start: Option<Arg<f64>>,
        #[napi(ts_arg_type = "number | undefined | null")] end: Option<Arg<f64>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            let len = self.set.len();
            let index = |field, v: Option<Arg<f64>>, default| match v {
                Some(v) => slice_index(field, v.get(field)?, len),
                None => Ok(default),
            };
            let start = index("start", start, 0)?;
            let end = index("end", end, len)?;
            Ok(Tickets::valid(
                self.set
                    .tickets()
                    .get(start..end.max(start))
                    .unwrap_or_default()
                    .to_vec(),
            )
            .reported(&env))
        })
    }

    /// The tickets as plain objects (the core's JSON form).
    #[napi(catch_unwind, ts_return_type = "Array<TicketOut>")]
    pub fn to_objects<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        json::plain_slices(env, self.set.len(), |range| self.set.0.json(range))
    }

    /// The tickets as the core's JSON text (byte-identical to Rust's `serde_json`).
    #[napi(catch_unwind)]
    pub fn to_json(&self, env: Env) -> Result<String> {
        enter(&env, || {
            json::string_text(&*self.set.0, "toObjects() or toColumns()")
        })
    }

    /// The flat tables (SPEC §3.2a) as row objects: `{ tickets, events }`. Every row has every
    /// column of its table; a cell the ticket or event has no value for is `null`.
    #[napi(
        catch_unwind,
        ts_return_type = "{ tickets: Array<Record<string, string | null>>, events: Array<Record<string, string | null>> }"
    )]
    pub fn to_rows<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        let attributes = self.set.batch().attribute_names();
        let mut rows = Vec::with_capacity(self.set.len());
        let mut e_rows = Vec::new();
        for t in self.set.tickets() {
            let (row, ers) = t.to_rows();
            rows.push(row);
            e_rows.extend(ers);
        }
        let t_rows: Vec<_> = rows.iter().map(|r| r.with_columns(&attributes)).collect();
        // Each table goes through JSON in slices, so no text outgrows a JavaScript string.
        let mut tables = Object::new(env)?;
        tables.set_named_property("events", json::plain_array(env, &e_rows)?)?;
        tables.set_named_property("tickets", json::plain_array(env, &t_rows)?)?;
        Ok(tables.to_unknown())
    }

    /// The columnar form (`fromColumns` reads it back): typed arrays and dictionaries, as
    /// arrays of strings or, with `{ packed: true }`, as `PackedStrings`.
    #[napi(
        catch_unwind,
        ts_generic_types = "P extends boolean = false",
        ts_args_type = "options?: ColumnOptions & { packed?: P }",
        ts_return_type = "P extends true ? PackedColumns : StringColumns"
    )]
    pub fn to_columns(
        &self,
        env: Env,
        options: Option<Opts<ColumnOptions>>,
    ) -> Result<TicketColumns> {
        enter(&env, || {
            let packed = optional(options.as_ref())?
                .and_then(|o| o.packed)
                .unwrap_or(false);
            // The attribute columns are an object keyed by name, where `__proto__` would set the
            // object's prototype instead and the column would be lost (a Node audit).
            if let Some(name) = self
                .set
                .batch()
                .attribute_names()
                .iter()
                .find(|n| **n == "__proto__")
            {
                return Err(bad_arg(
                    "attributes",
                    format!(
                        "an attribute named `{name}` cannot be a key of the columns' attributes \
                         object (JavaScript reads it as the prototype): use toRows() or toObjects()"
                    ),
                ));
            }
            Ok(columns::dump(self.set.batch(), packed))
        })
    }

    /// Validates typed tickets again (e.g. against a units table) and keeps the valid ones.
    #[napi(catch_unwind)]
    pub fn validate(
        &self,
        env: Env,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Opts<LoadOptions>>,
    ) -> Result<Tickets> {
        enter(&env, || {
            let load = Load::read_absolute(options)?;
            let loaded = load_tickets(self.set.tickets().to_vec(), load.units(), load.mode())?;
            Ok(Self::from_loaded(&env, loaded))
        })
    }
}
