//! Reading Arrow columns into the cells the core's row types take (text, or epoch milliseconds
//! for instants), column-wise: one pass per column, no Python object per row.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{AnyDictionaryArray, Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use time::UtcOffset;

/// What a column may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Strings only (`type`, `kind`, `role` …).
    Text,
    /// Strings or integers (identifiers: `ticket_id`, `unit`, `event_id`, attributes).
    Id,
    /// Booleans, or strings / integers the core reads as booleans (`true`/`false`/`1`/`0`).
    Bool,
    /// Timezone-aware timestamps, integer epoch milliseconds, or RFC 3339 strings.
    Instant,
    /// As `Instant`, and local time in this offset for timestamps without one (naive
    /// timestamps, text without an offset): `load_rows(..., local_offset=...)`.
    LocalInstant(UtcOffset),
    /// Strings, integers or booleans (tickets-table attribute columns).
    Attribute,
}

impl Expect {
    /// The expected type, as error messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Expect::Text => "string",
            Expect::Id => "string or integer",
            Expect::Bool => "boolean (or string true/false/1/0)",
            Expect::Instant => {
                "timezone-aware timestamp, int64 epoch milliseconds, or RFC 3339 string with offset"
            }
            Expect::LocalInstant(_) => {
                "timestamp (without a time zone: local time), int64 epoch milliseconds, or \
                 timestamp string"
            }
            Expect::Attribute => "string, integer or boolean",
        }
    }

    /// Whether cells are instants.
    pub fn is_instant(self) -> bool {
        matches!(self, Expect::Instant | Expect::LocalInstant(_))
    }

    /// This expectation with instants without an offset read as local time in `local`, if
    /// given.
    pub fn localized(self, local: Option<UtcOffset>) -> Self {
        match (self, local) {
            (Expect::Instant, Some(offset)) => Expect::LocalInstant(offset),
            (other, _) => other,
        }
    }
}

/// Epoch milliseconds of a timestamp column: one with a time zone as it is, one without as
/// local time when `expect` asks for it ([`Expect::LocalInstant`]), else [`CellError::Naive`].
pub fn instants_of_timestamps(
    arr: &dyn Array,
    unit: TimeUnit,
    zoned: bool,
    expect: Expect,
) -> Result<Vec<Option<i64>>, CellError> {
    let shift = match (zoned, expect) {
        (true, _) => 0,
        (false, Expect::LocalInstant(offset)) => i64::from(offset.whole_seconds()) * 1000,
        (false, _) => return Err(CellError::Naive),
    };
    let mut out = millis_of_timestamps(arr, unit)?;
    if shift != 0 {
        for v in out.iter_mut().flatten() {
            *v = v.checked_sub(shift).ok_or(CellError::Overflow)?;
        }
    }
    Ok(out)
}

/// Why a column could not be read.
#[derive(Debug)]
pub enum CellError {
    /// The Arrow type is not one `Expect` allows.
    Type(DataType),
    /// A timestamp column without a time zone.
    Naive,
    /// A timestamp outside the representable range.
    Overflow,
    /// An instant given as an argument with digits below the millisecond (at this index):
    /// instants are whole milliseconds, and an argument is not floored as a data-set cell is.
    SubMillis(usize),
}

/// Whether `arr` is a floating-point column without a value (every cell null or NaN): what
/// pandas makes of a CSV column whose cells are all empty. It is read as a column of absent
/// cells, as an Arrow `null` column is; a float column with values is refused.
pub fn is_empty_float(arr: &dyn Array) -> bool {
    match arr.data_type() {
        DataType::Float64 => arr
            .as_primitive::<Float64Type>()
            .iter()
            .all(|v| v.is_none_or(f64::is_nan)),
        DataType::Float32 => arr
            .as_primitive::<Float32Type>()
            .iter()
            .all(|v| v.is_none_or(f32::is_nan)),
        _ => false,
    }
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

/// Appends the cells of `arr` as text to `out` (nulls and empty strings are absent).
pub fn push_text(
    arr: &dyn Array,
    expect: Expect,
    out: &mut Vec<Option<String>>,
) -> Result<(), CellError> {
    let t = arr.data_type();
    let owned = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_owned);
    match t {
        _ if *t == DataType::Null || is_empty_float(arr) => {
            out.extend(std::iter::repeat_n(None, arr.len()));
        }
        DataType::Utf8 => out.extend(arr.as_string::<i32>().iter().map(owned)),
        DataType::LargeUtf8 => out.extend(arr.as_string::<i64>().iter().map(owned)),
        DataType::Utf8View => out.extend(arr.as_string_view().iter().map(owned)),
        DataType::Dictionary(_, _) => {
            // A categorical: its values read as the column's own cells would (strings, or
            // integers where the column takes them); a refusal names the dictionary type.
            let dict = arr.as_any_dictionary();
            let mut values = Vec::with_capacity(dict.values().len());
            push_text(dict.values().as_ref(), expect, &mut values).map_err(|e| match e {
                CellError::Type(_) => CellError::Type(t.clone()),
                other => other,
            })?;
            let keys = dictionary_keys(dict);
            for (i, k) in keys.iter().enumerate() {
                out.push(if arr.is_null(i) {
                    None
                } else {
                    values.get(*k).cloned().flatten()
                });
            }
        }
        DataType::Boolean if matches!(expect, Expect::Bool | Expect::Attribute) => out.extend(
            arr.as_boolean()
                .iter()
                .map(|v| v.map(|b| if b { "true" } else { "false" }.to_owned())),
        ),
        DataType::Timestamp(unit, tz) if expect.is_instant() => {
            for v in instants_of_timestamps(arr, *unit, tz.is_some(), expect)? {
                out.push(v.map(|ms| ms.to_string()));
            }
        }
        _ if is_integer(t) && expect != Expect::Text => push_integers(arr, out),
        _ => return Err(CellError::Type(t.clone())),
    }
    Ok(())
}

