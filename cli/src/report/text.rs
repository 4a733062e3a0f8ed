//! The terminal report: per group a ranking with the key rates, the period warnings with their
//! rescuable tickets, the sanctions, the city summary, and the drill-down of the units asked
//! about (`score --unit`).

use std::fmt::Write as _;

use hotline_score::scheme::{Scorecard, WarningReason};
use rust_decimal::Decimal;

use super::drilldown::{first_tickets, points_lost};
use super::model::{Report, predicted_note};
use crate::engine::percent_unrounded;
use crate::text::{Align, Table, count, last_day, local, local_short, pct, safe};

/// How many rescuable tickets to list per warned unit.
const RESCUABLE_SHOWN: usize = 3;
/// Ticket ids listed per component in a unit's drill-down (the rest are counted).
const TICKETS_SHOWN: usize = 4;

/// The whole text report.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    header(&mut out, r);
    for g in &r.scheme.groups {
        ranking(&mut out, r, &g.id, &g.name, g.full_marks);
    }
    warnings(&mut out, r);
    sanctions(&mut out, r);
    drilldown(&mut out, r);
    out
}

/// Appends `text` as a line, made [`safe`]: text from the input files cannot break it or drive
/// the terminal. (Tables make their cells safe themselves.)
fn put(out: &mut String, text: &str) {
    out.push_str(&safe(text));
    out.push('\n');
}

fn header(out: &mut String, r: &Report) {
    put(out, &r.scheme.name);
    put(
        out,
        &format!(
            "{} · period {} · as of {} (+08:00) · policy {}",
            r.title,
            r.period.label,
            local(r.as_of),
            r.policy
        ),
    );
    let state = if r.closed {
        "Final results: the period is over.".to_owned()
    } else {
        format!(
            "Standings so far: the period runs through {}.",
            last_day(r.period.end)
        )
    };
    put(out, &state);
    if let Some(day) = &r.predicted_from {
        put(out, &predicted_note(day));
    }
    let s = &r.summary;
    out.push('\n');
    put(
        out,
        &format!(
            "City 全市: {} tickets 工单 · 办结率 {} ({}/{} due) · 满意率 {} ({}/{} callbacks)",
            count(s.tickets),
            pct(percent_unrounded(s.due_closed, s.due)),
            count(s.due_closed),
            count(s.due),
            pct(percent_unrounded(s.satisfied, s.callbacks)),
            count(s.satisfied),
            count(s.callbacks)
        ),
    );
    if let Some(note) = r.idle_note() {
        put(out, &note);
    }
}

/// The value of indicator `id` on a scorecard.
pub fn value_of(card: &Scorecard, id: &str) -> Option<Decimal> {
    card.component(id).and_then(|c| c.value)
}

/// The display name of indicator `id`.
pub fn indicator_name<'a>(r: &'a Report, id: &'a str) -> &'a str {
    r.indicator(id).map_or(id, |i| i.name.as_str())
}

/// A unit's display name (its id when it has none).
pub fn unit_name<'a>(r: &'a Report, unit: &'a str) -> &'a str {
    r.scores
        .units
        .iter()
        .find(|c| c.unit.as_str() == unit)
        .map(|c| c.name.as_str())
        .filter(|n| !n.is_empty())
        .unwrap_or(unit)
}

fn ranking(out: &mut String, r: &Report, group: &str, name: &str, full: Decimal) {
    let cards: Vec<&Scorecard> = r.scores.units.iter().filter(|c| c.group == group).collect();
    out.push('\n');
    put(
        out,
        &format!("{name} {group} · {} units · full marks {full}", cards.len()),
    );
    if cards.is_empty() {
        put(out, "  (no units in this group)");
        return;
    }
    let mut headers = vec![
        ("Rank", Align::Right),
        ("Unit 单位", Align::Left),
        ("Id", Align::Left),
        ("Total", Align::Right),
        ("Grade", Align::Left),
    ];
    let keys: Vec<&str> = r.scheme.key_indicators.iter().map(String::as_str).collect();
    for k in &keys {
        headers.push((indicator_name(r, k), Align::Right));
    }
    let mut t = Table::new(&headers);
    for c in cards {
        let mut row = vec![
            c.rank.to_string(),
            unit_name(r, c.unit.as_str()).to_owned(),
            c.unit.to_string(),
            c.total.to_string(),
            c.grade.clone(),
        ];
        row.extend(keys.iter().map(|k| r.value_text(k, value_of(c, k))));
        t.row(row);
    }
    let _ = writeln!(out, "{}", t.render("  "));
}

fn reason_text(r: &Report, group: &str, reason: &WarningReason) -> String {
    match reason {
        WarningReason::Bottom {
            rank_from_bottom,
            bottom,
        } => format!("bottom {bottom} of the group ({rank_from_bottom} from the bottom)"),
        WarningReason::TotalBelow { total, line } => format!("total {total} below {line}"),
        WarningReason::BelowRedLine { indicator, value } => {
            r.red_line_reason(group, indicator, *value)
        }
    }
}

