//! The HTML report: ONE self-contained file (inline CSS and SVG, no script, no external asset,
//! nothing fetched), Chinese and English labels. Per group a ranking with horizontal score bars
//! in grade colours, the warnings panel with rescuable tickets, the sanctions, a per-unit
//! drill-down (`<details>`, works without JavaScript) and the city's weekly 办结率 / 满意率
//! trend. Every text from the data is escaped.

use std::fmt::Write as _;

use hotline_score::scheme::{Explanation, Scorecard, UnitWarning, WarningReason};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::model::Report;
use super::svg::{Series, bar, line_chart};
use super::text::{indicator_name, unit_name, value_of};
use crate::text::{count, local, local_short, pct};

const STYLE: &str = include_str!("style.css");
/// Ticket ids listed per component in the drill-down (the rest are counted).
const TICKETS_SHOWN: usize = 12;
/// Rescuable tickets listed per warning before the "more" fold.
const RESCUABLE_SHOWN: usize = 5;

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
fn grade_color(r: &Report, grade: &str) -> &'static str {
    const COLORS: [&str; 5] = ["#2e7d32", "#1565c0", "#ef8f00", "#c62828", "#6a1b9a"];
    let i = r
        .scheme
        .grades
        .iter()
        .position(|(g, _)| g == grade)
        .unwrap_or(COLORS.len() - 1);
    COLORS.get(i).copied().unwrap_or("#616e7c")
}

fn f(d: Decimal) -> f64 {
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
    warnings(&mut o, r);
    sanctions(&mut o, r);
    drilldown(&mut o, r);
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
        escape(&local_short(r.period.end)),
        escape(&local(r.as_of)),
        escape(&r.policy)
    );
    if r.closed {
        o.push_str("<p class=\"state final\">最终结果 · Final results</p>\n");
    } else {
        o.push_str("<p class=\"state\">实时排名 · Standings so far</p>\n");
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
        &pct(s.closed_rate),
        &format!("{} / {} 应办结 due", count(s.due_closed), count(s.due)),
    );
    card(
        o,
        "满意率 Satisfaction",
        &pct(s.satisfied_rate),
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
            "<tr><td class=\"num\">{}</td><td class=\"unit\"><a href=\"#unit-{}\">{}</a><small>{}</small></td>\
             <td class=\"barcell\">{}</td><td class=\"num\"><b>{}</b></td>\
             <td><span class=\"grade\" style=\"background:{color}\">{}</span></td>",
            c.rank,
            escape(c.unit.as_str()),
            escape(unit_name(r, c.unit.as_str())),
            escape(c.unit.as_str()),
            bar(f(c.total), f(c.full_marks), color, c.unit.as_str(), 250, 14),
            c.total,
            escape(&c.grade)
        );
        for k in &r.scheme.key_indicators {
            let _ = write!(o, "<td class=\"num\">{}</td>", escape(&pct(value_of(c, k))));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></section>\n");
}

fn reason(r: &Report, x: &WarningReason) -> String {
    match x {
        WarningReason::Bottom {
            rank_from_bottom,
            bottom,
        } => format!(
            "组内后{bottom}名 bottom {bottom} of the group (#{rank_from_bottom} from the bottom)"
        ),
        WarningReason::TotalBelow { total, line } => {
            format!("总分低于 total below {line} ({total})")
        }
        WarningReason::BelowRedLine { indicator, value } => format!(
            "{} 低于红线 below its red line ({})",
            indicator_name(r, indicator),
            pct(*value)
        ),
    }
}

fn warnings(o: &mut String, r: &Report) {
    o.push_str(
        "<section class=\"panel warnings\" id=\"warnings\"><h2>预警 <small>Warnings</small></h2>\n",
    );
    match r.warning_start {
        None => o.push_str("<p>本方案未设预警 The scheme has no warnings.</p>"),
        Some(start) if r.as_of < start || r.closed => {
            let _ = write!(
                o,
                "<p>当前不在预警期 Not in the warning window (from {} to the period's end).</p>",
                escape(&local_short(start))
            );
        }
        Some(start) => {
            let _ = writeln!(
                o,
                "<p>预警期自 {} 起（期末前 {} 天）· Warning window since {}: {} 个单位 units. \
                 可挽回工单 = 期末前到期、按时办结可挽回分数的在办工单 (rescuable: open, due before the period ends).</p>",
                escape(&local_short(start)),
                (r.period.end.millis() - start.millis()) / hotline_score::instant::MS_PER_DAY,
                escape(&local_short(start)),
                r.warnings.len()
            );
            for w in &r.warnings {
                warning(o, r, w);
            }
        }
    }
    o.push_str("</section>\n");
}

