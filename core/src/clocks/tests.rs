//! Unit tests of clock semantics not covered by the shared vectors (expected values by hand).

use super::*;
use crate::amount::Amount;
use crate::calendar::Calendar;
use crate::instant::Instant;
use crate::policy::Policy;
use crate::ticket::{Event, EventBody, Kind, Ticket, Urgency};
use crate::unit::Role;

fn at(s: &str) -> Instant {
    Instant::parse(&format!("2026-{s}:00+08:00")).unwrap()
}

fn ticket(events: Vec<(&str, EventBody)>) -> Ticket {
    Ticket {
        id: "T".into(),
        kind: Kind::Help,
        urgency: Urgency::Normal,
        channel: "phone".into(),
        received_at: at("01-05T08:00"),
        attributes: Default::default(),
        events: events
            .into_iter()
            .map(|(t, b)| Event::new(at(t), b))
            .collect(),
    }
}

fn evaluator(policy: &str) -> Evaluator {
    Evaluator::new(
        &Calendar::prc().unwrap(),
        Policy::from_toml_str(policy).unwrap(),
        &[],
    )
}

fn dispatched() -> EventBody {
    EventBody::Dispatched {
        unit: "a".into(),
        role: Role::Lead,
    }
}

fn requested(amount: &str) -> EventBody {
    EventBody::ExtensionRequested {
        unit: "a".into(),
        amount: amount.parse().unwrap(),
    }
}

fn approved(amount: Option<&str>) -> EventBody {
    EventBody::ExtensionDecided {
        unit: "a".into(),
        approved: true,
        amount: amount.map(|a| a.parse().unwrap()),
    }
}

fn paused() -> EventBody {
    EventBody::Paused {
        unit: "a".into(),
        reason: "x".into(),
    }
}

fn resumed() -> EventBody {
    EventBody::Resumed {
        unit: "a".into(),
        reason: None,
    }
}

const EIGHT_HOURS: &str = "name = \"t\"\n[[rules]]\nlimits.complete = { amount = \"8h\" }\n";

#[test]
fn late_request_is_refused_by_policy_or_by_lateness() {
    let t = ticket(vec![
        ("03-09T09:00", dispatched()),
        ("03-09T17:30", requested("2h")),
        ("03-09T17:40", approved(None)),
    ]);
    let strict = format!("{EIGHT_HOURS}[extension]\nmust_request_before_due = true\n");
    for (policy, refusal) in [
        (strict.as_str(), Refusal::RequestedAfterDue),
        (EIGHT_HOURS, Refusal::ApprovedAfterDue),
    ] {
        let a = &evaluator(policy).evaluate(&t, at("03-10T09:00")).unwrap()[0];
        assert_eq!(a.clocks.complete.due, Some(at("03-09T17:00")));
        assert_eq!(a.clocks.complete.outcome, Outcome::Overdue);
        assert_eq!(a.extensions.len(), 1);
        assert_eq!(a.extensions[0].refusal, Some(refusal));
        assert!(!a.extensions[0].applied);
        assert_eq!(a.extensions[0].amount, Some(Amount::Time { ms: 7_200_000 }));
    }
}

#[test]
fn extension_records_go_to_their_own_assignment() {
    let to = |unit: &str, role| EventBody::Dispatched {
        unit: unit.into(),
        role,
    };
    let decided = |unit: &str, amount: &str| EventBody::ExtensionDecided {
        unit: unit.into(),
        approved: true,
        amount: Some(amount.parse().unwrap()),
    };
    let t = ticket(vec![
        ("03-09T09:00", to("a", Role::Lead)),
        ("03-09T09:05", to("b", Role::Assisting)),
        ("03-09T09:10", to("c", Role::Assisting)),
        ("03-09T10:00", decided("b", "2h")),
        ("03-09T11:00", decided("a", "1h")),
        ("03-09T12:00", decided("b", "3h")),
    ]);
    let got = evaluator(EIGHT_HOURS)
        .evaluate(&t, at("03-10T09:00"))
        .unwrap();
    let hours =
        |i: usize| -> Vec<Option<Amount>> { got[i].extensions.iter().map(|r| r.amount).collect() };
    let h = |n: i64| Some(Amount::Time { ms: n * 3_600_000 });
    assert_eq!(got.len(), 3);
    assert_eq!(hours(0), [h(1)]);
    assert_eq!(hours(1), [h(2), h(3)]);
    assert_eq!(hours(2), []);
}

#[test]
fn pause_exactly_at_the_due_instant_is_ignored() {
    let t = ticket(vec![
        ("03-09T09:00", dispatched()),
        ("03-09T17:00", paused()),
        ("03-09T18:00", resumed()),
        ("03-09T17:30", EventBody::Closed),
    ]);
    let a = &evaluator(EIGHT_HOURS)
        .evaluate(&t, at("03-10T09:00"))
        .unwrap()[0];
    assert_eq!(a.clocks.complete.due, Some(at("03-09T17:00")));
    assert_eq!(a.clocks.complete.paused_ms, 0);
}

