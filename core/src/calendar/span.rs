//! The span limit of calendar data: one file covers at most [`MAX_DATA_YEARS`] calendar years,
//! checked when the file is read, with the line and column of the first value past the limit.
//!
//! A calendar compiles one entry per day of its span, so its size follows the span of its data;
//! the builder refuses calendars longer than [`MAX_DAYS`](crate::calendar::builder::MAX_DAYS)
//! (about 200 years) whatever their source, and this check points at the offending line first.

use crate::calendar::data::{CalendarData, DateRange};
use crate::error::{Error, FilePos, Result};
use crate::scheme::node::{Node, NodeKind};

/// The most calendar years one data file may span, from the earliest year it names (a notice's
/// `year` or a date of a range) to the latest. Two centuries hold every State Council notice
/// since 1949 with room to spare; `published` dates are not counted.
pub const MAX_DATA_YEARS: i32 = 200;

fn years_of(r: &DateRange) -> (i32, i32) {
    (r.first.year(), r.last.year())
}

/// The first and last year each value of `data` covers.
fn year_spans(data: &CalendarData) -> impl Iterator<Item = (i32, i32)> + '_ {
    let notices = data.notices.iter().flat_map(move |n| {
        let ranges = n
            .holidays
            .iter()
            .flat_map(|h| h.statutory.iter().chain(&h.off).chain(&h.on))
            .map(years_of);
        std::iter::once((n.year, n.year)).chain(ranges)
    });
    let days = data.days.iter().flat_map(|d| d.dates.iter().map(years_of));
    notices.chain(days)
}

/// The earliest and latest year `data` names, when it spans more than [`MAX_DATA_YEARS`].
fn too_long(data: &CalendarData) -> Option<(i32, i32)> {
    let (lo, hi) = year_spans(data).fold((i32::MAX, i32::MIN), |(lo, hi), (a, b)| {
        (lo.min(a), hi.max(b))
    });
    (lo <= hi && hi.saturating_sub(lo) >= MAX_DATA_YEARS).then_some((lo, hi))
}

/// Checks the span of data built in code (no file to point at): `invalid_calendar`. The
/// builder runs it on every layer before resolving any date, so memory follows the limit.
pub(crate) fn check_layer(data: &CalendarData) -> Result<()> {
    match too_long(data) {
        None => Ok(()),
        Some((lo, hi)) => Err(Error::InvalidCalendar {
            reason: format!(
                "calendar data spans the years {lo} to {hi}: more than {MAX_DATA_YEARS} years"
            ),
        }),
    }
}

/// Checks the span of `data`, read from `text` (`json`: JSON, else TOML).
pub(crate) fn check(data: &CalendarData, text: &str, json: bool) -> Result<()> {
    let Some((lo, hi)) = too_long(data) else {
        return Ok(());
    };
    let last_allowed = lo.saturating_add(MAX_DATA_YEARS - 1);
    let tree = if json {
        crate::scheme::json::parse(text).ok()
    } else {
        crate::scheme::node::from_toml(text).ok()
    };
    let pos = tree
        .as_ref()
        .and_then(|t| first_after(t, None, last_allowed))
        .map(|offset| FilePos::from_offset(text, offset));
    Err(Error::InvalidCalendarData {
        reason: format!(
            "the data spans the years {lo} to {hi}: more than {MAX_DATA_YEARS} years (this value \
             is after {last_allowed})"
        ),
        pos,
    })
}

/// The byte offset of the first year or date range (in file order) that ends after `last`.
fn first_after(node: &Node, key: Option<&str>, last: i32) -> Option<usize> {
    match (&node.kind, key) {
        (NodeKind::Table(entries), _) => entries
            .iter()
            .find_map(|e| first_after(&e.value, Some(e.key.as_str()), last)),
        (NodeKind::Array(items), _) => items.iter().find_map(|n| first_after(n, key, last)),
        (NodeKind::Int(year), Some("year")) => (*year > i64::from(last)).then_some(node.span.start),
        (NodeKind::Str(s), Some("statutory" | "off" | "on" | "dates")) => DateRange::parse(s)
            .ok()
            .filter(|r| r.last.year() > last)
            .map(|_| node.span.start),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notices(first: i32, count: i32) -> String {
        (first..first + count)
            .map(|y| format!("[[notices]]\nyear = {y}\n"))
            .collect()
    }

    #[test]
    fn two_centuries_load_and_one_more_year_names_its_line() {
        assert!(CalendarData::from_toml(&notices(1900, 200)).is_ok());
        let err = CalendarData::from_toml(&notices(1900, 201)).unwrap_err();
        assert_eq!(err.code(), "invalid_calendar_data");
        // Notice 201 (year 2100): `[[notices]]` on line 401, `year = 2100` on line 402.
        assert_eq!(
            (err.context().line, err.context().column),
            (Some(402), Some(8))
        );
        assert!(err.to_string().contains("1900 to 2100"), "{err}");
    }

    #[test]
    fn ranges_count_and_json_positions_too() {
        let json = r#"{"notices": [{"year": 2026}],
 "days": [{"dates": ["2026-05-01", "2226-05-01..2226-05-02"], "rule": "off"}]}"#;
        let err = CalendarData::from_json(json).unwrap_err();
        assert_eq!(err.code(), "invalid_calendar_data");
        assert_eq!(
            (err.context().line, err.context().column),
            (Some(2), Some(36))
        );
        // `published` dates are not coverage: far ones are fine.
        let ok = "[[notices]]\nyear = 2026\npublished = \"1800-01-01\"\n";
        assert!(CalendarData::from_toml(ok).is_ok());
    }
}
