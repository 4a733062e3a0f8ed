//! Building a board: calendar, policy, scheme and units table, checked to fit together, and the
//! fingerprint a snapshot records so it is restored only into the same configuration (or one
//! that extends it: a longer calendar, more units).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::Date;

use super::Board;
use super::checksum::Fnv;
use super::latest::LastEvents;
use super::periods::PeriodTable;
use super::record::Work;
use super::status::StatusIndex;
use crate::calendar::Calendar;
use crate::clocks::Evaluator;
use crate::error::{Error, Result};
use crate::instant::{Instant, MS_PER_HOUR};
use crate::metrics::DueAnchor;
use crate::policy::Policy;
use crate::scheme::Scheme;
use crate::ticket::{KnownUnits, check_units};
use crate::unit::Unit;

/// Builds a [`Board`]: `Board::builder().calendar(c).policy(p).scheme(s).units(u).build()`.
#[derive(Debug, Clone, Default)]
pub struct BoardBuilder {
    calendar: Option<Calendar>,
    policy: Option<Policy>,
    scheme: Option<Scheme>,
    units: Option<Vec<Unit>>,
    due_anchor: DueAnchor,
}

/// What a snapshot must match: hashes of the calendar, policy, scheme and units, and the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fingerprint {
    /// The calendar's working time over `calendar_dates` ([`calendar_hash`]).
    pub calendar: String,
    /// The first and last date the calendar hash covers (`YYYY-MM-DD`). Absent from snapshots
    /// written before 2026-12-01: those restore only into a calendar of the same coverage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_dates: Option<[String; 2]>,
    /// The calendar's exact working hours over `calendar_dates` ([`calendar_hours_hash`]).
    /// Absent from snapshots written before the evening of 2026-12-01: those compare working
    /// time per 3-hour slice only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_hours: Option<String>,
    pub policy: String,
    /// The policy's limits and options without its `name`, `title` and `source`
    /// ([`policy_rules_hash`]). Absent from snapshots written before 2026-12-02 (evening): those
    /// restore only into the same policy, words included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_rules: Option<String>,
    pub scheme: String,
    /// The units table (ids, groups, names, order).
    pub units: String,
    /// Each unit's id and group, in id order. Absent from snapshots written before 2026-12-01:
    /// those restore only into the same units table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_groups: Option<Vec<[String; 2]>>,
    pub due_anchor: DueAnchor,
}

impl Fingerprint {
    /// The fingerprint of a configuration.
    fn of(
        calendar: &Calendar,
        policy: &Policy,
        scheme: &Scheme,
        units: &[Unit],
        due_anchor: DueAnchor,
    ) -> Result<Fingerprint> {
        // Predicted dates (predict mode) are guesses, not configuration: the holiday notice
        // that replaces them must restore the board (docs/semantics.md, "Snapshots").
        let first = calendar.first_date();
        let last = calendar
            .predicted_from()
            .and_then(|d| d.previous_day())
            .filter(|d| *d >= first)
            .unwrap_or_else(|| calendar.last_date());
        let mut unit_groups: Vec<[String; 2]> = units
            .iter()
            .map(|u| [u.id.0.clone(), u.group.clone()])
            .collect();
        unit_groups.sort();
        Ok(Fingerprint {
            calendar: calendar_hash(calendar, first, last)?,
            calendar_dates: Some([first.to_string(), last.to_string()]),
            calendar_hours: Some(calendar_hours_hash(calendar, first, last)?),
            policy: json_hash(policy),
            policy_rules: Some(policy_rules_hash(policy)),
            scheme: scheme.hash().to_owned(),
            units: json_hash(units),
            unit_groups: Some(unit_groups),
            due_anchor,
        })
    }

    /// The first part of this board's configuration (`self`, of `calendar`) that a snapshot's
    /// fingerprint (`stored`) does not fit, by name. The calendar fits when it has the same
    /// working time on every date the snapshot's calendar covered: the same calendar, or one
    /// extended with later (or earlier) data, such as next year's holiday notice. The units
    /// table fits when it has every unit of the snapshot's, each in the same group: names,
    /// order and new units may differ.
    pub(crate) fn misfit(
        &self,
        calendar: &Calendar,
        stored: &Fingerprint,
    ) -> Result<Option<&'static str>> {
        let same_calendar = match &stored.calendar_dates {
            None => self.calendar == stored.calendar,
            Some([first, last]) => {
                let date = |s: &str| {
                    crate::calendar::data::parse_date(s).map_err(|reason| {
                        Error::BoardSnapshotCorrupt {
                            offset: 0,
                            reason: format!("calendar_dates {s:?}: {reason}"),
                        }
                    })
                };
                let (first, last) = (date(first)?, date(last)?);
                calendar.first_date() <= first
                    && last <= calendar.last_date()
                    && calendar_hash(calendar, first, last)? == stored.calendar
                    && match &stored.calendar_hours {
                        Some(hours) => &calendar_hours_hash(calendar, first, last)? == hours,
                        None => true,
                    }
            }
        };
        Ok([
            ("calendar", same_calendar),
            ("policy", self.policy_fits(stored)),
            ("scheme", self.scheme == stored.scheme),
            ("units", self.units_fit(stored)),
            ("due_anchor", self.due_anchor == stored.due_anchor),
        ]
        .into_iter()
        .find(|(_, same)| !same)
        .map(|(name, _)| name))
    }

    /// Whether this policy has the limits and options of `stored`'s: its words (name, title,
    /// source) may differ (the same policy, words included, for a snapshot without
    /// `policy_rules`).
    fn policy_fits(&self, stored: &Fingerprint) -> bool {
        match (&self.policy_rules, &stored.policy_rules) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => self.policy == stored.policy,
        }
    }

    /// Whether this units table has every unit of `stored`'s, each in the same group (the same
    /// table for a snapshot without `unit_groups`).
    fn units_fit(&self, stored: &Fingerprint) -> bool {
        match (&self.unit_groups, &stored.unit_groups) {
            (Some(mine), Some(theirs)) => theirs.iter().all(|u| mine.binary_search(u).is_ok()),
            _ => self.units == stored.units,
        }
    }
}