#[test]
fn an_open_pause_projects_the_due_instant_to_as_of() {
    let t = ticket(vec![
        ("03-09T09:00", dispatched()),
        ("03-09T10:00", paused()),
    ]);
    let a = &evaluator(EIGHT_HOURS)
        .evaluate(&t, at("03-09T12:00"))
        .unwrap()[0];
    let c = &a.clocks.complete;
    assert!(c.paused);
    assert_eq!(c.paused_ms, 2 * 3_600_000);
    assert_eq!(c.due, Some(at("03-09T19:00")));
    assert_eq!(c.outcome, Outcome::Pending);
    // The sign clock has no limit: pending, never not_applicable.
    assert_eq!(a.clocks.sign.outcome, Outcome::Pending);
    assert_eq!(a.clocks.sign.due, None);
}

#[test]
fn day_and_office_hour_extensions_on_a_time_limit() {
    // 2 office hours from Fri 16:00 → Mon 09:30; +1 wd keeps the time of day → Tue 09:30;
    // +1 wh on office hours → Tue 10:30.
    let policy =
        "name = \"t\"\n[[rules]]\nlimits.complete = { amount = \"2h\", clock = \"office\" }\n";
    let t = ticket(vec![
        ("03-06T16:00", dispatched()),
        ("03-06T16:10", requested("1wd")),
        ("03-06T16:30", approved(None)),
        ("03-09T08:00", requested("1wh")),
        ("03-09T09:00", approved(None)),
    ]);
    let ev = evaluator(policy);
    let a = &ev.evaluate(&t, at("03-06T16:20")).unwrap()[0];
    assert_eq!(a.clocks.complete.due, Some(at("03-09T09:30")));
    let a = &ev.evaluate(&t, at("03-09T08:30")).unwrap()[0];
    assert_eq!(a.clocks.complete.due, Some(at("03-10T09:30")));
    let a = &ev.evaluate(&t, at("03-09T09:00")).unwrap()[0];
    assert_eq!(a.clocks.complete.due, Some(at("03-10T10:30")));
    assert!(a.extensions.iter().all(|r| r.applied));
}

#[test]
fn a_day_extension_of_a_due_at_midnight_moves_the_day_it_ends() {
    // 12 h on the whole-day clock from Fri 12:00 ends at Fri 24:00 (Sat 00:00); + 1 wd is
    // Mon 24:00 (Tue 00:00): Monday granted. Moving Sat 00:00 by a working day gave Mon 00:00,
    // nothing gained across the weekend (a clocks audit), so a reply Mon 12:00 was late.
    let policy = "name = \"t\"\n[[rules]]\nlimits.reply = { amount = \"12h\", clock = \"workdays\" }\n\
                  [extension]\napplies_to = [\"reply\"]\n";
    let t = ticket(vec![
        ("03-06T12:00", dispatched()),
        ("03-06T13:00", requested("1wd")),
        ("03-06T14:00", approved(None)),
    ]);
    let ev = evaluator(policy);
    let a = &ev.evaluate(&t, at("03-06T12:30")).unwrap()[0];
    assert_eq!(a.clocks.reply.due, Some(at("03-07T00:00")));
    let a = &ev.evaluate(&t, at("03-06T14:00")).unwrap()[0];
    assert_eq!(a.clocks.reply.due, Some(at("03-10T00:00")));
    // A due on a working day's midnight moves as before: Wed 00:00 is Tue 24:00 → Wed 24:00.
    let t = ticket(vec![
        ("03-10T12:00", dispatched()),
        ("03-10T13:00", requested("1wd")),
        ("03-10T14:00", approved(None)),
    ]);
    let a = &ev.evaluate(&t, at("03-10T14:00")).unwrap()[0];
    assert_eq!(a.clocks.reply.due, Some(at("03-12T00:00")));
}

#[test]
fn counting_the_start_day_needs_a_start_during_office_hours() {
    // 含本数, 1 wd: dispatched Mon 2026-03-09 20:00, after office hours, day 1 is Tuesday (it
    // was Monday: due 17:30, before the dispatch). Evaluated one after the other, so the
    // evening ticket and the morning one share the day cache: their deadlines differ.
    let policy = "name = \"t\"\ncount_start_day = true\n[[rules]]\nlimits.complete = \"1wd\"\n";
    let ev = evaluator(policy);
    let mut evening = ticket(vec![("03-09T20:00", dispatched())]);
    evening.id = "evening".into();
    let mut morning = ticket(vec![("03-09T10:00", dispatched())]);
    morning.id = "morning".into();
    let tickets = [evening, morning.clone(), morning];
    let dues: Vec<_> = ev
        .evaluate_all(&tickets[..], at("03-09T20:00"))
        .unwrap()
        .iter()
        .map(|a| a.clocks.complete.due)
        .collect();
    let (tue, mon) = (Some(at("03-10T17:30")), Some(at("03-09T17:30")));
    assert_eq!(dues, [tue, mon, mon]);
}

