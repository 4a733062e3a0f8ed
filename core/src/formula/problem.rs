//! Problems found while compiling a formula, with their stable codes.

use crate::FilePos;
use std::fmt;

/// The stable problem codes (part of the public contract: they never change once released).
pub mod codes {
    /// A character, token or construct the grammar does not allow (also an empty formula).
    pub const SYNTAX: &str = "formula_syntax";
    /// An opening parenthesis that is never closed; reported at the opening parenthesis.
    pub const UNCLOSED_PAREN: &str = "formula_unclosed_paren";
    /// A complete expression followed by more input (`a b`, `a)`).
    pub const TRAILING_INPUT: &str = "formula_trailing_input";
    /// A number literal that is not an exact decimal (more than 28 digits, or `%` overflows).
    pub const BAD_NUMBER: &str = "formula_bad_number";
    /// A name the context does not know (with a "did you mean" suggestion when one is close).
    pub const UNKNOWN_NAME: &str = "formula_unknown_name";
    /// A call of a function that does not exist.
    pub const UNKNOWN_FUNCTION: &str = "formula_unknown_function";
    /// A function called with the wrong number of arguments.
    pub const ARITY: &str = "formula_arity";
    /// A type error: a boolean where a number is needed, or the other way round, branches of
    /// different types, or a result type other than the one the context expects.
    pub const TYPE: &str = "formula_type";
    /// More than 64 nested parentheses (grouping or function-call).
    pub const TOO_DEEP: &str = "formula_too_deep";
    /// A formula longer than 4 KiB (4096 bytes of UTF-8).
    pub const TOO_LONG: &str = "formula_too_long";

    /// Every code, in the order above.
    pub const ALL: [&str; 10] = [
        SYNTAX,
        UNCLOSED_PAREN,
        TRAILING_INPUT,
        BAD_NUMBER,
        UNKNOWN_NAME,
        UNKNOWN_FUNCTION,
        ARITY,
        TYPE,
        TOO_DEEP,
        TOO_LONG,
    ];
}

/// One problem in a formula: a stable code, a message, its position and maybe a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Problem {
    /// Stable snake_case code, one of [`codes::ALL`].
    pub code: &'static str,
    /// Human-readable description.
    pub message: String,
    /// 1-based line within the formula source.
    pub line: u32,
    /// 1-based column (in characters) within the formula source.
    pub column: u32,
    /// A replacement the author probably meant (a name, a function, an operator).
    pub suggestion: Option<String>,
}

impl Problem {
    /// A problem at byte `offset` of `src`.
    pub(crate) fn at(src: &str, offset: usize, code: &'static str, message: String) -> Self {
        let FilePos { line, column } = FilePos::from_offset(src, offset);
        Problem {
            code,
            message,
            line,
            column,
            suggestion: None,
        }
    }

    /// The same problem with a suggestion attached.
    pub(crate) fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} [{}]",
            self.line, self.column, self.message, self.code
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_is_in_characters() {
        let p = Problem::at("a +\n é + b", 8, codes::SYNTAX, "x".into());
        assert_eq!((p.line, p.column), (2, 4));
        assert_eq!(p.to_string(), "2:4: x [formula_syntax]");
    }

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in codes::ALL {
            assert!(c.starts_with("formula_"));
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(seen.insert(c));
        }
    }
}
