//! Lexer: formula source → tokens with byte offsets.
//!
//! Every lexical problem is collected (an unexpected character does not stop the scan), so a
//! formula with three stray characters reports three problems.

use super::problem::{Problem, codes};
use rust_decimal::Decimal;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok<'s> {
    /// A number literal (`85%` already divided by 100).
    Number(Decimal),
    /// A name, possibly dotted (`lead.signed`, `ext.mystery_calls`).
    Name(&'s str),
    /// `true` / `false`.
    Bool(bool),
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    /// End of input (always the last token).
    Eof,
}

impl Tok<'_> {
    /// How the token reads in messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Number(d) => format!("number `{d}`"),
            Tok::Name(n) => format!("name `{n}`"),
            Tok::Bool(b) => format!("`{b}`"),
            Tok::Eof => "end of formula".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    /// The source spelling of an operator or punctuation token.
    pub(crate) fn symbol(&self) -> &'static str {
        match self {
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::Comma => ",",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::Number(_) | Tok::Name(_) | Tok::Bool(_) | Tok::Eof => "",
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'s> {
    /// What it is.
    pub tok: Tok<'s>,
    /// Byte offset of its first character in the source.
    pub at: usize,
}

/// Splits `src` into tokens ending with [`Tok::Eof`], or returns every lexical problem.
pub(crate) fn lex(src: &str) -> Result<Vec<Token<'_>>, Vec<Problem>> {
    let mut tokens = Vec::new();
    let mut problems = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let two = |t: Tok<'static>| (t, true);
        let one = |t: Tok<'static>| (t, false);
        let simple = match (c, next) {
            _ if c.is_whitespace() => continue,
            ('+', _) => Some(one(Tok::Plus)),
            ('-', _) => Some(one(Tok::Minus)),
            ('*', _) => Some(one(Tok::Star)),
            ('/', _) => Some(one(Tok::Slash)),
            ('(', _) => Some(one(Tok::LParen)),
            (')', _) => Some(one(Tok::RParen)),
            (',', _) => Some(one(Tok::Comma)),
            ('<', Some('=')) => Some(two(Tok::Le)),
            ('<', Some('>')) => None, // SQL's and BASIC's `<>`: a hint below
            ('<', _) => Some(one(Tok::Lt)),
            ('>', Some('=')) => Some(two(Tok::Ge)),
            ('>', _) => Some(one(Tok::Gt)),
            ('=', Some('=')) => Some(two(Tok::EqEq)),
            ('!', Some('=')) => Some(two(Tok::Ne)),
            _ => None,
        };
        if let Some((tok, double)) = simple {
            if double {
                chars.next();
            }
            tokens.push(Token { tok, at });
        } else if c.is_ascii_digit() {
            let end = scan_while(src, at, &mut chars, |c| c.is_ascii_digit());
            let mut end = end;
            let mut rest = src.get(end..).unwrap_or("").chars();
            if rest.next() == Some('.') && rest.next().is_some_and(|c| c.is_ascii_digit()) {
                chars.next(); // the dot
                end = scan_while(src, end + 1, &mut chars, |c| c.is_ascii_digit());
            }
            let text = src.get(at..end).unwrap_or("");
            let percent = src.get(end..).is_some_and(|r| r.starts_with('%'));
            if percent {
                chars.next();
            }
            match number(text, percent) {
                Some(d) => tokens.push(Token {
                    tok: Tok::Number(d),
                    at,
                }),
                None => problems.push(Problem::at(
                    src,
                    at,
                    codes::BAD_NUMBER,
                    format!(
                        "number `{text}{}` does not fit an exact decimal (magnitude below \
                         7.9e28, at most 28 decimal places)",
                        if percent { "%" } else { "" }
                    ),
                )),
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut end = scan_while(src, at, &mut chars, is_name_char);
            loop {
                let mut rest = src.get(end..).unwrap_or("").chars();
                if rest.next() == Some('.') && rest.next().is_some_and(is_name_char) {
                    chars.next(); // the dot
                    end = scan_while(src, end + 1, &mut chars, is_name_char);
                } else {
                    break;
                }
            }
            let text = src.get(at..end).unwrap_or("");
            let tok = match text {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "true" => Tok::Bool(true),
                "false" => Tok::Bool(false),
                name => Tok::Name(name),
            };
            tokens.push(Token { tok, at });
        } else {
            let (hint, skip_next) = hint_for(c, next);
            if skip_next {
                chars.next();
            }
            let mut msg = format!("unexpected character `{c}`");
            if let Some((spelling, why)) = hint {
                msg.push_str(&format!("; {why}"));
                problems
                    .push(Problem::at(src, at, codes::SYNTAX, msg).suggest(Some(spelling.into())));
            } else {
                if matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’') {
                    // `grade == "不合格"`, as SPEC §7 words a ladder's condition (a warnings
                    // audit: the bare syntax error gave no way forward).
                    msg.push_str(
                        "; formulas have no text values: a metric is named bare \
                         (`closed_on_time`), a grade by its position, 1 = best (`grade >= 4`), \
                         the last grade by `lowest_grade`",
                    );
                }
                problems.push(Problem::at(src, at, codes::SYNTAX, msg));
            }
        }
    }
    tokens.push(Token {
        tok: Tok::Eof,
        at: src.len(),
    });
    if problems.is_empty() {
        Ok(tokens)
    } else {
        Err(problems)
    }
}

