//! Every problem of a settings document (a policy, calendar data), not just the first.
//!
//! The text is parsed once keeping positions; then each independent part — each key of a table
//! on its own, each item of an array — is deserialized by itself with the types' own serde
//! rules, and each error is mapped back to its byte offset in the file. A syntax error stops the
//! document: the loader's error is then the only problem.
//!
//! TOML parts are values of toml's span-preserving parse tree, deserialized in place (their
//! errors carry file offsets). JSON parts are cut out of the text at the positions found by the
//! span-keeping JSON parser of schemes, deserialized by `serde_json`, and its line and column
//! mapped back through the cut. When a key is checked alone, the table's other required keys get
//! a stand-in value (an empty string or zero) so that only the key's own problems show.

use std::borrow::Cow;

use serde::de::{DeserializeOwned, IgnoredAny};
use toml::Spanned;
use toml::de::{DeInteger, DeTable, DeValue, ValueDeserializer};

use crate::error::{json_error_offset, json_reason};
use crate::scheme::json;
use crate::scheme::node::{Node, NodeKind};

/// One problem: the deserializer's message and the byte offset in the file it concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Raw {
    /// Byte offset in the file.
    pub offset: usize,
    /// What is wrong, without a position.
    pub message: String,
}

/// The format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// A stand-in value for a required key while another key of its table is checked alone.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stand {
    /// `""`.
    Str,
    /// `0`.
    Int,
}

/// A key whose value is checked part by part: the function returns `false` when the value does
/// not have the expected shape (then the key is checked as a whole, which reports the shape).
pub(crate) type Split<'s> = (&'s str, &'s dyn Fn(Part<'_>, &mut Vec<Raw>) -> bool);

/// How a table is checked: its required keys and the keys checked part by part.
pub(crate) struct TableRules<'s> {
    /// Required keys and their stand-ins.
    pub required: &'s [(&'s str, Stand)],
    /// Keys checked part by part.
    pub split: &'s [Split<'s>],
}

/// A value of a parsed document.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part<'a> {
    /// A value of the TOML parse tree (spans are file offsets).
    Toml(&'a Spanned<DeValue<'a>>),
    /// A value of the JSON tree and the file text.
    Json(&'a str, &'a Node),
}