fn warning(o: &mut String, r: &Report, w: &UnitWarning) {
    let at_stake = w
        .rescuable
        .iter()
        .fold(Decimal::ZERO, |a, t| a.saturating_add(t.points));
    let reasons: Vec<String> = w.reasons.iter().map(|x| reason(r, x)).collect();
    let _ = write!(
        o,
        "<div class=\"warning\" data-unit=\"{}\"><div class=\"head\">▲ <a href=\"#unit-{}\">{}</a>\
         <span class=\"id\">{} · {}</span> · 排名 rank {}/{} · 总分 total {}</div>\
         <div class=\"reasons\">{}</div>",
        escape(w.unit.as_str()),
        escape(w.unit.as_str()),
        escape(unit_name(r, w.unit.as_str())),
        escape(w.unit.as_str()),
        escape(&w.group),
        w.rank,
        w.group_size,
        w.total,
        escape(&reasons.join(" · "))
    );
    if !w.costly.is_empty() {
        let costly: Vec<String> = w
            .costly
            .iter()
            .map(|c| format!("{} −{}", c.name, c.points_lost))
            .collect();
        let _ = write!(
            o,
            "<div class=\"costly\">失分最多 Costs most: {}</div>",
            escape(&costly.join(" · "))
        );
    }
    let _ = write!(
        o,
        "<div>可挽回工单 Rescuable tickets: <b>{}</b> · 可挽回分数 points at stake (sum over tickets): <b>{}</b></div>",
        w.rescuable.len(),
        at_stake
    );
    if !w.rescuable.is_empty() {
        let rows = |o: &mut String, list: &[hotline_score::scheme::RescuableTicket]| {
            o.push_str(
                "<table><thead><tr><th>工单 Ticket</th><th>角色 Role</th><th>办结时限 Due</th>\
                        <th class=\"num\">可挽回 Points</th></tr></thead><tbody>",
            );
            for t in list {
                let role = match t.role {
                    hotline_score::Role::Lead => "主办 lead",
                    hotline_score::Role::Assisting => "协办 assisting",
                };
                let _ = write!(
                    o,
                    "<tr><td class=\"tickets\">{}</td><td>{role}</td><td>{}</td><td class=\"num\">+{}</td></tr>",
                    escape(&t.ticket_id),
                    escape(&local(t.completion_due)),
                    t.points
                );
            }
            o.push_str("</tbody></table>");
        };
        let (head, rest) = w.rescuable.split_at(RESCUABLE_SHOWN.min(w.rescuable.len()));
        rows(o, head);
        if !rest.is_empty() {
            let _ = write!(
                o,
                "<details><summary>另有 {} 件 {} more</summary><div class=\"inner\">",
                rest.len(),
                rest.len()
            );
            rows(o, rest);
            o.push_str("</div></details>");
        }
    }
    o.push_str("</div>\n");
}

