//! The synthetic city: valid, deterministic and realistic.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use hotline_score::clocks::Evaluator;
use hotline_score::metrics::{Scope, partial};
use hotline_score::scheme::Scheme;
use hotline_score::synthetic::{CityConfig, CityGenerator, SyntheticCity};
use hotline_score::ticket::{EventBody, Kind, Mode, Satisfaction, Urgency, load_tickets};
use hotline_score::{Calendar, Policy, Role, Unit};

mod golden;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn small(seed: u64) -> CityConfig {
    CityConfig {
        seed,
        days: 3,
        tickets_per_day: 300,
        ..CityConfig::default()
    }
}

#[test]
fn every_ticket_passes_strict_validation() {
    for (seed, units, spread) in [(1, 60, 0.6), (2, 7, 1.0), (3, 1, 0.0), (4, 300, 0.3)] {
        let config = CityConfig {
            units,
            quality_spread: spread,
            ..small(seed)
        };
        let city = SyntheticCity::generate(&config).unwrap();
        assert_eq!(city.units.len(), units);
        let n = city.tickets.len();
        assert!(n > 600, "{n}");
        let as_of = city.as_of;
        assert!(
            city.tickets
                .iter()
                .flat_map(|t| &t.events)
                .all(|e| e.at < as_of)
        );
        let loaded = load_tickets(city.tickets, Some(&city.units), Mode::Strict)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(loaded.tickets.len(), n);
    }
}

#[test]
fn same_seed_same_city_different_seed_different_city() {
    let a = SyntheticCity::generate(&small(7)).unwrap();
    let b = SyntheticCity::generate(&small(7)).unwrap();
    assert_eq!(a, b);
    let c = SyntheticCity::generate(&small(8)).unwrap();
    assert_ne!(a.tickets, c.tickets);
    // Serialized output is byte-identical too.
    assert_eq!(
        serde_json::to_string(&a.tickets).unwrap(),
        serde_json::to_string(&b.tickets).unwrap()
    );
}

#[test]
fn random_access_matches_the_stream() {
    let g = CityGenerator::new(&small(9)).unwrap();
    let all: Vec<_> = g.tickets().collect();
    assert_eq!(all.len() as u64, g.len());
    for i in [0, 1, 299, 300, g.len() - 1] {
        assert_eq!(g.ticket(i).as_ref(), all.get(i as usize));
    }
    assert!(g.ticket(g.len()).is_none());
    let slice: Vec<_> = g.range(250, 350).collect();
    assert_eq!(slice.as_slice(), &all[250..350]);
    // Ticket ids are unique and dated.
    let mut ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    assert!(all[0].id.starts_with("SMX20260101"));
}

#[test]
fn bad_parameters_are_errors() {
    let bad = [
        CityConfig {
            units: 0,
            ..small(1)
        },
        CityConfig {
            quality_spread: 1.5,
            ..small(1)
        },
        CityConfig {
            quality_spread: f64::NAN,
            ..small(1)
        },
    ];
    for config in bad {
        let e = SyntheticCity::generate(&config).unwrap_err();
        assert_eq!(e.code(), "invalid_city_config");
    }
    // Past the size limits: refused by name before anything is allocated (a huge count aborted
    // the bindings: an overflow in the units catalog, or an allocation failure).
    let huge = [
        (
            "units",
            CityConfig {
                units: usize::MAX,
                ..small(1)
            },
        ),
        (
            "days",
            CityConfig {
                days: CityConfig::MAX_DAYS + 1,
                ..small(1)
            },
        ),
        (
            "tickets_per_day",
            CityConfig {
                tickets_per_day: u32::MAX,
                ..small(1)
            },
        ),
    ];
    for (field, config) in huge {
        let e = CityGenerator::new(&config).unwrap_err();
        assert_eq!(e.code(), "invalid_city_config");
        assert_eq!(e.context().field.as_deref(), Some(field), "{e}");
    }
    assert!(
        CityGenerator::new(&CityConfig {
            days: CityConfig::MAX_DAYS,
            tickets_per_day: CityConfig::MAX_TICKETS_PER_DAY,
            ..small(1)
        })
        .is_ok()
    );
    let empty = SyntheticCity::generate(&CityConfig {
        days: 0,
        ..small(1)
    })
    .unwrap();
    assert!(empty.tickets.is_empty());
}

