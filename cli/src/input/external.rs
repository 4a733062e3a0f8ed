//! External metrics and manual adjustments from files (`score --external`, `--adjustments`):
//! what the ticket flow does not hold (mystery calls 实例拨测, knowledge-base updates, manual
//! 加减分 with reason and approver), per unit, for the scored period or a named one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hotline_score::metrics::Adjustment;
use hotline_score::scheme::Scheme;
use hotline_score::scheme::num::{self, Num};
use hotline_score::{FilePos, Period, Unit, UnitId};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::data::{Columns, check_header, csv_problem, open_csv, problems_failure};
use super::encoding::Encoding;
use super::locate::Problem;
use super::{is_json, read_text};
use crate::fail::CliResult;
use crate::progress::Progress;

/// One row of an external-metrics table: `unit, metric, value`, and the period (its label)
/// when not the scored one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueRow {
    unit: String,
    metric: String,
    value: String,
    #[serde(default)]
    period: Option<String>,
}

/// One row of an adjustments table: `unit, metric, amount, reason, approver`, and the period.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjustmentRow {
    unit: String,
    metric: String,
    amount: String,
    reason: String,
    approver: String,
    #[serde(default)]
    period: Option<String>,
}

/// External metrics and adjustments by period label (`""`: the scored period).
#[derive(Debug, Default)]
pub struct ExternalInputs {
    values: BTreeMap<String, BTreeMap<UnitId, BTreeMap<String, Decimal>>>,
    adjustments: Vec<(String, Adjustment)>,
}

impl ExternalInputs {
    /// Reads the files given; every bad row is a problem with its file and line (JSON: its
    /// position in the array): a unit not in `units`, a metric `scheme` does not declare, a
    /// value given twice for one period, unit and metric, an adjustment without a reason or an
    /// approver, a number that is not exact.
    pub fn read(
        values: Option<&Path>,
        adjustments: Option<&Path>,
        encoding: Encoding,
        units: &[Unit],
        scheme: &Scheme,
        current: &Period,
    ) -> CliResult<ExternalInputs> {
        let known = Known {
            units: Some(units),
            scheme: Some(scheme),
        };
        Self::read_known(values, adjustments, encoding, &known, Some(current))
    }

    /// [`Self::read`] for `check`: units and metrics are checked against the units table and
    /// the scheme when given (`None`: not checked), period labels kept as written.
    pub fn check(
        values: Option<&Path>,
        adjustments: Option<&Path>,
        encoding: Encoding,
        units: Option<&[Unit]>,
        scheme: Option<&Scheme>,
    ) -> CliResult<ExternalInputs> {
        Self::read_known(
            values,
            adjustments,
            encoding,
            &Known { units, scheme },
            None,
        )
    }

    /// The number of rows read (values and adjustments).
    pub fn len(&self) -> usize {
        let values: usize = (self.values.values())
            .flat_map(|units| units.values())
            .map(BTreeMap::len)
            .sum();
        values + self.adjustments.len()
    }

