//! One synthetic ticket's life: receipt, dispatch (and returns, re-dispatch), sign-for,
//! contact, pauses, extensions, urging, replies, review (and re-handling), closing, callbacks
//! (and write-offs or re-handling), with heavy-tailed delays mostly in office hours.
//!
//! Every generated log obeys the rules of SPEC §3.2 by construction, and stays valid when cut at
//! the end of the window (every rule only looks back).

use std::collections::BTreeMap;

use crate::amount::Amount;
use crate::instant::{Instant, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};
use crate::synthetic::catalog::Profile;
use crate::synthetic::office::{self, CENTER, UNIT};
use crate::synthetic::rng::Rng;
use crate::ticket::{Event, EventBody, Kind, Satisfaction, Ticket, Urgency};
use crate::unit::Role;

const HOUR: f64 = MS_PER_HOUR as f64;
const MINUTE: f64 = MS_PER_MINUTE as f64;
const DAY: f64 = MS_PER_DAY as f64;

const KINDS: [(Kind, f64); 7] = [
    (Kind::Consult, 35.0),
    (Kind::Help, 25.0),
    (Kind::Complaint, 25.0),
    (Kind::Report, 5.0),
    (Kind::Suggestion, 5.0),
    (Kind::Praise, 3.0),
    (Kind::Other, 2.0),
];

const CHANNELS: [(&str, f64); 4] = [
    ("phone", 55.0),
    ("wechat", 25.0),
    ("web", 10.0),
    ("province", 10.0),
];

/// Calls per hour of the day (relative).
const HOURS: [f64; 24] = [
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3.0, 6.0, 9.0, 9.0, 8.0, 6.0, 6.0, 8.0, 8.0, 7.0, 6.0, 5.0,
    4.0, 3.5, 3.0, 2.2, 1.5,
];

const RETURN_REASONS: [&str; 4] = [
    "不属于本单位职责范围",
    "诉求涉及其他属地",
    "应由市直部门办理",
    "诉求内容不清，无法办理",
];
const PAUSE_REASONS: [&str; 4] = [
    "等待群众补充材料",
    "需现场勘查，群众暂不在家",
    "涉及司法程序",
    "等待上级部门答复",
];
const RESUME_REASONS: [&str; 2] = ["材料已补齐", "已完成现场勘查"];

/// The attribute naming the county-level district a ticket concerns.
pub(crate) const DISTRICT: &str = "district";
/// The attribute marking a repeated call (`true`).
pub(crate) const REPEAT: &str = "repeat";

/// Everything a ticket's life depends on besides its own random stream.
#[derive(Debug)]
pub(crate) struct City {
    pub profiles: Vec<Profile>,
    /// Cumulative workload weights of `profiles`.
    pub load: Vec<f64>,
    /// Display names of the county-level units (the `district` attribute).
    pub districts: Vec<String>,
    /// No event at or after this instant (epoch ms) is kept.
    pub end: i64,
}

fn pick<T: Copy>(rng: &mut Rng, table: &[(T, f64)]) -> Option<T> {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.unit() * total;
    for (value, w) in table {
        if x < *w {
            return Some(*value);
        }
        x -= w;
    }
    table.last().map(|(v, _)| *v)
}

/// Completion limit in working days, as the generator's units aim at it (henan-like).
fn limit_days(kind: Kind) -> f64 {
    match kind {
        Kind::Consult | Kind::Praise => 3.0,
        Kind::Help | Kind::Suggestion | Kind::Other => 5.0,
        Kind::Complaint | Kind::Report => 10.0,
    }
}

/// The event log under construction: (instant, body) in order.
struct Log<'c> {
    city: &'c City,
    events: Vec<(i64, EventBody)>,
    /// Events of assisting units, merged by time at the end.
    side: Vec<(i64, EventBody)>,
    last: i64,
}

impl Log<'_> {
    /// Appends `body` at `at` (never before the previous event) and returns the instant used.
    fn push(&mut self, at: i64, body: EventBody) -> i64 {
        let at = at.max(self.last);
        self.last = at;
        self.events.push((at, body));
        at
    }

    /// A unit other than `avoid`, by workload.
    fn other_unit(&self, rng: &mut Rng, avoid: &[usize]) -> Option<usize> {
        (0..16)
            .filter_map(|_| rng.weighted(&self.city.load))
            .find(|i| !avoid.contains(i))
    }

    fn profile(&self, i: usize) -> Option<&Profile> {
        self.city.profiles.get(i)
    }
}

