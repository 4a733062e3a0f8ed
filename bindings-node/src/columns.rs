//! The columnar fast path: the flat tables of SPEC §3.2a as typed arrays with
//! dictionary-encoded strings, read without a JavaScript object per row.
//!
//! Every text column (`ticket_id`, `kind`, `urgency`, `channel`, `type`, `unit`, `role`,
//! `reason`, `amount`, `satisfaction`, `event_id`, attributes) is a `Uint8Array`,
//! `Uint16Array` or `Uint32Array` of codes into `dictionaries.<column>` (attributes:
//! `dictionaries.attributes.<name>`); the largest value of the array type (255, 65535,
//! 4294967295) means "absent". A dictionary is an array of strings, or the same strings packed
//! (`PackedStrings`: UTF-8 bytes and offsets, Arrow's `utf8` layout), which is read in place —
//! the form for columns of distinct values such as `event_id`. Instants (`at`, `received_at`) are `Float64Array`s of epoch
//! milliseconds, `NaN` = absent. Booleans (`accepted`, `approved`, `passed`, `resolved`) are
//! `Uint8Array`s: 0 false, 1 true, 255 absent. Rows of one ticket are in time order; the
//! cells then go through the core's table reader (`Assembler`), so validation, codes and
//! lenient reporting are exactly those of the row tables.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use hotline_score::clocks::TicketBatch;
use hotline_score::ticket::{
    EventRow, EventRowRef, InstantCell, LoadedBatch, TicketRow, TicketRowRef,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{Text, key_names, object_of};
use crate::errors::{Failure, Fallible, bad_arg};
use crate::task::threads;
use crate::ticket::Load;

/// Dictionary codes of one column.
pub type Codes = Either3<Uint8Array, Uint16Array, Uint32Array>;

/// The tickets table, one entry per ticket.
#[napi(object)]
pub struct TicketTable {
    /// Codes into `dictionaries.ticket_id`.
    #[napi(js_name = "ticket_id")]
    pub ticket_id: Codes,
    /// Codes into `dictionaries.kind`.
    pub kind: Codes,
    /// Codes into `dictionaries.urgency` (absent: `normal`).
    pub urgency: Option<Codes>,
    /// Codes into `dictionaries.channel`.
    pub channel: Option<Codes>,
    /// Epoch milliseconds.
    #[napi(js_name = "received_at")]
    pub received_at: Float64Array,
    /// Attribute columns by name: codes into `dictionaries.attributes[name]`.
    pub attributes: Option<BTreeMap<String, Codes>>,
}

/// The events table, one entry per event.
#[napi(object)]
pub struct EventTable {
    /// Codes into `dictionaries.ticket_id`.
    #[napi(js_name = "ticket_id")]
    pub ticket_id: Codes,
    /// Epoch milliseconds.
    pub at: Float64Array,
    /// Codes into `dictionaries.type`.
    #[napi(js_name = "type")]
    pub event_type: Codes,
    /// Codes into `dictionaries.unit`.
    pub unit: Option<Codes>,
    /// Codes into `dictionaries.role`.
    pub role: Option<Codes>,
    /// Codes into `dictionaries.reason`.
    pub reason: Option<Codes>,
    /// 0 false, 1 true, 255 absent.
    pub accepted: Option<Uint8Array>,
    /// 0 false, 1 true, 255 absent.
    pub approved: Option<Uint8Array>,
    /// Codes into `dictionaries.amount`.
    pub amount: Option<Codes>,
    /// 0 false, 1 true, 255 absent.
    pub passed: Option<Uint8Array>,
    /// Codes into `dictionaries.satisfaction`.
    pub satisfaction: Option<Codes>,
    /// 0 false, 1 true, 255 absent.
    pub resolved: Option<Uint8Array>,
    /// Codes into `dictionaries.event_id`.
    #[napi(js_name = "event_id")]
    pub event_id: Option<Codes>,
}

/// Strings packed in Arrow's `utf8` layout: string `i` is the UTF-8 text
/// `data[offsets[i]..offsets[i + 1]]`, so `n` strings have `n + 1` offsets, in ascending order.
/// Read in place: no JavaScript string per entry.
#[napi(object)]
pub struct PackedStrings {
    /// `n + 1` byte offsets into `data`, ascending (an Arrow `Utf8` vector's `valueOffsets`).
    pub offsets: Either<Int32Array, Uint32Array>,
    /// The UTF-8 bytes (a `Buffer` or `Uint8Array`; an Arrow vector's `values`).
    pub data: Uint8Array,
}

/// A dictionary: an array of strings, or the same strings packed.
pub type Strings = Either<Vec<Text>, PackedStrings>;

/// The strings the codes refer to, per column.
#[napi(object)]
pub struct Dictionaries {
    #[napi(js_name = "ticket_id")]
    pub ticket_id: Strings,
    pub kind: Option<Strings>,
    pub urgency: Option<Strings>,
    pub channel: Option<Strings>,
    #[napi(js_name = "type")]
    pub event_type: Option<Strings>,
    pub unit: Option<Strings>,
    pub role: Option<Strings>,
    pub reason: Option<Strings>,
    pub amount: Option<Strings>,
    pub satisfaction: Option<Strings>,
    #[napi(js_name = "event_id")]
    pub event_id: Option<Strings>,
    /// Per attribute name.
    pub attributes: Option<BTreeMap<String, Strings>>,
}

/// Tickets and events as typed arrays with dictionary-encoded strings: text columns are codes
/// into `dictionaries` (the array type's largest value = absent), instants `Float64Array` epoch
/// ms (`NaN` = absent), booleans `Uint8Array` 0/1/255 (README, "Node quick start").
#[napi(object)]
pub struct TicketColumns {
    pub tickets: TicketTable,
    pub events: EventTable,
    pub dictionaries: Dictionaries,
}

/// Columns whose typed arrays the binding owns (copied; the strings already are): what an
/// async load reads off the JavaScript thread. The caller's arrays are read in place only
/// while JavaScript waits (the sync twin): an `ArrayBuffer` can be detached
/// (`structuredClone(buf, { transfer })`, `postMessage`) while a worker reads it, and its
/// memory freed when its new owner is collected, which crashed the process (a concurrency
/// audit, 2026-12-02).
pub trait Owned {
    /// The columns with owned arrays; the caller's are let go here (on the JavaScript thread).
    fn owned(self) -> Self;
}

macro_rules! owned_typed_array {
    ($($t:ty),*) => {$(
        impl Owned for $t {
            fn owned(self) -> Self {
                <$t>::new(self.to_vec())
            }
        }
    )*};
}

owned_typed_array!(
    Uint8Array,
    Uint16Array,
    Uint32Array,
    Int32Array,
    Float64Array
);

impl<A: Owned, B: Owned> Owned for Either<A, B> {
    fn owned(self) -> Self {
        match self {
            Either::A(a) => Either::A(a.owned()),
            Either::B(b) => Either::B(b.owned()),
        }
    }
}

impl<A: Owned, B: Owned, C: Owned> Owned for Either3<A, B, C> {
    fn owned(self) -> Self {
        match self {
            Either3::A(a) => Either3::A(a.owned()),
            Either3::B(b) => Either3::B(b.owned()),
            Either3::C(c) => Either3::C(c.owned()),
        }
    }
}

impl<T: Owned> Owned for Option<T> {
    fn owned(self) -> Self {
        self.map(Owned::owned)
    }
}

impl<T: Owned> Owned for BTreeMap<String, T> {
    fn owned(self) -> Self {
        self.into_iter().map(|(k, v)| (k, v.owned())).collect()
    }
}

/// Strings converted from JavaScript when the call was made: Rust's already.
impl Owned for Vec<Text> {
    fn owned(self) -> Self {
        self
    }
}

impl Owned for PackedStrings {
    fn owned(self) -> Self {
        PackedStrings {
            offsets: self.offsets.owned(),
            data: self.data.owned(),
        }
    }
}

impl Owned for TicketColumns {
    fn owned(self) -> Self {
        let TicketColumns {
            tickets: t,
            events: e,
            dictionaries: d,
        } = self;
        TicketColumns {
            tickets: TicketTable {
                ticket_id: t.ticket_id.owned(),
                kind: t.kind.owned(),
                urgency: t.urgency.owned(),
                channel: t.channel.owned(),
                received_at: t.received_at.owned(),
                attributes: t.attributes.owned(),
            },
            events: EventTable {
                ticket_id: e.ticket_id.owned(),
                at: e.at.owned(),
                event_type: e.event_type.owned(),
                unit: e.unit.owned(),
                role: e.role.owned(),
                reason: e.reason.owned(),
                accepted: e.accepted.owned(),
                approved: e.approved.owned(),
                amount: e.amount.owned(),
                passed: e.passed.owned(),
                satisfaction: e.satisfaction.owned(),
                resolved: e.resolved.owned(),
                event_id: e.event_id.owned(),
            },
            dictionaries: Dictionaries {
                ticket_id: d.ticket_id.owned(),
                kind: d.kind.owned(),
                urgency: d.urgency.owned(),
                channel: d.channel.owned(),
                event_type: d.event_type.owned(),
                unit: d.unit.owned(),
                role: d.role.owned(),
                reason: d.reason.owned(),
                amount: d.amount.owned(),
                satisfaction: d.satisfaction.owned(),
                event_id: d.event_id.owned(),
                attributes: d.attributes.owned(),
            },
        }
    }
}

impl crate::args::Keys for TicketColumns {
    const FIELD: &'static str = "columns";
    const KEYS: &'static [&'static str] = &["tickets", "events", "dictionaries"];

    /// `events.type` for napi-rs's `… on EventTable.type on TicketColumns.events`.
    fn field_of(reason: &str) -> Option<(String, &'static str)> {
        let (_, inner) = reason.split_once(" on ")?;
        let inner = inner.split(" on ").next()?;
        let (table, column) = inner.split_once('.')?;
        let table = match table {
            "TicketTable" => "tickets",
            "EventTable" => "events",
            "Dictionaries" => "dictionaries",
            _ => return None,
        };
        let takes = match (table, column) {
            ("dictionaries", _) => "an array of strings or PackedStrings",
            (_, "at" | "received_at") => "a Float64Array of epoch milliseconds",
            (_, "accepted" | "approved" | "passed" | "resolved") => {
                "a Uint8Array (0 false, 1 true, 255 absent)"
            }
            (_, "attributes") => "an object of code arrays by attribute name",
            _ => "a Uint8Array, Uint16Array or Uint32Array of dictionary codes",
        };
        Some((format!("{table}.{column}"), takes))
    }

    /// A misspelt column (`urgncy`) would leave the column absent and its data unread, so the
    /// tables' and dictionaries' keys are checked as the options' are; an attribute named like
    /// a tickets-table column would stand for it in the row form.
    fn check_nested(object: &Object<'_>) -> Fallible<()> {
        // The flat tables' columns (the core's), typed arrays here; dictionaries for the text
        // columns (not instants or booleans), attributes in their own object.
        let not_text = [
            "received_at",
            "at",
            "accepted",
            "approved",
            "passed",
            "resolved",
        ];
        let tickets: Vec<&str> = TicketRow::COLUMNS
            .into_iter()
            .chain(["attributes"])
            .collect();
        let events: Vec<&str> = EventRow::COLUMNS.to_vec();
        let dictionaries: Vec<&str> = TicketRow::COLUMNS
            .into_iter()
            .chain(EventRow::COLUMNS.into_iter().skip(1))
            .filter(|c| !not_text.contains(c))
            .chain(["attributes"])
            .collect();
        let nested = |name: &str| -> Fallible<Option<Unknown<'_>>> {
            let field = format!("columns.{name}");
            let value: Option<Unknown<'_>> = object
                .get(name)
                .map_err(|e| bad_arg(&field, format!("`{field}`: {}", e.reason)))?;
            Ok(value
                .filter(|v| !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))))
        };
        for (name, keys) in [
            ("tickets", &tickets),
            ("events", &events),
            ("dictionaries", &dictionaries),
        ] {
            // Each table is required: `null` or a missing one is named here (its conversion
            // below would fail on a property read instead, naming a column of it).
            let Some(table) = nested(name)? else {
                return Err(bad_arg(
                    name,
                    format!("`columns.{name}` must be an object (the {name} table)"),
                ));
            };
            let table = object_of(&table, name)?;
            let names = key_names(&table, name)?;
            refuse_detached(&table, &names, name)?;
            if let Some(key) = names.into_iter().find(|k| !keys.contains(&k.as_str())) {
                return Err(bad_arg(
                    &format!("{name}.{key}"),
                    format!(
                        "`columns.{name}` has no column `{key}` (its columns: {})",
                        keys.join(", ")
                    ),
                ));
            }
            if name == "events" {
                continue;
            }
            let attributes: Option<Unknown<'_>> = table
                .get("attributes")
                .map_err(|e| bad_arg(name, format!("`{name}`: {}", e.reason)))?;
            let field = format!("{name}.attributes");
            let Some(attributes) = attributes
                .filter(|v| !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
            else {
                continue;
            };
            // Anything but a plain object of columns (a number, a `Map`) held no column napi
            // could read: every ticket loaded without attributes (a Node audit).
            let plain = attributes.get_type().ok() == Some(ValueType::Object)
                && !is_map_or_set(&attributes, &field)?;
            if !plain {
                return Err(bad_arg(
                    &field,
                    format!("`{field}` must be a plain object of columns (name → codes)"),
                ));
            }
            let attributes = object_of(&attributes, &field)?;
            let names = key_names(&attributes, &field)?;
            refuse_detached(&attributes, &names, &field)?;
            if let Some(fixed) = names
                .into_iter()
                .find(|k| TicketRow::COLUMNS.contains(&k.as_str()))
            {
                return Err(bad_arg(
                    &format!("{field}.{fixed}"),
                    format!(
                        "`{field}.{fixed}`: an attribute cannot be named like a tickets-table \
                         column ({})",
                        TicketRow::COLUMNS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Refuses a typed array among `object`'s properties `names` (`field`: the object's name),
/// or among those of a packed-strings object there, whose `ArrayBuffer` was detached
/// (transferred with `postMessage` or `structuredClone(…, { transfer })`): it reads as an
/// empty array, and a table of such columns loaded as no tickets at all, silently.
fn refuse_detached(object: &Object<'_>, names: &[String], field: &str) -> Fallible<()> {
    for name in names {
        let at = format!("{field}.{name}");
        let value: Unknown<'_> = object
            .get_named_property(name)
            .map_err(|e| bad_arg(&at, format!("`{at}`: {}", e.reason)))?;
        if is_detached(&value) {
            return Err(bad_arg(
                &at,
                format!(
                    "`columns.{at}` is a typed array whose ArrayBuffer was detached \
                     (transferred to a worker?): it holds no data"
                ),
            ));
        }
        let packed = value.get_type().ok() == Some(ValueType::Object)
            && !value.is_typedarray().unwrap_or(true)
            && !value.is_array().unwrap_or(true);
        if packed && let Ok(inner) = object_of(&value, &at) {
            refuse_detached(&inner, &["offsets".to_owned(), "data".to_owned()], &at)?;
        }
    }
    Ok(())
}

/// Whether `value` is a typed array over a detached `ArrayBuffer`.
fn is_detached(value: &Unknown<'_>) -> bool {
    if !value.is_typedarray().unwrap_or(false) {
        return false;
    }
    let raw = value.value();
    let mut kind = sys::TypedarrayType::uint8_array;
    let mut length = 0;
    let mut data = std::ptr::null_mut();
    let mut buffer = std::ptr::null_mut();
    let mut offset = 0;
    let mut detached = false;
    // SAFETY: `raw` is a live typed array of this call's environment; the out-parameters are
    // valid locals.
    unsafe {
        sys::napi_get_typedarray_info(
            raw.env,
            raw.value,
            &mut kind,
            &mut length,
            &mut data,
            &mut buffer,
            &mut offset,
        ) == sys::Status::napi_ok
            && sys::napi_is_detached_arraybuffer(raw.env, buffer, &mut detached)
                == sys::Status::napi_ok
            && detached
    }
}

/// A code column, borrowed.
#[derive(Clone, Copy)]
enum Slice<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
}

impl<'a> Slice<'a> {
    fn of(c: &'a Codes) -> Self {
        match c {
            Either3::A(a) => Slice::U8(a),
            Either3::B(b) => Slice::U16(b),
            Either3::C(c) => Slice::U32(c),
        }
    }

    fn len(self) -> usize {
        match self {
            Slice::U8(s) => s.len(),
            Slice::U16(s) => s.len(),
            Slice::U32(s) => s.len(),
        }
    }

    /// The code at `i`; `None` for the absent marker (or past the end).
    fn get(self, i: usize) -> Option<u32> {
        match self {
            Slice::U8(s) => s.get(i).filter(|v| **v != u8::MAX).map(|v| u32::from(*v)),
            Slice::U16(s) => s.get(i).filter(|v| **v != u16::MAX).map(|v| u32::from(*v)),
            Slice::U32(s) => s.get(i).filter(|v| **v != u32::MAX).copied(),
        }
    }
}

/// A dictionary, borrowed and checked.
#[derive(Clone, Copy)]
enum Dict<'a> {
    List(&'a [Text]),
    /// Packed: the text from the first offset to the last, and the offsets.
    Packed {
        text: &'a str,
        offsets: Offsets<'a>,
    },
}

/// The offsets of packed strings.
#[derive(Clone, Copy)]
enum Offsets<'a> {
    I32(&'a [i32]),
    U32(&'a [u32]),
}

impl Offsets<'_> {
    fn len(self) -> usize {
        match self {
            Offsets::I32(o) => o.len(),
            Offsets::U32(o) => o.len(),
        }
    }

    /// Offset `i` as a byte position (`None` past the end, or negative).
    fn get(self, i: usize) -> Option<usize> {
        match self {
            Offsets::I32(o) => o.get(i).and_then(|v| usize::try_from(*v).ok()),
            Offsets::U32(o) => o.get(i).map(|v| *v as usize),
        }
    }
}

impl<'a> Dict<'a> {
    /// Borrows `strings`; packed strings must have ascending offsets within `data`, each at
    /// the start of a character of valid UTF-8 (`field` names the dictionary in errors).
    fn of(strings: &'a Strings, field: &str) -> Fallible<Self> {
        let packed = match strings {
            Either::A(list) => {
                // A broken string would otherwise be read as U+FFFD, silently.
                if let Some((i, at)) = list
                    .iter()
                    .enumerate()
                    .find_map(|(i, t)| Some((i, t.broken_at()?)))
                {
                    return Err(bad_arg(
                        field,
                        format!(
                            "`{field}` entry {i} has a lone surrogate (half of a UTF-16 pair: \
                             a broken character) at index {at}"
                        ),
                    ));
                }
                return Ok(Dict::List(list));
            }
            Either::B(p) => p,
        };
        let offsets = match &packed.offsets {
            Either::A(o) => Offsets::I32(o),
            Either::B(o) => Offsets::U32(o),
        };
        let bad = |message: String| bad_arg(field, format!("`{field}`: {message}"));
        if offsets.len() == 0 {
            return Err(bad("packed strings need n + 1 offsets, got none".into()));
        }
        let data: &[u8] = &packed.data;
        let mut last = 0;
        for i in 0..offsets.len() {
            let problem = match offsets.get(i) {
                None => "is negative".to_owned(),
                Some(at) if at < last => format!("({at}) is below the offset before it ({last})"),
                Some(at) if at > data.len() => {
                    format!("({at}) is past the {} bytes of `data`", data.len())
                }
                Some(at) => {
                    last = at;
                    continue;
                }
            };
            return Err(bad(format!("offset {i} {problem}")));
        }
        let first = offsets.get(0).unwrap_or_default();
        let bytes = data.get(first..last).unwrap_or_default();
        let text = std::str::from_utf8(bytes).map_err(|e| match e.error_len() {
            // The text ends inside a character: the last offset splits it.
            None => bad(format!(
                "offset {} splits a UTF-8 character",
                offsets.len().saturating_sub(1)
            )),
            Some(_) => bad(format!(
                "`data` is not UTF-8 at byte {}",
                first.saturating_add(e.valid_up_to())
            )),
        })?;
        let split = (0..offsets.len()).find(|&i| {
            let at = offsets.get(i).unwrap_or(first).saturating_sub(first);
            !text.is_char_boundary(at)
        });
        if let Some(i) = split {
            return Err(bad(format!("offset {i} splits a UTF-8 character")));
        }
        Ok(Dict::Packed { text, offsets })
    }

    /// Number of strings.
    fn len(self) -> usize {
        match self {
            Dict::List(l) => l.len(),
            Dict::Packed { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// String `i` (checked by [`Dict::of`]).
    fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Dict::List(l) => l.get(i).and_then(Text::as_str),
            Dict::Packed { text, offsets } => {
                let base = offsets.get(0)?;
                let start = offsets.get(i)?.checked_sub(base)?;
                let end = offsets.get(i.checked_add(1)?)?.checked_sub(base)?;
                text.get(start..end)
            }
        }
    }
}

/// A text column: codes and their dictionary.
struct Column<'a> {
    name: String,
    codes: Option<Slice<'a>>,
    dict: Dict<'a>,
}

impl<'a> Column<'a> {
    fn new(
        table: &str,
        name: &str,
        codes: Option<&'a Codes>,
        dict: Option<&'a Strings>,
        rows: usize,
    ) -> Fallible<Self> {
        let field = format!("{table}.{name}");
        let dict_field = match table {
            "tickets.attributes" => format!("dictionaries.attributes.{name}"),
            _ => format!("dictionaries.{name}"),
        };
        let codes = codes.map(Slice::of);
        if let Some(c) = codes {
            if c.len() != rows {
                return Err(bad_arg(
                    &field,
                    format!("column `{field}` has {} entries, expected {rows}", c.len()),
                ));
            }
            if dict.is_none() {
                return Err(bad_arg(
                    &field,
                    format!("column `{field}` has no dictionary `{dict_field}`"),
                ));
            }
        }
        let dict = match dict {
            Some(d) if codes.is_some() => Dict::of(d, &dict_field)?,
            _ => Dict::List(&[]),
        };
        Ok(Column {
            name: field,
            codes,
            dict,
        })
    }

    /// The first row whose code is not in the dictionary, with its error.
    fn first_bad(&self) -> Option<(usize, Failure)> {
        let codes = self.codes?;
        let n = self.dict.len();
        let row = (0..codes.len()).find(|&i| codes.get(i).is_some_and(|c| c as usize >= n))?;
        let code = codes.get(row).unwrap_or_default();
        Some((
            row,
            bad_arg(
                &self.name,
                format!(
                    "`{}` row {row}: code {code} is not in its dictionary ({n} entries)",
                    self.name
                ),
            ),
        ))
    }

    /// The cell of row `i` (codes checked by [`Column::first_bad`]; an unchecked bad code reads
    /// as absent).
    fn cell(&self, i: usize) -> Option<&'a str> {
        let code = self.codes.and_then(|c| c.get(i))?;
        self.dict.get(code as usize)
    }
}

fn floats<'a>(table: &str, name: &str, v: &'a Float64Array, rows: usize) -> Fallible<&'a [f64]> {
    if v.len() == rows {
        Ok(v)
    } else {
        let field = format!("{table}.{name}");
        Err(bad_arg(
            &field,
            format!("column `{field}` has {} entries, expected {rows}", v.len()),
        ))
    }
}

struct Flags<'a> {
    name: &'static str,
    values: Option<&'a [u8]>,
}

