//! Every problem of a calendar data file, each with its line and column (for `check`): the
//! loaders ([`CalendarData::from_toml`], [`CalendarData::from_json`]) stop at the first.

use super::data::{
    CalendarData, DayEntry, HolidayEntry, Notice, decode_error, format_problem, listed_twice,
    value_offset,
};
use crate::document::{self, Part, Raw, Stand, Syntax, TableRules};
use crate::error::{Error, FilePosCursor};

impl CalendarData {
    /// Every problem of TOML calendar data, in file order, each with its line and column (codes
    /// as [`CalendarData::from_toml`]: `unknown_calendar_key`, `invalid_date`,
    /// `invalid_calendar_data` …); empty when that function accepts the text. Each top-level key,
    /// each notice, each key of a notice, each holiday of a notice, each key of a holiday and
    /// each date rule is checked on its own; a syntax error stops the text (one problem).
    pub fn check_toml(text: &str) -> Vec<Error> {
        match CalendarData::from_toml(text) {
            Ok(_) => Vec::new(),
            Err(first) => every_problem(text, Syntax::Toml, first),
        }
    }

    /// Every problem of JSON calendar data, as [`CalendarData::check_toml`].
    pub fn check_json(text: &str) -> Vec<Error> {
        match CalendarData::from_json(text) {
            Ok(_) => Vec::new(),
            Err(first) => every_problem(text, Syntax::Json, first),
        }
    }
}

/// The first problem of data the loader refused after reading it (`first`, without a position),
/// placed as `check` places it: the loader and `check` say the same, at the same line.
pub(super) fn placed(text: &str, syntax: Syntax, first: Error) -> Error {
    let mut all = every_problem(text, syntax, first.clone());
    if all.is_empty() {
        first
    } else {
        all.swap_remove(0)
    }
}

/// The problems of data the loader refused (`first`, what the loader said, if none is found).
fn every_problem(text: &str, syntax: Syntax, first: Error) -> Vec<Error> {
    // Problems come in the order of their offsets: placed in one pass.
    let mut cursor = FilePosCursor::new(text);
    let found: Vec<Error> = document::problems(text, syntax, check_data)
        .into_iter()
        .map(|raw| {
            let offset = value_offset(text, &raw.message, raw.offset);
            decode_error(&raw.message, Some(cursor.at(offset)))
        })
        .collect();
    if found.is_empty() { vec![first] } else { found }
}