fn satisfaction(rng: &mut Rng, p_bad: f64) -> (Satisfaction, Option<bool>) {
    if rng.chance(p_bad) {
        let level = pick(
            rng,
            &[
                (Satisfaction::BasicallySatisfied, 55.0),
                (Satisfaction::Unsatisfied, 35.0),
                (Satisfaction::VeryUnsatisfied, 10.0),
            ],
        )
        .unwrap_or(Satisfaction::Unsatisfied);
        let resolved = match level {
            Satisfaction::BasicallySatisfied => rng.chance(0.7),
            _ => rng.chance(0.2),
        };
        (level, Some(resolved))
    } else {
        let level = if rng.chance(0.2) {
            Satisfaction::VerySatisfied
        } else {
            Satisfaction::Satisfied
        };
        (level, Some(true).filter(|_| rng.chance(0.95)))
    }
}

/// Generates ticket `id`, received at `received` (epoch ms).
pub(crate) fn ticket(city: &City, id: String, received: i64, rng: &mut Rng) -> Ticket {
    let kind = pick(rng, &KINDS).unwrap_or(Kind::Other);
    let urgency = if rng.chance(0.05) {
        Urgency::Urgent
    } else {
        Urgency::Normal
    };
    let channel = pick(rng, &CHANNELS).unwrap_or("phone");
    let lead = rng.weighted(&city.load).unwrap_or(0);
    let mut attributes = BTreeMap::new();
    let district = match city.profiles.get(lead) {
        Some(p) if p.county => city.districts.get(lead).cloned(),
        _ => {
            let n = city.districts.len();
            city.districts.get(rng.index(n)).cloned()
        }
    };
    if let Some(d) = district {
        attributes.insert(DISTRICT.to_owned(), d);
    }
    if rng.chance(0.07) {
        attributes.insert(REPEAT.to_owned(), "true".to_owned());
    }
    let mut log = Log {
        city,
        events: Vec::with_capacity(12),
        side: Vec::new(),
        last: received,
    };
    let direct = kind == Kind::Consult && rng.chance(0.15);
    if direct {
        answered_by_center(&mut log, received, rng);
    } else {
        handled_by_units(&mut log, kind, urgency, received, lead, rng);
    }
    let events = finish(log, &id);
    Ticket {
        id,
        kind,
        urgency,
        channel: channel.to_owned(),
        received_at: Instant::from_millis(received),
        attributes,
        events,
    }
}

/// A consultation the operator answers on the call (直接办结).
fn answered_by_center(log: &mut Log<'_>, received: i64, rng: &mut Rng) {
    let closed = log.push(received + rng.lomax(8.0 * MINUTE) as i64, EventBody::Closed);
    if rng.chance(0.3) {
        let at = office::after(closed, rng.lomax(20.0 * HOUR), CENTER, rng);
        let (satisfaction, resolved) = satisfaction(rng, 0.04);
        log.push(
            at,
            EventBody::CalledBack {
                satisfaction,
                resolved,
            },
        );
    }
}

