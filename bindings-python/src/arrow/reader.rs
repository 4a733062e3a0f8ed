//! Streaming cell readers over Arrow arrays: each lends the cell of row `i`, so a large events
//! table is fed to the core's assembler row by row without copying a cell.

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMillisecondType;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, BooleanArray, GenericStringArray, PrimitiveArray, StringViewArray};
use arrow_schema::{DataType, TimeUnit};
use hotline_score::ticket::InstantCell;

use crate::arrow::cells::{self, CellError, Expect};

/// Reads the cells of one array.
pub enum CellReader<'a> {
    Null,
    Str(&'a GenericStringArray<i32>),
    LargeStr(&'a GenericStringArray<i64>),
    View(&'a StringViewArray),
    /// Dictionary: the values as text and, per row, the value index (`None`: null).
    Dict(Vec<Option<String>>, Vec<Option<usize>>),
    Bool(&'a BooleanArray),
    /// Millisecond timestamps, read in place (the usual `at` column).
    Millis(&'a PrimitiveArray<TimestampMillisecondType>),
    /// Integers (epoch milliseconds where an instant is read), written as decimal text.
    Ints(Vec<Option<i64>>),
    /// Timestamps of another unit or without a zone (localized), as epoch milliseconds.
    Stamps(Vec<Option<i64>>),
    /// `uint64`, read in place: values above `i64::MAX` are written in decimal all the same
    /// (an id keeps every digit; an instant that large is the core's error, naming the ticket).
    U64(&'a PrimitiveArray<UInt64Type>),
}

fn ints(arr: &dyn Array) -> Option<Vec<Option<i64>>> {
    macro_rules! cast {
        ($($dt:ident => $ty:ty),*) => {
            match arr.data_type() {
                $(DataType::$dt => Some(arr.as_primitive::<$ty>().iter()
                    .map(|v| v.and_then(|x| i64::try_from(x).ok())).collect()),)*
                _ => None,
            }
        };
    }
    cast!(Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
        UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type)
}

impl<'a> CellReader<'a> {
    /// A reader for `arr`, checking its type against `expect` exactly as the column-wise path.
    pub fn new(arr: &'a dyn Array, expect: Expect) -> Result<Self, CellError> {
        let t = arr.data_type();
        Ok(match t {
            _ if *t == DataType::Null || cells::is_empty_float(arr) => CellReader::Null,
            DataType::Utf8 => CellReader::Str(arr.as_string::<i32>()),
            DataType::LargeUtf8 => CellReader::LargeStr(arr.as_string::<i64>()),
            DataType::Utf8View => CellReader::View(arr.as_string_view()),
            DataType::Dictionary(_, _) => {
                let dict = arr.as_any_dictionary();
                let mut values = Vec::new();
                cells::push_text(dict.values().as_ref(), expect, &mut values).map_err(
                    |e| match e {
                        CellError::Type(_) => CellError::Type(t.clone()),
                        other => other,
                    },
                )?;
                let keys = cells::dictionary_keys(dict)
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| (!arr.is_null(i)).then_some(k))
                    .collect();
                CellReader::Dict(values, keys)
            }
            DataType::Boolean if matches!(expect, Expect::Bool | Expect::Attribute) => {
                CellReader::Bool(arr.as_boolean())
            }
            DataType::Timestamp(unit, tz) if expect.is_instant() => match (unit, tz) {
                (TimeUnit::Millisecond, Some(_)) => CellReader::Millis(arr.as_primitive()),
                _ => CellReader::Stamps(cells::instants_of_timestamps(
                    arr,
                    *unit,
                    tz.is_some(),
                    expect,
                )?),
            },
            DataType::UInt64 if expect != Expect::Text => CellReader::U64(arr.as_primitive()),
            _ if t.is_integer() && expect != Expect::Text => {
                CellReader::Ints(ints(arr).ok_or_else(|| CellError::Type(t.clone()))?)
            }
            _ => return Err(CellError::Type(t.clone())),
        })
    }

    /// The integer (epoch ms for timestamps) of row `i` of an integer reader.
    fn int(&self, i: usize) -> Option<i64> {
        match self {
            CellReader::Millis(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            CellReader::Ints(v) | CellReader::Stamps(v) => v.get(i).copied().flatten(),
            _ => None,
        }
    }

    /// The cell of row `i`, borrowed (an integer is written into `scratch`); null and empty
    /// cells are absent (the core reads empty cells as absent).
    pub fn cell<'s>(&'s self, i: usize, scratch: &'s mut String) -> Option<&'s str> {
        let text: Option<&str> = match self {
            CellReader::Null => None,
            CellReader::Str(a) => a.is_valid(i).then(|| a.value(i)),
            CellReader::LargeStr(a) => a.is_valid(i).then(|| a.value(i)),
            CellReader::View(a) => a.is_valid(i).then(|| a.value(i)),
            CellReader::Dict(values, keys) => keys
                .get(i)
                .copied()
                .flatten()
                .and_then(|k| values.get(k))
                .and_then(|v| v.as_deref()),
            CellReader::Bool(a) => a
                .is_valid(i)
                .then(|| if a.value(i) { "true" } else { "false" }),
            CellReader::Millis(_) | CellReader::Ints(_) | CellReader::Stamps(_) => {
                let x = self.int(i)?;
                write_int(scratch, x);
                Some(scratch.as_str())
            }
            CellReader::U64(a) => {
                if i >= a.len() || a.is_null(i) {
                    return None;
                }
                scratch.clear();
                scratch.push_str(&a.value(i).to_string());
                Some(scratch.as_str())
            }
        };
        text.filter(|t| !t.is_empty())
    }

    /// The cell of row `i` as an instant: timestamps typed, integers as epoch milliseconds,
    /// text as text (absent: empty text).
    pub fn instant<'s>(&'s self, i: usize, scratch: &'s mut String) -> InstantCell<'s> {
        match self {
            CellReader::Millis(_) | CellReader::Stamps(_) => match self.int(i) {
                Some(ms) => InstantCell::At(hotline_score::Instant::from_millis(ms)),
                None => InstantCell::Text(""),
            },
            CellReader::Ints(_) => match self.int(i) {
                Some(ms) => InstantCell::Millis(ms),
                None => InstantCell::Text(""),
            },
            CellReader::U64(a) if i < a.len() && a.is_valid(i) => match i64::try_from(a.value(i)) {
                Ok(ms) => InstantCell::Millis(ms),
                Err(_) => InstantCell::Text(self.cell(i, scratch).unwrap_or_default()),
            },
            _ => InstantCell::Text(self.cell(i, scratch).unwrap_or_default()),
        }
    }
}

/// Writes `v` in decimal into `buf` (replacing its text): the plain digits `format!` gives, for
/// a million timestamps a table may hold, without the formatter's machinery.
fn write_int(buf: &mut String, v: i64) {
    buf.clear();
    if v < 0 {
        buf.push('-');
    }
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for d in digits.iter().skip(at) {
        buf.push(char::from(*d));
    }
}

#[cfg(test)]
mod tests {
    use super::write_int;

    #[test]
    fn integers_are_written_as_format_writes_them() {
        let mut buf = String::from("old");
        for v in [0, 7, -7, 10, 1_772_414_400_000, i64::MAX, i64::MIN, -1_000] {
            write_int(&mut buf, v);
            assert_eq!(buf, v.to_string());
        }
    }
}