impl<'a> Flags<'a> {
    fn new(name: &'static str, v: Option<&'a Uint8Array>, rows: usize) -> Fallible<Self> {
        if let Some(v) = v
            && v.len() != rows
        {
            return Err(bad_arg(
                &format!("events.{name}"),
                format!(
                    "column `events.{name}` has {} entries, expected {rows}",
                    v.len()
                ),
            ));
        }
        Ok(Flags {
            name,
            values: v.map(|v| &**v),
        })
    }

    /// The first row holding a value other than 0, 1 and 255, with its error.
    fn first_bad(&self) -> Option<(usize, Failure)> {
        let values = self.values?;
        let row = values.iter().position(|v| !matches!(v, 0 | 1 | 255))?;
        let other = values.get(row).copied().unwrap_or_default();
        Some((
            row,
            bad_arg(
                &format!("events.{}", self.name),
                format!(
                    "`events.{}` row {row}: {other} is not 0 (false), 1 (true) or 255 (absent)",
                    self.name
                ),
            ),
        ))
    }

    /// The cell of row `i` (values checked by [`Flags::first_bad`]).
    fn cell(&self, i: usize) -> Option<&'static str> {
        match self.values.and_then(|v| v.get(i)) {
            Some(0) => Some("false"),
            Some(1) => Some("true"),
            _ => None,
        }
    }
}