#[test]
fn extension_without_a_limit_is_recorded() {
    let t = ticket(vec![
        ("03-09T09:00", dispatched()),
        ("03-09T10:00", requested("3wd")),
        ("03-09T11:00", approved(None)),
    ]);
    // A rule for the sign clock only: completion has no limit.
    let a = &evaluator("name = \"t\"\n[[rules]]\nlimits.sign = \"24h\"\n")
        .evaluate(&t, at("03-10T09:00"))
        .unwrap()[0];
    assert_eq!(a.clocks.complete.outcome, Outcome::NotApplicable);
    assert_eq!(a.extensions[0].refusal, Some(Refusal::NoLimit));
}

#[test]
fn deadline_outside_the_calendar_is_a_typed_error_naming_the_ticket() {
    let t = ticket(vec![("12-24T09:00", dispatched())]);
    let policy = "name = \"t\"\n[[rules]]\nlimits.complete = \"10wd\"\n";
    let e = evaluator(policy)
        .evaluate(&t, at("12-24T10:00"))
        .unwrap_err();
    assert_eq!(e.code(), "clock_failed");
    match e {
        crate::Error::ClockFailed {
            ticket_id,
            event_index,
            source,
        } => {
            assert_eq!(ticket_id, "T");
            assert_eq!(event_index, 0);
            assert_eq!(source.code(), "out_of_coverage");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn events_after_as_of_are_ignored() {
    let t = ticket(vec![
        ("03-09T09:00", dispatched()),
        ("03-09T09:30", EventBody::Signed { unit: "a".into() }),
        ("03-09T10:00", EventBody::Closed),
    ]);
    let ev = evaluator(EIGHT_HOURS);
    let a = &ev.evaluate(&t, at("03-09T09:45")).unwrap()[0];
    assert_eq!(a.clocks.sign.finished, Some(at("03-09T09:30")));
    assert_eq!(a.clocks.complete.finished, None);
    assert_eq!(a.clocks.complete.status, Some(Status::Normal));
    let a = &ev.evaluate(&t, at("03-09T09:00")).unwrap()[0];
    assert_eq!(a.clocks.sign.finished, None);
    assert!(ev.evaluate(&t, at("03-09T08:59")).unwrap().is_empty());
}

/// Without a contact limit, contacting is `not_applicable` whether or not the unit signed first
/// (a clocks audit: the unit that never signed got `on_time`, 先行联系率 100 %, and the one
/// that signed `not_applicable`); with a limit, contacting before the sign-for's due instant
/// unsigned is on time.
#[test]
fn contact_without_a_limit_is_not_applicable_signed_or_not() {
    let contacted = || EventBody::Contacted { unit: "a".into() };
    let signed = EventBody::Signed { unit: "a".into() };
    let unsigned = ticket(vec![
        ("03-02T10:00", dispatched()),
        ("03-02T11:00", contacted()),
    ]);
    let signed_first = ticket(vec![
        ("03-02T10:00", dispatched()),
        ("03-02T10:30", signed),
        ("03-02T11:00", contacted()),
    ]);
    let no_limit = evaluator("name = \"t\"\n[[rules]]\nlimits.sign = \"2h\"\n");
    let with_limit =
        evaluator("name = \"t\"\n[[rules]]\nlimits.sign = \"2h\"\nlimits.contact = \"4h\"\n");
    for t in [&unsigned, &signed_first] {
        let a = &no_limit.evaluate(t, at("03-03T09:00")).unwrap()[0];
        assert_eq!(a.clocks.contact.outcome, Outcome::NotApplicable);
        let a = &with_limit.evaluate(t, at("03-03T09:00")).unwrap()[0];
        assert_eq!(a.clocks.contact.outcome, Outcome::OnTime);
    }
}

/// With `complete_on = "passed_reply"`, a failed review sends the ticket back to the unit: the
/// completion clock runs again until a later reply passes (a clocks audit: a pass, then a
/// failure, left the unit completed on time).
#[test]
fn a_failed_review_undoes_a_passed_reply() {
    let replied = || EventBody::Replied { unit: "a".into() };
    let reviewed = |passed| EventBody::Reviewed { passed, unit: None };
    let policy =
        "name = \"t\"\ncomplete_on = \"passed_reply\"\n[[rules]]\nlimits.complete = \"3wd\"\n";
    let ev = evaluator(policy);
    let mut events = vec![
        ("03-02T10:00", dispatched()),
        ("03-03T10:00", replied()),
        ("03-03T11:00", reviewed(true)),
        ("03-04T11:00", reviewed(false)),
    ];
    let a = &ev
        .evaluate(&ticket(events.clone()), at("03-20T09:00"))
        .unwrap()[0];
    assert_eq!(a.clocks.complete.finished, None);
    assert_eq!(a.clocks.complete.outcome, Outcome::Overdue);
    events.extend([("03-05T10:00", replied()), ("03-05T11:00", reviewed(true))]);
    let a = &ev.evaluate(&ticket(events), at("03-20T09:00")).unwrap()[0];
    assert_eq!(a.clocks.complete.finished, Some(at("03-05T10:00")));
    assert_eq!(a.clocks.complete.outcome, Outcome::OnTime);
}
