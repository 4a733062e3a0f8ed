//! Instants: integer milliseconds since the Unix epoch (UTC).
//!
//! At the API edge an instant is an RFC 3339 string **with an offset**
//! (`2026-02-13T16:30:00+08:00`) or integer epoch milliseconds. A timestamp without an offset is an
//! error unless the caller explicitly asks for local time in a given offset
//! ([`Instant::parse_local`]). Precision is exactly one millisecond: sub-millisecond digits must be
//! zero, they are never rounded away silently.
//!
//! ```
//! use hotline_score::Instant;
//! let a = Instant::parse("2026-03-09T01:00:00Z")?;
//! let b = Instant::parse("2026-03-09T09:00:00+08:00")?;
//! assert_eq!(a, b);
//! assert_eq!(b.format(hotline_score::instant::CHINA_OFFSET), "2026-03-09T09:00:00+08:00");
//! assert_eq!(Instant::parse("2026-03-09T09:00:00").unwrap_err().code(), "missing_offset");
//! # Ok::<(), hotline_score::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::{Error, Result};

/// Milliseconds in one day.
pub const MS_PER_DAY: i64 = 86_400_000;
/// Milliseconds in one hour.
pub const MS_PER_HOUR: i64 = 3_600_000;
/// Milliseconds in one minute.
pub const MS_PER_MINUTE: i64 = 60_000;

/// China Standard Time, `+08:00` (Asia/Shanghai has had no DST since 1991); the default offset of
/// calendars and the offset instants are serialized with.
pub const CHINA_OFFSET: UtcOffset = offset!(+8);

/// Epoch milliseconds of 10000-01-01T00:00:00Z, where the `time` crate's range (and so what
/// [`Instant::parse`] reads) ends.
const UTC_YEAR_10000: i64 = 253_402_300_800_000;

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// What parsing does with digits below the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    /// They must be zero (an argument: nothing is rounded away silently).
    Exact,
    /// They are floored (a data set's cell, as typed timestamp columns are).
    Floored,
}

/// A point in time: integer milliseconds since 1970-01-01T00:00:00Z.
///
/// Serialized (serde) as an RFC 3339 string in `+08:00`, with milliseconds only when non-zero;
/// deserialized from an RFC 3339 string with any offset, or from integer epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(i64);