/// An instant cell: `NaN` is absent, a whole number epoch milliseconds, anything else its
/// text in `buf` (which the core refuses as a malformed timestamp).
fn instant_cell(v: f64, buf: &mut String) -> InstantCell<'_> {
    if v.is_nan() {
        return InstantCell::Text("");
    }
    if let Some(ms) = crate::errors::safe_whole(v) {
        return InstantCell::Millis(ms);
    }
    buf.clear();
    let _ = write!(buf, "{v}");
    InstantCell::Text(buf)
}

/// The error of the earliest bad cell among `columns`' first bad cells (the first column wins
/// a tie): the cell a row-by-row reader would meet first.
fn check_cells(columns: impl Iterator<Item = Option<(usize, Failure)>>) -> Fallible<()> {
    let mut first: Option<(usize, Failure)> = None;
    for (row, e) in columns.flatten() {
        if first.as_ref().is_none_or(|(r, _)| row < *r) {
            first = Some((row, e));
        }
    }
    match first {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Reads the columns and loads the tickets (see the module docs).
pub fn load(c: &TicketColumns, opts: &Load) -> Fallible<LoadedBatch> {
    let d = &c.dictionaries;
    let t = &c.tickets;
    let n = Slice::of(&t.ticket_id).len();
    let tid = Column::new(
        "tickets",
        "ticket_id",
        Some(&t.ticket_id),
        Some(&d.ticket_id),
        n,
    )?;
    let kind = Column::new("tickets", "kind", Some(&t.kind), d.kind.as_ref(), n)?;
    let urgency = Column::new(
        "tickets",
        "urgency",
        t.urgency.as_ref(),
        d.urgency.as_ref(),
        n,
    )?;
    let channel = Column::new(
        "tickets",
        "channel",
        t.channel.as_ref(),
        d.channel.as_ref(),
        n,
    )?;
    let received = floats("tickets", "received_at", &t.received_at, n)?;
    let no_dicts = BTreeMap::new();
    let attr_dicts = d.attributes.as_ref().unwrap_or(&no_dicts);
    let mut attrs = Vec::new();
    for (name, codes) in t.attributes.iter().flatten() {
        let col = Column::new(
            "tickets.attributes",
            name,
            Some(codes),
            attr_dicts.get(name),
            n,
        )?;
        attrs.push((name.as_str(), col));
    }
    let mut assembler = opts.assembler()?.with_threads(threads());
    assembler.reserve(n, Slice::of(&c.events.ticket_id).len());
    let mut columns = vec![&tid, &kind, &urgency, &channel];
    columns.extend(attrs.iter().map(|(_, c)| c));
    check_cells(columns.iter().map(|c| c.first_bad()))?;
    assembler.add_tickets_parallel(n, |range, sink| {
        let mut buf = String::new();
        let mut attributes = Vec::with_capacity(attrs.len());
        for i in range {
            attributes.clear();
            for (name, col) in &attrs {
                if let Some(v) = col.cell(i).filter(|v| !v.is_empty()) {
                    attributes.push((*name, v));
                }
            }
            sink(&TicketRowRef {
                ticket_id: tid.cell(i).unwrap_or_default(),
                kind: kind.cell(i).unwrap_or_default(),
                urgency: urgency.cell(i),
                channel: channel.cell(i),
                received_at: instant_cell(received.get(i).copied().unwrap_or(f64::NAN), &mut buf),
                attributes: &attributes,
            });
        }
    });
    let e = &c.events;
    let m = Slice::of(&e.ticket_id).len();
    fn text<'a>(
        name: &str,
        codes: Option<&'a Codes>,
        dict: Option<&'a Strings>,
        m: usize,
    ) -> Fallible<Column<'a>> {
        Column::new("events", name, codes, dict, m)
    }
    let etid = text("ticket_id", Some(&e.ticket_id), Some(&d.ticket_id), m)?;
    let at = floats("events", "at", &e.at, m)?;
    let ty = text("type", Some(&e.event_type), d.event_type.as_ref(), m)?;
    let unit = text("unit", e.unit.as_ref(), d.unit.as_ref(), m)?;
    let role = text("role", e.role.as_ref(), d.role.as_ref(), m)?;
    let reason = text("reason", e.reason.as_ref(), d.reason.as_ref(), m)?;
    let amount = text("amount", e.amount.as_ref(), d.amount.as_ref(), m)?;
    let satisfaction = text(
        "satisfaction",
        e.satisfaction.as_ref(),
        d.satisfaction.as_ref(),
        m,
    )?;
    let event_id = text("event_id", e.event_id.as_ref(), d.event_id.as_ref(), m)?;
    let accepted = Flags::new("accepted", e.accepted.as_ref(), m)?;
    let approved = Flags::new("approved", e.approved.as_ref(), m)?;
    let passed = Flags::new("passed", e.passed.as_ref(), m)?;
    let resolved = Flags::new("resolved", e.resolved.as_ref(), m)?;
    let texts = [
        &etid,
        &ty,
        &unit,
        &role,
        &reason,
        &amount,
        &satisfaction,
        &event_id,
    ];
    let flags = [&accepted, &approved, &passed, &resolved];
    check_cells(
        texts
            .iter()
            .map(|c| c.first_bad())
            .chain(flags.iter().map(|f| f.first_bad())),
    )?;
    assembler.add_events_parallel(m, |range, sink| {
        let mut buf = String::new();
        for i in range {
            sink(&EventRowRef {
                ticket_id: etid.cell(i).unwrap_or_default(),
                at: instant_cell(at.get(i).copied().unwrap_or(f64::NAN), &mut buf),
                event_type: ty.cell(i).unwrap_or_default(),
                unit: unit.cell(i),
                role: role.cell(i),
                reason: reason.cell(i),
                accepted: accepted.cell(i),
                approved: approved.cell(i),
                amount: amount.cell(i),
                passed: passed.cell(i),
                satisfaction: satisfaction.cell(i),
                resolved: resolved.cell(i),
                event_id: event_id.cell(i),
            });
        }
    });
    Ok(assembler.finish_batch()?)
}