    fn read_known(
        values: Option<&Path>,
        adjustments: Option<&Path>,
        encoding: Encoding,
        known: &Known<'_>,
        current: Option<&Period>,
    ) -> CliResult<ExternalInputs> {
        let mut out = ExternalInputs::default();
        let mut problems = Vec::new();
        // A row naming the scored period's label is that period's, as a row naming none.
        let label = |p: Option<String>| {
            p.filter(|p| current.is_none_or(|c| *p != c.label))
                .unwrap_or_default()
        };
        if let Some(path) = values {
            let columns = Columns {
                table: "external metrics",
                required: &["unit", "metric", "value"],
                known: Some(&["unit", "metric", "value", "period"]),
            };
            for (at, row) in rows::<ValueRow>(path, encoding, &columns, &mut problems)? {
                let bad = |code: &str, message: String| at.problem(code, message);
                if let Some(p) = known.check(&row.unit, &row.metric, &bad) {
                    problems.push(p);
                    continue;
                }
                let value = match exact(&row.value) {
                    Ok(v) => v,
                    Err(reason) => {
                        problems.push(bad("invalid_external", format!("`value`: {reason}")));
                        continue;
                    }
                };
                let period = label(row.period);
                let cell = out
                    .values
                    .entry(period.clone())
                    .or_default()
                    .entry(UnitId::from(row.unit.as_str()))
                    .or_default();
                if cell.insert(row.metric.clone(), value).is_some() {
                    problems.push(bad(
                        "invalid_external",
                        format!(
                            "metric `{}` of unit {} is given twice{}",
                            row.metric,
                            row.unit,
                            for_period(&period)
                        ),
                    ));
                }
            }
        }
        if let Some(path) = adjustments {
            let columns = Columns {
                table: "adjustments",
                required: &["unit", "metric", "amount", "reason", "approver"],
                known: Some(&["unit", "metric", "amount", "reason", "approver", "period"]),
            };
            for (at, row) in rows::<AdjustmentRow>(path, encoding, &columns, &mut problems)? {
                let bad = |code: &str, message: String| at.problem(code, message);
                if let Some(p) = known.check(&row.unit, &row.metric, &bad) {
                    problems.push(p);
                    continue;
                }
                let missing = [("reason", &row.reason), ("approver", &row.approver)]
                    .into_iter()
                    .find(|(_, text)| text.trim().is_empty());
                if let Some((field, _)) = missing {
                    problems.push(bad(
                        "invalid_adjustment",
                        format!("`{field}` is empty: every adjustment says why it was made and who approved it"),
                    ));
                    continue;
                }
                let amount = match exact(&row.amount) {
                    Ok(v) => v,
                    Err(reason) => {
                        problems.push(bad("invalid_adjustment", format!("`amount`: {reason}")));
                        continue;
                    }
                };
                let adjustment = Adjustment {
                    unit: UnitId::from(row.unit.as_str()),
                    metric: row.metric,
                    amount,
                    reason: row.reason,
                    approver: row.approver,
                };
                out.adjustments.push((label(row.period), adjustment));
            }
        }
        if problems.is_empty() {
            return Ok(out);
        }
        // In file order (rows that could not be read were found first).
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(problems_failure(&problems))
    }

    /// The external metrics and adjustments of `period`: the rows naming its label, and for the
    /// scored period (`current`) the rows naming none.
    pub fn of(
        &self,
        period: &Period,
        current: &Period,
    ) -> (BTreeMap<UnitId, BTreeMap<String, Decimal>>, Vec<Adjustment>) {
        let mine = |label: &str| label == period.label || (label.is_empty() && period == current);
        let mut values: BTreeMap<UnitId, BTreeMap<String, Decimal>> = BTreeMap::new();
        for (_, units) in self.values.iter().filter(|(l, _)| mine(l)) {
            for (unit, row) in units {
                values.entry(unit.clone()).or_default().extend(row.clone());
            }
        }
        let adjustments = (self.adjustments.iter())
            .filter(|(l, _)| mine(l))
            .map(|(_, a)| a.clone())
            .collect();
        (values, adjustments)
    }

    /// The period labels the rows name that are not among `scored` (their rows are not used).
    pub fn unused_periods(&self, scored: &[&str]) -> Vec<String> {
        let named: BTreeSet<&str> = (self.values.keys().map(String::as_str))
            .chain(self.adjustments.iter().map(|(l, _)| l.as_str()))
            .filter(|l| !l.is_empty() && !scored.contains(l))
            .collect();
        named.into_iter().map(str::to_owned).collect()
    }
}

/// A number cell read exactly as written (`1.50` stays `1.50`); more digits than a decimal
/// holds is an error, never rounded.
fn exact(text: &str) -> Result<Decimal, String> {
    num::parse(text).map(Num::get)
}

/// " for period 2026-Q1", or nothing for the scored period.
fn for_period(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!(" for period {label}")
    }
}

/// The units and the scheme rows are checked against (`None`: not checked).
struct Known<'a> {
    units: Option<&'a [Unit]>,
    scheme: Option<&'a Scheme>,
}

