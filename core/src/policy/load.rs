//! Reading policies from TOML and JSON, with file positions in every error.

use super::{Clock, Policy, Rule, RuleLimits};
use crate::config_file::{self, ConfigKind};
use crate::document::{self, Part, Raw, Stand, Step, Syntax, TableRules};
use crate::error::{Error, FilePos, FilePosCursor, Result, json_reason};

/// The largest policy file read, in bytes (1 MiB; the built-in policies are under 10 KiB).
/// Larger text is refused before it is parsed.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

impl Policy {
    /// Reads a policy file: JSON when its extension is `json`, TOML otherwise; read with its size
    /// limit, as every front end reads it ([`config_file`]).
    ///
    /// ```
    /// let err = hotline_score::Policy::from_path("no/such/policy.toml").unwrap_err();
    /// assert_eq!(err.code(), "cannot_read");
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Policy> {
        let path = path.as_ref();
        let text = config_file::read(path, ConfigKind::Policy)?;
        if config_file::is_json(path) {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        }
    }

    /// Reads a policy from TOML text. Unknown keys, unknown values and contradictory settings
    /// are `invalid_policy` errors with the line and column of the offending value.
    pub fn from_toml_str(text: &str) -> Result<Policy> {
        Self::parsed(text, Syntax::Toml)?.checked(text, Syntax::Toml)
    }

    /// Reads a policy from JSON text (same structure as the TOML form).
    pub fn from_json_str(text: &str) -> Result<Policy> {
        Self::parsed(text, Syntax::Json)?.checked(text, Syntax::Json)
    }

    /// The policy `text` holds, before the checks of the policy as a whole.
    fn parsed(text: &str, syntax: Syntax) -> Result<Policy> {
        match syntax {
            Syntax::Toml => {
                ConfigKind::Policy.check_size(text, "toml")?;
                toml::from_str(text).map_err(|e| Error::InvalidPolicy {
                    format: "toml".into(),
                    pos: e.span().map(|s| FilePos::from_offset(text, s.start)),
                    reason: e.message().trim().to_owned(),
                })
            }
            Syntax::Json => {
                ConfigKind::Policy.check_size(text, "json")?;
                serde_json::from_str(text).map_err(|e| Error::InvalidPolicy {
                    format: "json".into(),
                    pos: FilePos::of_json_error(text, &e),
                    reason: json_reason(&e),
                })
            }
        }
    }

