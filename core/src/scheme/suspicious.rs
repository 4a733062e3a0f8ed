//! Values a scheme may hold but rarely means: a fraction where a percent is read. Ratios are
//! percents (`target = 95`), grade lines and `total_below` percents of full marks, so a line of
//! `0.95` is met by every unit, or by none. Such a scheme loads (a line of 1 % can be meant);
//! each suspicious value is reported with its place ([`Scheme::suspicious_values`]), and `check`
//! shows them as warnings.

use rust_decimal::Decimal;

use super::Scheme;
use super::file::{RuleSpec, SchemeFile, ValueSpec};
use super::load::{Ctx, k, with};
use super::node::Seg;
use super::problem::SchemeProblem;

/// The code of every suspicious value.
pub const SUSPICIOUS_VALUE: &str = "suspicious_value";

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
            let percent = matches!(&ind.value, Some(ValueSpec::Ratio(r)) if r.percent);
            if !percent {
                continue;
            }
            let at = |rest: &[Seg]| with(&[k("indicators"), Seg::Index(i)], rest);
            match &ind.rule {
                RuleSpec::LinearBelowTarget(l) if fraction_like(l.target.0) => {
                    let path = at(&[k("rule"), k("linear_below_target"), k("target")]);
                    self.note(&path, percent_note("the target", l.target.0));
                }
                RuleSpec::Bands(bands) => {
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
                RuleSpec::RedLine(r) if fraction_like(r.threshold.0) => {
                    let path = at(&[k("rule"), k("red_line"), k("threshold")]);
                    self.note(&path, percent_note("the threshold", r.threshold.0));
                }
                RuleSpec::Proportional(p) => {
                    if let Some(of) = p.of.filter(|of| fraction_like(of.0)) {
                        let path = at(&[k("rule"), k("proportional"), k("of")]);
                        self.note(&path, percent_note("`of`", of.0));
                    }
                }
                _ => {}
            }
            if let Some(line) = ind.red_line.filter(|l| fraction_like(l.0)) {
                self.note(&at(&[k("red_line")]), percent_note("the red line", line.0));
            }
        }
        // Group targets replace a percent ratio's target or threshold.
        for (g, group) in file.groups.iter().enumerate() {
            for (id, target) in &group.targets {
                let percent = file.indicators.iter().any(|ind| {
                    &ind.id == id && matches!(&ind.value, Some(ValueSpec::Ratio(r)) if r.percent)
                });
                if percent && fraction_like(target.0) {
                    let path = [k("groups"), Seg::Index(g), k("targets"), k(id)];
                    self.note(&path, percent_note("the group target", target.0));
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
    /// the file): a fraction where a percent is read. Empty for the presets.
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
    fn no_preset_is_suspicious() {
        for (name, _) in PRESETS {
            let scheme = Scheme::preset(name).unwrap();
            assert_eq!(scheme.suspicious_values(), [], "{name}");
        }
    }
}