macro_rules! ints {
    ($arr:expr, $out:expr, $($dt:ident => $ty:ty),*) => {
        match $arr.data_type() {
            $(DataType::$dt => $out.extend(
                $arr.as_primitive::<$ty>().iter().map(|v| v.map(|x| x.to_string())),
            ),)*
            _ => {}
        }
    };
}

fn push_integers(arr: &dyn Array, out: &mut Vec<Option<String>>) {
    ints!(arr, out,
        Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
        UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type);
}

/// Epoch milliseconds of a timestamp array (floored to the millisecond).
pub fn millis_of_timestamps(
    arr: &dyn Array,
    unit: TimeUnit,
) -> Result<Vec<Option<i64>>, CellError> {
    let out = match unit {
        TimeUnit::Second => {
            let mut v = Vec::with_capacity(arr.len());
            for x in arr.as_primitive::<TimestampSecondType>().iter() {
                v.push(match x {
                    Some(s) => Some(s.checked_mul(1000).ok_or(CellError::Overflow)?),
                    None => None,
                });
            }
            v
        }
        TimeUnit::Millisecond => arr
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .collect(),
        TimeUnit::Microsecond => arr
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .map(|x| x.map(|us| us.div_euclid(1000)))
            .collect(),
        TimeUnit::Nanosecond => arr
            .as_primitive::<TimestampNanosecondType>()
            .iter()
            .map(|x| x.map(|ns| ns.div_euclid(1_000_000)))
            .collect(),
    };
    Ok(out)
}

/// An instant column as epoch milliseconds, or as text for the core to parse (strings).
pub enum Instants {
    /// Timestamps or integers.
    Millis(Vec<Option<i64>>),
    /// RFC 3339 strings.
    Text(Vec<Option<String>>),
}

/// Reads chunks of an instant column given as an argument (a vectorised calendar call's):
/// timestamps with digits below the millisecond are refused, as a scalar instant's are.
pub fn instants(chunks: &[ArrayRef]) -> Result<Instants, CellError> {
    let Some(first) = chunks.first() else {
        return Ok(Instants::Millis(Vec::new()));
    };
    if is_string(first.data_type())
        || matches!(first.data_type(), DataType::Dictionary(_, v) if is_string(v))
    {
        let mut out = Vec::new();
        for c in chunks {
            push_text(c.as_ref(), Expect::Text, &mut out)?;
        }
        return Ok(Instants::Text(out));
    }
    let mut out = Vec::new();
    for c in chunks {
        let t = c.data_type();
        match t {
            DataType::Timestamp(unit, tz) => {
                if tz.is_none() {
                    return Err(CellError::Naive);
                }
                let per_milli = match unit {
                    TimeUnit::Microsecond => 1000,
                    TimeUnit::Nanosecond => 1_000_000,
                    TimeUnit::Second | TimeUnit::Millisecond => 1,
                };
                if per_milli > 1 {
                    let raw = c.to_data();
                    let values = raw.buffer::<i64>(0);
                    if let Some(i) = (0..c.len()).find(|i| {
                        c.is_valid(*i) && values.get(*i).is_some_and(|v| v % per_milli != 0)
                    }) {
                        return Err(CellError::SubMillis(out.len() + i));
                    }
                }
                out.extend(millis_of_timestamps(c.as_ref(), *unit)?);
            }
            DataType::Int64 => out.extend(c.as_primitive::<Int64Type>().iter()),
            DataType::Int32 => out.extend(
                c.as_primitive::<Int32Type>()
                    .iter()
                    .map(|v| v.map(i64::from)),
            ),
            _ if *t == DataType::Null || is_empty_float(c.as_ref()) => {
                out.extend(std::iter::repeat_n(None, c.len()));
            }
            _ => return Err(CellError::Type(t.clone())),
        }
    }
    Ok(Instants::Millis(out))
}

/// The keys of a dictionary array as indices into its values, one per row. An empty dictionary
/// (a categorical column of nulls only) has no keys to normalize — arrow's `normalized_keys`
/// asserts it is not empty — and its rows are all null (imported arrays are validated), so its
/// keys are zeros that no valid row reads.
pub fn dictionary_keys(dict: &dyn AnyDictionaryArray) -> Vec<usize> {
    if dict.values().is_empty() {
        vec![0; dict.keys().len()]
    } else {
        dict.normalized_keys()
    }
}