    /// This policy (read from `text`) if the policy as a whole has no problem
    /// ([`Policy::whole_problems`]), else the first.
    fn checked(self, text: &str, syntax: Syntax) -> Result<Policy> {
        match self.whole_problems(text, syntax).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(self),
        }
    }

    /// What is wrong with this policy (read from `text`) as a whole: its name is empty, it has
    /// no rule — one without any gives no ticket a deadline — or rules' settings of a clock can
    /// never apply (one problem each).
    fn whole_problems(&self, text: &str, syntax: Syntax) -> Vec<Error> {
        let format = match syntax {
            Syntax::Toml => "toml",
            Syntax::Json => "json",
        };
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(Error::InvalidPolicy {
                format: format.into(),
                pos: document::offset_of(text, syntax, &[Step::Key("name")])
                    .map(|offset| FilePos::from_offset(text, offset)),
                reason: "`name` is empty: it names the policy in results and explanations \
                         (`henan`, `my-city-2026`)"
                    .into(),
            });
        }
        if self.rules.is_empty() {
            problems.push(Error::InvalidPolicy {
                format: format.into(),
                pos: document::offset_of(text, syntax, &[Step::Key("rules")])
                    .map(|offset| FilePos::from_offset(text, offset)),
                reason: "a policy needs at least one rule (`[[rules]]`): without one no ticket \
                         has a deadline"
                    .into(),
            });
        }
        let label = |i: usize| match self.rules.get(i).map(|r| r.name.as_str()) {
            Some(name) if !name.is_empty() => format!("rule {} (`{name}`)", i + 1),
            _ => format!("rule {}", i + 1),
        };
        // Rules that can do nothing (a policy audit: both loaded without a word).
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |steps: &[Step<'_>]| {
                document::offset_of(text, syntax, steps).map(|o| FilePos::from_offset(text, o))
            };
            if Clock::ALL.iter().all(|&c| rule.limits.get(c).is_none()) {
                problems.push(Error::InvalidPolicy {
                    format: format.into(),
                    pos: at(&[Step::Key("rules"), Step::Index(i)]),
                    reason: format!(
                        "{} sets no limit (`limits.sign`, `contact`, `reply`, `complete`, \
                         `return_window`): it changes nothing",
                        label(i)
                    ),
                });
            }
            for (name, values) in &rule.when.attributes {
                if values.iter().any(|v| v.trim().is_empty()) {
                    problems.push(Error::InvalidPolicy {
                        format: format.into(),
                        pos: at(&[
                            Step::Key("rules"),
                            Step::Index(i),
                            Step::Key("when"),
                            Step::Key("attributes"),
                            Step::Key(name),
                        ]),
                        reason: format!(
                            "{}: attribute `{name}` = \"\" never matches (a ticket's empty \
                             attribute is an absent one)",
                            label(i)
                        ),
                    });
                }
            }
        }
        problems.extend(self.shadowed().into_iter().map(|(j, clock, earlier)| {
            let path = [
                Step::Key("rules"),
                Step::Index(j),
                Step::Key("limits"),
                Step::Key(clock.name()),
            ];
            Error::InvalidPolicy {
                format: format.into(),
                pos: document::offset_of(text, syntax, &path)
                    .map(|offset| FilePos::from_offset(text, offset)),
                reason: format!(
                    "{} can never set `{}`: {} before it matches every ticket it matches \
                         and sets `{}` first (for each clock the first matching rule wins); put \
                         the more specific rule first",
                    label(j),
                    clock.name(),
                    label(earlier),
                    clock.name()
                ),
            }
        }));
        // In file order, as `check` lists problems and the loader reports the first (a policy
        // audit: a rule's later clock came before its earlier one).
        problems.sort_by_key(|e| {
            let c = e.context();
            (c.line.unwrap_or(0), c.column.unwrap_or(0))
        });
        problems
    }

    /// Every problem of a TOML policy, in file order, each an `invalid_policy` error with its line
    /// and column; empty when [`Policy::from_toml_str`] accepts the text, else it holds the error
    /// that function returns. Each top-level key, each rule, each key of a rule and each clock of
    /// its `limits` is checked on its own; a syntax error stops the text (one problem).
    pub fn check_toml_str(text: &str) -> Vec<Error> {
        match Policy::from_toml_str(text) {
            Ok(_) => Vec::new(),
            Err(first) => every_problem(text, Syntax::Toml, first),
        }
    }

    /// Every problem of a JSON policy, as [`Policy::check_toml_str`].
    pub fn check_json_str(text: &str) -> Vec<Error> {
        match Policy::from_json_str(text) {
            Ok(_) => Vec::new(),
            Err(first) => every_problem(text, Syntax::Json, first),
        }
    }

    /// The policy as pretty JSON (for bindings and `check` output).
    pub fn to_json_string(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::InvalidPolicy {
            format: "json".into(),
            pos: None,
            reason: e.to_string(),
        })
    }
}

/// The problems of a policy the loader refused (`first`, what the loader said, if none is found).
fn every_problem(text: &str, syntax: Syntax, first: Error) -> Vec<Error> {
    let format = match syntax {
        Syntax::Toml => "toml",
        Syntax::Json => "json",
    };
    // Problems come in the order of their offsets: placed in one pass.
    let mut cursor = FilePosCursor::new(text);
    let found: Vec<Error> = document::problems(text, syntax, check_policy)
        .into_iter()
        .map(|raw| Error::InvalidPolicy {
            format: format.into(),
            pos: Some(cursor.at(raw.offset)),
            reason: raw.message,
        })
        .collect();
    if !found.is_empty() {
        return found;
    }
    // Every part reads: the problems are of the policy as a whole.
    match Policy::parsed(text, syntax) {
        Ok(policy) => match policy.whole_problems(text, syntax) {
            whole if whole.is_empty() => vec![first],
            whole => whole,
        },
        Err(_) => vec![first],
    }
}

