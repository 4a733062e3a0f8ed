//! The JSON Schema of scheme files, and the structural check of a file against it.
//!
//! `schemas/scheme.schema.json` is generated from the file-model types ([`super::file`]) with
//! `schemars` (feature `json-schema`; a test fails when the committed file drifts). The loader
//! walks every file against that same schema, so what editors validate is exactly what loads, and
//! it reports every structural problem at once (unknown keys with "did you mean", missing keys,
//! wrong types, invalid choices) with positions, before the typed model is built.

use std::sync::OnceLock;

use serde_json::Value;

use super::node::{Node, NodeKind, Seg, path_string};
use super::problem::{SchemeProblem, closest, has_room};

/// The committed JSON Schema of scheme files.
pub const SCHEME_SCHEMA: &str = include_str!("../../../schemas/scheme.schema.json");

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEME_SCHEMA).unwrap_or(Value::Null))
}

/// The JSON Schema generated from the file-model types (what `schemas/scheme.schema.json`
/// must contain).
#[cfg(feature = "json-schema")]
pub fn generate() -> String {
    let schema = schemars::schema_for!(super::file::SchemeFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The outcome of the structural check.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every structural problem found.
    pub problems: Vec<SchemeProblem>,
    /// Byte offsets of the unknown keys among them: the loader leaves those entries out and goes
    /// on to report the semantic problems of the rest.
    pub unknown_keys: Vec<usize>,
}

/// Checks a document tree against the scheme schema.
pub fn check(text: &str, node: &Node) -> Checked {
    let root = schema();
    let mut v = Walker {
        text,
        root,
        problems: Vec::new(),
        unknown_keys: Vec::new(),
    };
    let mut path = Vec::new();
    v.walk(root, node, &mut path);
    Checked {
        problems: v.problems,
        unknown_keys: v.unknown_keys,
    }
}

struct Walker<'a> {
    text: &'a str,
    root: &'a Value,
    problems: Vec<SchemeProblem>,
    unknown_keys: Vec<usize>,
}

