//! Date rules (`off`, `on`, explicit `hours`) and the day kinds they produce.

use serde::{Deserialize, Serialize};

use crate::calendar::template::DayHours;

/// What kind of day a date is (SPEC §2.2). Serialized in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day of the weekly template.
    Workday,
    /// An ordinary rest day of the weekly template (Saturday, Sunday), also inside holiday blocks.
    Weekend,
    /// A statutory holiday (法定节假日), whatever weekday it falls on.
    Holiday,
    /// A non-statutory rest day that would be a working day by the template (调休/补休 rest day,
    /// e.g. 2026-02-20).
    InLieu,
    /// A day the template does not work that is worked (调休上班, e.g. Saturday 2026-02-14).
    AdjustedWorkday,
}

impl DayKind {
    /// Whether a day of this kind has working time (`workday` or `adjusted_workday`).
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday)
    }

    /// The snake_case name (`in_lieu` …), as serialized.
    pub fn name(self) -> &'static str {
        match self {
            DayKind::Workday => "workday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
            DayKind::InLieu => "in_lieu",
            DayKind::AdjustedWorkday => "adjusted_workday",
        }
    }
}

/// A rule that overrides the weekly template for one date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DateRule {
    /// No working time (a holiday or rest day).
    Off,
    /// Worked (调休上班): the rule's own hours, or the template's (see
    /// [`WeeklyTemplate::adjusted_workday_hours`](crate::calendar::WeeklyTemplate::adjusted_workday_hours)).
    On(Option<DayHours>),
    /// Exactly these hours (empty means off).
    Hours(DayHours),
}

/// The rule in force for one date after merging all data, and whether the date is statutory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedRule {
    pub rule: DateRule,
    pub statutory: bool,
}

/// The kind and working hours of one date.
///
/// `template_hours` are the template's hours for the date's weekday, `adjusted_hours` the
/// template's hours for adjusted workdays. Rules that make a normally non-working day work are
/// dropped when `ignore_adjusted` is set.
pub(crate) fn classify<'a>(
    template_hours: &'a DayHours,
    adjusted_hours: &'a DayHours,
    rule: Option<&'a ResolvedRule>,
    ignore_adjusted: bool,
) -> (DayKind, &'a DayHours) {
    static NONE: DayHours = DayHours::none();
    let normally_working = !template_hours.is_empty();
    let Some(r) = rule else {
        return if normally_working {
            (DayKind::Workday, template_hours)
        } else {
            (DayKind::Weekend, &NONE)
        };
    };
    let rest = |statutory: bool| {
        if statutory {
            DayKind::Holiday
        } else if normally_working {
            DayKind::InLieu
        } else {
            DayKind::Weekend
        }
    };
    if r.statutory {
        return (DayKind::Holiday, &NONE);
    }
    let hours: &DayHours = match &r.rule {
        DateRule::Off => &NONE,
        DateRule::On(Some(h)) | DateRule::Hours(h) => h,
        DateRule::On(None) if normally_working => template_hours,
        DateRule::On(None) => adjusted_hours,
    };
    if hours.is_empty() || (ignore_adjusted && !normally_working) {
        return (rest(false), &NONE);
    }
    let kind = if normally_working {
        DayKind::Workday
    } else {
        DayKind::AdjustedWorkday
    };
    (kind, hours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(rule: DateRule, statutory: bool) -> ResolvedRule {
        ResolvedRule { rule, statutory }
    }

    #[test]
    fn kinds_follow_the_documented_rules() {
        let office = DayHours::parse(&["09:00-12:00", "13:30-17:30"]).unwrap();
        let none = DayHours::none();
        let off = rule(DateRule::Off, false);
        let stat = rule(DateRule::Off, true);
        let on = rule(DateRule::On(None), false);
        // Weekday without rule / with off / statutory.
        assert_eq!(classify(&office, &office, None, false).0, DayKind::Workday);
        assert_eq!(
            classify(&office, &office, Some(&off), false).0,
            DayKind::InLieu
        );
        assert_eq!(
            classify(&office, &office, Some(&stat), false).0,
            DayKind::Holiday
        );
        // Saturday: off changes nothing, statutory is a holiday, on is an adjusted workday.
        assert_eq!(
            classify(&none, &office, Some(&off), false).0,
            DayKind::Weekend
        );
        assert_eq!(
            classify(&none, &office, Some(&stat), false).0,
            DayKind::Holiday
        );
        let (k, h) = classify(&none, &office, Some(&on), false);
        assert_eq!((k, h), (DayKind::AdjustedWorkday, &office));
        // Ignoring make-up days.
        assert_eq!(
            classify(&none, &office, Some(&on), true).0,
            DayKind::Weekend
        );
        assert_eq!(
            classify(&office, &office, Some(&on), true).0,
            DayKind::Workday
        );
        // Explicit hours: a half day is still a workday; empty hours are a rest day.
        let half = DayHours::parse(&["09:00-12:00"]).unwrap();
        let r = rule(DateRule::Hours(half.clone()), false);
        assert_eq!(
            classify(&office, &office, Some(&r), false),
            (DayKind::Workday, &half)
        );
        let r = rule(DateRule::Hours(DayHours::none()), false);
        assert_eq!(
            classify(&office, &office, Some(&r), false).0,
            DayKind::InLieu
        );
        assert_eq!(
            serde_json::to_string(&DayKind::InLieu).unwrap(),
            "\"in_lieu\""
        );
        assert_eq!(DayKind::AdjustedWorkday.name(), "adjusted_workday");
    }
}