/// The independent parts of a policy: top-level keys (`name` is required), rules, and the keys
/// of a rule and of its `limits`. `extension` and `status` are checked whole: their keys are
/// checked against each other.
fn check_policy(root: Part<'_>, out: &mut Vec<Raw>) {
    let none = |_: &RuleLimits| None;
    let limits = |p: Part<'_>, out: &mut Vec<Raw>| {
        let rules = TableRules {
            required: &[],
            split: &[],
        };
        p.each_key::<RuleLimits>(&rules, &none, out)
    };
    let rule_rules = TableRules {
        required: &[],
        split: &[("limits", &limits)],
    };
    let rules = |p: Part<'_>, out: &mut Vec<Raw>| {
        p.each_item(out, |_, rule, out| {
            rule.check_table::<Rule>(&rule_rules, &|_| None, out);
        })
    };
    let policy_rules = TableRules {
        required: &[("name", Stand::Str)],
        split: &[("rules", &rules)],
    };
    root.check_table::<Policy>(&policy_rules, &|_| None, out);
}

/// `" at line L, column C"`, or nothing when the position is unknown (for error messages).
pub(crate) fn at_pos(pos: &Option<FilePos>) -> String {
    pos.map(|p| format!(" at {p}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(e: &Error) -> (u32, u32) {
        match e {
            Error::InvalidPolicy { pos: Some(p), .. } => (p.line, p.column),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn toml_errors_have_positions() {
        let text = "name = \"x\"\n[[rules]]\nwhen = { kind = \"gossip\" }\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(e.code(), "invalid_policy");
        assert_eq!(pos(&e).0, 3);
        assert!(e.to_string().contains("gossip"), "{e}");

        let text = "name = \"x\"\nbogus = 1\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e), (2, 1));
        assert!(e.to_string().contains("bogus"), "{e}");

        let text = "name = \"x\"\n[[rules]]\nlimits.complete = { amount = \"3wd\", clock = \"natural\" }\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 3);
        assert!(e.to_string().contains("working clock"), "{e}");

        let text = "name = \"x\"\n\n[extension]\nmax_each = \"3wd\"\nmax_total = \"9h\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert!(pos(&e).0 >= 3, "{e:?}");

        let text = "schema_version = 2\nname = \"x\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 1);

        // The sign-for clock always runs from the dispatch; `from` there was ignored.
        let text =
            "name = \"x\"\n[[rules]]\nlimits.sign = { amount = \"24h\", from = \"signed\" }\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 3);
        assert!(e.to_string().contains("runs from the dispatch"), "{e}");
        let fine =
            "name = \"x\"\n[[rules]]\nlimits.sign = { amount = \"24h\", from = \"dispatched\" }\n";
        assert!(Policy::from_toml_str(fine).is_ok());

        // Problems in file order: a rule's `complete` written before its `sign` comes first.
        let text = "name = \"x\"\n[[rules]]\nlimits.sign = \"24h\"\nlimits.complete = \"5wd\"\n\
                    [[rules]]\nwhen = { kind = \"help\" }\nlimits.complete = \"3wd\"\n\
                    limits.sign = \"2h\"\n";
        let lines: Vec<u32> = Policy::check_toml_str(text)
            .iter()
            .map(|e| pos(e).0)
            .collect();
        assert_eq!(lines, [7, 8]);
        assert_eq!(pos(&Policy::from_toml_str(text).unwrap_err()).0, 7);

        // A rule that sets no limit, and an attribute value that is empty, can do nothing.
        let e =
            Policy::from_toml_str("name = \"x\"\n[[rules]]\nname = \"placeholder\"\n").unwrap_err();
        assert!(e.to_string().contains("sets no limit"), "{e}");
        assert_eq!(pos(&e).0, 2);
        let text = "name = \"x\"\n[[rules]]\nwhen = { attributes = { district = \"\" } }\n\
                    limits.complete = \"5wd\"\n[[rules]]\nlimits.complete = \"3wd\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert!(e.to_string().contains("never matches"), "{e}");
        assert_eq!(pos(&e).0, 3);

        // A JSON null limit is refused for every clock (it read as "not set": the next rule's
        // limit applied; a policy audit), with its place.
        for clock in ["sign", "contact", "reply", "complete", "return_window"] {
            let text = format!(
                r#"{{"name":"n","rules":[{{"when":{{"kind":"praise"}},"limits":{{"{clock}":null}}}},{{"limits":{{"{clock}":"5wd"}}}}]}}"#
            );
            let e = Policy::from_json_str(&text).unwrap_err();
            assert!(e.to_string().contains("invalid type: null"), "{clock}: {e}");
            assert_eq!(pos(&e).0, 1, "{clock}");
        }
    }

    #[test]
    fn a_rule_an_earlier_one_hides_is_refused_at_its_setting() {
        // A catch-all first: complaints would silently get 5 wd (a formats audit).
        let text = "name = \"x\"\n[[rules]]\nname = \"default\"\nlimits.complete = \"5wd\"\n\
                    [[rules]]\nname = \"complaints\"\nwhen = { kind = \"complaint\" }\n\
                    limits.complete = \"15wd\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e), (8, 19));
        assert!(
            e.to_string().contains(
                "rule 2 (`complaints`) can never set `complete`: rule 1 (`default`) before it"
            ),
            "{e}"
        );
        assert_eq!(Policy::check_toml_str(text).len(), 1);
        // Specific first is fine, and so is a general rule that sets other clocks only.
        let fine = "name = \"x\"\n[[rules]]\nwhen = { kind = \"complaint\" }\n\
                    limits.complete = \"15wd\"\n[[rules]]\nlimits.complete = \"5wd\"\n";
        assert!(Policy::from_toml_str(fine).is_ok());
        let other_clock = "name = \"x\"\n[[rules]]\nlimits.sign = \"24h\"\n[[rules]]\n\
                           when = { kind = \"complaint\" }\nlimits.complete = \"15wd\"\n";
        assert!(Policy::from_toml_str(other_clock).is_ok());
        // JSON: placed at the value too.
        let json = "{\"name\": \"x\", \"rules\": [\n {\"when\": {\"urgency\": [\"urgent\", \"normal\"]}, \"limits\": {\"reply\": \"2h\"}},\n {\"when\": {\"urgency\": \"urgent\"}, \"limits\": {\"reply\": \"1h\"}}]}";
        let e = Policy::from_json_str(json).unwrap_err();
        assert_eq!(pos(&e), (3, 54));
        // `check` lists every setting that can never apply, each at its value (it listed the
        // first alone).
        let text = "name = \"x\"\n[[rules]]\nlimits = { sign = \"24h\", complete = \"5wd\" }\n\
                    [[rules]]\nwhen = { kind = \"complaint\" }\nlimits.complete = \"15wd\"\n\
                    [[rules]]\nwhen = { kind = \"help\" }\nlimits.sign = \"2h\"\n\
                    limits.complete = \"3wd\"\n";
        let problems = Policy::check_toml_str(text);
        assert_eq!(places(&problems), [(6, 19), (9, 15), (10, 19)]);
        assert_eq!(problems[0], Policy::from_toml_str(text).unwrap_err());
        assert!(
            problems[1]
                .to_string()
                .contains("rule 3 can never set `sign`: rule 1")
        );
    }

    #[test]
    fn json_errors_have_positions() {
        let text = "{\n  \"name\": \"x\",\n  \"rules\": [{\"limits\": {\"sign\": \"5 days\"}}]\n}";
        let e = Policy::from_json_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 3);
        match &e {
            Error::InvalidPolicy { reason, .. } => assert!(!reason.contains(" at line "), "{e}"),
            other => panic!("unexpected {other:?}"),
        }
        let e = Policy::from_json_str("{\"name\": \"x\", \"extra\": true}").unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
    }

    /// (line, column) of every problem, checking they are all `invalid_policy`.
    fn places(problems: &[Error]) -> Vec<(u32, u32)> {
        problems
            .iter()
            .map(|e| {
                assert_eq!(e.code(), "invalid_policy", "{e}");
                pos(e)
            })
            .collect()
    }

    /// `name` is required, and so not empty (it was accepted).
    #[test]
    fn a_policy_without_a_name_is_refused_at_it() {
        let text = "name = \" \"\n[[rules]]\nlimits.complete = \"5wd\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e), (1, 8));
        assert!(e.to_string().contains("`name` is empty"), "{e}");
        assert_eq!(Policy::check_toml_str(text), [e]);
    }

    #[test]
    fn a_policy_without_rules_is_refused() {
        for (text, json) in [
            ("name = \"x\"\n", false),
            ("{\"name\": \"x\", \"rules\": []}", true),
        ] {
            let err = if json {
                Policy::from_json_str(text)
            } else {
                Policy::from_toml_str(text)
            }
            .unwrap_err();
            assert_eq!(err.code(), "invalid_policy");
            assert!(err.to_string().contains("at least one rule"), "{err}");
            let problems = if json {
                Policy::check_json_str(text)
            } else {
                Policy::check_toml_str(text)
            };
            assert_eq!(problems, [err]);
        }
    }

    #[test]
    fn check_lists_every_independent_problem_toml() {
        let text = "name = \"x\"\n\
                    bogus = 1\n\
                    redispatch = \"nope\"\n\
                    [[rules]]\n\
                    when = { kind = \"gossip\" }\n\
                    limits.complete = \"5 days\"\n\
                    [[rules]]\n\
                    limits.sign = \"24h\"\n\
                    [[rules]]\n\
                    limits.reply = { amount = \"3wd\", clock = \"natural\" }\n\
                    who = 1\n";
        let problems = Policy::check_toml_str(text);
        // bogus key; bad redispatch value; gossip kind and bad amount in rule 1 (independent
        // keys of one rule); rule 3: working amount on the natural clock, unknown key `who`.
        assert_eq!(
            places(&problems),
            [(2, 1), (3, 14), (5, 17), (6, 19), (10, 16), (11, 1)],
            "{problems:#?}"
        );
        assert!(
            problems[4].to_string().contains("working clock"),
            "{}",
            problems[4]
        );
        // The loader's one error is one of them.
        assert!(problems.contains(&Policy::from_toml_str(text).unwrap_err()));
    }

    #[test]
    fn check_lists_every_independent_problem_json() {
        let text = "{\n\
                    \"name\": \"x\",\n\
                    \"redispatch\": \"nope\",\n\
                    \"rules\": [\n\
                    {\"limits\": {\"sign\": \"5 days\", \"reply\": \"2h\"}},\n\
                    {\"limits\": {\"complete\": \"3wd\"}, \"extra\": true}\n\
                    ]\n\
                    }";
        let problems = Policy::check_json_str(text);
        // serde_json places a problem at the last character it read (the closing quote).
        assert_eq!(
            places(&problems),
            [(3, 20), (5, 28), (6, 39)],
            "{problems:#?}"
        );
        assert!(problems[2].to_string().contains("extra"), "{}", problems[2]);
        assert!(problems.contains(&Policy::from_json_str(text).unwrap_err()));
    }

    #[test]
    fn check_reports_missing_name_once_and_syntax_alone() {
        let problems = Policy::check_toml_str("[[rules]]\nlimits = 3\n[[rules]]\nwhen = 4\n");
        assert_eq!(
            places(&problems),
            [(1, 1), (2, 10), (4, 8)],
            "{problems:#?}"
        );
        assert!(problems[0].to_string().contains("missing field `name`"));
        let problems = Policy::check_toml_str("name = \nbogus = 1\n");
        assert_eq!(places(&problems), [(1, 8)], "{problems:#?}");
        let problems = Policy::check_json_str("{\"name\": \"x\",\n\"rules\": [}");
        assert_eq!(places(&problems).len(), 1, "{problems:#?}");
        assert_eq!(places(&problems)[0].0, 2);
    }

    #[test]
    fn check_accepts_good_policies() {
        for (name, text) in crate::policy::BUILTIN {
            assert_eq!(Policy::check_toml_str(text), [], "{name}");
            let json = Policy::from_toml_str(text)
                .unwrap()
                .to_json_string()
                .unwrap();
            assert_eq!(Policy::check_json_str(&json), [], "{name}");
        }
    }

    #[test]
    fn json_and_toml_agree() {
        let p = Policy::from_toml_str(
            "name = \"x\"\nredispatch = \"continue\"\n[[rules]]\nwhen = { urgency = \"urgent\" }\nlimits.reply = { amount = \"2h\", from = \"signed\" }\n[[rules]]\nlimits.complete = \"5wd\"\nlimits.reply = \"none\"\n",
        )
        .unwrap();
        let json = p.to_json_string().unwrap();
        assert_eq!(Policy::from_json_str(&json).unwrap(), p);
    }
}
