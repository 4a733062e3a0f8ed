//! `score --format csv`: one row per unit — the run's context (period, as-of instant, whether
//! the results are final, the first predicted day), then group, rank, unit, name, total, full
//! marks, grade, the unit's period warning and sanction level, whether it had no activity in
//! the period, then each indicator's value and points (`<id>.value`, `<id>.points`, scheme
//! order; empty when the indicator does not apply to the unit's group or has no data). Every
//! row carries the context, so files of several runs concatenate into one sheet. Text cells
//! that a spreadsheet would run as a formula are prefixed with `'`.

use super::model::Report;
use crate::fail::{CliResult, Failure};

/// The fixed columns, before the indicators'.
const FIXED: [&str; 14] = [
    "period",
    "as_of",
    "status",
    "predicted_from",
    "group",
    "rank",
    "unit",
    "name",
    "total",
    "full_marks",
    "grade",
    "warning",
    "sanction_level",
    "idle",
];

/// A text cell from the data or the scheme (a unit's name, a group, a grade, the period's
/// label, an indicator's header cell; not the unit id, a join key) as a spreadsheet shows it: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, so that Excel or WPS shows it instead of running it as a formula
/// (`=HYPERLINK(…)` in a unit name from the platform's export).
fn text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The CSV text.
pub fn render(r: &Report) -> CliResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = FIXED.iter().map(|s| (*s).to_owned()).collect();
    for i in &r.scheme.indicators {
        header.push(text(&format!("{}.value", i.id)));
        header.push(text(&format!("{}.points", i.id)));
    }
    let bad = |e: csv::Error| Failure::data(format!("cannot write CSV: {e}"));
    w.write_record(&header).map_err(bad)?;
    let status = if r.closed { "final" } else { "standings" };
    let as_of = r.as_of.to_string();
    let predicted_from = r.predicted_from.clone().unwrap_or_default();
    let in_warning_window = r
        .warning_start
        .is_some_and(|start| r.as_of >= start && !r.closed);
    for c in &r.scores.units {
        // `yes`/`no` inside the warning window, empty outside it or without warnings.
        let warning = if in_warning_window {
            if r.warnings.iter().any(|x| x.unit == c.unit) {
                "yes"
            } else {
                "no"
            }
        } else {
            ""
        };
        // The level reached (0: none), empty when the scheme has no ladder.
        let sanction_level = r
            .sanctions
            .as_ref()
            .map(|s| {
                s.current
                    .iter()
                    .find(|x| x.unit == c.unit)
                    .map_or(0, |x| x.level)
                    .to_string()
            })
            .unwrap_or_default();
        let mut row = vec![
            text(&r.period.label),
            as_of.clone(),
            status.to_owned(),
            predicted_from.clone(),
            text(&c.group),
            c.rank.to_string(),
            // The unit id is a join key, written as it is (`-12` stays `-12`).
            c.unit.to_string(),
            text(&c.name),
            c.total.to_string(),
            c.full_marks.to_string(),
            text(&c.grade),
            warning.to_owned(),
            sanction_level,
            if r.is_idle(&c.unit) { "yes" } else { "no" }.to_owned(),
        ];
        for i in &r.scheme.indicators {
            match c.component(&i.id) {
                Some(x) => {
                    row.push(x.value.map(|v| v.to_string()).unwrap_or_default());
                    row.push(x.points.to_string());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        w.write_record(&row).map_err(bad)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::data(format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::data(format!("cannot write CSV: {e}")))
}