/// Dictionary-encodes one text column: each distinct value once, in order of first use (the
/// value of the row before is compared first, so runs cost no hashing), or, for a column of
/// free text ([`Encoder::each_cell`]), each present cell in row order.
#[derive(Default)]
struct Encoder {
    index: HashMap<String, u32>,
    /// The code given last (its value is that entry of `dict`): compared before any hashing.
    last: Option<u32>,
    dict: Entries,
    codes: Vec<u32>,
    /// One entry per present cell, no lookup.
    each_cell: bool,
}

/// The entries of a dictionary being built, back to back (Arrow's `utf8` layout, offsets from 0).
struct Entries {
    data: Vec<u8>,
    offsets: Vec<u32>,
}

impl Default for Entries {
    fn default() -> Self {
        Entries {
            data: Vec::new(),
            offsets: vec![0],
        }
    }
}

impl Entries {
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Appends `value`; its code.
    fn push(&mut self, value: &str) -> u32 {
        let code = u32::try_from(self.len()).unwrap_or(u32::MAX - 1);
        self.data.extend_from_slice(value.as_bytes());
        // Past 4 GiB of text (`u32` offsets) the data would not fit a typed array anyway.
        self.offsets
            .push(u32::try_from(self.data.len()).unwrap_or(u32::MAX));
        code
    }