fn rate(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

fn within(name: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{name} = {value:.4}, expected {low}..={high}"
    );
}

#[test]
fn realistic_rates() {
    let config = CityConfig {
        days: 30,
        ..CityConfig::default()
    };
    let city = SyntheticCity::generate(&config).unwrap();
    let units: &[Unit] = &city.units;
    let group = |g: &str| units.iter().filter(|u| u.group == g).count();
    assert_eq!(
        (group("counties"), group("departments"), group("utilities")),
        (8, 44, 8)
    );
    assert!(units.iter().any(|u| u.name == "湖滨区"));

    let tickets = &city.tickets;
    let n = tickets.len();
    within("tickets per day", n as f64 / 30.0, 870.0, 930.0);
    let kind = |k: Kind| rate(tickets.iter().filter(|t| t.kind == k).count(), n);
    within("consult", kind(Kind::Consult), 0.33, 0.37);
    within("help", kind(Kind::Help), 0.23, 0.27);
    within("complaint", kind(Kind::Complaint), 0.23, 0.27);
    within("report", kind(Kind::Report), 0.04, 0.06);
    within("suggestion", kind(Kind::Suggestion), 0.04, 0.06);
    within(
        "praise + other",
        kind(Kind::Praise) + kind(Kind::Other),
        0.04,
        0.06,
    );
    let urgent = tickets
        .iter()
        .filter(|t| t.urgency == Urgency::Urgent)
        .count();
    within("urgent", rate(urgent, n), 0.04, 0.06);
    let channels = ["phone", "wechat", "web", "province"];
    assert!(
        tickets
            .iter()
            .all(|t| channels.contains(&t.channel.as_str()))
    );
    assert!(
        tickets
            .iter()
            .all(|t| t.attributes.contains_key("district"))
    );
    let repeat = tickets
        .iter()
        .filter(|t| t.attributes.get("repeat").is_some_and(|r| r == "true"))
        .count();
    within("repeat", rate(repeat, n), 0.05, 0.09);

    let events: usize = tickets.iter().map(|t| t.events.len()).sum();
    within("events per ticket", rate(events, n), 6.0, 8.5);

    let mut counts = std::collections::HashMap::<&str, usize>::new();
    let (mut good, mut valid, mut unreachable) = (0, 0, 0);
    let (mut weekday_dispatches, mut late_signs) = (0, 0);
    let (mut office, mut weekend) = (0, 0);
    let (mut old, mut old_closed) = (0, 0);
    let (mut accepted, mut decided) = (0, 0);
    let mut dispatched_tickets = 0;
    for t in tickets {
        let mut lead_dispatch: Option<i64> = None;
        let mut closed = false;
        for e in &t.events {
            *counts.entry(e.body.type_name()).or_default() += 1;
            let local = e.at.millis() + 8 * HOUR;
            let (day, tod) = (local.div_euclid(DAY), local.rem_euclid(DAY));
            if (day + 3).rem_euclid(7) >= 5 {
                weekend += 1;
            }
            if (8 * HOUR + HOUR / 2..18 * HOUR).contains(&tod) {
                office += 1;
            }
            match &e.body {
                EventBody::Dispatched {
                    role: Role::Lead, ..
                } => lead_dispatch = Some(e.at.millis()),
                EventBody::Signed { .. } => {
                    if let Some(d) = lead_dispatch.take() {
                        // Dispatched Monday to Thursday: 24 h later is still a weekday.
                        let dd = (d + 8 * HOUR).div_euclid(DAY);
                        if (dd + 3).rem_euclid(7) < 4 {
                            weekday_dispatches += 1;
                            if e.at.millis() - d > DAY {
                                late_signs += 1;
                            }
                        }
                    }
                }
                EventBody::ReturnDecided { accepted: a, .. } => {
                    decided += 1;
                    accepted += usize::from(*a);
                }
                EventBody::CalledBack { satisfaction, .. } => {
                    if *satisfaction == Satisfaction::Unreachable {
                        unreachable += 1;
                    } else {
                        valid += 1;
                        if *satisfaction <= Satisfaction::Satisfied {
                            good += 1;
                        }
                    }
                }
                EventBody::Closed => closed = true,
                _ => {}
            }
        }
        if t.events
            .iter()
            .any(|e| matches!(e.body, EventBody::Dispatched { .. }))
        {
            dispatched_tickets += 1;
        }
        // Received 25+ days before the snapshot: every limit (10 wd plus extensions) has passed.
        if t.received_at.millis() < city.as_of.millis() - 25 * DAY {
            old += 1;
            old_closed += usize::from(closed);
        }
    }
    within("dispatched", rate(dispatched_tickets, n), 0.9, 0.98);
    within("satisfied or better", rate(good, valid), 0.91, 0.95);
    within(
        "unreachable",
        rate(unreachable, valid + unreachable),
        0.04,
        0.09,
    );
    within("closed (old tickets)", rate(old_closed, old), 0.92, 0.965);
    within(
        "late signs",
        rate(late_signs, weekday_dispatches),
        0.015,
        0.07,
    );
    within(
        "returns per dispatched ticket",
        rate(counts["returned"], dispatched_tickets),
        0.03,
        0.07,
    );
    within("returns accepted", rate(accepted, decided), 0.55, 0.85);
    within("office hours", rate(office, events), 0.9, 1.0);
    within("weekend events", rate(weekend, events), 0.03, 0.2);
    for (kind, low, high) in [
        ("extension_requested", 0.02, 0.08),
        ("paused", 0.01, 0.05),
        ("flagged_difficult", 0.005, 0.02),
        ("urged", 0.02, 0.12),
        ("reopened", 0.02, 0.08),
    ] {
        within(kind, rate(counts[kind], n), low, high);
    }
    for kind in [
        "extension_decided",
        "resumed",
        "supervised",
        "written_off",
        "contacted",
    ] {
        assert!(counts[kind] > 0, "{kind}");
    }
    let assisting = tickets
        .iter()
        .flat_map(|t| &t.events)
        .filter(|e| {
            matches!(
                e.body,
                EventBody::Dispatched {
                    role: Role::Assisting,
                    ..
                }
            )
        })
        .count();
    within("assisting dispatches", rate(assisting, n), 0.05, 0.15);
    let failed_reviews = tickets
        .iter()
        .flat_map(|t| &t.events)
        .filter(|e| matches!(e.body, EventBody::Reviewed { passed: false, .. }))
        .count();
    assert!(failed_reviews > 0);
}