/// Every problem `check` finds in the root value of `text`, in file order; nothing when the
/// text does not parse (the loader's syntax error is then the only problem).
pub(crate) fn problems(
    text: &str,
    syntax: Syntax,
    check: impl FnOnce(Part<'_>, &mut Vec<Raw>),
) -> Vec<Raw> {
    let mut out = Vec::new();
    match syntax {
        Syntax::Toml => {
            if let Ok(table) = DeTable::parse(text) {
                let span = table.span();
                let root = Spanned::new(span, DeValue::Table(table.into_inner()));
                check(Part::Toml(&root), &mut out);
            }
        }
        Syntax::Json => {
            if serde_json::from_str::<IgnoredAny>(text).is_ok()
                && let Ok(root) = json::parse(text)
            {
                check(Part::Json(text, &root), &mut out);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A step of a path into a document: a table key or an array index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'s> {
    /// A table key.
    Key(&'s str),
    /// An array index.
    Index(usize),
}

/// The byte offset where the value at `path` starts, when `text` parses and has it (for
/// problems found after loading, such as one rule hiding another).
pub(crate) fn offset_of(text: &str, syntax: Syntax, path: &[Step<'_>]) -> Option<usize> {
    fn walk(root: Part<'_>, path: &[Step<'_>]) -> Option<usize> {
        let mut part = root;
        for step in path {
            part = match *step {
                Step::Key(key) => part.keys()?.into_iter().find(|(k, _)| *k == key)?.1,
                Step::Index(i) => part.items()?.into_iter().nth(i)?,
            };
        }
        Some(part.start())
    }
    match syntax {
        Syntax::Toml => {
            let table = DeTable::parse(text).ok()?;
            let span = table.span();
            let root = Spanned::new(span, DeValue::Table(table.into_inner()));
            walk(Part::Toml(&root), path)
        }
        Syntax::Json => {
            let root = json::parse(text).ok()?;
            walk(Part::Json(text, &root), path)
        }
    }
}

impl<'a> Part<'a> {
    /// Byte offset where the value starts.
    pub fn start(&self) -> usize {
        match self {
            Part::Toml(v) => v.span().start,
            Part::Json(_, n) => n.span.start,
        }
    }

    /// Deserializes the whole value.
    pub fn de<T: DeserializeOwned>(&self) -> Result<T, Raw> {
        match self {
            Part::Toml(v) => T::deserialize(ValueDeserializer::from((*v).clone()))
                .map_err(|e| toml_raw(&e, v.span().start)),
            Part::Json(text, n) => {
                let mut cut = Cut::default();
                cut.exact(text, n.span.start, n.span.end);
                cut.de()
            }
        }
    }

    /// The items of an array.
    pub fn items(&self) -> Option<Vec<Part<'a>>> {
        match self {
            Part::Toml(v) => match v.get_ref() {
                DeValue::Array(items) => Some(items.iter().map(Part::Toml).collect()),
                _ => None,
            },
            Part::Json(text, n) => match &n.kind {
                NodeKind::Array(items) => Some(items.iter().map(|i| Part::Json(text, i)).collect()),
                _ => None,
            },
        }
    }

    /// Runs `f` on each item of an array (with its index); `false` if the value is no array.
    pub fn each_item(
        &self,
        out: &mut Vec<Raw>,
        mut f: impl FnMut(usize, Part<'a>, &mut Vec<Raw>),
    ) -> bool {
        match self.items() {
            Some(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    f(i, item, out);
                }
                true
            }
            None => false,
        }
    }

    /// The keys of a table, in file order.
    fn keys(&self) -> Option<Vec<(&'a str, Part<'a>)>> {
        let mut keys: Vec<(usize, &'a str, Part<'a>)> = match self {
            Part::Toml(v) => match v.get_ref() {
                DeValue::Table(t) => t
                    .iter()
                    .map(|(k, v)| (k.span().start, k.get_ref().as_ref(), Part::Toml(v)))
                    .collect(),
                _ => return None,
            },
            Part::Json(text, n) => match &n.kind {
                NodeKind::Table(entries) => entries
                    .iter()
                    .map(|e| (e.key_span.start, e.key.as_str(), Part::Json(text, &e.value)))
                    .collect(),
                _ => return None,
            },
        };
        keys.sort_by_key(|k| k.0);
        Some(keys.into_iter().map(|(_, k, p)| (k, p)).collect())
    }

    /// Checks a table key by key ([`Part::each_key`]), or, if the value is no table, whole.
    pub fn check_table<T: DeserializeOwned>(
        &self,
        rules: &TableRules<'_>,
        check: &dyn Fn(&T) -> Option<String>,
        out: &mut Vec<Raw>,
    ) {
        if !self.each_key(rules, check, out) {
            if let Err(raw) = self.de::<T>() {
                out.push(raw);
            }
        }
    }

    /// Checks that the required keys of a table are there, then each key on its own as `T`
    /// (the split keys part by part); `check` looks at each key's `T` for what its type leaves
    /// open. `false` (and nothing checked) if the value is no table.
    pub fn each_key<T: DeserializeOwned>(
        &self,
        rules: &TableRules<'_>,
        check: &dyn Fn(&T) -> Option<String>,
        out: &mut Vec<Raw>,
    ) -> bool {
        let Some(keys) = self.keys() else {
            return false;
        };
        let missing = rules
            .required
            .iter()
            .any(|(name, _)| !keys.iter().any(|(k, _)| k == name));
        if missing {
            // The required keys that are there get stand-ins: only the missing ones show.
            let present: Vec<(&str, Stand)> = rules
                .required
                .iter()
                .filter(|(name, _)| keys.iter().any(|(k, _)| k == name))
                .copied()
                .collect();
            if let Err(raw) = self.subset::<T>(None, &present) {
                out.push(raw);
            }
        }
        for (key, value) in keys {
            let split = rules.split.iter().find(|(name, _)| *name == key);
            if split.is_some_and(|(_, f)| f(value, out)) {
                continue;
            }
            let stands: Vec<(&str, Stand)> = rules
                .required
                .iter()
                .filter(|(name, _)| *name != key)
                .copied()
                .collect();
            match self.subset::<T>(Some(key), &stands) {
                Ok(t) => {
                    if let Some(message) = check(&t) {
                        out.push(Raw {
                            offset: value.start(),
                            message,
                        });
                    }
                }
                Err(raw) => out.push(raw),
            }
        }
        true
    }

    /// Deserializes the table with only `keep` (if any) and the stand-ins as its keys.
    fn subset<T: DeserializeOwned>(
        &self,
        keep: Option<&str>,
        stands: &[(&str, Stand)],
    ) -> Result<T, Raw> {
        match self {
            Part::Toml(v) => {
                let DeValue::Table(table) = v.get_ref() else {
                    return self.de();
                };
                let at = v.span().start;
                let mut sub = DeTable::new();
                for (k, val) in table.iter() {
                    if Some(k.get_ref().as_ref()) == keep {
                        sub.insert(k.clone(), val.clone());
                    }
                }
                for (name, stand) in stands {
                    let value = match stand {
                        Stand::Str => DeValue::String(Cow::Borrowed("")),
                        Stand::Int => DeValue::Integer(DeInteger::default()),
                    };
                    sub.insert(
                        Spanned::new(at..at, Cow::Owned((*name).to_owned())),
                        Spanned::new(at..at, value),
                    );
                }
                let sub = Spanned::new(v.span(), DeValue::Table(sub));
                T::deserialize(ValueDeserializer::from(sub)).map_err(|e| toml_raw(&e, at))
            }
            Part::Json(text, n) => {
                let NodeKind::Table(entries) = &n.kind else {
                    return self.de();
                };
                let close = n.span.end.saturating_sub(1);
                let mut cut = Cut::default();
                cut.fixed("{", n.span.start);
                let mut first = true;
                for e in entries.iter().filter(|e| Some(e.key.as_str()) == keep) {
                    cut.exact(text, e.key_span.start, e.value.span.end);
                    first = false;
                }
                for (name, stand) in stands {
                    let value = match stand {
                        Stand::Str => "\"\"",
                        Stand::Int => "0",
                    };
                    let key = serde_json::to_string(name).unwrap_or_default();
                    let sep = if first { "" } else { "," };
                    cut.fixed(&format!("{sep}{key}:{value}"), close);
                    first = false;
                }
                cut.fixed("}", close);
                cut.de()
            }
        }
    }
}

/// A TOML error as a problem (`at` when it has no span).
fn toml_raw(e: &toml::de::Error, at: usize) -> Raw {
    Raw {
        offset: e.span().map_or(at, |s| s.start),
        message: e.message().trim().to_owned(),
    }
}

/// JSON text assembled from pieces of a file, remembering where each piece came from.
#[derive(Debug, Default)]
struct Cut {
    text: String,
    /// (offset in `text`, offset in the file, whether offsets inside the piece map one to one).
    pieces: Vec<(usize, usize, bool)>,
}

impl Cut {
    /// Appends the file's bytes `from..to`.
    fn exact(&mut self, file: &str, from: usize, to: usize) {
        self.pieces.push((self.text.len(), from, true));
        self.text.push_str(file.get(from..to).unwrap_or(""));
    }

    /// Appends text that is not in the file; problems in it are placed at `at`.
    fn fixed(&mut self, s: &str, at: usize) {
        self.pieces.push((self.text.len(), at, false));
        self.text.push_str(s);
    }

    /// The file offset of byte `at` of the cut.
    fn file_offset(&self, at: usize) -> usize {
        match self.pieces.iter().rev().find(|(c, _, _)| *c <= at) {
            Some((c, f, true)) => f.saturating_add(at.saturating_sub(*c)),
            Some((_, f, false)) => *f,
            None => at,
        }
    }

    fn de<T: DeserializeOwned>(&self) -> Result<T, Raw> {
        serde_json::from_str(&self.text).map_err(|e| json_raw(self, &e))
    }
}

/// A serde_json error on `cut` as a problem.
fn json_raw(cut: &Cut, e: &serde_json::Error) -> Raw {
    let text = &cut.text;
    Raw {
        offset: cut.file_offset(json_error_offset(text, e)),
        message: json_reason(e),
    }
}

#[cfg(test)]
mod tests {
    use crate::Policy;
    use crate::calendar::CalendarData;

    /// Every prefix of a file (a file cut anywhere, broken in every way a cut can break it): the
    /// check never panics, finds problems exactly when the loader refuses the text, and lists
    /// the loader's error among them.
    #[test]
    fn checks_agree_with_the_loaders_on_every_prefix() {
        let policy_toml = "name = \"x\"\nredispatch = \"continue\"\n[[rules]]\nwhen = { urgency = \"urgent\" }\nlimits.reply = { amount = \"2h\", from = \"signed\" }\n[[rules]]\nlimits.complete = \"5wd\"\n";
        let policy_json = "{\"name\": \"x\", \"rules\": [{\"when\": {\"kind\": \"consult\"}, \"limits\": {\"complete\": \"3wd\"}}, {\"limits\": {\"sign\": \"24h\"}}]}";
        let data_toml = "format = 1\n[[notices]]\nyear = 2027\n[[notices.holidays]]\nname = \"A\"\noff = [\"2027-01-01..2027-01-03\"]\n[[days]]\ndates = [\"2027-03-08\"]\nrule = \"hours\"\nhours = [\"09:00-12:00\"]\n";
        let data_json = "{\"days\": [{\"dates\": [\"2027-03-08\"], \"rule\": \"hours\", \"hours\": [\"09:00-12:00\"]}], \"notices\": [{\"year\": 2027, \"holidays\": [{\"name\": \"A\", \"on\": [\"2027-01-09\"]}]}]}";
        let cuts = |text: &'static str| (0..=text.len()).filter_map(move |i| text.get(..i));
        for t in cuts(policy_toml) {
            let problems = Policy::check_toml_str(t);
            match Policy::from_toml_str(t) {
                Ok(_) => assert!(problems.is_empty(), "{t:?}: {problems:?}"),
                Err(e) => assert!(problems.contains(&e), "{t:?}: {e:?} not in {problems:?}"),
            }
        }
        for t in cuts(policy_json) {
            let problems = Policy::check_json_str(t);
            match Policy::from_json_str(t) {
                Ok(_) => assert!(problems.is_empty(), "{t:?}: {problems:?}"),
                Err(e) => assert!(problems.contains(&e), "{t:?}: {e:?} not in {problems:?}"),
            }
        }
        for t in cuts(data_toml) {
            let problems = CalendarData::check_toml(t);
            match CalendarData::from_toml(t) {
                Ok(_) => assert!(problems.is_empty(), "{t:?}: {problems:?}"),
                Err(e) => assert!(!problems.is_empty(), "{t:?}: {e:?}"),
            }
        }
        for t in cuts(data_json) {
            let problems = CalendarData::check_json(t);
            match CalendarData::from_json(t) {
                Ok(_) => assert!(problems.is_empty(), "{t:?}: {problems:?}"),
                Err(e) => assert!(!problems.is_empty(), "{t:?}: {e:?}"),
            }
        }
    }
}
