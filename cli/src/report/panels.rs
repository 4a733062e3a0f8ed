//! The HTML report's panels: warnings with rescuable tickets, sanctions, and the per-unit
//! drill-down (components, points lost, the tickets that cost them).

use std::fmt::Write as _;

use hotline_score::scheme::{RescuableTicket, Scorecard, UnitWarning, WarningReason};
use rust_decimal::Decimal;

use super::drilldown::{counted, first_tickets, points_lost};
use super::html::{escape, grade_color, unit_link};
use super::model::Report;
use super::text::unit_name;
use crate::text::{local, local_short};

/// Ticket ids listed per component in the drill-down (the rest are counted).
const TICKETS_SHOWN: usize = 12;
/// Rescuable tickets listed per warning before the "more" fold.
const RESCUABLE_SHOWN: usize = 5;

fn reason(r: &Report, group: &str, x: &WarningReason) -> String {
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
        WarningReason::BelowRedLine { indicator, value } => {
            format!("未达红线 {}", r.red_line_reason(group, indicator, *value))
        }
    }
}

pub fn warnings(o: &mut String, r: &Report) {
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
    let reasons: Vec<String> = w.reasons.iter().map(|x| reason(r, &w.group, x)).collect();
    let _ = write!(
        o,
        "<div class=\"warning\" data-unit=\"{}\"><div class=\"head\">▲ {}\
         <span class=\"id\">{} · {}</span> · 排名 rank {}/{} · 总分 total {}</div>\
         <div class=\"reasons\">{}</div>",
        escape(w.unit.as_str()),
        unit_link(r, w.unit.as_str()),
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
        let rows = |o: &mut String, list: &[RescuableTicket]| {
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

pub fn sanctions(o: &mut String, r: &Report) {
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
            "<tr><td><span class=\"sanction-level lv{}\">{} {}</span></td><td class=\"unit\">{}</td>\
             <td>{}</td><td class=\"num\">{}/{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"muted\">{}</td></tr>",
            x.level.min(4),
            x.level,
            escape(x.name.as_deref().unwrap_or("")),
            unit_link(r, x.unit.as_str()),
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

pub fn drilldown(o: &mut String, r: &Report) {
    o.push_str("<section class=\"panel\" id=\"drilldown\"><h2>单位明细 <small>Per-unit drill-down: components, points lost, the tickets that cost them</small></h2>\n");
    for g in &r.scheme.groups {
        let _ = writeln!(
            o,
            "<h3>{} <small>{}</small></h3>",
            escape(&g.name),
            escape(&g.id)
        );
        // The explained units (every unit unless some were asked for).
        for c in r.scores.units.iter().filter(|c| c.group == g.id) {
            if r.explanation(c).is_some() {
                unit_details(o, r, c);
            }
        }
    }
    o.push_str("</section>\n");
}

fn unit_details(o: &mut String, r: &Report, c: &Scorecard) {
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
        points_lost(c)
    );
    let explanation = r.explanation(c);
    for row in r.component_rows(c) {
        let comp = row.component;
        // Each ticket's counters at the unit as its tooltip: why it cost points.
        let list: Vec<String> = first_tickets(row.tickets, TICKETS_SHOWN)
            .iter()
            .map(|t| match explanation.and_then(|e| counted(e, t)) {
                Some(why) => format!("<span title=\"{}\">{}</span>", escape(&why), escape(t)),
                None => escape(t),
            })
            .collect();
        let lost_cell = if comp.points_lost > Decimal::ZERO {
            format!("<span class=\"lost\">−{}</span>", comp.points_lost)
        } else {
            String::new()
        };
        let _ = write!(
            o,
            "<tr><td>{}<span class=\"id\">{}</span></td><td class=\"num\">{}</td><td class=\"num muted\">{}</td>\
             <td class=\"num\">{} / {}</td><td class=\"num\">{}</td><td class=\"tickets\">{}</td></tr>",
            escape(&row.label.name),
            escape(&row.label.id),
            escape(&row.value),
            escape(&row.num_den),
            comp.points,
            comp.max_points,
            lost_cell,
            list.join(" ")
        );
    }
    o.push_str("</tbody></table>");
    // 人工加减分: each with its reason and approver (what a published point rests on).
    if !c.adjustments.is_empty() {
        o.push_str(
            "<table class=\"adjustments\"><thead><tr><th>人工加减分 Adjustment</th>\
             <th class=\"num\">分值 Amount</th><th>事由 Reason</th><th>审批 Approver</th></tr></thead><tbody>",
        );
        for a in &c.adjustments {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"num\">{:+}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.metric),
                a.amount,
                escape(&a.reason),
                escape(&a.approver)
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</div></details>\n");
}
