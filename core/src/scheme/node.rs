//! The spanned document tree a scheme file is read into before anything else: every table key and
//! every value keeps its byte range in the file, so every problem can name its line and column.
//!
//! TOML comes from `toml::de::DeTable` (toml 0.9's spanned parse tree); JSON from the small
//! parser in [`super::json`]. The tree is then checked against the JSON Schema and converted to
//! a `serde_json::Value` for the typed file model (numbers with a fraction travel as their exact
//! text, so `0.1` stays one tenth).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A value of a scheme file with its byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range of the value in the file text.
    pub span: Range<usize>,
    /// The value.
    pub kind: NodeKind,
}

/// The kinds of values TOML and JSON share (plus TOML datetimes and JSON null).
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A table / object: entries in file order with the key's byte range.
    Table(Vec<Entry>),
    /// An array.
    Array(Vec<Node>),
    /// A string (decoded).
    Str(String),
    /// An integer.
    Int(i64),
    /// A number with a fraction or exponent, as written.
    Float(String),
    /// A boolean.
    Bool(bool),
    /// A TOML datetime, as written.
    Datetime(String),
    /// JSON `null`.
    Null,
}

/// One entry of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Byte range of the key.
    pub key_span: Range<usize>,
    /// The value.
    pub value: Node,
}

/// One step of a key path (`indicators[2].rule.bands[0].min`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index (0-based).
    Index(usize),
}

/// Renders a key path as `a.b[2].c`.
pub fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

impl Node {
    /// The JSON type name of the value, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Table(_) => "table",
            NodeKind::Array(_) => "array",
            NodeKind::Str(_) => "string",
            NodeKind::Int(_) => "integer",
            NodeKind::Float(_) => "number",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Datetime(_) => "datetime",
            NodeKind::Null => "null",
        }
    }

    /// The value of `key` in a table.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Table(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The node at `path`, with the span of the deepest key reached (for missing values).
    pub fn at(&self, path: &[Seg]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match (seg, &node.kind) {
                (Seg::Key(k), NodeKind::Table(_)) => &node.get(k)?.value,
                (Seg::Index(i), NodeKind::Array(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The span of the key naming the value at `path` (or the value's span for array items, or
    /// the closest existing ancestor's span).
    pub fn key_span(&self, path: &[Seg]) -> Range<usize> {
        let mut node = self;
        let mut span = self.span.clone();
        for seg in path {
            let next = match (seg, &node.kind) {
                (Seg::Key(k), NodeKind::Table(_)) => {
                    node.get(k).map(|e| (e.key_span.clone(), &e.value))
                }
                (Seg::Index(i), NodeKind::Array(items)) => {
                    items.get(*i).map(|n| (n.span.clone(), n))
                }
                _ => None,
            };
            match next {
                Some((s, n)) => {
                    span = s;
                    node = n;
                }
                None => break,
            }
        }
        span
    }

    /// Converts to JSON for the typed model: numbers with a fraction become strings of their
    /// exact text (the model's `Num` reads both), datetimes become strings.
    pub fn to_json(&self) -> serde_json::Value {
        self.to_json_skipping(&[])
    }

    /// Like [`Node::to_json`], leaving out the table entries whose key starts at one of `skip`.
    pub fn to_json_skipping(&self, skip: &[usize]) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Table(entries) => Value::Object(
                entries
                    .iter()
                    .filter(|e| !skip.contains(&e.key_span.start))
                    .map(|e| (e.key.clone(), e.value.to_json_skipping(skip)))
                    .collect(),
            ),
            NodeKind::Array(items) => {
                Value::Array(items.iter().map(|n| n.to_json_skipping(skip)).collect())
            }
            NodeKind::Str(s) | NodeKind::Float(s) | NodeKind::Datetime(s) => {
                Value::String(s.clone())
            }
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
        }
    }
}

/// Reads TOML text into a node tree; syntax errors come back with their byte ranges.
pub fn from_toml(text: &str) -> Result<Node, Vec<(String, Range<usize>)>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| (e.message().to_owned(), e.span().unwrap_or(0..0)))
            .collect());
    }
    let span = table.span();
    let mut bad = Vec::new();
    let node = Node {
        span,
        kind: table_kind(table.get_ref(), &mut bad),
    };
    if bad.is_empty() { Ok(node) } else { Err(bad) }
}

fn table_kind(table: &DeTable<'_>, bad: &mut Vec<(String, Range<usize>)>) -> NodeKind {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: k.span(),
            value: Node {
                span: v.span(),
                kind: value_kind(v.get_ref(), v.span(), bad),
            },
        })
        .collect();
    // The parse tree's map is sorted by key; file order reads better in messages.
    entries.sort_by_key(|e| e.key_span.start);
    NodeKind::Table(entries)
}

fn value_kind(
    value: &DeValue<'_>,
    span: Range<usize>,
    bad: &mut Vec<(String, Range<usize>)>,
) -> NodeKind {
    match value {
        DeValue::String(s) => NodeKind::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(v) => NodeKind::Int(v),
                Err(_) => {
                    bad.push((format!("integer {i} is out of range"), span));
                    NodeKind::Int(0)
                }
            }
        }
        DeValue::Float(f) => NodeKind::Float(f.as_str().to_owned()),
        DeValue::Boolean(b) => NodeKind::Bool(*b),
        DeValue::Datetime(d) => NodeKind::Datetime(d.to_string()),
        DeValue::Array(items) => NodeKind::Array(
            items
                .iter()
                .map(|v| Node {
                    span: v.span(),
                    kind: value_kind(v.get_ref(), v.span(), bad),
                })
                .collect(),
        ),
        DeValue::Table(t) => table_kind(t, bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_tree_keeps_spans_and_exact_numbers() {
        let text = "a = 0.1\n[[b]]\nc = \"x\"\n";
        let node = from_toml(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.key_span.clone()], "a");
        assert_eq!(a.value.kind, NodeKind::Float("0.1".into()));
        let c = node.at(&[Seg::Key("b".into()), Seg::Index(0), Seg::Key("c".into())]);
        assert_eq!(&text[c.unwrap().span.clone()], "\"x\"");
        assert_eq!(
            path_string(&[Seg::Key("b".into()), Seg::Index(0), Seg::Key("c".into())]),
            "b[0].c"
        );
        assert_eq!(node.to_json()["a"], serde_json::json!("0.1"));
        assert!(from_toml("a = [").is_err());
    }
}
