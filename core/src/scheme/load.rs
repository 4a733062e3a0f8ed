//! Loading a scheme: text → spanned tree → schema check → file model → compiled [`Scheme`],
//! collecting **every** problem with its line, column and key path.
//!
//! Formula problems point inside the formula string as written in the file (the string's
//! position plus the position within the formula, escapes accounted for).

use std::collections::BTreeSet;

use super::file::{PeriodSpec, SchemeFile};
use super::hash::sha256_hex;
use super::model::{Indicator, Scheme};
use super::node::{self, Node, Seg, path_string};
use super::problem::{MAX_PROBLEMS, SchemeProblem, has_room, offset_in_string};
use super::resolver::MetricResolver;
use super::{json, schema};
use crate::config_file::ConfigKind;
use crate::error::Error;
use crate::formula::{Formula, Resolver, ValueType};
use crate::instant::Instant;

/// The file formats a scheme can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// The largest `decimals` / `rate_decimals` accepted.
pub const MAX_DECIMALS: u32 = 10;

/// The largest scheme file read, in bytes (1 MiB; the built-in presets are under 20 KiB).
/// Larger text is refused before it is parsed, so a huge formula or value costs nothing.
pub const MAX_SCHEME_BYTES: usize = 1 << 20;

/// Loads and compiles a scheme, or returns every problem found.
pub fn load(text: &str, format: Format) -> Result<Scheme, Vec<SchemeProblem>> {
    if let Err(Error::SchemeInvalid { problems }) = ConfigKind::Scheme.check_size(text, "") {
        return Err(problems);
    }
    let root = match format {
        Format::Toml => node::from_toml(text).map_err(|errs| {
            errs.into_iter()
                .take(MAX_PROBLEMS)
                .map(|(msg, span)| {
                    SchemeProblem::at(text, span.start, "syntax", String::new(), msg)
                })
                .collect::<Vec<_>>()
        })?,
        Format::Json => json::parse(text).map_err(|(msg, span)| {
            vec![SchemeProblem::at(
                text,
                span.start,
                "syntax",
                String::new(),
                msg,
            )]
        })?,
    };
    let checked = schema::check(text, &root);
    let mut problems = checked.problems;
    // Unknown keys alone do not stop loading: they are left out and the rest is checked too.
    if problems.len() != checked.unknown_keys.len() || !has_room(&problems) {
        sort(&mut problems);
        return Err(problems);
    }
    let file: SchemeFile =
        match serde_json::from_value(root.to_json_skipping(&checked.unknown_keys)) {
            Ok(file) => file,
            Err(e) => {
                problems.push(SchemeProblem::at(
                    text,
                    0,
                    "invalid_value",
                    String::new(),
                    e.to_string(),
                ));
                sort(&mut problems);
                return Err(problems);
            }
        };
    let mut cx = Ctx {
        text,
        root: &root,
        problems,
        suspicious: Vec::new(),
    };
    let scheme = cx.compile(file);
    let mut problems = cx.problems;
    match scheme {
        Some(s) if problems.is_empty() => Ok(s),
        _ => {
            sort(&mut problems);
            Err(problems)
        }
    }
}

fn sort(problems: &mut [SchemeProblem]) {
    problems.sort_by(|a, b| (a.line, a.column, &a.key).cmp(&(b.line, b.column, &b.key)));
}

pub(super) fn k(s: &str) -> Seg {
    Seg::Key(s.to_owned())
}

pub(super) fn with(path: &[Seg], more: &[Seg]) -> Vec<Seg> {
    path.iter().chain(more).cloned().collect()
}

pub(super) struct Ctx<'a> {
    text: &'a str,
    root: &'a Node,
    pub(super) problems: Vec<SchemeProblem>,
    /// Values accepted but rarely meant ([`Scheme::suspicious_values`]).
    suspicious: Vec<SchemeProblem>,
}

