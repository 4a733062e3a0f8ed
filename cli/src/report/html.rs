//! The HTML report: ONE self-contained file (inline CSS and SVG, no script, no external asset,
//! nothing fetched), Chinese and English labels. Per group a ranking with horizontal score bars
//! in grade colours, the warnings panel with rescuable tickets, the sanctions, a per-unit
//! drill-down (`<details>`, works without JavaScript) and the city's weekly 办结率 / 满意率
//! trend. Every text from the data is escaped.

use std::fmt::Write as _;

use hotline_score::scheme::Scorecard;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::model::{Report, predicted_note};
use super::svg::{Series, bar, line_chart};
use super::text::{indicator_name, unit_name, value_of};
use crate::engine::percent_unrounded;
use crate::text::{count, last_day, local, local_short, pct};

const STYLE: &str = include_str!("style.css");

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The colour of a grade by its position (best first).
pub(super) fn grade_color(r: &Report, grade: &str) -> &'static str {
    const COLORS: [&str; 5] = ["#2e7d32", "#1565c0", "#ef8f00", "#c62828", "#6a1b9a"];
    let i = r
        .scheme
        .grades
        .iter()
        .position(|(g, _)| g == grade)
        .unwrap_or(COLORS.len() - 1);
    COLORS.get(i).copied().unwrap_or("#616e7c")
}

pub(super) fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut o = String::with_capacity(256 * 1024);
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>",
        escape(&r.scheme.name),
        escape(&r.period.label)
    );
    header(&mut o, r);
    cards(&mut o, r);
    nav(&mut o, r);
    trend(&mut o, r);
    for g in &r.scheme.groups {
        group(&mut o, r, &g.id, &g.name, g.full_marks);
    }
    super::panels::warnings(&mut o, r);
    super::panels::sanctions(&mut o, r);
    super::panels::drilldown(&mut o, r);
    let _ = writeln!(
        o,
        "<footer>hotline-score {} · 方案哈希 scheme hash <code>{}</code> · 本报告为单一文件，无外部资源 \
         (one self-contained file, no external assets)</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        escape(&r.scheme.hash)
    );
    o
}

fn header(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "<header>\n<h1>{} <span class=\"en\">Performance assessment</span></h1>\n\
         <p class=\"meta\">{} · 考核周期 Period <b>{}</b> ({} – {}) · 截至 As of <b>{}</b> (+08:00) · \
         时限 Policy <b>{}</b></p>",
        escape(&r.scheme.name),
        escape(&r.title),
        escape(&r.period.label),
        escape(&local_short(r.period.start)),
        escape(&last_day(r.period.end)),
        escape(&local(r.as_of)),
        escape(&r.policy)
    );
    if r.closed {
        o.push_str("<p class=\"state final\">最终结果 · Final results</p>\n");
    } else {
        o.push_str("<p class=\"state\">实时排名 · Standings so far</p>\n");
    }
    if let Some(day) = &r.predicted_from {
        let _ = writeln!(
            o,
            "<p class=\"state predicted\">{}</p>",
            escape(&predicted_note(day))
        );
    }
    o.push_str("</header>\n");
}

fn cards(o: &mut String, r: &Report) {
    let s = &r.summary;
    let sanctioned = r
        .sanctions
        .as_ref()
        .map_or(0, |x| x.current.iter().filter(|u| u.level > 0).count());
    let card = |o: &mut String, label: &str, value: &str, sub: &str| {
        let _ = write!(
            o,
            "<div class=\"card\"><div class=\"label\">{label}</div><div class=\"value\">{}</div>\
             <div class=\"sub\">{}</div></div>",
            escape(value),
            escape(sub)
        );
    };
    o.push_str("<section class=\"cards\">");
    card(
        o,
        "工单 Tickets",
        &count(s.tickets),
        "本期受理 received in the period",
    );
    card(
        o,
        "办结率 Completion",
        &pct(percent_unrounded(s.due_closed, s.due)),
        &format!("{} / {} 应办结 due", count(s.due_closed), count(s.due)),
    );
    card(
        o,
        "满意率 Satisfaction",
        &pct(percent_unrounded(s.satisfied, s.callbacks)),
        &format!(
            "{} / {} 回访 callbacks",
            count(s.satisfied),
            count(s.callbacks)
        ),
    );
    card(
        o,
        "预警 Warnings",
        &r.warnings.len().to_string(),
        "单位 units warned",
    );
    card(
        o,
        "问责 Sanctions",
        &sanctioned.to_string(),
        if r.sanctions.as_ref().is_some_and(|x| x.projected) {
            "单位 units (预计 projected)"
        } else {
            "单位 units"
        },
    );
    o.push_str("</section>\n");
    if let Some(note) = r.idle_note() {
        let _ = writeln!(
            o,
            "<p class=\"state idle\">无业务单位 {}</p>",
            escape(&note)
        );
    }
}

