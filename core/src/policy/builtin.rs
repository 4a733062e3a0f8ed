//! Built-in policies: each is also a readable file in `policies/` at the repository root.

use super::Policy;
use crate::error::{Error, Result};

/// Built-in policies: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("henan", include_str!("../../../policies/henan.toml")),
    (
        "guangdong",
        include_str!("../../../policies/guangdong.toml"),
    ),
    (
        "sichuan-2025",
        include_str!("../../../policies/sichuan-2025.toml"),
    ),
    ("shandong", include_str!("../../../policies/shandong.toml")),
    ("lvliang", include_str!("../../../policies/lvliang.toml")),
];

impl Policy {
    /// The built-in policy called `name` (`henan`, `guangdong`, `sichuan-2025`, `shandong`,
    /// `lvliang`).
    pub fn builtin(name: &str) -> Result<Policy> {
        let text = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| Error::UnknownPolicy {
                name: name.to_owned(),
                known: BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        Policy::from_toml_str(text)
    }

    /// The Henan policy (SPEC §4), which Sanmenxia follows: `policies/henan.toml`.
    pub fn henan() -> Result<Policy> {
        Policy::builtin("henan")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::amount::Amount;
    use crate::instant::MS_PER_HOUR;
    use crate::policy::{Clock, Limits, StartAt, Subject, TimeBasis};
    use crate::ticket::{Kind, Urgency};

    fn limits(p: &Policy, kind: Kind, urgency: Urgency) -> Limits {
        let attrs = BTreeMap::new();
        p.limits_for_subject(&Subject {
            kind,
            urgency,
            channel: "phone",
            group: "counties",
            attributes: &attrs,
        })
    }

    fn complete_days(p: &Policy, kind: Kind) -> Option<u32> {
        match limits(p, kind, Urgency::Normal).complete.map(|l| l.amount) {
            Some(Amount::WorkingDays(n)) => Some(n),
            None => None,
            other => panic!("unexpected {other:?}"),
        }
    }

    const KINDS: [Kind; 7] = [
        Kind::Consult,
        Kind::Help,
        Kind::Suggestion,
        Kind::Complaint,
        Kind::Report,
        Kind::Praise,
        Kind::Other,
    ];

    #[test]
    fn every_builtin_loads_and_names_itself() {
        for (name, _) in BUILTIN {
            let p = Policy::builtin(name).unwrap();
            assert_eq!(p.name, *name);
            assert!(p.is_simple());
        }
        let e = Policy::builtin("atlantis").unwrap_err();
        assert_eq!(e.code(), "unknown_policy");
        assert!(e.to_string().contains("henan"));
    }

    #[test]
    fn henan() {
        let p = Policy::henan().unwrap();
        let got: Vec<_> = KINDS.iter().map(|k| complete_days(&p, *k)).collect();
        assert_eq!(
            got,
            [3, 5, 5, 10, 10, 3, 5].map(Some).to_vec(),
            "consult help suggestion complaint report praise other"
        );
        let normal = limits(&p, Kind::Complaint, Urgency::Normal);
        let sign = normal.sign.unwrap();
        assert_eq!(
            sign.amount,
            Amount::Time {
                ms: 24 * MS_PER_HOUR
            }
        );
        assert_eq!(sign.clock, TimeBasis::Workdays);
        assert_eq!(normal.reply, None);
        let urgent = limits(&p, Kind::Complaint, Urgency::Urgent);
        let reply = urgent.reply.unwrap();
        assert_eq!(
            reply.amount,
            Amount::Time {
                ms: 2 * MS_PER_HOUR
            }
        );
        assert_eq!(reply.clock, TimeBasis::Natural);
        assert_eq!(reply.from, Some(StartAt::Signed));
        assert_eq!(
            urgent.complete, normal.complete,
            "urgency keeps the kind's limit"
        );
        assert_eq!(urgent.sign, normal.sign);
        assert_eq!(urgent.get(Clock::ReturnWindow), None);
        let t: crate::ticket::Ticket = serde_json::from_str(
            r#"{"id":"x","kind":"report","urgency":"urgent","received_at":"2026-03-02T09:00:00+08:00"}"#,
        )
        .unwrap();
        assert_eq!(p.limits_for(&t, "counties"), urgent);
    }

    #[test]
    fn other_provinces() {
        let gd = Policy::builtin("guangdong").unwrap();
        let got: Vec<_> = KINDS[..5].iter().map(|k| complete_days(&gd, *k)).collect();
        assert_eq!(got, [2, 10, 10, 15, 15].map(Some).to_vec());
        let sc = Policy::builtin("sichuan-2025").unwrap();
        let got: Vec<_> = KINDS[..5].iter().map(|k| complete_days(&sc, *k)).collect();
        assert_eq!(got, [3, 7, 7, 15, 15].map(Some).to_vec());

        let sd = Policy::builtin("shandong").unwrap();
        for k in KINDS {
            assert_eq!(complete_days(&sd, k), Some(5));
            let l = limits(&sd, k, Urgency::Urgent);
            assert_eq!(l.return_window.unwrap().amount, Amount::WorkingDays(2));
        }
        assert_eq!(sd.extension.max_total, Some(Amount::WorkingDays(10)));

        let ll = Policy::builtin("lvliang").unwrap();
        assert_eq!(ll.extension.max_count, Some(3));
        assert_eq!(ll.extension.max_each, Some(Amount::WorkingDays(3)));
        let l = limits(&ll, Kind::Help, Urgency::Normal);
        assert_eq!(l.return_window.unwrap().amount, Amount::WorkingDays(1));
        assert_eq!(l.complete, None);
    }

    #[test]
    fn first_match_per_clock_and_none_stops() {
        let p = Policy::from_toml_str(
            r#"
            name = "t"
            [[rules]]
            when = { kind = "praise" }
            limits.complete = "none"
            [[rules]]
            when = { group = "utilities" }
            limits.complete = "2wd"
            [[rules]]
            limits.complete = "5wd"
            "#,
        )
        .unwrap();
        assert_eq!(complete_days(&p, Kind::Praise), None);
        assert_eq!(complete_days(&p, Kind::Help), Some(5));
        let attrs = BTreeMap::new();
        let utility = p.limits_for_subject(&Subject {
            kind: Kind::Help,
            urgency: Urgency::Normal,
            channel: "web",
            group: "utilities",
            attributes: &attrs,
        });
        assert_eq!(utility.complete.unwrap().amount, Amount::WorkingDays(2));
    }
}