/// A small city scored end to end (evaluate, aggregate, score) with `sanmenxia`: the JSON the
/// Python and Node suites compare with theirs (`tests/vectors/json/synthetic.json`).
#[test]
fn small_city_scores_are_pinned_for_the_bindings() {
    let config = CityConfig {
        seed: 7,
        days: 14,
        units: 12,
        tickets_per_day: 60,
        ..CityConfig::default()
    };
    let city = SyntheticCity::generate(&config).unwrap();
    let ev = Evaluator::new(
        &Calendar::prc().unwrap(),
        Policy::henan().unwrap(),
        &city.units,
    );
    let mut out = golden::Outputs::new(
        "synthetic",
        "Rust's JSON of a synthetic city (seed 7, 14 days from 2026-01-01, 12 units, 60 tickets \
         a day) scored at the city's as_of with the sanmenxia preset under the henan policy and the PRC \
         calendar, in the scheme's period containing as_of (key: the preset)",
    );
    // The other presets rank within groups the synthetic city does not use.
    let preset = "sanmenxia";
    let scheme = Scheme::preset(preset).unwrap();
    let period = scheme.period_at(city.as_of).unwrap();
    let scope = Scope::new(period.clone(), city.as_of);
    let table = partial(&city.tickets, &ev, &scope)
        .unwrap()
        .finalize(&city.units, Default::default());
    let scores = scheme
        .score(&city.units, &table, &period, city.as_of)
        .unwrap();
    assert_eq!(scores.units.len(), 12);
    assert!(scores.units.iter().all(|c| !c.components.is_empty()));
    out.add(preset, serde_json::to_string(&scores).unwrap());
    out.check();
}