/// The dispatched path.
fn handled_by_units(
    log: &mut Log<'_>,
    kind: Kind,
    urgency: Urgency,
    received: i64,
    lead: usize,
    rng: &mut Rng,
) {
    let urgent = urgency == Urgency::Urgent;
    let difficult = rng.chance(0.012);
    let mut t = if urgent {
        received + rng.lomax(10.0 * MINUTE) as i64
    } else {
        office::after(received, rng.lomax(45.0 * MINUTE), CENTER, rng)
    };
    let mut unit = lead;
    let mut involved = vec![lead];
    let mut signed = false;
    // Dispatch, and possibly returns with re-dispatch.
    for attempt in 0..3 {
        let Some(p) = log.profile(unit) else { return };
        let (id, bad) = (p.id.clone(), p.badness());
        t = log.push(
            t,
            EventBody::Dispatched {
                unit: id.clone(),
                role: Role::Lead,
            },
        );
        if attempt == 0 && difficult {
            t = log.push(
                t + rng.lomax(2.0 * HOUR) as i64,
                EventBody::FlaggedDifficult,
            );
        }
        if attempt >= 2 || !rng.chance(0.045 * bad) {
            break;
        }
        if rng.chance(0.3) {
            t = office::after(t, rng.lomax(1.5 * HOUR), UNIT, rng);
            t = log.push(t, EventBody::Signed { unit: id.clone() });
            signed = true;
        }
        t = office::after(t, rng.lomax(3.0 * HOUR), UNIT, rng);
        let reason = RETURN_REASONS
            .get(rng.index(RETURN_REASONS.len()))
            .copied()
            .unwrap_or_default()
            .to_owned();
        t = log.push(
            t,
            EventBody::Returned {
                unit: id.clone(),
                reason,
            },
        );
        t = office::after(t, rng.lomax(3.0 * HOUR), CENTER, rng);
        let next = if rng.chance(0.7) {
            log.other_unit(rng, &involved)
        } else {
            None
        };
        t = log.push(
            t,
            EventBody::ReturnDecided {
                unit: id,
                accepted: next.is_some(),
            },
        );
        match next {
            Some(n) => {
                unit = n;
                involved.push(n);
                signed = false;
                t = office::after(t, rng.lomax(30.0 * MINUTE), CENTER, rng);
            }
            None => break,
        }
    }
    let Some(p) = log.profile(unit) else { return };
    let (id, bad) = (p.id.clone(), p.badness());
    let dispatched = t;
    // Assisting units (协办).
    if rng.chance(0.08) {
        let count = if rng.chance(0.3) { 2 } else { 1 };
        for _ in 0..count {
            if let Some(a) = log.other_unit(rng, &involved) {
                involved.push(a);
                assisting(log, a, dispatched, rng);
            }
        }
    }
    // Sign-for.
    if !signed {
        if rng.chance(0.004 * bad) {
            return; // never signed: overdue at every clock
        }
        let delay = if rng.chance(0.05 * bad) {
            20.0 * HOUR + rng.lomax(16.0 * HOUR)
        } else {
            rng.lomax(1.5 * HOUR)
        };
        t = if urgent {
            t + rng.lomax(20.0 * MINUTE) as i64
        } else {
            office::after(t, delay, UNIT, rng)
        };
        t = log.push(t, EventBody::Signed { unit: id.clone() });
    }
    let signed_at = t;
    if urgent && !rng.chance(0.06 * bad) {
        // 紧急工单: a first feedback (反馈) within about two hours of the sign-for, day or night
        // (Henan's rule: 2 h of wall time); the final reply follows as for any ticket.
        t = log.push(
            t + rng.lomax(35.0 * MINUTE) as i64,
            EventBody::Replied { unit: id.clone() },
        );
    }
    if rng.chance(0.9) {
        t = office::after(t, rng.lomax(2.0 * HOUR), UNIT, rng);
        t = log.push(t, EventBody::Contacted { unit: id.clone() });
    }
    // The time a unit aims at, in calendar days as many as the limit's working days (so that
    // an aim met is on time across weekends and holidays; the review and the close follow).
    let limit = if urgent {
        0.6 * DAY
    } else {
        limit_days(kind) * DAY
    };
    // Stalled: the unit never replies.
    let p_stall = 0.03 * bad + if difficult { 0.25 } else { 0.0 };
    if rng.chance(p_stall) {
        let urge_at = office::after(signed_at, 0.8 * limit, CENTER, rng);
        if rng.chance(0.6) {
            t = log.push(urge_at.max(t), EventBody::Urged { unit: id.clone() });
            if rng.chance(0.4) {
                let at = office::after(t, limit, CENTER, rng);
                log.push(at, EventBody::Supervised { unit: id });
            }
        }
        return;
    }
    let mut allowance = 0.0;
    if rng.chance(0.03) {
        let at = office::after(t, rng.lomax(0.2 * limit), UNIT, rng);
        let reason = PAUSE_REASONS
            .get(rng.index(PAUSE_REASONS.len()))
            .copied()
            .unwrap_or_default()
            .to_owned();
        let paused = log.push(
            at,
            EventBody::Paused {
                unit: id.clone(),
                reason,
            },
        );
        let resumed = office::after(paused, rng.lomax(2.0 * DAY), UNIT, rng);
        let reason = if rng.chance(0.5) {
            RESUME_REASONS
                .get(rng.index(RESUME_REASONS.len()))
                .map(|r| (*r).to_owned())
        } else {
            None
        };
        t = log.push(
            resumed,
            EventBody::Resumed {
                unit: id.clone(),
                reason,
            },
        );
        allowance += (t - paused) as f64;
    }
    if rng.chance(0.05 * bad + if difficult { 0.3 } else { 0.0 }) {
        // As much as the limit again, or less: a consultation (3 wd) asks for 1–3 days, a
        // complaint (10 wd) for 3–10.
        let choices: &[u32] = match kind {
            Kind::Consult | Kind::Praise => &[1, 2, 3],
            Kind::Help | Kind::Suggestion | Kind::Other => &[2, 3, 5],
            Kind::Complaint | Kind::Report => &[3, 5, 10],
        };
        let days = choices.get(rng.index(choices.len())).copied().unwrap_or(3);
        let at = office::after(t, rng.lomax(0.3 * limit), UNIT, rng);
        t = log.push(
            at,
            EventBody::ExtensionRequested {
                unit: id.clone(),
                amount: Amount::WorkingDays(days),
            },
        );
        let approved = rng.chance(0.8);
        let granted = if approved && rng.chance(0.3) {
            days.div_ceil(2)
        } else {
            days
        };
        let at = office::after(t, rng.lomax(5.0 * HOUR), CENTER, rng);
        t = log.push(
            at,
            EventBody::ExtensionDecided {
                unit: id.clone(),
                approved,
                amount: (approved && granted != days).then_some(Amount::WorkingDays(granted)),
            },
        );
        if approved {
            allowance += f64::from(granted) * 1.4 * DAY;
        }
    }
    // Reply: mostly well inside the limit, some late (heavy tail).
    let late = rng.chance(0.05 * bad + if difficult { 0.3 } else { 0.0 });
    let fraction = if late {
        1.0 + rng.lomax(0.35)
    } else {
        let u = rng.unit();
        0.05 + 0.8 * u * u.sqrt()
    };
    let target = signed_at + (fraction * limit + allowance) as i64;
    if fraction > 0.7 && rng.chance(0.25) {
        let at = office::after(signed_at + (0.7 * limit) as i64, 0.0, CENTER, rng);
        t = log.push(at.max(t), EventBody::Urged { unit: id.clone() });
        if late && rng.chance(0.3) {
            let at = office::after(t, rng.lomax(DAY), CENTER, rng);
            t = log.push(at, EventBody::Supervised { unit: id.clone() });
        }
    }
    let interim = match kind {
        Kind::Complaint | Kind::Report => 0.5,
        Kind::Help => 0.3,
        _ => 0.0,
    };
    if !urgent && rng.chance(interim) {
        // 阶段性答复: an interim reply within the first days.
        let at = office::after(t, rng.lomax(0.1 * limit), UNIT, rng);
        if (at as f64) < target as f64 {
            t = log.push(at, EventBody::Replied { unit: id.clone() });
        }
    }
    let reply_at = if urgent {
        target.max(t)
    } else {
        office::after(target.max(t), 0.0, UNIT, rng)
    };
    t = log.push(reply_at, EventBody::Replied { unit: id.clone() });
    // Review, and re-handling after a failed one.
    t = office::after(t, rng.lomax(3.0 * HOUR), CENTER, rng);
    if rng.chance(0.05 * bad) {
        t = log.push(
            t,
            EventBody::Reviewed {
                passed: false,
                unit: Some(id.clone()),
            },
        );
        t = log.push(
            t + rng.lomax(10.0 * MINUTE) as i64,
            EventBody::Reopened {
                unit: Some(id.clone()),
            },
        );
        t = office::after(t, rng.lomax(1.5 * DAY), UNIT, rng);
        t = log.push(t, EventBody::Replied { unit: id.clone() });
        t = office::after(t, rng.lomax(3.0 * HOUR), CENTER, rng);
    }
    let named = rng.chance(0.5).then(|| id.clone());
    t = log.push(
        t,
        EventBody::Reviewed {
            passed: true,
            unit: named,
        },
    );
    t = office::after(t, rng.lomax(30.0 * MINUTE), CENTER, rng);
    t = log.push(t, EventBody::Closed);
    if kind == Kind::Praise || !rng.chance(0.97) {
        return;
    }
    // Callbacks.
    t = office::after(t, rng.lomax(20.0 * HOUR), CENTER, rng);
    if rng.chance(0.07) {
        t = log.push(
            t,
            EventBody::CalledBack {
                satisfaction: Satisfaction::Unreachable,
                resolved: None,
            },
        );
        if !rng.chance(0.5) {
            return;
        }
        t = office::after(t, rng.lomax(DAY), CENTER, rng);
    }
    let (level, resolved) = satisfaction(rng, 0.07 * bad);
    t = log.push(
        t,
        EventBody::CalledBack {
            satisfaction: level,
            resolved,
        },
    );
    if !level.is_unsatisfied() {
        return;
    }
    if rng.chance(0.2) {
        let at = office::after(t, rng.lomax(2.0 * DAY), CENTER, rng);
        log.push(at, EventBody::WrittenOff);
    } else if rng.chance(0.4) {
        t = office::after(t, rng.lomax(4.0 * HOUR), CENTER, rng);
        t = log.push(
            t,
            EventBody::Reopened {
                unit: Some(id.clone()),
            },
        );
        t = office::after(t, rng.lomax(2.0 * DAY), UNIT, rng);
        t = log.push(t, EventBody::Replied { unit: id });
        t = office::after(t, rng.lomax(3.0 * HOUR), CENTER, rng);
        t = log.push(
            t,
            EventBody::Reviewed {
                passed: true,
                unit: None,
            },
        );
        t = office::after(t, rng.lomax(30.0 * MINUTE), CENTER, rng);
        t = log.push(t, EventBody::Closed);
        t = office::after(t, rng.lomax(20.0 * HOUR), CENTER, rng);
        let (level, resolved) = satisfaction(rng, 0.3);
        log.push(
            t,
            EventBody::CalledBack {
                satisfaction: level,
                resolved,
            },
        );
    }
}