    /// The bytes of entry `code`.
    fn bytes(&self, code: u32) -> Option<&[u8]> {
        let i = code as usize;
        let (start, end) = (*self.offsets.get(i)?, *self.offsets.get(i.checked_add(1)?)?);
        self.data.get(start as usize..end as usize)
    }

    /// As an array of strings, or packed.
    fn finish(self, packed: bool) -> Strings {
        if packed {
            return Either::B(PackedStrings {
                offsets: Either::B(Uint32Array::new(self.offsets)),
                data: Uint8Array::new(self.data),
            });
        }
        let list = (0..self.offsets.len().saturating_sub(1))
            .filter_map(|i| u32::try_from(i).ok())
            .map(|code| {
                let bytes = self.bytes(code).unwrap_or_default();
                Text::from(String::from_utf8_lossy(bytes).into_owned())
            })
            .collect();
        Either::A(list)
    }
}

impl Encoder {
    /// An encoder that gives each present cell an entry of its own.
    fn each_cell() -> Self {
        Encoder {
            each_cell: true,
            ..Encoder::default()
        }
    }

    fn push(&mut self, value: Option<&str>) {
        let code = match value {
            None => u32::MAX,
            Some(v) if self.each_cell => self.dict.push(v),
            Some(v) => match self
                .last
                .filter(|c| self.dict.bytes(*c) == Some(v.as_bytes()))
            {
                Some(c) => c,
                None => {
                    let c = match self.index.get(v) {
                        Some(c) => *c,
                        None => {
                            let c = self.dict.push(v);
                            self.index.insert(v.to_owned(), c);
                            c
                        }
                    };
                    self.last = Some(c);
                    c
                }
            },
        };
        self.codes.push(code);
    }

