//! Streaming cell readers over Arrow arrays: each fills a reusable text cell for row `i`, so a
//! large events table is fed to the core's assembler row by row through one buffer, without an
//! allocation per cell.

use std::fmt::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, BooleanArray, GenericStringArray, StringViewArray};
use arrow_schema::DataType;

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
    /// Integers and timestamps (epoch ms), written as decimal text.
    Ints(Vec<Option<i64>>),
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
        UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type)
}

impl<'a> CellReader<'a> {
    /// A reader for `arr`, checking its type against `expect` exactly as the column-wise path.
    pub fn new(arr: &'a dyn Array, expect: Expect) -> Result<Self, CellError> {
        let t = arr.data_type();
        Ok(match t {
            DataType::Null => CellReader::Null,
            DataType::Utf8 => CellReader::Str(arr.as_string::<i32>()),
            DataType::LargeUtf8 => CellReader::LargeStr(arr.as_string::<i64>()),
            DataType::Utf8View => CellReader::View(arr.as_string_view()),
            DataType::Dictionary(_, _) => {
                let dict = arr.as_any_dictionary();
                let mut values = Vec::new();
                cells::push_text(dict.values().as_ref(), Expect::Text, &mut values)?;
                let keys = dict
                    .normalized_keys()
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| (!arr.is_null(i)).then_some(k))
                    .collect();
                CellReader::Dict(values, keys)
            }
            DataType::Boolean if matches!(expect, Expect::Bool | Expect::Attribute) => {
                CellReader::Bool(arr.as_boolean())
            }
            DataType::Timestamp(unit, tz) if expect == Expect::Instant => {
                if tz.is_none() {
                    return Err(CellError::Naive);
                }
                CellReader::Ints(cells::millis_of_timestamps(arr, *unit)?)
            }
            _ if t.is_integer() && expect != Expect::Text => {
                CellReader::Ints(ints(arr).ok_or_else(|| CellError::Type(t.clone()))?)
            }
            _ => return Err(CellError::Type(t.clone())),
        })
    }

    /// Writes the cell of row `i` into `slot`, reusing its buffer: null or empty leaves `None`
    /// as it is and empties a `Some` (the core reads empty cells as absent) without freeing it.
    pub fn fill(&self, i: usize, slot: &mut Option<String>) {
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
            CellReader::Ints(v) => {
                match v.get(i).copied().flatten() {
                    Some(x) => {
                        let s = slot.get_or_insert_with(String::new);
                        s.clear();
                        let _ = write!(s, "{x}");
                    }
                    None => clear(slot),
                }
                return;
            }
        };
        match text.filter(|t| !t.is_empty()) {
            Some(t) => {
                let s = slot.get_or_insert_with(String::new);
                s.clear();
                s.push_str(t);
            }
            None => clear(slot),
        }
    }

    /// Like [`fill`](Self::fill) for a required cell (absent → empty text).
    pub fn fill_text(&self, i: usize, out: &mut String) {
        let mut slot = Some(std::mem::take(out));
        self.fill(i, &mut slot);
        *out = slot.unwrap_or_default();
        if out.is_empty() {
            out.clear();
        }
    }
}

/// Empties a present cell in place (keeping its buffer for the next row).
fn clear(slot: &mut Option<String>) {
    if let Some(s) = slot {
        s.clear();
    }
}