impl<'a> Walker<'a> {
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..16 {
            let Some(r) = s.get("$ref").and_then(Value::as_str) else {
                return s;
            };
            let Some(name) = r.strip_prefix("#/$defs/") else {
                return s;
            };
            match self.root.get("$defs").and_then(|d| d.get(name)) {
                Some(t) => s = t,
                None => return s,
            }
        }
        s
    }

    fn push(&mut self, offset: usize, code: &str, path: &[Seg], msg: String) {
        if !has_room(&self.problems) {
            return;
        }
        self.problems.push(SchemeProblem::at(
            self.text,
            offset,
            code,
            path_string(path),
            msg,
        ));
    }

    fn walk(&mut self, schema: &'a Value, node: &Node, path: &mut Vec<Seg>) {
        let schema = self.resolve(schema);
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            self.branches(branches, node, path);
            return;
        }
        if !type_matches(schema, node) {
            let expected = expected_type(schema);
            let found = node.type_name();
            self.push(
                node.span.start,
                "wrong_type",
                path,
                format!("expected {expected}, found {found}"),
            );
            return;
        }
        if let Some(c) = schema.get("const") {
            if node.to_json() != *c {
                self.push(
                    node.span.start,
                    "invalid_value",
                    path,
                    format!("expected {c}"),
                );
            }
            return;
        }
        match &node.kind {
            NodeKind::Int(i) => self.bounds(schema, *i, node, path),
            // A number written as such (`1e40`, `nan`) is read as exactly as a decimal string.
            NodeKind::Str(text) | NodeKind::Float(text)
                if schema.get("format").and_then(Value::as_str) == Some("decimal") =>
            {
                if let Err(msg) = super::num::parse(text) {
                    self.push(node.span.start, "invalid_value", path, msg);
                }
            }
            NodeKind::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.walk(item_schema, item, path);
                        path.pop();
                    }
                }
            }
            NodeKind::Table(entries) => {
                let props = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties");
                for e in entries {
                    path.push(Seg::Key(e.key.clone()));
                    match (props.and_then(|p| p.get(&e.key)), additional) {
                        (Some(s), _) => self.walk(s, &e.value, path),
                        (None, Some(Value::Bool(false))) if !has_room(&self.problems) => {}
                        (None, Some(Value::Bool(false))) => {
                            let names: Option<Vec<&str>> =
                                props.map(|p| p.keys().map(String::as_str).collect());
                            let suggestion = closest(&e.key, names.unwrap_or_default());
                            self.unknown_keys.push(e.key_span.start);
                            let allowed = props
                                .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
                                .unwrap_or_default();
                            self.problems.push(
                                SchemeProblem::at(
                                    self.text,
                                    e.key_span.start,
                                    "unknown_key",
                                    path_string(path),
                                    format!("unknown key {:?} (allowed: {allowed})", e.key),
                                )
                                .suggest(suggestion),
                            );
                        }
                        (None, Some(s)) if s.is_object() => self.walk(s, &e.value, path),
                        (None, _) => {}
                    }
                    path.pop();
                }
                for req in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if node.get(req).is_none() {
                        path.push(Seg::Key(req.to_owned()));
                        self.push(
                            node.span.start,
                            "missing_key",
                            path,
                            format!("missing required key {req:?}"),
                        );
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn bounds(&mut self, schema: &Value, i: i64, node: &Node, path: &[Seg]) {
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64).or_else(|| {
            match schema.get("format").and_then(Value::as_str) {
                Some("uint32") => Some(i64::from(u32::MAX)),
                Some("uint8") => Some(i64::from(u8::MAX)),
                _ => None,
            }
        });
        let bound = match (min, max) {
            (Some(m), _) if i < m => format!("{i} is below the minimum {m}"),
            (_, Some(m)) if i > m => format!("{i} is above the maximum {m}"),
            _ => return,
        };
        // The field's description says what the bound is for (`lead_days = 0` warns no one).
        let message = match schema.get("description").and_then(Value::as_str) {
            Some(why) => format!("{bound}: {}", why.replace('\n', " ")),
            None => bound,
        };
        self.push(node.span.start, "invalid_value", path, message);
    }

    /// `oneOf` / `anyOf`: a tagged choice (`"month"`, `{ ratio = … }`, a value or null).
    fn branches(&mut self, branches: &'a [Value], node: &Node, path: &mut Vec<Seg>) {
        let resolved: Vec<&Value> = branches.iter().map(|b| self.resolve(b)).collect();
        // A value that fits one branch outright.
        for b in &resolved {
            let mut probe = Walker {
                text: self.text,
                root: self.root,
                problems: Vec::new(),
                unknown_keys: Vec::new(),
            };
            probe.walk(b, node, path);
            if probe.problems.is_empty() {
                return;
            }
        }
        // A table whose key names a tagged branch: report that branch's problems.
        if let NodeKind::Table(entries) = &node.kind {
            for b in &resolved {
                let tag = b
                    .get("required")
                    .and_then(Value::as_array)
                    .and_then(|r| r.first())
                    .and_then(Value::as_str);
                if let Some(tag) = tag
                    && entries.iter().any(|e| e.key == tag)
                {
                    self.walk(b, node, path);
                    return;
                }
            }
        }
        // A non-null value for an optional field: the non-null branch's problems.
        let non_null: Vec<&&Value> = resolved
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if let [only] = non_null.as_slice() {
            self.walk(only, node, path);
            return;
        }
        let choices: Vec<String> = resolved.iter().filter_map(|b| describe(b)).collect();
        let found = match &node.kind {
            NodeKind::Str(s) => format!("{s:?}"),
            NodeKind::Table(entries) => format!(
                "a table with keys {}",
                entries
                    .iter()
                    .map(|e| e.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => node.type_name().to_owned(),
        };
        let suggestion = match &node.kind {
            NodeKind::Str(s) => closest(
                s,
                resolved
                    .iter()
                    .filter_map(|b| b.get("const").and_then(Value::as_str)),
            ),
            NodeKind::Table(entries) => entries.first().and_then(|e| {
                closest(
                    &e.key,
                    resolved.iter().filter_map(|b| {
                        b.get("required")
                            .and_then(Value::as_array)
                            .and_then(|r| r.first())
                            .and_then(Value::as_str)
                    }),
                )
            }),
            _ => None,
        };
        if !has_room(&self.problems) {
            return;
        }
        self.problems.push(
            SchemeProblem::at(
                self.text,
                node.span.start,
                "invalid_value",
                path_string(path),
                format!("expected one of {}; found {found}", choices.join(" | ")),
            )
            .suggest(suggestion),
        );
    }
}

fn describe(b: &Value) -> Option<String> {
    if let Some(c) = b.get("const") {
        return Some(c.to_string());
    }
    if let Some(tag) = b
        .get("required")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_str)
    {
        return Some(format!("{{ {tag} = … }}"));
    }
    b.get("type").map(|t| t.to_string().replace('"', ""))
}

fn type_names(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_matches(schema: &Value, node: &Node) -> bool {
    let types = type_names(schema);
    if types.is_empty() {
        return true;
    }
    types.iter().any(|t| {
        matches!(
            (*t, &node.kind),
            ("object", NodeKind::Table(_))
                | ("array", NodeKind::Array(_))
                | ("string", NodeKind::Str(_) | NodeKind::Datetime(_))
                | ("integer", NodeKind::Int(_))
                | ("number", NodeKind::Int(_) | NodeKind::Float(_))
                | ("boolean", NodeKind::Bool(_))
                | ("null", NodeKind::Null)
        )
    })
}

fn expected_type(schema: &Value) -> String {
    type_names(schema)
        .iter()
        .map(|t| match *t {
            "object" => "a table",
            "array" => "an array",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean",
            _ => "null",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "json-schema")]
    #[test]
    #[allow(clippy::disallowed_methods)]
    fn committed_schema_matches_the_types() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/scheme.schema.json");
        let generated = generate();
        if std::env::var_os("HOTLINE_SCORE_BLESS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        assert_eq!(
            SCHEME_SCHEMA, generated,
            "schemas/scheme.schema.json is stale: run `HOTLINE_SCORE_BLESS=1 cargo test -p \
             hotline-score --features json-schema committed_schema` and commit it"
        );
    }

    #[test]
    fn schema_parses() {
        assert!(schema().get("$defs").is_some());
    }
}
