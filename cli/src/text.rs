//! Terminal text: aligned columns that count CJK characters as two cells, text from the input
//! files made safe to print, and number formats.

use std::borrow::Cow;

use hotline_score::Instant;
use hotline_score::instant::CHINA_OFFSET;
use rust_decimal::{Decimal, RoundingStrategy};
use unicode_width::UnicodeWidthStr;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right.
    Left,
    /// Padded on the left (numbers).
    Right,
}

/// A table of text cells rendered with aligned columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[(&str, Align)]) -> Self {
        Table {
            headers: headers
                .iter()
                .map(|(h, a)| (safe(h).into_owned(), *a))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are empty, extra cells are dropped); each cell is made
    /// [`safe`], so the columns are as wide as the text printed.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| safe(&c).into_owned()).collect());
    }

    /// The table, each line prefixed by `indent`, columns separated by two spaces.
    pub fn render(&self, indent: &str) -> String {
        let widths: Vec<usize> = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, (h, _))| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.width())
                    .chain(std::iter::once(h.width()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
            let mut out = String::from(indent);
            for (i, ((_, align), w)) in self.headers.iter().zip(&widths).enumerate() {
                let cell = cells.next().unwrap_or("");
                if i > 0 {
                    out.push_str("  ");
                }
                out.push_str(&pad(cell, *w, *align));
            }
            out.truncate(out.trim_end().len());
            out
        };
        let mut out = Vec::with_capacity(self.rows.len() + 2);
        out.push(line(&mut self.headers.iter().map(|(h, _)| h.as_str())));
        let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        out.push(format!("{indent}{}", "─".repeat(rule)));
        for r in &self.rows {
            out.push(line(&mut r.iter().map(String::as_str)));
        }
        out.join("\n")
    }
}

/// `text` safe to print on a terminal: each control character (C0 and C1, DEL, the line and
/// paragraph separators U+2028 and U+2029, the bidirectional embeddings, overrides and
/// isolates) written as its escape (`\n`, `\t`, `\u{1b}`), so that text from the input files
/// (a unit's name) can neither drive the terminal (an ESC sequence clearing it) nor break a
/// line or a table's columns.
pub fn safe(text: &str) -> Cow<'_, str> {
    let escaped = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` padded with spaces to `width` display cells.
pub fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    match align {
        Align::Left => format!("{text}{fill}"),
        Align::Right => format!("{fill}{text}"),
    }
}

/// A percentage with one decimal (`97.5%`), or `—` without data.
pub fn pct(v: Option<Decimal>) -> String {
    v.map_or_else(
        || "—".to_owned(),
        |d| {
            let mut r = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            r.rescale(1);
            format!("{r}%")
        },
    )
}

/// A count with thousands separators (`81,234`).
pub fn count(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// An instant as local +08:00 time, `2026-03-12 09:00`.
pub fn local(t: Instant) -> String {
    let s = t.format(CHINA_OFFSET);
    // RFC 3339 `YYYY-MM-DDTHH:MM:SS…+08:00` → `YYYY-MM-DD HH:MM`.
    match (s.get(..10), s.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm}"),
        _ => s,
    }
}

/// An instant as a local date and time, dropping `00:00`.
pub fn local_short(t: Instant) -> String {
    let s = local(t);
    s.strip_suffix(" 00:00").map(str::to_owned).unwrap_or(s)
}

/// The last day of a period ending (exclusive) at `end`: the day before a local midnight
/// (`2026-04-01 00:00` → `2026-03-31`, as docs/cli.md writes periods, both dates included),
/// else the instant itself.
pub fn last_day(end: Instant) -> String {
    if local(end).ends_with(" 00:00") {
        local_short(Instant::from_millis(end.millis().saturating_sub(1)))
            .get(..10)
            .map(str::to_owned)
            .unwrap_or_else(|| local(end))
    } else {
        local(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A period is shown with its last day, not its exclusive end (a demo audit: the quarter
    /// "ended 2026-04-01").
    #[test]
    fn periods_end_on_their_last_day() {
        let at = |s: &str| Instant::parse(s).unwrap();
        assert_eq!(last_day(at("2026-04-01T00:00:00+08:00")), "2026-03-31");
        assert_eq!(last_day(at("2026-01-01T00:00:00+08:00")), "2025-12-31");
        assert_eq!(
            last_day(at("2026-04-01T12:00:00+08:00")),
            "2026-04-01 12:00"
        );
    }

    #[test]
    fn cjk_cells_are_two_columns_wide() {
        let mut t = Table::new(&[("单位", Align::Left), ("Total", Align::Right)]);
        t.row(vec!["湖滨区".into(), "96.41".into()]);
        t.row(vec!["x".into(), "5.00".into()]);
        let out = t.render("");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "单位    Total");
        assert_eq!(lines[2], "湖滨区  96.41");
        assert_eq!(lines[3], "x        5.00");
        assert_eq!(count(81234u32), "81,234");
        assert_eq!(count(-1234567i64), "-1,234,567");
        assert_eq!(count(12u8), "12");
        assert_eq!(pct(Some(Decimal::new(9750, 2))), "97.5%");
        assert_eq!(pct(None), "—");
    }

    #[test]
    fn headline_rates_are_rounded_once() {
        use crate::engine::{percent, percent_unrounded};
        // 181 of 201 is 90.0498%: 90.0%, where rounding the 2-place 90.05 again gave 90.1%.
        assert_eq!(pct(percent_unrounded(181, 201)), "90.0%");
        assert_eq!(pct(percent(181, 201)), "90.1%");
        assert_eq!(percent_unrounded(1, 0), None);
    }
}
