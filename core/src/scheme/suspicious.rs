//! Values a scheme may hold but rarely means: a fraction where a percent is read, or the
//! reverse. Ratios are percents (`target = 95`), grade lines, `total.cap`/`floor` and
//! `total_below` percents of full marks, so a line of `0.95` is met by every unit, or by none; a
//! target above 100 %, or above 1 on a `percent = false` ratio, is reached by none. Such a scheme
//! loads (a line of 1 % can be meant); each suspicious value is reported with its place
//! ([`Scheme::suspicious_values`]), and `check` shows them as warnings. So is a warnings
//! `lead_days` as long as the period: every unit is judged from the period's first day.

use rust_decimal::Decimal;

use super::Scheme;
use super::file::{PeriodSpec, RuleSpec, SchemeFile, ValueSpec};
use super::load::{Ctx, k, with};
use super::node::Seg;
use super::problem::SchemeProblem;
use crate::instant::{Instant, MS_PER_DAY};

/// The code of every suspicious value.
pub const SUSPICIOUS_VALUE: &str = "suspicious_value";

/// The length in milliseconds of the shortest period `period` gives (28 days for months);
/// `None` for a range that does not read (its own problem).
fn shortest_period_ms(period: &PeriodSpec) -> Option<i64> {
    let days = match period {
        PeriodSpec::Month => 28,
        PeriodSpec::Quarter => 90,
        PeriodSpec::Year => 365,
        PeriodSpec::Range(r) => {
            let (start, end) = (Instant::parse(&r.start).ok()?, Instant::parse(&r.end).ok()?);
            return Some(end.millis().saturating_sub(start.millis()));
        }
    };
    Some(days * MS_PER_DAY)
}

/// Whether `v` looks like a fraction written for a percent: in `(0, 1]`.
fn fraction_like(v: Decimal) -> bool {
    v > Decimal::ZERO && v <= Decimal::ONE
}

impl Ctx<'_> {
    /// Notes every suspicious value of `file` (see the module docs).
    pub(super) fn suspicious(&mut self, file: &SchemeFile) {
        let percent_note = |what: &str, v: Decimal| {
            format!(
                "{what} {} reads as {} %: a ratio's values are percents (write {} for {} %), \
                 unless the ratio says `percent = false`",
                v.normalize(),
                v.normalize(),
                (v * Decimal::ONE_HUNDRED).normalize(),
                (v * Decimal::ONE_HUNDRED).normalize(),
            )
        };
        for (i, ind) in file.indicators.iter().enumerate() {
            let Some(ValueSpec::Ratio(ratio)) = &ind.value else {
                continue;
            };
            let at = |rest: &[Seg]| with(&[k("indicators"), Seg::Index(i)], rest);
            // The numbers the ratio's value is compared with, and where they are.
            let mut lines: Vec<(Vec<Seg>, &str, Decimal)> = Vec::new();
            match &ind.rule {
                RuleSpec::LinearBelowTarget(l) => lines.push((
                    at(&[k("rule"), k("linear_below_target"), k("target")]),
                    "the target",
                    l.target.0,
                )),
                RuleSpec::RedLine(r) => lines.push((
                    at(&[k("rule"), k("red_line"), k("threshold")]),
                    "the threshold",
                    r.threshold.0,
                )),
                RuleSpec::Proportional(p) => {
                    if let Some(of) = p.of {
                        lines.push((at(&[k("rule"), k("proportional"), k("of")]), "`of`", of.0));
                    }
                }
                RuleSpec::Bands(bands) if ratio.percent => {
                    let mins: Vec<Decimal> =
                        bands.iter().filter_map(|b| b.min.map(|m| m.0)).collect();
                    if !mins.is_empty()
                        && mins.len() == bands.len()
                        && mins.iter().all(|m| *m <= Decimal::ONE)
                        && mins.iter().any(|m| fraction_like(*m))
                    {
                        let path = at(&[k("rule"), k("bands")]);
                        self.note(
                            &path,
                            "every band's `min` is at most 1, which reads as 1 % or less: a ratio's \
                             values are percents (95, not 0.95), unless the ratio says \
                             `percent = false`"
                                .into(),
                        );
                    }
                }
                _ => {}
            }
            if let Some(line) = ind.red_line {
                lines.push((at(&[k("red_line")]), "the red line", line.0));
            }
            // Group targets replace the target or threshold.
            for (g, group) in file.groups.iter().enumerate() {
                if let Some(target) = group.targets.get(&ind.id) {
                    let path = vec![k("groups"), Seg::Index(g), k("targets"), k(&ind.id)];
                    lines.push((path, "the group target", target.0));
                }
            }
            for (path, what, v) in lines {
                if ratio.percent && fraction_like(v) {
                    self.note(&path, percent_note(what, v));
                } else if ratio.percent && v > Decimal::ONE_HUNDRED {
                    self.note(
                        &path,
                        format!(
                            "{what} {} is above 100 %, which a rate never reaches when its \
                             numerator counts part of its denominator",
                            v.normalize()
                        ),
                    );
                } else if !ratio.percent && v > Decimal::ONE {
                    self.note(
                        &path,
                        format!(
                            "{what} {} is above 1, but the ratio says `percent = false`: its \
                             values are fractions (0.95 for 95 %), so write {} or drop \
                             `percent = false`",
                            v.normalize(),
                            (v / Decimal::ONE_HUNDRED).normalize()
                        ),
                    );
                }
            }
        }
        let grade_mins: Vec<Decimal> = file.grades.iter().map(|g| g.min.0).collect();
        if grade_mins.iter().any(|m| fraction_like(*m))
            && grade_mins.iter().all(|m| *m <= Decimal::ONE)
        {
            self.note(
                &[k("grades")],
                "every grade's `min` is at most 1: grade lines are percents of full marks (90, not \
                 0.9), so nearly every total reaches the best grade"
                    .into(),
            );
        }
        if let Some(cap) = file
            .total
            .cap
            .filter(|c| c.0 > Decimal::ZERO && c.0 <= Decimal::TWO)
        {
            self.note(
                &[k("total"), k("cap")],
                format!(
                    "`cap = {}` is a percent of full marks: it caps every total at {} % (write {} \
                     for {} %)",
                    cap.0.normalize(),
                    cap.0.normalize(),
                    (cap.0 * Decimal::ONE_HUNDRED).normalize(),
                    (cap.0 * Decimal::ONE_HUNDRED).normalize(),
                ),
            );
        }
        if let Some(floor) = file.total.floor.filter(|f| fraction_like(f.0)) {
            self.note(
                &[k("total"), k("floor")],
                format!(
                    "`floor = {}` is a percent of full marks: it lifts totals to {} % only",
                    floor.0.normalize(),
                    floor.0.normalize()
                ),
            );
        }
        if let Some(lead) = file.warnings.as_ref().map(|w| w.lead_days).filter(|lead| {
            shortest_period_ms(&file.period)
                .is_some_and(|ms| i64::from(*lead).saturating_mul(MS_PER_DAY) >= ms)
        }) {
            self.note(
                &[k("warnings"), k("lead_days")],
                format!(
                    "`lead_days = {lead}` is as long as the scheme's shortest period or longer (28 \
                     days for a month, 90 for a quarter, 365 for a year): units are warned from \
                     the period's first day, on the scores of its first tickets"
                ),
            );
        }
        if let Some(below) = file
            .warnings
            .as_ref()
            .and_then(|w| w.total_below)
            .filter(|b| fraction_like(b.0))
        {
            self.note(
                &[k("warnings"), k("total_below")],
                format!(
                    "`total_below = {}` is a percent of full marks: it warns only totals below {} %",
                    below.0.normalize(),
                    below.0.normalize()
                ),
            );
        }
    }
}