impl Known<'_> {
    /// A problem when `unit` is not scored or `metric` not declared.
    fn check(
        &self,
        unit: &str,
        metric: &str,
        bad: &dyn Fn(&str, String) -> Problem,
    ) -> Option<Problem> {
        if self
            .units
            .is_some_and(|units| !units.iter().any(|u| u.id.as_str() == unit))
        {
            return Some(bad(
                "metrics_for_unknown_unit",
                format!("unit {unit:?} is not in the units table"),
            ));
        }
        let declared = self.scheme.map(|s| s.resolver().external())?;
        if !declared.iter().any(|n| n == metric) {
            return Some(bad(
                "unknown_external_metric",
                format!(
                    "the scheme declares no external metric `{metric}`; it declares: {}",
                    declared.join(", ")
                ),
            ));
        }
        None
    }
}

/// Where a row is: its file and line (CSV) or its place in the array (JSON).
struct At {
    file: String,
    line: Option<u64>,
    row: usize,
}

impl At {
    fn problem(&self, code: &str, message: String) -> Problem {
        let message = match self.line {
            Some(_) => message,
            None => format!("row {}: {message}", self.row),
        };
        Problem {
            file: self.file.clone(),
            line: self.line,
            code: code.to_owned(),
            message,
            ..Default::default()
        }
    }
}

/// The rows of a JSON array of objects, each cell as its text: a string's characters, a
/// number's digits as written (`1.50`, `18446744073709551616`: never through a binary float),
/// `null` absent.
fn json_rows<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, serde_json::Error> {
    use serde_json::value::RawValue;
    use serde_json::{Map, Value};
    let raw: Vec<BTreeMap<String, Box<RawValue>>> = serde_json::from_str(text)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = Map::new();
            for (key, cell) in row {
                let literal = cell.get();
                let text = match literal.as_bytes().first() {
                    Some(b'"') => serde_json::from_str::<String>(literal)?,
                    _ if literal == "null" => continue,
                    _ => literal.to_owned(),
                };
                cells.insert(key, Value::String(text));
            }
            serde_json::from_value(Value::Object(cells))
                .map_err(|e| serde::de::Error::custom(format!("row {i}: {e}")))
        })
        .collect()
}

/// The rows of a CSV (header checked against `columns`) or JSON (an array of objects) table;
/// a row that cannot be read is a problem (an unreadable JSON array one problem, at its place).
fn rows<T: DeserializeOwned>(
    path: &Path,
    encoding: Encoding,
    columns: &Columns,
    problems: &mut Vec<Problem>,
) -> CliResult<Vec<(At, T)>> {
    let file = path.display().to_string();
    if is_json(path) {
        let text = read_text(path)?;
        return Ok(match json_rows::<T>(&text) {
            Ok(rows) => (rows.into_iter().enumerate())
                .map(|(row, r)| {
                    let at = At {
                        file: file.clone(),
                        line: None,
                        row,
                    };
                    (at, r)
                })
                .collect(),
            Err(e) => {
                let pos = FilePos::of_json_error(&text, &e);
                problems.push(Problem {
                    file,
                    line: pos.map(|p| u64::from(p.line)),
                    column: pos.map(|p| u64::from(p.column)),
                    code: "invalid_table".into(),
                    message: format!("{}: {}", columns.table, hotline_score::json_reason(&e)),
                    ..Default::default()
                });
                Vec::new()
            }
        });
    }
    let (mut reader, ..) = open_csv(
        path,
        encoding,
        Progress::hidden(),
        columns.table,
        csv::Trim::All,
    )?;
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            problems.push(csv_problem(&file, &e, "invalid_table"));
            return Ok(Vec::new());
        }
    };
    let header_problems = check_header(&file, columns, &header, &|_| false);
    if !header_problems.is_empty() {
        problems.extend(header_problems);
        return Ok(Vec::new());
    }
    let header = csv::StringRecord::from(header);
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    for row in 0.. {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(csv_problem(&file, &e, "invalid_table"));
                break;
            }
        }
        let line = record.position().map(csv::Position::line);
        match record.deserialize::<T>(Some(&header)) {
            Ok(r) => {
                let at = At {
                    file: file.clone(),
                    line,
                    row,
                };
                out.push((at, r));
            }
            Err(e) => {
                let mut p = csv_problem(&file, &e, "invalid_table");
                p.line = p.line.or(line);
                problems.push(p);
            }
        }
    }
    Ok(out)
}