    /// The codes and the dictionary (packed or not).
    fn finish(self, packed: bool) -> (Codes, Strings) {
        let n = self.dict.len();
        (narrow(self.codes, n), self.dict.finish(packed))
    }

    fn any(&self) -> bool {
        self.dict.len() > 0
    }
}

/// `codes` into a dictionary of `n` entries, in the narrowest array whose absent marker no code
/// reaches.
#[allow(clippy::cast_possible_truncation)]
fn narrow(codes: Vec<u32>, n: usize) -> Codes {
    if n < usize::from(u8::MAX) {
        Either3::A(Uint8Array::new(
            codes.iter().map(|c| (*c).min(255) as u8).collect(),
        ))
    } else if n < usize::from(u16::MAX) {
        Either3::B(Uint16Array::new(
            codes.iter().map(|c| (*c).min(65535) as u16).collect(),
        ))
    } else {
        Either3::C(Uint32Array::new(codes))
    }
}

/// An instant cell of the batch's rows (always typed instants) as a `Float64Array` value.
#[allow(clippy::cast_precision_loss)]
fn millis(cell: InstantCell<'_>) -> f64 {
    match cell {
        InstantCell::At(t) => t.millis() as f64,
        InstantCell::Millis(ms) => ms as f64,
        InstantCell::Text(_) => f64::NAN,
    }
}