fn warnings(out: &mut String, r: &Report) {
    let Some(start) = r.warning_start else {
        return;
    };
    if r.as_of < start || r.closed {
        out.push('\n');
        put(
            out,
            &format!(
                "Warnings 预警: none at this instant (the warning window runs from {} to the period's end).",
                local_short(start)
            ),
        );
        return;
    }
    out.push('\n');
    put(
        out,
        &format!(
            "Warnings 预警 — from {}, {} days before the period ends: {} unit(s)",
            local_short(start),
            (r.period.end.millis() - start.millis()) / hotline_score::instant::MS_PER_DAY,
            r.warnings.len()
        ),
    );
    for w in &r.warnings {
        let reasons: Vec<String> = w
            .reasons
            .iter()
            .map(|x| reason_text(r, &w.group, x))
            .collect();
        put(
            out,
            &format!(
                "  ▲ {} ({}, {}) rank {}/{}, total {} — {}",
                unit_name(r, w.unit.as_str()),
                w.unit,
                w.group,
                w.rank,
                w.group_size,
                w.total,
                reasons.join("; ")
            ),
        );
        if !w.costly.is_empty() {
            let costly: Vec<String> = w
                .costly
                .iter()
                .map(|c| format!("{} −{}", c.name, c.points_lost))
                .collect();
            put(out, &format!("    costs most: {}", costly.join(" · ")));
        }
        let at_stake = w
            .rescuable
            .iter()
            .fold(Decimal::ZERO, |a, t| a.saturating_add(t.points));
        put(
            out,
            &format!(
                "    rescuable: {} open ticket(s) due before the period ends · {} points at stake (sum over tickets)",
                w.rescuable.len(),
                at_stake
            ),
        );
        for t in w.rescuable.iter().take(RESCUABLE_SHOWN) {
            put(
                out,
                &format!(
                    "      {}  due {}  +{}",
                    t.ticket_id,
                    local(t.completion_due),
                    t.points
                ),
            );
        }
        if w.rescuable.len() > RESCUABLE_SHOWN {
            put(
                out,
                &format!("      … and {} more", w.rescuable.len() - RESCUABLE_SHOWN),
            );
        }
    }
}

fn sanctions(out: &mut String, r: &Report) {
    let Some(s) = &r.sanctions else {
        return;
    };
    let when = if s.projected {
        "projected: the levels if the period closed with today's standings"
    } else {
        "at the period's close"
    };
    out.push('\n');
    put(
        out,
        &format!(
            "Sanctions 问责 — ladder over {} ({when})",
            s.periods.join(", ")
        ),
    );
    let mut hit: Vec<_> = s.current.iter().filter(|x| x.level > 0).collect();
    if hit.is_empty() {
        put(out, "  no unit reaches a sanction level");
        return;
    }
    hit.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.group.cmp(&b.group))
            .then(a.rank.cmp(&b.rank))
    });
    let mut t = Table::new(&[
        ("Level", Align::Right),
        ("Sanction", Align::Left),
        ("Unit 单位", Align::Left),
        ("Group", Align::Left),
        ("Rank", Align::Right),
        ("Total", Align::Right),
        ("Streak", Align::Right),
        ("Last period", Align::Right),
    ]);
    for x in hit {
        t.row(vec![
            x.level.to_string(),
            x.name.clone().unwrap_or_default(),
            unit_name(r, x.unit.as_str()).to_owned(),
            x.group.clone(),
            format!("{}/{}", x.rank, x.group_size),
            x.total.to_string(),
            x.streak.to_string(),
            s.previous_level
                .get(&x.unit)
                .map_or_else(|| "—".to_owned(), |l| l.to_string()),
        ]);
    }
    let _ = writeln!(out, "{}", t.render("  "));
}

/// Each explained unit: its components, the points each lost and the tickets that cost them.
fn drilldown(out: &mut String, r: &Report) {
    for card in r.scores.units.iter().filter(|c| r.explanation(c).is_some()) {
        out.push('\n');
        put(
            out,
            &format!(
                "Unit 单位 {} ({}, {}) · rank {}/{} · total {} / {} · {} · points lost {}",
                unit_name(r, card.unit.as_str()),
                card.unit,
                card.group,
                card.rank,
                card.group_size,
                card.total,
                card.full_marks,
                card.grade,
                points_lost(card)
            ),
        );
        let mut t = Table::new(&[
            ("Indicator 指标", Align::Left),
            ("Id", Align::Left),
            ("Value", Align::Right),
            ("Num / Den", Align::Right),
            ("Points", Align::Right),
            ("Lost", Align::Right),
            ("Tickets that cost points", Align::Left),
        ]);
        for row in r.component_rows(card) {
            let c = row.component;
            let lost = if c.points_lost > Decimal::ZERO {
                format!("−{}", c.points_lost)
            } else {
                String::new()
            };
            let tickets = match row.tickets.len() {
                0 => String::new(),
                n => format!(
                    "{n}: {}",
                    first_tickets(row.tickets, TICKETS_SHOWN).join(" ")
                ),
            };
            t.row(vec![
                row.label.name.to_string(),
                row.label.id.to_string(),
                row.value,
                row.num_den,
                format!("{} / {}", c.points, c.max_points),
                lost,
                tickets,
            ]);
        }
        let _ = writeln!(out, "{}", t.render("  "));
        // 人工加减分: each with its reason and approver (what a published point rests on).
        for a in &card.adjustments {
            put(
                out,
                &format!(
                    "  Adjustment 人工加减分 {} {:+} · {} · approved by 审批 {}",
                    a.metric, a.amount, a.reason, a.approver
                ),
            );
        }
    }
}
