//! The vocabulary of a formula context: which names exist, their slots and their types.

use super::ValueType;
use std::collections::HashMap;

/// Supplies the names a formula may use in one context (indicator values, warning conditions,
/// sanction conditions) and where their values will be at evaluation time.
pub trait Resolver {
    /// The slot (index into the `slots` passed to [`Formula::eval`](super::Formula::eval)) and
    /// the type of `name`, or `None` if the context has no such name.
    fn resolve(&self, name: &str) -> Option<(usize, ValueType)>;
    /// Every known name, for "did you mean …" suggestions.
    fn names(&self) -> Vec<String>;
    /// What to do about the unknown `name`, when the context knows (appended to the message).
    fn unknown_hint(&self, _name: &str) -> Option<String> {
        None
    }
}

/// A resolver over a fixed list of names: the `i`-th entry lives in slot `i`.
///
/// A name listed twice keeps its first slot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapResolver {
    names: Vec<String>,
    index: HashMap<String, (usize, ValueType)>,
    /// What to say about names known elsewhere but not here ([`MapResolver::with_hint`]).
    hints: Vec<(String, String)>,
}

impl MapResolver {
    /// A resolver whose slot `i` is the `i`-th `(name, type)` entry.
    pub fn new<I, S>(entries: I) -> Self
    where
        I: IntoIterator<Item = (S, ValueType)>,
        S: Into<String>,
    {
        let mut r = MapResolver::default();
        for (slot, (name, ty)) in entries.into_iter().enumerate() {
            let name: String = name.into();
            if !r.index.contains_key(&name) {
                r.index.insert(name.clone(), (slot, ty));
                r.names.push(name);
            }
        }
        r
    }

    /// A resolver of numeric names only: slot `i` is `names[i]`.
    pub fn numbers<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        MapResolver::new(names.into_iter().map(|n| (n, ValueType::Number)))
    }

    /// This resolver, saying `hint` when a formula uses `name` and it is not one of its names
    /// (a name that exists in another place: `streak` outside a sanctions level's `when`).
    pub fn with_hint(mut self, name: &str, hint: &str) -> Self {
        if !self.index.contains_key(name) {
            self.hints.push((name.to_owned(), hint.to_owned()));
        }
        self
    }
}

impl Resolver for MapResolver {
    fn resolve(&self, name: &str) -> Option<(usize, ValueType)> {
        self.index.get(name).copied()
    }

    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn unknown_hint(&self, name: &str) -> Option<String> {
        self.hints
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, hint)| hint.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_positions_and_duplicates_keep_the_first() {
        let r = MapResolver::new([
            ("due", ValueType::Number),
            ("flag", ValueType::Bool),
            ("due", ValueType::Bool),
            ("x", ValueType::Number),
        ]);
        assert_eq!(r.resolve("due"), Some((0, ValueType::Number)));
        assert_eq!(r.resolve("flag"), Some((1, ValueType::Bool)));
        assert_eq!(r.resolve("x"), Some((3, ValueType::Number)));
        assert_eq!(r.resolve("y"), None);
        assert_eq!(r.names(), vec!["due", "flag", "x"]);
        assert_eq!(
            MapResolver::numbers(["a", "b"]).resolve("b"),
            Some((1, ValueType::Number))
        );
    }
}