impl Ctx<'_> {
    /// Where `path` is written: its value's start, or the nearest key that exists.
    fn offset(&self, path: &[Seg]) -> usize {
        self.root
            .at(path)
            .map_or_else(|| self.root.key_span(path).start, |n| n.span.start)
    }

    /// Records a problem at the value of `path` (or the nearest key that exists).
    pub(super) fn problem(
        &mut self,
        path: &[Seg],
        code: &str,
        msg: String,
        suggestion: Option<String>,
    ) {
        if !has_room(&self.problems) {
            return;
        }
        let offset = self.offset(path);
        self.problems.push(
            SchemeProblem::at(self.text, offset, code, path_string(path), msg).suggest(suggestion),
        );
    }

    /// Records a suspicious value at the value of `path` (see `scheme::suspicious`).
    pub(super) fn note(&mut self, path: &[Seg], msg: String) {
        let offset = self.offset(path);
        self.suspicious.push(SchemeProblem::at(
            self.text,
            offset,
            super::suspicious::SUSPICIOUS_VALUE,
            path_string(path),
            msg,
        ));
    }

    pub(super) fn formula(
        &mut self,
        path: &[Seg],
        src: &str,
        resolver: &dyn Resolver,
        ty: ValueType,
    ) -> Option<Formula> {
        self.compiled(path, src, Formula::compile(src, resolver, ty))
    }

    /// The formula compiled from `src` at `path`, or its problems recorded.
    pub(super) fn compiled(
        &mut self,
        path: &[Seg],
        src: &str,
        result: Result<Formula, Vec<crate::formula::Problem>>,
    ) -> Option<Formula> {
        match result {
            Ok(f) => Some(f),
            Err(problems) => {
                let span = self.root.at(path).map(|n| n.span.clone());
                for p in problems {
                    if !has_room(&self.problems) {
                        break;
                    }
                    let offset = span
                        .as_ref()
                        .map_or(0, |s| offset_in_string(self.text, s, src, p.line, p.column));
                    self.problems.push(
                        SchemeProblem::at(self.text, offset, p.code, path_string(path), p.message)
                            .suggest(p.suggestion),
                    );
                }
                None
            }
        }
    }

    fn compile(&mut self, file: SchemeFile) -> Option<Scheme> {
        if file.schema_version != 1 {
            self.problem(
                &[k("schema_version")],
                "invalid_value",
                format!(
                    "schema_version {} is not supported; this library reads version 1",
                    file.schema_version
                ),
                None,
            );
        }
        for (key, v) in [
            ("decimals", Some(file.decimals)),
            ("rate_decimals", file.rate_decimals),
        ] {
            if v.is_some_and(|d| d > MAX_DECIMALS) {
                self.problem(
                    &[k(key)],
                    "invalid_value",
                    format!("at most {MAX_DECIMALS} decimal places"),
                    None,
                );
            }
        }
        if let PeriodSpec::Range(r) = &file.period {
            let path = [k("period"), k("range")];
            let start = Instant::parse(&r.start);
            let end = Instant::parse(&r.end);
            for (key, res) in [("start", &start), ("end", &end)] {
                if let Err(e) = res {
                    let mut message = e.to_string();
                    // A date alone as the end most often means "through that day".
                    if key == "end"
                        && let Ok(day) = crate::calendar::parse_date(r.end.trim())
                        && let Some(next) = day.next_day()
                    {
                        message.push_str(&format!(
                            "; the end is the first instant after the period: through {day}, \
                             write {next}T00:00:00+08:00"
                        ));
                    }
                    self.problem(&with(&path, &[k(key)]), "invalid_value", message, None);
                }
            }
            if let (Ok(s), Ok(e)) = (start, end) {
                if e <= s {
                    self.problem(
                        &with(&path, &[k("end")]),
                        "invalid_value",
                        "the period's end is not after its start".into(),
                        None,
                    );
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, name) in file.external.iter().enumerate() {
            if !super::resolver::is_external_name(name) {
                self.problem(
                    &[k("external"), Seg::Index(i)],
                    "invalid_value",
                    format!(
                        "{name:?} is not a valid metric name ({})",
                        super::resolver::EXTERNAL_NAMES
                    ),
                    None,
                );
            }
            if !seen.insert(name.as_str()) {
                self.problem(
                    &[k("external"), Seg::Index(i)],
                    "duplicate_id",
                    format!("external metric {name:?} is declared twice"),
                    None,
                );
            }
        }
        let resolver = MetricResolver::new(file.external.clone());
        let groups = self.groups(&file);
        let indicators: Vec<Option<Indicator>> = file
            .indicators
            .iter()
            .enumerate()
            .map(|(i, spec)| self.indicator(i, spec, &file, &resolver))
            .collect();
        self.group_targets(&file);
        self.full_marks(&file);
        let grades = self.grades(&file);
        let (total_cap, total_floor) = (file.total.cap.map(|n| n.0), file.total.floor.map(|n| n.0));
        if let (Some(c), Some(f)) = (total_cap, total_floor) {
            if f > c {
                self.problem(
                    &[k("total"), k("floor")],
                    "invalid_value",
                    "the total's floor is above its cap".into(),
                    None,
                );
            }
        }
        if let Some(w) = &file.warnings {
            if w.bottom.is_none() && w.total_below.is_none() && !w.below_red_line {
                self.problem(
                    &[k("warnings")],
                    "invalid_value",
                    "warnings need at least one condition: bottom, total_below or below_red_line"
                        .into(),
                    None,
                );
            }
        }
        let ladder = file.sanctions.as_ref().map(|s| self.ladder(s));
        let indicators: Vec<Indicator> = indicators.into_iter().flatten().collect();
        if !self.problems.is_empty() || indicators.len() != file.indicators.len() {
            return None;
        }
        let hash = sha256_hex(serde_json::to_string(&file).unwrap_or_default().as_bytes());
        let mut used_slots: Vec<usize> = indicators
            .iter()
            .flat_map(|ind| ind.reads.iter().copied())
            .collect();
        used_slots.sort_unstable();
        used_slots.dedup();
        self.suspicious(&file);
        let mut suspicious = std::mem::take(&mut self.suspicious);
        sort(&mut suspicious);
        Some(Scheme {
            suspicious,
            hash,
            resolver,
            groups,
            indicators,
            grades,
            total_cap,
            total_floor,
            ladder,
            used_slots,
            file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
schema_version = 1
period = "month"

[[groups]]
id = "all"
full_marks = 25

[[indicators]]
id = "on_time"
name = "按时办结率"
value = { ratio = { num = "closed_on_time", den = "due" } }
points = 25
rule = { linear_below_target = { target = 100, slope = 1 } }
"#;

    #[test]
    fn loads_a_minimal_scheme() {
        let s = load(MINI, Format::Toml).unwrap();
        assert_eq!(s.indicators.len(), 1);
        assert_eq!(s.hash.len(), 64);
        let v = s.indicators[0].value.as_ref().unwrap();
        assert_eq!(v.value.source(), "(closed_on_time) * 100 / (due)");
    }

    #[test]
    fn negative_points_are_one_problem_not_one_per_rule_value() {
        // "band points must lie in [0, -100]" followed the real problem (a formats audit).
        let text = MINI
            .replace("points = 25\n", "points = -25\n")
            .replace("full_marks = 25", "full_marks = 1")
            .replace(
                "linear_below_target = { target = 100, slope = 1 }",
                "bands = [{ min = 95, points = 10 }]",
            );
        let problems = load(&text, Format::Toml).unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert!(keys.contains(&"indicators[0].points"), "{problems:?}");
        assert!(!keys.iter().any(|k| k.contains("bands")), "{problems:?}");
    }

    #[test]
    fn a_range_ending_on_a_date_says_the_end_is_exclusive() {
        let text = MINI.replace(
            "period = \"month\"",
            "period = { range = { start = \"2026-01-01T00:00:00+08:00\", end = \"2026-01-31\" } }",
        );
        let problems = load(&text, Format::Toml).unwrap_err();
        let [p] = problems.as_slice() else {
            panic!("{problems:?}")
        };
        assert_eq!(p.key, "period.range.end");
        assert!(
            p.message
                .contains("through 2026-01-31, write 2026-02-01T00:00:00+08:00"),
            "{}",
            p.message
        );
    }

    #[test]
    fn reports_unknown_keys_with_suggestions_and_positions() {
        let text = MINI.replace("slope = 1", "slop = 1");
        let problems = load(&text, Format::Toml).unwrap_err();
        let p = problems.iter().find(|p| p.code == "unknown_key").unwrap();
        assert_eq!(p.key, "indicators[0].rule.linear_below_target.slop");
        assert_eq!(p.suggestion.as_deref(), Some("slope"));
        let line = text.lines().position(|l| l.contains("slop =")).unwrap() as u32 + 1;
        assert_eq!(p.line, line);
        assert!(
            problems.iter().any(|p| p.code == "missing_key"
                && p.key == "indicators[0].rule.linear_below_target.slope")
        );
    }

    /// The limits apply to what the user wrote: a numerator nested 64 deep, or 4,000 bytes
    /// long, is within them although the formula the loader writes around it is not (it was
    /// refused, placed at the `value` table, with a length the user never wrote).
    #[test]
    fn declarative_forms_are_limited_as_written() {
        let deep = format!("{}closed_on_time{}", "(".repeat(64), ")".repeat(64));
        let long = format!("closed_on_time{}", " + 0".repeat(996));
        assert!(long.len() <= crate::formula::MAX_LEN);
        for num in [&deep, &long] {
            let text = MINI.replace("num = \"closed_on_time\"", &format!("num = \"{num}\""));
            assert!(load(&text, Format::Toml).is_ok(), "{}", &num[..20]);
        }
        // Past the limits, the problem is placed in the numerator.
        let deeper = format!("({deep})");
        let text = MINI.replace("num = \"closed_on_time\"", &format!("num = \"{deeper}\""));
        let problems = load(&text, Format::Toml).unwrap_err();
        assert_eq!(
            problems[0].key, "indicators[0].value.ratio.num",
            "{problems:?}"
        );
        assert_eq!(problems[0].code, "formula_too_deep");
    }

    /// `streak` and `previous_level` where a condition cannot read them say where they can be
    /// read (it was a bare "unknown name").
    #[test]
    fn ladder_names_out_of_place_say_where_they_belong() {
        for (level, says) in [
            (
                "base = \"streak >= 1\"",
                "read in the `when` of a level that has a `base`",
            ),
            (
                "when = \"streak >= 1\"",
                "read in the `when` of a level that has a `base`",
            ),
            ("base = \"previous_level >= 1\"", "is read in `when` only"),
        ] {
            let text =
                format!("{MINI}\n[[sanctions.levels]]\nlevel = 1\nname = \"约谈\"\n{level}\n");
            let problems = load(&text, Format::Toml).unwrap_err();
            assert_eq!(problems[0].code, "formula_unknown_name", "{problems:?}");
            assert!(
                problems[0].message.contains(says),
                "{}",
                problems[0].message
            );
        }
    }

    #[test]
    fn formula_problems_point_into_the_file() {
        let text = MINI.replace("num = \"closed_on_time\"", "num = \"closed_on_tme\"");
        let problems = load(&text, Format::Toml).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.code, "formula_unknown_name");
        assert_eq!(p.suggestion.as_deref(), Some("closed_on_time"));
        let line_text = text.lines().find(|l| l.contains("closed_on_tme")).unwrap();
        let col = line_text.find("closed_on_tme").unwrap() as u32 + 1;
        assert_eq!(p.column, col);
    }

    #[test]
    fn numbers_may_be_decimal_strings() {
        let text = MINI.replace("points = 25", "points = \"25.0\"");
        assert!(load(&text, Format::Toml).is_ok());
        let text = MINI.replace("points = 25", "points = \"2x\"");
        let problems = load(&text, Format::Toml).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "invalid_value");
        assert_eq!(problems[0].key, "indicators[0].points");
        assert_eq!(problems[0].column, 10);
    }

    /// A shrinkage weight or sample size ≤ 0 turned shrinkage upside down (12 callbacks, 6
    /// satisfied, weight −10: −150 %); a grade named twice was found by name by the ladder
    /// (a unit of the last grade was not `lowest_grade`). Both refused, placed (a scoring audit).
    #[test]
    fn shrinkage_must_be_positive_and_grades_unique() {
        let shrunk = MINI.replace(
            "points = 25\n",
            "points = 25\nshrink = { min_sample = 20, weight = -10 }\n",
        );
        let problems = load(&shrunk, Format::Toml).unwrap_err();
        let keys: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.code.as_str(), p.key.as_str()))
            .collect();
        assert_eq!(keys, [("invalid_value", "indicators[0].shrink.weight")]);
        let zero = shrunk.replace(
            "min_sample = 20, weight = -10",
            "min_sample = 0, weight = 5",
        );
        let problems = load(&zero, Format::Toml).unwrap_err();
        assert_eq!(problems[0].key, "indicators[0].shrink.min_sample");
        let fine = shrunk.replace("weight = -10", "weight = 10");
        assert!(load(&fine, Format::Toml).is_ok());

        let grades = format!(
            "{MINI}\n[[grades]]\nname = \"合格\"\nmin = 60\n[[grades]]\nname = \"不合格\"\nmin = 30\n\
             [[grades]]\nname = \"不合格\"\nmin = 0\n"
        );
        let problems = load(&grades, Format::Toml).unwrap_err();
        let [p] = problems.as_slice() else {
            panic!("{problems:?}")
        };
        assert_eq!(
            (p.code.as_str(), p.key.as_str()),
            ("duplicate_id", "grades[2].name")
        );
        assert!(
            p.message.contains("\"不合格\" is defined twice"),
            "{}",
            p.message
        );
    }
}