impl Scheme {
    /// Values the scheme holds but rarely means (code `suspicious_value`, with their places in
    /// the file): a fraction where a percent is read, a warning lead as long as the period.
    /// Empty for the presets.
    ///
    /// ```
    /// use hotline_score::scheme::Scheme;
    /// let text = "schema_version = 1\nperiod = \"month\"\n[[groups]]\nid = \"g\"\nfull_marks = 10\n\
    ///     [[indicators]]\nid = \"x\"\nname = \"X\"\npoints = 10\n\
    ///     value = { ratio = { num = \"closed_on_time\", den = \"due\" } }\n\
    ///     rule = { linear_below_target = { target = 0.95, slope = 1 } }\n";
    /// let scheme = Scheme::from_toml(text)?;
    /// let [doubt] = scheme.suspicious_values() else { panic!("one") };
    /// assert_eq!((doubt.code.as_str(), doubt.line, doubt.column), ("suspicious_value", 11, 43));
    /// assert!(Scheme::preset("sanmenxia")?.suspicious_values().is_empty());
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn suspicious_values(&self) -> &[SchemeProblem] {
        &self.suspicious
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::PRESETS;

    const HEAD: &str = "schema_version = 1\nperiod = \"month\"\n[[groups]]\nid = \"g\"\nfull_marks = 10\n\
        [[indicators]]\nid = \"x\"\nname = \"X\"\npoints = 10\n\
        value = { ratio = { num = \"closed_on_time\", den = \"due\" } }\n";

    fn keys(tail: &str) -> Vec<String> {
        let scheme = Scheme::from_toml(&format!("{HEAD}{tail}")).unwrap();
        scheme
            .suspicious_values()
            .iter()
            .map(|p| p.key.clone())
            .collect()
    }

    /// A warning window as long as the period is noted; one of no days is refused (it warned
    /// no unit, ever).
    #[test]
    fn warning_leads_as_long_as_the_period_are_noted() {
        let rule = "rule = { proportional = {} }\n[warnings]\nbottom = 1\n";
        assert_eq!(
            keys(&format!("{rule}lead_days = 28\n")),
            ["warnings.lead_days"]
        );
        assert!(keys(&format!("{rule}lead_days = 27\n")).is_empty());
        let quarter = format!("{HEAD}{rule}lead_days = 60\n").replace("month", "quarter");
        assert!(
            Scheme::from_toml(&quarter)
                .unwrap()
                .suspicious_values()
                .is_empty()
        );
        let e = Scheme::from_toml(&format!("{HEAD}{rule}lead_days = 0\n")).unwrap_err();
        assert!(
            e.to_string()
                .contains("0 is below the minimum 1: Warnings start"),
            "{e}"
        );
    }

    #[test]
    fn fractions_where_percents_are_read_are_noted() {
        let band = "rule = { bands = [{ min = 0.98, points = 10 }, { min = 0.9, points = 5 }] }\n";
        assert_eq!(keys(band), ["indicators[0].rule.bands"]);
        let of = "rule = { proportional = { of = 1 } }\nred_line = 0.85\n";
        assert_eq!(
            keys(of),
            [
                "indicators[0].rule.proportional.of",
                "indicators[0].red_line"
            ]
        );
        let grades = "rule = { proportional = {} }\n[[grades]]\nname = \"优\"\nmin = 0.9\n\
            [[grades]]\nname = \"差\"\nmin = 0\n[warnings]\ntotal_below = 0.8\n";
        assert_eq!(keys(grades), ["grades", "warnings.total_below"]);
        // Percents, and lines for lower-is-better rates, are not suspicious.
        let fine = "rule = { bands = [{ max = 0.5, points = 10 }, { max = 2, points = 5 }] }\n\
            [[grades]]\nname = \"优\"\nmin = 90\n[[grades]]\nname = \"差\"\nmin = 0\n";
        assert!(keys(fine).is_empty());
        // A red-line rule's threshold, and a group's target replacing a percent ratio's.
        let red = "rule = { red_line = { threshold = 0.9 } }\n";
        assert_eq!(keys(red), ["indicators[0].rule.red_line.threshold"]);
        let text = HEAD.replace(
            "full_marks = 10\n",
            "full_marks = 10\ntargets = { x = 0.9 }\n",
        );
        let scheme = Scheme::from_toml(&format!(
            "{text}rule = {{ red_line = {{ threshold = 90 }} }}\n"
        ))
        .unwrap();
        let [doubt] = scheme.suspicious_values() else {
            panic!("{:?}", scheme.suspicious_values())
        };
        assert_eq!(doubt.key, "groups[0].targets.x");
        assert!(
            doubt.message.contains("0.9 reads as 0.9 %"),
            "{}",
            doubt.message
        );
    }

    #[test]
    fn percents_out_of_reach_and_fraction_caps_are_noted() {
        let note = |text: &str| {
            let scheme = Scheme::from_toml(text).unwrap();
            let [doubt] = scheme.suspicious_values() else {
                panic!("{:?}", scheme.suspicious_values())
            };
            (doubt.key.clone(), doubt.message.clone())
        };
        // 105 % written as a fraction: every total capped at 1.05 % of full marks.
        let (key, message) = note(&format!(
            "{HEAD}rule = {{ proportional = {{}} }}\n[total]\ncap = 1.05\n"
        ));
        assert_eq!(key, "total.cap");
        assert!(message.contains("write 105 for 105 %"), "{message}");
        let (key, _) = note(&format!(
            "{HEAD}rule = {{ proportional = {{}} }}\n[total]\ncap = 105\nfloor = 0.6\n"
        ));
        assert_eq!(key, "total.floor");
        // A percent target no rate reaches, and a percent on a fraction ratio.
        let (key, message) = note(&format!(
            "{HEAD}rule = {{ linear_below_target = {{ target = 980, slope = 1 }} }}\n"
        ));
        assert_eq!(key, "indicators[0].rule.linear_below_target.target");
        assert!(message.contains("above 100 %"), "{message}");
        let fraction = HEAD.replace("den = \"due\" }", "den = \"due\", percent = false }");
        let (key, message) = note(&format!(
            "{fraction}rule = {{ linear_below_target = {{ target = 98, slope = 1 }} }}\n"
        ));
        assert_eq!(key, "indicators[0].rule.linear_below_target.target");
        assert!(message.contains("write 0.98"), "{message}");
        let (key, _) = note(&format!(
            "{fraction}rule = {{ proportional = {{ of = 100 }} }}\n"
        ));
        assert_eq!(key, "indicators[0].rule.proportional.of");
        // Fractions on a fraction ratio, and a cap of 100 %, are what they say.
        let fine = format!(
            "{fraction}rule = {{ red_line = {{ threshold = 0.9 }} }}\n[total]\ncap = 100\n"
        );
        assert!(
            Scheme::from_toml(&fine)
                .unwrap()
                .suspicious_values()
                .is_empty()
        );
    }

    #[test]
    fn no_preset_is_suspicious() {
        for (name, _) in PRESETS {
            let scheme = Scheme::preset(name).unwrap();
            assert_eq!(scheme.suspicious_values(), [], "{name}");
        }
    }
}