/// The independent parts of calendar data: top-level keys, notices (their keys, holidays and
/// the holidays' keys) and date rules (each whole: its keys are checked against each other).
fn check_data(root: Part<'_>, out: &mut Vec<Raw>) {
    let holiday_rules = TableRules {
        required: &[("name", Stand::Str)],
        split: &[],
    };
    let holidays = |p: Part<'_>, out: &mut Vec<Raw>| {
        let mut names: Vec<String> = Vec::new();
        p.each_item(out, |_, h, out| {
            h.check_table::<HolidayEntry>(&holiday_rules, &|_| None, out);
            if let Ok(entry) = h.de::<HolidayEntry>() {
                if names.contains(&entry.name) {
                    out.push(Raw {
                        offset: h.start(),
                        message: listed_twice(&entry.name),
                    });
                }
                names.push(entry.name);
            }
        })
    };
    let notice_rules = TableRules {
        required: &[("year", Stand::Int)],
        split: &[("holidays", &holidays)],
    };
    let notices = |p: Part<'_>, out: &mut Vec<Raw>| {
        p.each_item(out, |_, n, out| {
            n.check_table::<Notice>(&notice_rules, &|_| None, out);
        })
    };
    let days = |p: Part<'_>, out: &mut Vec<Raw>| {
        p.each_item(out, |i, d, out| match d.de::<DayEntry>() {
            Ok(entry) => {
                if let Some(p) = entry.problem() {
                    out.push(Raw {
                        offset: d.start(),
                        message: format!("days[{i}]: {p}"),
                    });
                }
            }
            Err(raw) => out.push(raw),
        })
    };
    let data_rules = TableRules {
        required: &[],
        split: &[("notices", &notices), ("days", &days)],
    };
    root.check_table::<CalendarData>(&data_rules, &|d| format_problem(d.format), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, column, code) of every problem.
    fn places(problems: &[Error]) -> Vec<(u32, u32, &'static str)> {
        problems
            .iter()
            .map(|e| {
                let c = e.context();
                (c.line.unwrap_or(0), c.column.unwrap_or(0), e.code())
            })
            .collect()
    }

    #[test]
    fn toml_lists_every_independent_problem() {
        let text = "format = 2\n\
                    nam = \"x\"\n\
                    \n\
                    [[notices]]\n\
                    year = \"2027\"\n\
                    published = \"2026-13-01\"\n\
                    \n\
                    [[notices.holidays]]\n\
                    name = \"A\"\n\
                    off = [\"2027-01-01..2027-01-03\"]\n\
                    on = [\"2027-02-30\"]\n\
                    \n\
                    [[notices.holidays]]\n\
                    statutory = [\"x\"]\n\
                    \n\
                    [[days]]\n\
                    dates = [\"2026-03-09\"]\n\
                    rule = \"hours\"\n\
                    \n\
                    [[days]]\n\
                    dates = [\"2026-03-10\"]\n\
                    rule = \"of\"\n\
                    \n\
                    [[days]]\n\
                    dates = [\"2026-03-11\"]\n\
                    rule = \"hours\"\n\
                    hours = [\"12:00-09:00\"]\n";
        let problems = CalendarData::check_toml(text);
        assert_eq!(
            places(&problems),
            [
                (1, 10, "invalid_calendar_data"), // format 2
                (2, 1, "unknown_calendar_key"),   // nam
                (5, 8, "invalid_calendar_data"),  // year is a string
                (6, 13, "invalid_date"),          // month 13
                (11, 7, "invalid_date"),          // 30 February (at the date, not its list)
                (13, 1, "invalid_calendar_data"), // holiday without a name
                (14, 14, "invalid_date"),         // "x"
                (16, 1, "invalid_calendar_data"), // days[0]: hours without hours
                (22, 8, "invalid_calendar_data"), // rule "of"
                (27, 10, "interval_ends_before_start"),
            ],
            "{problems:#?}"
        );
        assert!(
            problems[7]
                .to_string()
                .contains("days[0]: rule \"hours\" needs `hours`")
        );
        assert!(problems.contains(&CalendarData::from_toml(text).unwrap_err()));
    }

    #[test]
    fn json_lists_every_independent_problem() {
        let text = "{\"format\": 1,\n\
                    \"days\": [\n\
                    {\"dates\": [\"2026-02-30\"], \"rule\": \"off\"},\n\
                    {\"dates\": [\"2026-03-01\"], \"rule\": \"off\", \"hours\": [\"09:00-10:00\"]},\n\
                    {\"dates\": [\"2026-03-02\"], \"rule\": \"hours\", \"hours\": [\"09:00-12:00\", \"11:00-13:00\"]}\n\
                    ],\n\
                    \"notices\": [{\"year\": 2027, \"holidays\": [{\"name\": \"A\", \"of\": []}]}],\n\
                    \"dayz\": 1}";
        let problems = CalendarData::check_json(text);
        let lines: Vec<(u32, &str)> = places(&problems).iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(
            lines,
            [
                (3, "invalid_date"),
                (4, "invalid_calendar_data"),
                (5, "overlapping_intervals"),
                (7, "unknown_calendar_key"),
                (8, "unknown_calendar_key"),
            ],
            "{problems:#?}"
        );
        // A date rule's own problem is placed at the rule.
        assert_eq!(places(&problems)[1].1, 1);
        assert!(problems.contains(&CalendarData::from_json(text).unwrap_err()));
    }

    #[test]
    fn syntax_errors_stop_and_good_data_has_none() {
        let problems = CalendarData::check_toml("[[days]]\ndates = [\"2026-01-01\"\nrule = 1\n");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let problems = CalendarData::check_json("{\"days\": [}");
        assert_eq!(places(&problems), [(1, 11, "invalid_calendar_data")]);
        // A wrong format is placed by the check, and by the loader as the check places it
        // (a calendar audit: the loader had no position).
        let format = "name = \"x\"\nformat = 2\n";
        assert_eq!(
            places(&CalendarData::check_toml(format)),
            [(2, 10, "invalid_calendar_data")]
        );
        assert_eq!(
            places(&[CalendarData::from_toml(format).unwrap_err()]),
            [(2, 10, "invalid_calendar_data")]
        );
        let prc = include_str!("../../data/prc.toml");
        assert_eq!(CalendarData::check_toml(prc), []);
        let json = serde_json::to_string(&CalendarData::from_toml(prc).unwrap()).unwrap();
        assert_eq!(CalendarData::check_json(&json), []);
    }

    /// A holiday named twice in one notice is refused, with its place, by the loader and the
    /// check alike (a calendar audit: the first entry was dropped without a word — a later
    /// notice replaces a holiday by its name).
    #[test]
    fn a_holiday_named_twice_in_one_notice_is_refused() {
        let text = "[[notices]]\nyear = 2027\n\
                    [[notices.holidays]]\nname = \"Spring Festival\"\noff = [\"2027-02-05..2027-02-11\"]\n\
                    [[notices.holidays]]\nname = \"Spring Festival\"\non = [\"2027-02-20\"]\n";
        let problems = CalendarData::check_toml(text);
        assert_eq!(places(&problems), [(6, 1, "invalid_calendar_data")]);
        assert!(
            problems[0]
                .to_string()
                .contains("\"Spring Festival\" is listed twice")
        );
        assert_eq!(CalendarData::from_toml(text).unwrap_err(), problems[0]);
        let json = serde_json::to_string(&serde_json::json!({"notices": [{"year": 2027,
            "holidays": [{"name": "A", "off": ["2027-01-01"]}, {"name": "A", "on": ["2027-01-02"]}]}]}))
        .unwrap();
        assert_eq!(CalendarData::check_json(&json).len(), 1);
        assert!(CalendarData::from_json(&json).is_err());
    }
}
