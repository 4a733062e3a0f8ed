//! One unit's drill-down, shared by the terminal and HTML reports: each component as shown
//! (value, numerator / denominator, points, points lost) with the tickets that cost points.

use hotline_score::scheme::{Component, Explanation, IndicatorLabel, Scorecard};
use hotline_score::unit::Role;
use rust_decimal::Decimal;

use super::model::Report;

/// One component of a unit's drill-down.
pub struct ComponentRow<'a> {
    /// The indicator.
    pub label: &'a IndicatorLabel,
    /// The scorecard's component.
    pub component: &'a Component,
    /// The value as shown: a percentage for percent indicators, `—` without data.
    pub value: String,
    /// `numerator / denominator`, the numerator alone, or empty.
    pub num_den: String,
    /// The tickets that cost points, in ticket-id order (empty when the unit is not explained).
    pub tickets: &'a [String],
}

impl Report {
    /// The explanation of `card`'s unit, if it was explained.
    pub fn explanation(&self, card: &Scorecard) -> Option<&Explanation> {
        self.explanations.iter().find(|e| e.unit == card.unit)
    }

    /// `card`'s components in scheme order, as the drill-downs show them.
    pub fn component_rows<'a>(&'a self, card: &'a Scorecard) -> Vec<ComponentRow<'a>> {
        let explanation = self.explanation(card);
        card.labeled()
            .map(|(label, component)| {
                let value = self.value_text(&label.id, component.value);
                let num_den = match (component.numerator, component.denominator) {
                    (Some(n), Some(d)) => format!("{n} / {d}"),
                    (Some(n), None) => n.to_string(),
                    _ => String::new(),
                };
                let tickets = explanation
                    .and_then(|e| e.components.iter().find(|x| *x.indicator == *label.id))
                    .map_or(&[][..], |x| x.tickets.as_slice());
                ComponentRow {
                    label,
                    component,
                    value,
                    num_den,
                    tickets,
                }
            })
            .collect()
    }
}

/// The points `card` lost: full marks less its total (none when bonuses lift it to full marks
/// or beyond). The components' own losses, each rounded after an `exclude` rescale, can add up
/// to a cent more (docs/semantics.md, "Rescaling and rounding"): the headline is the difference the reader
/// can check against the total.
pub fn points_lost(card: &Scorecard) -> Decimal {
    card.full_marks
        .checked_sub(card.total)
        .unwrap_or(Decimal::ZERO)
        .max(Decimal::ZERO)
}

/// What ticket `id` counted on the indicators it cost `explanation`'s unit, on one line
/// (`lead: due 1, closed_on_time 0, overdue_open 1`; working milliseconds also in hours): why
/// it cost points. `None` for a ticket not listed.
pub fn counted(explanation: &Explanation, id: &str) -> Option<String> {
    let ticket = explanation.counters_of(id)?;
    let roles = [Role::Lead, Role::Assisting]
        .into_iter()
        .filter_map(|role| {
            let amounts: Vec<String> = ticket
                .role(role)
                .iter()
                .map(|(c, v)| match c.name() {
                    // Working milliseconds, with the working hours they are.
                    name if name.ends_with("_ms") => {
                        let hours = Decimal::from(*v).checked_div(Decimal::from(3_600_000));
                        match hours {
                            Some(h) => format!("{name} {v} ({} h)", h.round_dp(2).normalize()),
                            None => format!("{name} {v}"),
                        }
                    }
                    name => format!("{name} {v}"),
                })
                .collect();
            (!amounts.is_empty()).then(|| format!("{}: {}", role.name(), amounts.join(", ")))
        });
    Some(roles.collect::<Vec<_>>().join("; "))
}

/// The first `shown` of `tickets`, and `… +N` for the rest.
pub fn first_tickets(tickets: &[String], shown: usize) -> Vec<String> {
    let mut list: Vec<String> = tickets.iter().take(shown).cloned().collect();
    if tickets.len() > shown {
        list.push(format!("… +{}", tickets.len() - shown));
    }
    list
}

#[cfg(test)]
mod tests {
    use hotline_score::metrics::Counter;
    use hotline_score::scheme::TicketCounters;

    use super::*;

    #[test]
    fn counted_names_each_role_and_gives_working_hours() {
        let explanation = Explanation {
            unit: "u".into(),
            group: "g".into(),
            total: Decimal::ZERO,
            rank: 1,
            components: Vec::new(),
            ticket_counters: vec![TicketCounters {
                ticket_id: "T2".into(),
                lead: vec![(Counter::SignWorkingMs, 18_900_000), (Counter::Due, 1)],
                assisting: vec![(Counter::Signed, 1)],
            }],
            scheme_hash: String::new(),
        };
        assert_eq!(
            counted(&explanation, "T2").as_deref(),
            Some("lead: sign_working_ms 18900000 (5.25 h), due 1; assisting: signed 1")
        );
        assert_eq!(counted(&explanation, "T3"), None);
    }
}