fn sanctions(o: &mut String, r: &Report) {
    o.push_str(
        "<section class=\"panel\" id=\"sanctions\"><h2>问责 <small>Sanctions</small></h2>\n",
    );
    let Some(s) = &r.sanctions else {
        o.push_str("<p>本方案未设问责阶梯 The scheme has no sanctions ladder.</p></section>\n");
        return;
    };
    let _ = write!(
        o,
        "<p class=\"muted\">按 {} 各期排名计算{}。Ladder over {}{}.</p>",
        escape(&s.periods.join("、")),
        if s.projected {
            "（本期为预计：若按当前排名结束）"
        } else {
            ""
        },
        escape(&s.periods.join(", ")),
        if s.projected {
            " (the current period projected: as if it closed with today's standings)"
        } else {
            ""
        }
    );
    let mut hit: Vec<_> = s.current.iter().filter(|x| x.level > 0).collect();
    if hit.is_empty() {
        o.push_str("<p>无单位达到问责等级 No unit reaches a sanction level.</p></section>\n");
        return;
    }
    hit.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.group.cmp(&b.group))
            .then(a.rank.cmp(&b.rank))
    });
    o.push_str("<table><thead><tr><th>等级 Level</th><th>单位 Unit</th><th>组 Group</th><th class=\"num\">排名 Rank</th>\
                <th class=\"num\">总分 Total</th><th class=\"num\">连续 Streak</th><th class=\"num\">上期 Last period</th><th>原因 Reason</th></tr></thead><tbody>\n");
    for x in hit {
        let _ = writeln!(
            o,
            "<tr><td><span class=\"sanction-level lv{}\">{} {}</span></td><td class=\"unit\"><a href=\"#unit-{}\">{}</a></td>\
             <td>{}</td><td class=\"num\">{}/{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"muted\">{}</td></tr>",
            x.level.min(4),
            x.level,
            escape(x.name.as_deref().unwrap_or("")),
            escape(x.unit.as_str()),
            escape(unit_name(r, x.unit.as_str())),
            escape(&x.group),
            x.rank,
            x.group_size,
            x.total,
            x.streak,
            s.previous_level
                .get(&x.unit)
                .map_or_else(|| "—".to_owned(), |l| l.to_string()),
            escape(x.reason.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</tbody></table></section>\n");
}

fn drilldown(o: &mut String, r: &Report) {
    o.push_str("<section class=\"panel\" id=\"drilldown\"><h2>单位明细 <small>Per-unit drill-down: components, points lost, the tickets that cost them</small></h2>\n");
    for g in &r.scheme.groups {
        let _ = writeln!(
            o,
            "<h3>{} <small>{}</small></h3>",
            escape(&g.name),
            escape(&g.id)
        );
        for c in r.scores.units.iter().filter(|c| c.group == g.id) {
            let explanation = r.explanations.iter().find(|e| e.unit == c.unit);
            unit_details(o, r, c, explanation);
        }
    }
    o.push_str("</section>\n");
}

fn unit_details(o: &mut String, r: &Report, c: &Scorecard, e: Option<&Explanation>) {
    let lost = c
        .components
        .iter()
        .fold(Decimal::ZERO, |a, x| a.saturating_add(x.points_lost));
    let _ = write!(
        o,
        "<details id=\"unit-{}\"><summary><b>{}. {}</b><span class=\"id\">{}</span> · 总分 total <b>{}</b> / {} · \
         <span class=\"grade\" style=\"background:{}\">{}</span> · 失分 points lost <span class=\"lost\">{}</span></summary>\
         <div class=\"inner\"><table><thead><tr><th>指标 Indicator</th><th class=\"num\">值 Value</th>\
         <th class=\"num\">分子/分母 Num/Den</th><th class=\"num\">得分 Points</th><th class=\"num\">失分 Lost</th>\
         <th>失分工单 Tickets that cost points</th></tr></thead><tbody>",
        escape(c.unit.as_str()),
        c.rank,
        escape(unit_name(r, c.unit.as_str())),
        escape(c.unit.as_str()),
        c.total,
        c.full_marks,
        grade_color(r, &c.grade),
        escape(&c.grade),
        lost
    );
    for comp in &c.components {
        let percent = r
            .scheme
            .indicators
            .iter()
            .any(|i| i.id == comp.indicator && i.percent);
        let value = match comp.value {
            Some(v) if percent => pct(Some(v)),
            Some(v) => v.to_string(),
            None => "—".to_owned(),
        };
        let numden = match (comp.numerator, comp.denominator) {
            (Some(n), Some(d)) => format!("{n} / {d}"),
            (Some(n), None) => n.to_string(),
            _ => String::new(),
        };
        let tickets: &[String] = e
            .and_then(|e| e.components.iter().find(|x| x.indicator == comp.indicator))
            .map_or(&[], |x| x.tickets.as_slice());
        let mut list: Vec<String> = tickets
            .iter()
            .take(TICKETS_SHOWN)
            .map(|t| escape(t))
            .collect();
        if tickets.len() > TICKETS_SHOWN {
            list.push(format!("… +{}", tickets.len() - TICKETS_SHOWN));
        }
        let lost_cell = if comp.points_lost > Decimal::ZERO {
            format!("<span class=\"lost\">−{}</span>", comp.points_lost)
        } else {
            String::new()
        };
        let _ = write!(
            o,
            "<tr><td>{}<span class=\"id\">{}</span></td><td class=\"num\">{}</td><td class=\"num muted\">{}</td>\
             <td class=\"num\">{} / {}</td><td class=\"num\">{}</td><td class=\"tickets\">{}</td></tr>",
            escape(&comp.name),
            escape(&comp.indicator),
            escape(&value),
            escape(&numden),
            comp.points,
            comp.max_points,
            lost_cell,
            list.join(" ")
        );
    }
    o.push_str("</tbody></table></div></details>\n");
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