fn nav(o: &mut String, r: &Report) {
    o.push_str("<nav>");
    o.push_str("<a href=\"#trend\">趋势 Trend</a>");
    for g in &r.scheme.groups {
        let _ = write!(
            o,
            "<a href=\"#group-{}\">{}</a>",
            escape(&g.id),
            escape(&g.name)
        );
    }
    o.push_str("<a href=\"#warnings\">预警 Warnings</a><a href=\"#sanctions\">问责 Sanctions</a>");
    o.push_str("<a href=\"#drilldown\">明细 Drill-down</a></nav>\n");
}

fn trend(o: &mut String, r: &Report) {
    o.push_str("<section class=\"panel\" id=\"trend\"><h2>全市每周趋势 <small>City weekly trend</small></h2>\n");
    if r.trend.is_empty() {
        o.push_str(
            "<p class=\"muted\">无数据 No weeks before the evaluation instant.</p></section>\n",
        );
        return;
    }
    let labels: Vec<String> = r.trend.iter().map(|p| p.label.clone()).collect();
    let series = [
        Series {
            label: "办结率 Completion rate",
            color: "#1565c0",
            values: r
                .trend
                .iter()
                .map(|p| p.summary.closed_rate.map(f))
                .collect(),
        },
        Series {
            label: "满意率 Satisfaction rate",
            color: "#2e7d32",
            values: r
                .trend
                .iter()
                .map(|p| p.summary.satisfied_rate.map(f))
                .collect(),
        },
    ];
    o.push_str(&line_chart(&labels, &series, 1100, 260));
    o.push_str(
        "<p class=\"muted\">每周：应办结中已办结的比例；有效回访中满意（含非常满意、基本满意）的比例。 \
         Weekly: closed among due assignments; satisfied among valid callbacks (lead units).</p>\n</section>\n",
    );
}

fn group(o: &mut String, r: &Report, id: &str, name: &str, full: Decimal) {
    let cards: Vec<&Scorecard> = r.scores.units.iter().filter(|c| c.group == id).collect();
    let _ = writeln!(
        o,
        "<section class=\"panel group\" id=\"group-{}\"><h2>{} <small>{} · {} 个单位 units · 满分 full marks {}</small></h2>",
        escape(id),
        escape(name),
        escape(id),
        cards.len(),
        full
    );
    o.push_str("<div class=\"legend-row\">");
    for (g, min) in &r.scheme.grades {
        let _ = write!(
            o,
            "<span><span class=\"grade\" style=\"background:{}\">{}</span> ≥ {}%</span>",
            grade_color(r, g),
            escape(g),
            min
        );
    }
    o.push_str("</div>\n<table class=\"ranking\"><thead><tr><th class=\"num\">排名 Rank</th><th>单位 Unit</th>\
                <th>得分 Score</th><th class=\"num\">总分 Total</th><th>等级 Grade</th>");
    for k in &r.scheme.key_indicators {
        let _ = write!(o, "<th class=\"num\">{}</th>", escape(indicator_name(r, k)));
    }
    o.push_str("</tr></thead><tbody>\n");
    for c in cards {
        let color = grade_color(r, &c.grade);
        let _ = write!(
            o,
            "<tr><td class=\"num\">{}</td><td class=\"unit\">{}<small>{}{}</small></td>\
             <td class=\"barcell\">{}</td><td class=\"num\"><b>{}</b></td>\
             <td><span class=\"grade\" style=\"background:{color}\">{}</span></td>",
            c.rank,
            unit_link(r, c.unit.as_str()),
            escape(c.unit.as_str()),
            if r.is_idle(&c.unit) {
                " · 无业务 no activity"
            } else {
                ""
            },
            bar(f(c.total), f(c.full_marks), color, c.unit.as_str(), 250, 14),
            c.total,
            escape(&c.grade)
        );
        for k in &r.scheme.key_indicators {
            let _ = write!(
                o,
                "<td class=\"num\">{}</td>",
                escape(&r.value_text(k, value_of(c, k)))
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></section>\n");
}

/// Unit `unit`'s name, linked to its drill-down when the report has one (with `--unit`, only
/// the units asked for have one).
pub fn unit_link(r: &Report, unit: &str) -> String {
    let name = escape(unit_name(r, unit));
    if r.explanations.iter().any(|e| e.unit.as_str() == unit) {
        format!("<a href=\"#unit-{}\">{name}</a>", escape(unit))
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("湖滨区"), "湖滨区");
    }
}
