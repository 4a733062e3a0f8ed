//! The Rust core's JSON output for the shared vectors, kept in `tests/vectors/json/` so that the
//! Python and Node suites can check that they give the same bytes (format: that directory's
//! README). Correctness is what the vectors' hand-computed expectations check; these files only
//! pin the exact text, so that the three languages can be compared.
//!
//! A runner collects `(key, JSON text)` pairs in an [`Outputs`] and calls [`Outputs::check`]:
//! the pairs must equal the committed file, or, with `HOTLINE_UPDATE_JSON=1`, are written to it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The environment variable that rewrites the files instead of comparing.
pub const UPDATE: &str = "HOTLINE_UPDATE_JSON";

#[derive(Serialize, Deserialize, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
struct File {
    description: String,
    outputs: BTreeMap<String, String>,
}

/// One file of outputs (`tests/vectors/json/<name>.json`).
pub struct Outputs {
    name: &'static str,
    description: &'static str,
    entries: BTreeMap<String, String>,
}

impl Outputs {
    /// An empty set for `tests/vectors/json/<name>.json`, which says what it holds.
    pub fn new(name: &'static str, description: &'static str) -> Self {
        Outputs {
            name,
            description,
            entries: BTreeMap::new(),
        }
    }

    /// Records `json` (a compact serialization) under `key`, which must be new.
    pub fn add(&mut self, key: impl Into<String>, json: String) {
        let key = key.into();
        assert!(
            !self.entries.contains_key(&key),
            "{}: key {key:?} given twice",
            self.name
        );
        self.entries.insert(key, json);
    }

    fn path(&self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/json")
            .join(format!("{}.json", self.name))
    }

    /// Compares with the committed file (or writes it when [`UPDATE`] is `1`).
    pub fn check(self) {
        assert!(!self.entries.is_empty(), "{}: no outputs", self.name);
        let path = self.path();
        let file = File {
            description: self.description.to_owned(),
            outputs: self.entries,
        };
        // A test switch, not configuration of the library (which never reads the environment).
        #[allow(clippy::disallowed_methods)]
        let update = std::env::var(UPDATE).as_deref() == Ok("1");
        if update {
            let mut text = serde_json::to_string_pretty(&file).unwrap();
            text.push('\n');
            std::fs::write(&path, text).unwrap();
            return;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; write it with `{UPDATE}=1 cargo test -p hotline-score`",
                path.display()
            )
        });
        let held: File = serde_json::from_str(&text).unwrap();
        let mut differ: Vec<&str> = file
            .outputs
            .iter()
            .filter(|(k, v)| held.outputs.get(*k) != Some(v))
            .map(|(k, _)| k.as_str())
            .collect();
        differ.extend(
            held.outputs
                .keys()
                .filter(|k| !file.outputs.contains_key(*k))
                .map(String::as_str),
        );
        assert!(
            differ.is_empty() && held.description == file.description,
            "{}: the core's JSON changed for {differ:?}. If the change is intended, rewrite the \
             file with `{UPDATE}=1 cargo test -p hotline-score` and commit it: the Python and \
             Node suites compare their bytes with it",
            path.display()
        );
    }
}