/// A hash of the calendar's working time from `first` to `last` (dates it covers): the offset,
/// the two dates, and the working time of every 3-hour slice of every day (any change of hours,
/// holidays or make-up days changes it).
fn calendar_hash(calendar: &Calendar, first: Date, last: Date) -> Result<String> {
    let mut h = Fnv::new();
    let offset = calendar.offset();
    h.write(&offset.whole_seconds().to_le_bytes());
    let mut date = first;
    h.write(&date.to_julian_day().to_le_bytes());
    h.write(&last.to_julian_day().to_le_bytes());
    loop {
        let start = Instant::from_local(date, 0, offset);
        for k in 0..8 {
            let a = Instant::from_millis(start.millis() + k * 3 * MS_PER_HOUR);
            let b = Instant::from_millis(a.millis() + 3 * MS_PER_HOUR);
            h.write(&calendar.working_between(a, b)?.to_le_bytes());
        }
        if date >= last {
            break;
        }
        match date.next_day() {
            Some(d) => date = d,
            None => break,
        }
    }
    Ok(h.hex())
}

/// A hash of the calendar's exact working hours from `first` to `last`: per date, whether it is
/// a working day and its working intervals. Two calendars with the same working time in every
/// 3-hour slice can still differ here (09:00–11:00 and 10:00–12:00 give 2 h in 09:00–12:00).
fn calendar_hours_hash(calendar: &Calendar, first: Date, last: Date) -> Result<String> {
    let mut h = Fnv::new();
    for (working, hours) in calendar.day_hours(first, last)? {
        h.write(&[u8::from(working)]);
        h.write(&(hours.len() as u64).to_le_bytes());
        for (a, b) in hours {
            h.write(&a.to_le_bytes());
            h.write(&b.to_le_bytes());
        }
    }
    Ok(h.hex())
}

/// A hash of what a policy decides: its JSON with the words that decide nothing (`name`,
/// `title`, `source`) left empty, so a corrected title does not refuse a running board's snapshot.
fn policy_rules_hash(policy: &Policy) -> String {
    let rules = Policy {
        name: String::new(),
        title: String::new(),
        source: String::new(),
        ..policy.clone()
    };
    json_hash(&rules)
}

fn json_hash<T: Serialize + ?Sized>(value: &T) -> String {
    let mut h = Fnv::new();
    h.write(serde_json::to_string(value).unwrap_or_default().as_bytes());
    h.hex()
}

impl BoardBuilder {
    /// The office-hours working calendar.
    pub fn calendar(mut self, calendar: Calendar) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// The time-limit policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The scoring scheme (its period, groups, indicators, warnings and sanctions).
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// The units table: every unit that is scored.
    pub fn units(mut self, units: Vec<Unit>) -> Self {
        self.units = Some(units);
        self
    }

    /// The period anchor of the due-anchored counters (default `due_date`).
    pub fn due_anchor(mut self, due_anchor: DueAnchor) -> Self {
        self.due_anchor = due_anchor;
        self
    }

    /// An empty board. Errors: a missing part ([`Error::BoardConfig`]), an invalid units table,
    /// a unit whose group the scheme does not define.
    pub fn build(self) -> Result<Board> {
        let missing = |field: &str| Error::BoardConfig {
            field: field.to_owned(),
            reason: "not given".to_owned(),
        };
        let calendar = self.calendar.ok_or_else(|| missing("calendar"))?;
        let policy = self.policy.ok_or_else(|| missing("policy"))?;
        let scheme = self.scheme.ok_or_else(|| missing("scheme"))?;
        let units = self.units.ok_or_else(|| missing("units"))?;
        check_units(&units)?;
        if u32::try_from(units.len()).is_err() {
            return Err(Error::BoardConfig {
                field: "units".into(),
                reason: "too many units".into(),
            });
        }
        for u in &units {
            if scheme.group(&u.group).is_none() {
                return Err(Error::UnitGroupUnknown {
                    unit: u.id.clone(),
                    group: u.group.clone(),
                    groups: scheme.groups().iter().map(|g| g.id.clone()).collect(),
                });
            }
        }
        let fingerprint = Fingerprint::of(&calendar, &policy, &scheme, &units, self.due_anchor)?;
        // Members of each scheme group, sorted by unit id (the order scoring uses).
        let groups = scheme
            .groups()
            .iter()
            .map(|g| {
                let mut members: Vec<u32> = units
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| u.group == g.id)
                    .filter_map(|(i, _)| u32::try_from(i).ok())
                    .collect();
                members.sort_by(|a, b| {
                    let id = |i: &u32| units.get(*i as usize).map(|u| &u.id);
                    id(a).cmp(&id(b))
                });
                members
            })
            .collect();
        let n = units.len();
        Ok(Board {
            ev: Evaluator::new(&calendar, policy, &units),
            scheme,
            known: KnownUnits::new(&units),
            due_anchor: self.due_anchor,
            fingerprint,
            groups,
            tickets: Vec::new(),
            by_id: Default::default(),
            by_last: LastEvents::default(),
            volatile: BTreeSet::new(),
            periods: PeriodTable::new(n, self.due_anchor),
            status: StatusIndex::new(n),
            closed_through: None,
            history: Vec::new(),
            external: BTreeMap::new(),
            adjustments: BTreeMap::new(),
            latest: None,
            work: Work::default(),
            cache: Mutex::default(),
        })
    }
}