fn flag(v: Option<&str>) -> u8 {
    match v {
        Some("true") => 1,
        Some("false") => 0,
        _ => 255,
    }
}

/// The columnar form of `batch`, every dictionary packed when `packed`. Ticket codes are the
/// tickets' positions (the ids of a loaded set are distinct).
pub fn dump(batch: &TicketBatch, packed: bool) -> TicketColumns {
    let n = batch.len();
    let mut ids = Entries::default();
    let (mut kind, mut urgency, mut channel) = Default::default();
    let mut received = Vec::with_capacity(n);
    let attr_names = batch.attribute_names();
    let mut attrs: Vec<Encoder> = attr_names.iter().map(|_| Encoder::default()).collect();
    batch.for_each_ticket_row(|r| {
        ids.push(r.ticket_id);
        Encoder::push(&mut kind, Some(r.kind));
        Encoder::push(&mut urgency, r.urgency);
        Encoder::push(&mut channel, r.channel);
        received.push(millis(r.received_at));
        // Both in name order: one walk through the row's attributes.
        let mut pairs = r.attributes.iter().peekable();
        for (name, enc) in attr_names.iter().zip(attrs.iter_mut()) {
            while pairs.next_if(|(k, _)| k < name).is_some() {}
            enc.push(pairs.next_if(|(k, _)| k == name).map(|(_, v)| *v));
        }
    });
    let events = batch.event_count();
    let mut e_ids = Vec::with_capacity(events);
    let mut at = Vec::with_capacity(events);
    let mut cols: [Encoder; 7] = Default::default();
    let [.., eid] = &mut cols;
    *eid = Encoder::each_cell();
    let mut flags: [Vec<u8>; 4] = Default::default();
    batch.for_each_event_row(|ticket, r| {
        e_ids.push(u32::try_from(ticket).unwrap_or(u32::MAX));
        at.push(millis(r.at));
        let [ty, unit, role, reason, amount, sat, eid] = &mut cols;
        ty.push(Some(r.event_type));
        unit.push(r.unit);
        role.push(r.role);
        reason.push(r.reason);
        amount.push(r.amount);
        sat.push(r.satisfaction);
        eid.push(r.event_id);
        let [acc, app, pas, res] = &mut flags;
        acc.push(flag(r.accepted));
        app.push(flag(r.approved));
        pas.push(flag(r.passed));
        res.push(flag(r.resolved));
    });
    let n_ids = ids.len();
    let some = |enc: Encoder| -> (Option<Codes>, Option<Strings>) {
        if enc.any() {
            let (c, d) = enc.finish(packed);
            (Some(c), Some(d))
        } else {
            (None, None)
        }
    };
    let optional_flags = |v: Vec<u8>| -> Option<Uint8Array> {
        v.iter().any(|f| *f != 255).then(|| Uint8Array::new(v))
    };
    let (kind_c, kind_d) = kind.finish(packed);
    let (urg_c, urg_d) = some(urgency);
    let (ch_c, ch_d) = some(channel);
    let mut attr_cols = BTreeMap::new();
    let mut attr_dicts = BTreeMap::new();
    for (name, enc) in attr_names.iter().zip(attrs) {
        let (c, d) = enc.finish(packed);
        attr_cols.insert((*name).to_owned(), c);
        attr_dicts.insert((*name).to_owned(), d);
    }
    let [ty, unit, role, reason, amount, sat, eid] = cols;
    let (ty_c, ty_d) = ty.finish(packed);
    let (unit_c, unit_d) = some(unit);
    let (role_c, role_d) = some(role);
    let (reason_c, reason_d) = some(reason);
    let (amount_c, amount_d) = some(amount);
    let (sat_c, sat_d) = some(sat);
    let (eid_c, eid_d) = some(eid);
    let [acc, app, pas, res] = flags;
    TicketColumns {
        tickets: TicketTable {
            ticket_id: narrow(
                (0..n_ids).filter_map(|i| u32::try_from(i).ok()).collect(),
                n_ids,
            ),
            kind: kind_c,
            urgency: urg_c,
            channel: ch_c,
            received_at: Float64Array::new(received),
            attributes: (!attr_cols.is_empty()).then_some(attr_cols),
        },
        events: EventTable {
            ticket_id: narrow(e_ids, n_ids),
            at: Float64Array::new(at),
            event_type: ty_c,
            unit: unit_c,
            role: role_c,
            reason: reason_c,
            accepted: optional_flags(acc),
            approved: optional_flags(app),
            amount: amount_c,
            passed: optional_flags(pas),
            satisfaction: sat_c,
            resolved: optional_flags(res),
            event_id: eid_c,
        },
        dictionaries: Dictionaries {
            ticket_id: ids.finish(packed),
            kind: Some(kind_d),
            urgency: urg_d,
            channel: ch_d,
            event_type: Some(ty_d),
            unit: unit_d,
            role: role_d,
            reason: reason_d,
            amount: amount_d,
            satisfaction: sat_d,
            event_id: eid_d,
            attributes: (!attr_dicts.is_empty()).then_some(attr_dicts),
        },
    }
}

/// Whether `value` (named `field` in errors) is a `Map` or a `Set`: an object whose entries are
/// not its properties.
fn is_map_or_set(value: &Unknown<'_>, field: &str) -> Fallible<bool> {
    let failed = |e: Error| bad_arg(field, format!("`{field}`: {}", e.reason));
    let env = Env::from_raw(value.value().env);
    let global = env.get_global().map_err(failed)?;
    for name in ["Map", "Set"] {
        let class: Unknown<'_> = global.get_named_property(name).map_err(failed)?;
        if value.instanceof(class).map_err(failed)? {
            return Ok(true);
        }
    }
    Ok(false)
}