/// Letters, digits and `_` (any script: external metric names may be Chinese).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Consumes characters after the one at `from` while `keep` holds; returns the end offset.
fn scan_while(
    src: &str,
    from: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    keep: impl Fn(char) -> bool,
) -> usize {
    let mut end = src
        .get(from..)
        .and_then(|r| r.chars().next())
        .map_or(from, |c| from + c.len_utf8());
    while let Some(&(i, c)) = chars.peek() {
        if !keep(c) {
            break;
        }
        chars.next();
        end = i + c.len_utf8();
    }
    end
}

/// The exact decimal of a literal (`percent`: the literal was followed by `%`).
fn number(text: &str, percent: bool) -> Option<Decimal> {
    let mut d = Decimal::from_str_exact(text).ok()?;
    if percent {
        d.set_scale(d.scale().checked_add(2)?).ok()?;
    }
    Some(d)
}

/// A likely intended spelling for a character the language does not have, and whether the
/// following character belongs to the same mistake (`&&`, `||`).
fn hint_for(c: char, next: Option<char>) -> (Option<(&'static str, &'static str)>, bool) {
    match (c, next) {
        // `=>` and `=<` are `>=` and `<=` written backwards.
        ('=', Some('>')) => (Some((">=", "write `>=`")), true),
        ('=', Some('<')) => (Some(("<=", "write `<=`")), true),
        ('=', _) => (Some(("==", "compare with `==`")), false),
        ('<', Some('>')) => (Some(("!=", "write `!=`")), true),
        ('!', _) => (Some(("not", "negate with `not`")), false),
        ('！', Some('=' | '＝')) => (Some(("!=", "write `!=`")), true),
        ('！', _) => (Some(("not", "negate with `not`")), false),
        ('&', Some('&')) => (Some(("and", "write `and`")), true),
        ('&', _) => (Some(("and", "write `and`")), false),
        ('|', Some('|')) => (Some(("or", "write `or`")), true),
        ('|', _) => (Some(("or", "write `or`")), false),
        ('%', _) => (
            Some(("/ 100", "`%` may only follow a number literal, as in `85%`")),
            false,
        ),
        ('≤', _) => (Some(("<=", "write `<=`")), false),
        ('≥', _) => (Some((">=", "write `>=`")), false),
        ('≠', _) => (Some(("!=", "write `!=`")), false),
        ('（', _) => (Some(("(", "full-width parenthesis; write `(`")), false),
        ('）', _) => (Some((")", "full-width parenthesis; write `)`")), false),
        ('，', _) => (Some((",", "full-width comma; write `,`")), false),
        ('、', _) => (Some((",", "enumeration comma; write `,`")), false),
        ('％', _) => (Some(("%", "full-width percent sign; write `%`")), false),
        ('＋', _) => (Some(("+", "full-width plus; write `+`")), false),
        ('－', _) => (Some(("-", "full-width minus; write `-`")), false),
        ('＊' | '×', _) => (Some(("*", "multiply with `*`")), false),
        ('／' | '÷', _) => (Some(("/", "divide with `/`")), false),
        ('＜', _) => (Some(("<", "full-width less-than; write `<`")), false),
        ('＞', _) => (Some((">", "full-width greater-than; write `>`")), false),
        ('＝', Some('＝' | '=')) => (Some(("==", "full-width equals; write `==`")), true),
        ('＝', _) => (Some(("==", "compare with `==`")), false),
        ('.', Some(d)) if d.is_ascii_digit() => (
            Some(("0.", "a number needs a digit before the point (`0.5`)")),
            false,
        ),
        _ => (None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok<'_>> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn operators_names_numbers() {
        assert_eq!(
            toks("lead.signed/ due >= 85% and not ext.拨测 != 1.50"),
            vec![
                Tok::Name("lead.signed"),
                Tok::Slash,
                Tok::Name("due"),
                Tok::Ge,
                Tok::Number(dec("0.85")),
                Tok::And,
                Tok::Not,
                Tok::Name("ext.拨测"),
                Tok::Ne,
                Tok::Number(dec("1.50")),
                Tok::Eof,
            ]
        );
        assert_eq!(
            toks("(a,b)<c<=d>e==-true false"),
            vec![
                Tok::LParen,
                Tok::Name("a"),
                Tok::Comma,
                Tok::Name("b"),
                Tok::RParen,
                Tok::Lt,
                Tok::Name("c"),
                Tok::Le,
                Tok::Name("d"),
                Tok::Gt,
                Tok::Name("e"),
                Tok::EqEq,
                Tok::Minus,
                Tok::Bool(true),
                Tok::Bool(false),
                Tok::Eof
            ]
        );
    }

    /// A quoted grade name (`grade == "不合格"`) says formulas have no text and how a grade is
    /// written.
    #[test]
    fn quotes_say_there_is_no_text() {
        let p = lex("grade == \"不合格\"").unwrap_err();
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].column, 10);
        assert!(p[0].message.contains("no text values"), "{}", p[0].message);
        assert!(p[0].message.contains("`grade >= 4`"), "{}", p[0].message);
    }

    #[test]
    fn offsets_are_bytes() {
        let t = lex("é + x").unwrap();
        assert_eq!(t.iter().map(|t| t.at).collect::<Vec<_>>(), vec![0, 3, 5, 6]);
    }

    #[test]
    fn percent_is_exact() {
        assert_eq!(toks("85.5%"), vec![Tok::Number(dec("0.855")), Tok::Eof]);
        assert_eq!(toks("100%"), vec![Tok::Number(Decimal::ONE), Tok::Eof]);
    }

    #[test]
    fn trailing_dot_is_not_part_of_a_number_or_name() {
        let p = lex("1. + a.").unwrap_err();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].column, p[1].column), (2, 7));
    }

    #[test]
    fn all_lexical_problems_are_collected() {
        let p = lex("a = b && c # d").unwrap_err();
        let got: Vec<_> = p
            .iter()
            .map(|p| (p.code, p.column, p.suggestion.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (codes::SYNTAX, 3, Some("==")),
                (codes::SYNTAX, 7, Some("and")),
                (codes::SYNTAX, 12, None)
            ]
        );
    }

    /// Comparisons written backwards or full-width get the operator meant, once per operator
    /// (a formula audit: `=>` suggested `==`, and `＝＝` gave two problems).
    #[test]
    fn misspelt_comparisons_suggest_the_operator_meant() {
        for (src, column, want) in [
            ("a => 1", 3, ">="),
            ("a =< 1", 3, "<="),
            ("a ！= 1", 3, "!="),
            ("a ＝＝ 1", 3, "=="),
            ("a <> 1", 3, "!="),
            ("！a", 1, "not"),
        ] {
            let p = lex(src).unwrap_err();
            assert_eq!(p.len(), 1, "{src}: {p:?}");
            assert_eq!(
                (p[0].column, p[0].suggestion.as_deref()),
                (column, Some(want)),
                "{src}"
            );
        }
    }

    #[test]
    fn inexact_numbers_are_rejected() {
        let p = lex("123456789012345678901234567890").unwrap_err();
        assert_eq!(p[0].code, codes::BAD_NUMBER);
        let tiny = format!("0.{}1%", "0".repeat(26)); // 27 places, 29 after `%`
        let p = lex(&tiny).unwrap_err();
        assert_eq!(p[0].code, codes::BAD_NUMBER);
    }
}
