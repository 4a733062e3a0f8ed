//! `score --format csv`: one row per unit — group, rank, unit, name, total, full marks, grade —
//! then each indicator's value and points (`<id>.value`, `<id>.points`, scheme order; empty when
//! the indicator does not apply to the unit's group or has no data).

use super::model::Report;
use crate::fail::{CliResult, Failure};

/// The CSV text.
pub fn render(r: &Report) -> CliResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "group",
        "rank",
        "unit",
        "name",
        "total",
        "full_marks",
        "grade",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for i in &r.scheme.indicators {
        header.push(format!("{}.value", i.id));
        header.push(format!("{}.points", i.id));
    }
    let bad = |e: csv::Error| Failure::data(format!("cannot write CSV: {e}"));
    w.write_record(&header).map_err(bad)?;
    for c in &r.scores.units {
        let mut row = vec![
            c.group.clone(),
            c.rank.to_string(),
            c.unit.to_string(),
            c.name.clone(),
            c.total.to_string(),
            c.full_marks.to_string(),
            c.grade.clone(),
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