/// An assisting unit's own events: dispatch, sign, reply (kept only before the ticket closes).
fn assisting(log: &mut Log<'_>, unit: usize, lead_dispatched: i64, rng: &mut Rng) {
    let Some(p) = log.profile(unit) else { return };
    let id = p.id.clone();
    let at = lead_dispatched + rng.lomax(20.0 * MINUTE) as i64;
    log.side.push((
        at,
        EventBody::Dispatched {
            unit: id.clone(),
            role: Role::Assisting,
        },
    ));
    let at = office::after(at, rng.lomax(2.0 * HOUR), UNIT, rng);
    log.side.push((at, EventBody::Signed { unit: id.clone() }));
    if rng.chance(0.85) {
        let at = office::after(at, rng.lomax(1.5 * DAY), UNIT, rng);
        log.side.push((at, EventBody::Replied { unit: id }));
    }
}

/// Merges the assisting units' events (dropping those at or after the first close), cuts the
/// log at the end of the window and numbers the events.
fn finish(log: Log<'_>, ticket_id: &str) -> Vec<Event> {
    let Log {
        city,
        mut events,
        side,
        ..
    } = log;
    if !side.is_empty() {
        let first_close = events
            .iter()
            .find(|(_, b)| matches!(b, EventBody::Closed))
            .map_or(i64::MAX, |(at, _)| *at);
        // A unit's own events are in time order, so dropping a suffix keeps each valid.
        events.extend(side.into_iter().filter(|(at, _)| *at < first_close));
        events.sort_by_key(|(at, _)| *at);
    }
    let kept = events.partition_point(|(at, _)| *at < city.end);
    events.truncate(kept);
    let mut out = Vec::with_capacity(events.len());
    for (k, (at, body)) in events.into_iter().enumerate() {
        out.push(Event {
            at: Instant::from_millis(at),
            event_id: Some(event_id(ticket_id, k)),
            body,
        });
    }
    out
}

/// `"<ticket id>-07"`: the ticket id and the event's two-digit (or longer) number.
fn event_id(ticket_id: &str, k: usize) -> String {
    let mut id = String::with_capacity(ticket_id.len() + 4);
    id.push_str(ticket_id);
    id.push('-');
    if k < 100 {
        id.push(char::from(b'0' + (k / 10) as u8));
        id.push(char::from(b'0' + (k % 10) as u8));
    } else {
        id.push_str(&k.to_string());
    }
    id
}

/// The receipt instant of a ticket on local day `day` (epoch ms), by the hourly call profile.
pub(crate) fn received_on(day: i64, rng: &mut Rng) -> i64 {
    let mut x = rng.unit() * HOURS.iter().sum::<f64>();
    let mut hour = 23;
    for (h, w) in HOURS.iter().enumerate() {
        if x < *w {
            hour = h;
            break;
        }
        x -= w;
    }
    let within = rng.below(MS_PER_HOUR as u64 / 1000) as i64 * 1000;
    office::at_local(day, hour as i64 * MS_PER_HOUR + within)
}