/// Whether `text` ends with a UTC offset (`Z`, `+08:00`, `-05:30`).
/// What to write instead of two forms the parsers' own reasons explain badly: a date alone,
/// and an offset without its colon (`+0800`).
fn form_hint(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let is_date = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if is_date {
        // A date that does not exist (`2026-02-30`) is not given as the example to follow.
        return Some(match crate::calendar::data::parse_date(text) {
            Ok(_) => {
                format!("a date without a time of day; an instant is e.g. {text}T00:00:00+08:00")
            }
            Err(reason) => {
                format!("a date without a time of day, and no date of the calendar: {reason}")
            }
        });
    }
    let offset = b.len().checked_sub(5).and_then(|i| b.get(i..));
    if let Some([sign @ (b'+' | b'-'), h1, h2, m1, m2]) = offset
        && [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
    {
        let head = text.get(..text.len() - 5).unwrap_or_default();
        let (h, m) = ((*h1 as char, *h2 as char), (*m1 as char, *m2 as char));
        return Some(format!(
            "the UTC offset needs a colon, and the date and time a `T`: e.g. {}{}{}{}:{}{}",
            head.replacen(' ', "T", 1),
            *sign as char,
            h.0,
            h.1,
            m.0,
            m.1
        ));
    }
    None
}

fn has_offset(text: &str) -> bool {
    let b = text.as_bytes();
    if b.last().is_some_and(|c| c.eq_ignore_ascii_case(&b'Z')) {
        return true;
    }
    match b.len().checked_sub(6).and_then(|i| b.get(i..)) {
        Some([sign, h1, h2, b':', m1, m2]) => {
            matches!(sign, b'+' | b'-') && [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Epoch milliseconds before this (1973-03-03T09:46:40Z) are not taken for an instant given as
/// a number ([`Instant::from_epoch_number`]): such a number is almost always epoch **seconds**
/// (2001–5138 as seconds) or an Excel serial day number, which read as milliseconds would
/// silently put the ticket, or the `as_of`, in 1970.
pub const EARLIEST_EPOCH_MILLIS: i64 = 100_000_000_000;

/// Epoch milliseconds after this (9999-12-31T23:59:59.999Z) are not taken for an instant given
/// as a number: such a number is almost always epoch **micro- or nanoseconds** (what pandas'
/// `astype("int64")` and polars' `dt.epoch()` give), which read as milliseconds would put it
/// tens of thousands of years ahead.
pub const LATEST_EPOCH_MILLIS: i64 = 253_402_300_799_999;

impl Instant {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Instant(millis)
    }

    /// An instant a person or a program gave as a number of epoch milliseconds in data (a
    /// ticket's cell): refused as [`Error::InvalidInstant`] when it is before 1973
    /// ([`EARLIEST_EPOCH_MILLIS`]: epoch seconds, an Excel day number) or after 9999
    /// ([`LATEST_EPOCH_MILLIS`]: micro- or nanoseconds), the reason naming the reading meant.
    ///
    /// ```
    /// use hotline_score::Instant;
    /// assert!(Instant::from_epoch_number(1_772_413_500_000).is_ok());
    /// let seconds = Instant::from_epoch_number(1_772_413_500).unwrap_err();
    /// assert!(seconds.to_string().contains("as epoch seconds it is 2026-03-02T09:05:00+08:00"));
    /// ```
    pub fn from_epoch_number(ms: i64) -> Result<Instant> {
        Self::from_epoch_number_within(ms, LATEST_EPOCH_MILLIS)
    }

    /// An instant given as a number *argument* (an `as_of`, a period's bounds, a calendar
    /// operation's instant): refused before 1973 as [`Instant::from_epoch_number`] refuses it —
    /// epoch seconds would silently score 1970 — and taken after 9999, where every operation
    /// already fails with `instant_out_of_range`.
    pub fn from_epoch_argument(ms: i64) -> Result<Instant> {
        Self::from_epoch_number_within(ms, i64::MAX)
    }

    fn from_epoch_number_within(ms: i64, latest: i64) -> Result<Instant> {
        if (EARLIEST_EPOCH_MILLIS..=latest).contains(&ms) {
            return Ok(Instant(ms));
        }
        let plausible = |ms: i64| (EARLIEST_EPOCH_MILLIS..=LATEST_EPOCH_MILLIS).contains(&ms);
        let reason = if ms > LATEST_EPOCH_MILLIS {
            let reading = [(1_000, "microseconds"), (1_000_000, "nanoseconds")]
                .into_iter()
                .find(|(per_ms, _)| plausible(ms / per_ms))
                .map(|(per_ms, unit)| format!("; as epoch {unit} it is {}", Instant(ms / per_ms)))
                .unwrap_or_default();
            format!(
                "as epoch milliseconds this is after the year 9999{reading}: give epoch \
                 milliseconds or RFC 3339 text"
            )
        } else {
            let as_seconds = ms
                .checked_mul(1000)
                .filter(|s| *s >= EARLIEST_EPOCH_MILLIS)
                .map(|s| format!("; as epoch seconds it is {}", Instant(s)))
                .unwrap_or_default();
            format!(
                "as epoch milliseconds this is {}, before 1973-03-03{as_seconds}: give epoch \
                 milliseconds (seconds × 1000) or RFC 3339 text; an Excel date number must be \
                 converted to a timestamp first",
                Instant(ms)
            )
        };
        Err(Error::InvalidInstant {
            value: ms.to_string(),
            reason,
        })
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 timestamp that carries an offset (`Z` or `±hh:mm`).
    ///
    /// A timestamp without an offset is a [`Error::MissingOffset`].
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, None, Precision::Exact)
    }

    /// Parses a timestamp, reading one without an offset as local time in `local_offset`.
    ///
    /// A timestamp that carries its own offset keeps it.
    pub fn parse_local(text: &str, local_offset: UtcOffset) -> Result<Self> {
        Self::parse_with(text, Some(local_offset), Precision::Exact)
    }

    /// [`Instant::parse`] (with `local_offset`, [`Instant::parse_local`]) of a data set's
    /// timestamp cell: sub-millisecond digits are floored, as typed timestamp columns are (a
    /// database's microsecond `timestamptz` export reads the same as text and as a column).
    pub(crate) fn parse_cell(text: &str, local_offset: Option<UtcOffset>) -> Result<Self> {
        Self::parse_with(text, local_offset, Precision::Floored)
    }

    fn parse_with(
        text: &str,
        local_offset: Option<UtcOffset>,
        precision: Precision,
    ) -> Result<Self> {
        let trimmed = text.trim();
        let rfc3339_error = match OffsetDateTime::parse(trimmed, &Rfc3339) {
            // The parser takes any character between the date (always ten bytes) and the time.
            Ok(_) if !matches!(trimmed.as_bytes().get(10), Some(b'T' | b't' | b' ')) => {
                return Err(Error::InvalidInstant {
                    value: text.to_owned(),
                    reason: "the date and the time are separated by `T` (or a space), e.g. \
                             2026-03-02T16:36:45+08:00"
                        .to_owned(),
                });
            }
            Ok(dt) => return Self::from_offset_datetime_checked(dt, text, precision),
            Err(e) => e,
        };
        // Local forms: ISO (`2026-03-02T09:30:00`, `2026-03-02 09:30:00.250`), and the zh-CN
        // spreadsheet form a CSV comes back in once Excel has opened and saved it
        // (`2026/3/2 9:30`, seconds optional).
        let local = format_description!(
            version = 2,
            "[year][first [-][/]][month padding:none][first [-][/]][day padding:none]\
             [first [T][ ]][hour padding:none]:[minute][optional [:[second]\
             [optional [.[subsecond]]]]]"
        );
        match PrimitiveDateTime::parse(trimmed, local) {
            Ok(dt) => match local_offset {
                Some(off) => {
                    Self::from_offset_datetime_checked(dt.assume_offset(off), text, precision)
                }
                None => Err(Error::MissingOffset {
                    value: text.to_owned(),
                }),
            },
            // Text with an offset meant RFC 3339: its parser says what is wrong (a day 30 of
            // February), not the local forms' (which stop at the offset).
            Err(e) => Err(Error::InvalidInstant {
                value: text.to_owned(),
                reason: if has_offset(trimmed) {
                    rfc3339_error.to_string()
                } else if let Some(hint) = form_hint(trimmed) {
                    hint
                } else {
                    e.to_string()
                },
            }),
        }
    }

    fn from_offset_datetime_checked(
        dt: OffsetDateTime,
        text: &str,
        precision: Precision,
    ) -> Result<Self> {
        // The parser keeps nine fractional digits and drops the rest: they are checked here.
        let fraction = text.split_once('.').map_or("", |(_, rest)| rest);
        let digits = fraction.bytes().take_while(u8::is_ascii_digit);
        let exact = dt.nanosecond() % 1_000_000 == 0 && digits.skip(3).all(|d| d == b'0');
        // The parser reads a leap second (`23:59:60`) as the last nanosecond of the minute.
        let leap_second = dt.nanosecond() == 999_999_999
            && text
                .split_once(['T', 't', ' '])
                .is_some_and(|(_, time)| time.get(5..8) == Some(":60"));
        if leap_second {
            return Err(Error::InvalidInstant {
                value: text.to_owned(),
                reason: "a leap second (:60) has no instant: instants are milliseconds of POSIX \
                         time, which has no leap seconds; write :59.999 or the next minute"
                    .to_owned(),
            });
        }
        if precision == Precision::Exact && !exact {
            return Err(Error::InvalidInstant {
                value: text.to_owned(),
                reason: "precision is 1 ms; sub-millisecond digits must be zero".to_owned(),
            });
        }
        Ok(Self::from_offset_datetime(dt))
    }

    /// The instant of an [`OffsetDateTime`], truncated to whole milliseconds.
    pub fn from_offset_datetime(dt: OffsetDateTime) -> Self {
        let ms = dt.unix_timestamp_nanos().div_euclid(1_000_000);
        // |ms| < 2^63 for every representable OffsetDateTime (years ±9999).
        Instant(i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX }))
    }

    /// This instant as an [`OffsetDateTime`] in `offset`.
    pub fn to_offset_datetime(self, offset: UtcOffset) -> Result<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .ok()
            .and_then(|dt| dt.checked_to_offset(offset))
            .ok_or(Error::InstantOutOfRange { millis: self.0 })
    }

    /// The instant at `ms_of_day` milliseconds after local midnight of `date` in `offset`.
    ///
    /// `ms_of_day` may be `MS_PER_DAY` (24:00, the next midnight) or any other value; it is
    /// simply added to midnight. Past the range of `i64` the result stays at its end
    /// (`i64::MIN` / `i64::MAX` ms), which every calendar operation refuses as out of range.
    pub fn from_local(date: Date, ms_of_day: i64, offset: UtcOffset) -> Self {
        let days = i64::from(date.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY;
        // |days × MS_PER_DAY| < 2^49 for every `Date`: only `ms_of_day` can reach the ends.
        Instant(
            (days * MS_PER_DAY - i64::from(offset.whole_seconds()) * 1000)
                .saturating_add(ms_of_day),
        )
    }

    /// The local date of this instant in `offset` and the milliseconds since that date's midnight.
    pub fn to_local(self, offset: UtcOffset) -> Result<(Date, i64)> {
        let local = self
            .0
            .checked_add(i64::from(offset.whole_seconds()) * 1000)
            .ok_or(Error::InstantOutOfRange { millis: self.0 })?;
        let days = local.div_euclid(MS_PER_DAY);
        let ms = local.rem_euclid(MS_PER_DAY);
        let julian = i32::try_from(days + UNIX_EPOCH_JULIAN_DAY)
            .map_err(|_| Error::InstantOutOfRange { millis: self.0 })?;
        let date = Date::from_julian_day(julian)
            .map_err(|_| Error::InstantOutOfRange { millis: self.0 })?;
        Ok((date, ms))
    }

    /// This instant's RFC 3339 text in `offset`, if RFC 3339 can write it (years 0000..=9999
    /// in `offset`) and the text reads back (the parser stops before 10000-01-01 UTC).
    fn rfc3339(self, offset: UtcOffset) -> Option<Rfc3339Text> {
        // RFC 3339 offsets are whole minutes: seconds would be lost, and the text read back
        // as another instant.
        if self.0 >= UTC_YEAR_10000 || offset.seconds_past_minute() != 0 {
            return None;
        }
        let local = self
            .0
            .checked_add(i64::from(offset.whole_seconds()) * 1000)?;
        let (year, month, day) = civil_from_days(local.div_euclid(MS_PER_DAY));
        let year = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
        // Below 86,400,000: fits.
        let ms = local.rem_euclid(MS_PER_DAY) as u32;
        let mut t = Rfc3339Text::default();
        t.digits(year, 4);
        t.push(b'-');
        t.digits(month, 2);
        t.push(b'-');
        t.digits(day, 2);
        t.push(b'T');
        t.digits(ms / 3_600_000, 2);
        t.push(b':');
        t.digits(ms / 60_000 % 60, 2);
        t.push(b':');
        t.digits(ms / 1000 % 60, 2);
        if ms % 1000 != 0 {
            t.push(b'.');
            t.digits(ms % 1000, 3);
        }
        if offset.is_utc() {
            t.push(b'Z');
        } else {
            let (h, m, _) = offset.as_hms();
            t.push(if offset.is_negative() { b'-' } else { b'+' });
            t.digits(u32::from(h.unsigned_abs()), 2);
            t.push(b':');
            t.digits(u32::from(m.unsigned_abs()), 2);
        }
        Some(t)
    }

    /// Formats as RFC 3339 in `offset` (`Z` for UTC), with milliseconds only when non-zero.
    ///
    /// Instants outside years 0000..=9999 (in `offset`), which RFC 3339 cannot write, those
    /// from 10000-01-01 UTC on, which [`Instant::parse`] cannot read back, and every instant
    /// in an offset with seconds (RFC 3339 offsets are whole minutes) are formatted as their
    /// epoch milliseconds (what readers of `at` and `received_at` accept).
    pub fn format(self, offset: UtcOffset) -> String {
        match self.rfc3339(offset) {
            Some(text) => text.as_str().to_owned(),
            None => self.0.to_string(),
        }
    }

    /// `self + ms`, or `None` on overflow.
    pub const fn checked_add_millis(self, ms: i64) -> Option<Self> {
        match self.0.checked_add(ms) {
            Some(v) => Some(Instant(v)),
            None => None,
        }
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`,
/// <https://howardhinnant.github.io/date_algorithms.html>): `(year, month, day)`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// An instant's RFC 3339 text, written digit by digit on the stack (this runs for every
/// instant of every JSON output; the longest text, `9999-12-31T23:59:59.999+08:00`, is 29
/// bytes).
#[derive(Default)]
struct Rfc3339Text {
    bytes: [u8; 32],
    len: usize,
}

impl Rfc3339Text {
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Appends `n` as `width` decimal digits, zero-padded (`n` < 10^`width`).
    fn digits(&mut self, n: u32, width: u32) {
        for place in (0..width).rev() {
            let digit = n / 10u32.pow(place) % 10;
            self.push(b'0' + digit as u8);
        }
    }

    /// The text (ASCII only, so always UTF-8).
    fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rfc3339(CHINA_OFFSET) {
            Some(text) => f.write_str(text.as_str()),
            None => write!(f, "{}", self.0),
        }
    }
}

impl std::str::FromStr for Instant {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Instant::parse(s)
    }
}

/// RFC 3339 in `+08:00`, or integer epoch milliseconds for instants RFC 3339 cannot write, so
/// that every instant reads back.
impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self.rfc3339(CHINA_OFFSET) {
            Some(text) => serializer.serialize_str(text.as_str()),
            None => serializer.serialize_i64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Instant;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp with offset, or integer epoch milliseconds")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Instant, E> {
                Instant::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Instant, E> {
                Ok(Instant(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Instant, E> {
                i64::try_from(v)
                    .map(Instant)
                    .map_err(|_| E::custom("epoch milliseconds too large"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    /// The `time` crate's RFC 3339 writing: the oracle of [`Instant::format`].
    fn format_with_time(i: Instant, offset: UtcOffset) -> String {
        let dt = i
            .to_offset_datetime(offset)
            .ok()
            .filter(|dt| (0..=9999).contains(&dt.year()));
        let Some(dt) = dt else {
            return i.0.to_string();
        };
        let base = if i.0.rem_euclid(1000) == 0 {
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]")
        } else {
            format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]"
            )
        };
        let mut out = dt.format(base).unwrap();
        if offset.is_utc() {
            out.push('Z');
        } else {
            let (h, m, _) = offset.as_hms();
            let sign = if offset.is_negative() { '-' } else { '+' };
            out.push_str(&format!(
                "{sign}{:02}:{:02}",
                h.unsigned_abs(),
                m.unsigned_abs()
            ));
        }
        out
    }

    /// Epoch milliseconds of 0000-01-01 and of 10000-01-01 (UTC).
    const YEAR_0: i64 = -62_167_219_200_000;
    const YEAR_10000: i64 = UTC_YEAR_10000;

    /// The last millisecond `time` holds is in year 10000 in `+08:00`: an error (it panicked in
    /// `time`'s `to_offset`), written as epoch milliseconds.
    #[test]
    fn the_edge_of_years_is_an_error_not_a_panic() {
        let last = Instant(UTC_YEAR_10000 - 1);
        assert_eq!(
            last.to_offset_datetime(CHINA_OFFSET).unwrap_err().code(),
            "instant_out_of_range"
        );
        assert_eq!(last.format(CHINA_OFFSET), "253402300799999");
        assert_eq!(last.format(UtcOffset::UTC), "9999-12-31T23:59:59.999Z");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every instant is written as the `time` crate writes it, in any offset: dates across
        /// the whole RFC 3339 range and its edges, whole seconds and milliseconds, and the epoch
        /// milliseconds outside it.
        #[test]
        fn format_is_the_time_crates(
            ms in prop_oneof![
                YEAR_0 - 3 * MS_PER_DAY..YEAR_10000 + 3 * MS_PER_DAY,
                (YEAR_0 / 1000..YEAR_10000 / 1000).prop_map(|s| s * 1000),
                (-3 * MS_PER_DAY..3 * MS_PER_DAY).prop_map(|d| YEAR_0 + d),
                (-3 * MS_PER_DAY..3 * MS_PER_DAY).prop_map(|d| YEAR_10000 + d),
                any::<i64>(),
            ],
            offset_seconds in prop_oneof![Just(0), Just(28_800), -86_399..86_400i32],
        ) {
            let offset = UtcOffset::from_whole_seconds(offset_seconds).unwrap();
            let i = Instant(ms);
            // RFC 3339 has no seconds in offsets: in such an offset every instant is written as
            // its epoch milliseconds.
            if offset_seconds % 60 == 0 {
                prop_assert_eq!(i.format(offset), format_with_time(i, offset));
            } else {
                prop_assert_eq!(i.format(offset), ms.to_string());
            }
            // Whatever is written reads back; epoch milliseconds as the cell readers read them.
            let text = i.format(offset);
            let back = Instant::parse(&text).ok().or_else(|| text.parse().ok().map(Instant));
            prop_assert_eq!(back, Some(i));
            let json = serde_json::to_string(&i).unwrap();
            let written = i.to_offset_datetime(CHINA_OFFSET).is_ok_and(|dt| (0..=9999).contains(&dt.year()));
            if written {
                prop_assert_eq!(json, format!("\"{}\"", format_with_time(i, CHINA_OFFSET)));
            } else {
                prop_assert_eq!(json, ms.to_string());
            }
        }
    }

    #[test]
    fn same_instant_in_two_offsets() {
        let a = Instant::parse("2026-03-09T01:00:00Z").unwrap();
        let b = Instant::parse("2026-03-09T09:00:00+08:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.millis(), 1_773_018_000_000);
    }

    #[test]
    fn date_and_time_are_separated_by_t_or_a_space() {
        let want = Instant::parse("2026-03-02T16:36:45+08:00").unwrap();
        for text in ["2026-03-02t16:36:45+08:00", "2026-03-02 16:36:45+08:00"] {
            assert_eq!(Instant::parse(text).ok(), Some(want), "{text}");
        }
        for text in ["2026-03-02x16:36:45+08:00", "2026-03-02216:36:45+08:00"] {
            let e = Instant::parse(text).unwrap_err();
            assert_eq!(e.code(), "invalid_instant", "{text}");
            assert!(e.to_string().contains("separated by `T`"), "{e}");
        }
    }

    #[test]
    fn missing_offset_is_an_error_unless_local_is_asked_for() {
        let err = Instant::parse("2026-03-09T09:00:00").unwrap_err();
        assert_eq!(err.code(), "missing_offset");
        let local = Instant::parse_local("2026-03-09T09:00:00", CHINA_OFFSET).unwrap();
        assert_eq!(local, Instant::parse("2026-03-09T09:00:00+08:00").unwrap());
        let own = Instant::parse_local("2026-03-09T09:00:00Z", CHINA_OFFSET).unwrap();
        assert_eq!(own, Instant::parse("2026-03-09T09:00:00Z").unwrap());
    }

    #[test]
    fn local_time_reads_the_spreadsheet_form_too() {
        let want = Instant::parse("2026-03-02T09:30:00+08:00").unwrap();
        for text in [
            "2026-03-02T09:30:00",
            "2026-03-02 09:30:00",
            "2026-03-02 09:30",
            "2026/3/2 9:30",
            "2026/03/02 09:30:00",
            " 2026/3/2 9:30:00 ",
        ] {
            assert_eq!(
                Instant::parse_local(text, CHINA_OFFSET).ok(),
                Some(want),
                "{text}"
            );
            // Without the request it is still a missing offset, not an unreadable value.
            let err = Instant::parse(text).unwrap_err();
            assert_eq!(err.code(), "missing_offset", "{text}");
        }
        let ms = Instant::parse_local("2026/3/2 9:30:00.250", CHINA_OFFSET).unwrap();
        assert_eq!(ms.millis() - want.millis(), 250);
        for bad in [
            "2026/3/32 9:30",
            "2026/13/2 9:30",
            "2026/3/2 24:00",
            "2026/3/2",
            "3/2/2026 9:30",
        ] {
            let err = Instant::parse_local(bad, CHINA_OFFSET).unwrap_err();
            assert_eq!(err.code(), "invalid_instant", "{bad}");
        }
    }

    #[test]
    fn milliseconds_are_exact() {
        let t = Instant::parse("2026-03-09T09:00:00.999+08:00").unwrap();
        let u = t.checked_add_millis(1).unwrap();
        assert_eq!(u.format(CHINA_OFFSET), "2026-03-09T09:00:01+08:00");
        assert_eq!(t.format(CHINA_OFFSET), "2026-03-09T09:00:00.999+08:00");
        assert_eq!(t.format(UtcOffset::UTC), "2026-03-09T01:00:00.999Z");
    }

    #[test]
    fn a_date_alone_and_an_offset_without_colon_say_what_to_write() {
        let reason = |text: &str| match Instant::parse(text) {
            Err(Error::InvalidInstant { reason, .. }) => reason,
            other => panic!("{text}: {other:?}"),
        };
        let date = reason("2026-01-31");
        assert!(date.contains("e.g. 2026-01-31T00:00:00+08:00"), "{date}");
        // A date that does not exist is not offered as the example to follow.
        let date = reason("2026-02-30");
        assert!(!date.contains("e.g."), "{date}");
        assert!(date.contains("no date of the calendar"), "{date}");
        for (text, want) in [
            ("2026-01-01 10:58:51+0800", "2026-01-01T10:58:51+08:00"),
            ("2026-01-01T10:58:51-0530", "2026-01-01T10:58:51-05:30"),
        ] {
            let r = reason(text);
            assert!(r.contains(&format!("e.g. {want}")), "{r}");
            assert!(Instant::parse(want).is_ok());
        }
    }

    #[test]
    fn a_leap_second_says_so() {
        for text in [
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60+00:00",
            "2017-01-01 07:59:60+08:00",
        ] {
            match Instant::parse(text) {
                Err(Error::InvalidInstant { reason, .. }) => {
                    assert!(reason.contains("leap second"), "{text}: {reason}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        // The last millisecond of the minute is an instant, not a leap second.
        assert!(Instant::parse("2016-12-31T23:59:59.999Z").is_ok());
    }

    #[test]
    fn sub_millisecond_digits_are_rejected_not_rounded() {
        assert!(Instant::parse("2026-03-09T09:00:00.123000+08:00").is_ok());
        let err = Instant::parse("2026-03-09T09:00:00.1234+08:00").unwrap_err();
        assert_eq!(err.code(), "invalid_instant");
        // Past the ninth digit too, where the parser itself stops looking.
        for text in [
            "2026-03-09T09:00:00.0000000009+08:00",
            "2026-03-09T09:00:00.1230000000001Z",
        ] {
            assert_eq!(Instant::parse(text).unwrap_err().code(), "invalid_instant");
        }
        assert!(Instant::parse("2026-03-09T09:00:00.1230000000000Z").is_ok());
        let local = Instant::parse_local("2026/3/9 9:00:00.0000000000001", CHINA_OFFSET);
        assert_eq!(local.unwrap_err().code(), "invalid_instant");
    }

    #[test]
    fn garbage_is_invalid() {
        assert_eq!(
            Instant::parse("yesterday").unwrap_err().code(),
            "invalid_instant"
        );
        assert_eq!(
            Instant::parse("2026-02-30T09:00:00+08:00")
                .unwrap_err()
                .code(),
            "invalid_instant"
        );
    }

    #[test]
    fn local_date_round_trip() {
        let t = Instant::parse("2026-02-13T23:30:00+08:00").unwrap();
        let (d, ms) = t.to_local(CHINA_OFFSET).unwrap();
        assert_eq!(d, date!(2026 - 02 - 13));
        assert_eq!(ms, 23 * MS_PER_HOUR + 30 * MS_PER_MINUTE);
        assert_eq!(Instant::from_local(d, ms, CHINA_OFFSET), t);
        let (d_utc, _) = t.to_local(UtcOffset::UTC).unwrap();
        assert_eq!(d_utc, date!(2026 - 02 - 13));
        let before_epoch = Instant::from_millis(-1);
        let (d0, ms0) = before_epoch.to_local(UtcOffset::UTC).unwrap();
        assert_eq!((d0, ms0), (date!(1969 - 12 - 31), MS_PER_DAY - 1));
    }

    #[test]
    fn serde_string_and_integer() {
        let t: Instant = serde_json::from_str("\"2026-03-09T01:00:00Z\"").unwrap();
        let u: Instant = serde_json::from_str("1773018000000").unwrap();
        assert_eq!(t, u);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-03-09T09:00:00+08:00\""
        );
        assert!(serde_json::from_str::<Instant>("\"2026-03-09T09:00:00\"").is_err());
    }

    #[test]
    fn instants_rfc3339_cannot_write_round_trip_as_epoch_millis() {
        // Found by the board_snapshot fuzz target: snapshot bytes holding an instant in year
        // -761 restored, but its JSON snapshot wrote "-0761-03-30T03:49:55.264+08:00", which
        // does not read back.
        for ms in [
            -88_000_000_000_000i64,
            -62_167_248_000_001,
            253_402_300_800_000,
            i64::MIN,
            i64::MAX,
        ] {
            let t = Instant::from_millis(ms);
            assert_eq!(t.format(CHINA_OFFSET), ms.to_string());
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, ms.to_string());
            assert_eq!(serde_json::from_str::<Instant>(&json).unwrap(), t);
        }
        // Year 0000 and 9999 are still RFC 3339.
        for text in ["0000-01-01T08:00:00+08:00", "9999-12-31T23:59:59.999+08:00"] {
            let t = Instant::parse(text).unwrap();
            assert_eq!(t.format(CHINA_OFFSET), text);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Instant>(&json).unwrap(), t);
        }
    }

    #[test]
    fn text_with_an_offset_gets_the_rfc3339_reason() {
        let reason = |text: &str| match Instant::parse(text).unwrap_err() {
            Error::InvalidInstant { reason, .. } => reason,
            other => panic!("{other}"),
        };
        for text in ["2026-02-30T09:00:00+08:00", "2026-03-02T24:30:00Z"] {
            let r = reason(text);
            assert!(!r.contains("trailing"), "{text}: {r}");
        }
        assert!(has_offset("2026-03-02T09:00:00z") && has_offset("x-05:30"));
        assert!(!has_offset("2026-03-02 09:00:00") && !has_offset("x+0800"));
    }

    #[test]
    fn extreme_instants_are_errors_not_overflows() {
        let max = Instant::from_millis(i64::MAX);
        assert_eq!(
            max.to_local(CHINA_OFFSET).unwrap_err().code(),
            "instant_out_of_range"
        );
        let min = Instant::from_millis(i64::MIN);
        let west = UtcOffset::from_hms(-8, 0, 0).unwrap();
        assert!(min.to_local(west).is_err());
        let date = time::macros::date!(2026 - 01 - 01);
        assert_eq!(Instant::from_local(date, i64::MAX, CHINA_OFFSET), max);
        assert!(
            Instant::from_local(date, i64::MIN, west)
                .to_local(west)
                .is_err()
        );
    }

    #[test]
    fn offsets_with_seconds_are_not_written_as_rfc3339() {
        let t = Instant::parse("2026-03-09T09:00:00+08:00").unwrap();
        let odd = UtcOffset::from_hms(8, 0, 30).unwrap();
        assert_eq!(t.format(odd), t.millis().to_string());
        assert_eq!(Instant::parse(&t.format(odd)).ok(), None);
        let err = crate::calendar::CalendarBuilder::new()
            .prc_data()
            .offset(odd)
            .build()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_calendar");
    }
}
