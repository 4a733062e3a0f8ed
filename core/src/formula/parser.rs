//! Pratt parser: tokens → the expression in postfix order (operands before their operator).
//!
//! The postfix form is what the checker and the compiler walk, so no later stage recurses over
//! a tree. The parser itself recurses only a bounded number of times per parenthesis level
//! (once per precedence level at most, because prefix-operator chains are read in a loop and
//! comparisons do not chain), and parentheses nest at most [`MAX_DEPTH`] deep, so no input can
//! overflow the stack. The first syntax error stops parsing.

use super::lexer::{Tok, Token};
use super::problem::{Problem, codes};
use crate::FilePos;
use rust_decimal::Decimal;

/// Maximum nesting of parentheses (grouping and function calls).
pub const MAX_DEPTH: u32 = 64;

/// A hard bound on parser recursion; never reached for inputs within [`MAX_DEPTH`] (kept as a
/// second line of defence).
const MAX_FRAMES: u32 = 2048;

const OR_BP: u8 = 1;
const AND_BP: u8 = 2;
const NOT_BP: u8 = 3;
const CMP_BP: u8 = 4;
const ADD_BP: u8 = 5;
const MUL_BP: u8 = 6;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    /// The operator as written.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// One postfix node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind<'s> {
    Number(Decimal),
    Bool(bool),
    Name(&'s str),
    Neg,
    Not,
    Binary(BinOp),
    /// A call with `argc` arguments (the `argc` nodes' results before it).
    Call {
        name: &'s str,
        argc: usize,
    },
}

/// A postfix node with its positions (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node<'s> {
    pub kind: NodeKind<'s>,
    /// The operator, name or literal itself.
    pub at: usize,
    /// The first character of the whole sub-expression this node completes.
    pub start: usize,
}

/// Parses the tokens of `src` (as produced by the lexer, ending with `Eof`).
#[cfg(test)]
pub(crate) fn parse<'s>(src: &'s str, tokens: &[Token<'s>]) -> Result<Vec<Node<'s>>, Problem> {
    parse_within(src, tokens, MAX_DEPTH)
}

/// Parses the tokens of `src` (as produced by the lexer, ending with `Eof`), parentheses
/// nesting at most `max_depth` deep ([`MAX_DEPTH`] for what a user writes).
pub(crate) fn parse_within<'s>(
    src: &'s str,
    tokens: &[Token<'s>],
    max_depth: u32,
) -> Result<Vec<Node<'s>>, Problem> {
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        out: Vec::with_capacity(tokens.len()),
        depth: 0,
        max_depth,
        frames: 0,
    };
    if p.peek().tok == Tok::Eof {
        return Err(p.problem(0, codes::SYNTAX, "the formula is empty".into()));
    }
    p.expr(OR_BP)?;
    let t = p.peek();
    match t.tok {
        Tok::Eof => Ok(p.out),
        Tok::RParen => Err(p.problem(
            t.at,
            codes::TRAILING_INPUT,
            "`)` has no matching `(`".into(),
        )),
        other => Err(p
            .problem(
                t.at,
                codes::TRAILING_INPUT,
                format!(
                    "expected an operator or the end of the formula, found {}",
                    other.describe()
                ),
            )
            .suggest(keyword(other))),
    }
}

/// The keyword a name found where an operator belongs was meant to be (`AND` for `and`).
fn keyword(tok: Tok<'_>) -> Option<String> {
    match tok {
        Tok::Name(n) => ["and", "or", "not"]
            .into_iter()
            .find(|k| n.eq_ignore_ascii_case(k))
            .map(str::to_string),
        _ => None,
    }
}

struct Parser<'s, 't> {
    src: &'s str,
    tokens: &'t [Token<'s>],
    pos: usize,
    out: Vec<Node<'s>>,
    depth: u32,
    max_depth: u32,
    frames: u32,
}

impl<'s> Parser<'s, '_> {
    fn peek(&self) -> Token<'s> {
        self.tokens.get(self.pos).copied().unwrap_or(Token {
            tok: Tok::Eof,
            at: self.src.len(),
        })
    }

    fn next(&mut self) -> Token<'s> {
        let t = self.peek();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn problem(&self, at: usize, code: &'static str, message: String) -> Problem {
        Problem::at(self.src, at, code, message)
    }

    fn push(&mut self, kind: NodeKind<'s>, at: usize, start: usize) {
        self.out.push(Node { kind, at, start });
    }

    /// An expression whose infix operators all bind at least as tightly as `min_bp`.
    fn expr(&mut self, min_bp: u8) -> Result<(), Problem> {
        self.frames += 1;
        if self.frames > MAX_FRAMES {
            let at = self.peek().at;
            return Err(self.problem(at, codes::TOO_DEEP, "the formula nests too deeply".into()));
        }
        let start = self.peek().at;
        self.prefix(min_bp)?;
        let mut after_comparison = false;
        loop {
            let t = self.peek();
            let Some((op, bp)) = infix(t.tok) else { break };
            if bp < min_bp {
                break;
            }
            if bp == CMP_BP && after_comparison {
                return Err(self.problem(
                    t.at,
                    codes::SYNTAX,
                    format!(
                        "comparisons cannot be chained; combine them with `and` (… and … {} …)",
                        op.symbol()
                    ),
                ));
            }
            self.next();
            self.expr(bp + 1)?;
            self.push(NodeKind::Binary(op), t.at, start);
            after_comparison = bp == CMP_BP;
        }
        self.frames -= 1;
        Ok(())
    }

    /// A prefix-operator chain (`- - x`, `not not x`) or a primary.
    fn prefix(&mut self, min_bp: u8) -> Result<(), Problem> {
        let first = self.peek();
        match first.tok {
            Tok::Minus => {
                let mut minus = Vec::new();
                while self.peek().tok == Tok::Minus {
                    minus.push(self.next().at);
                }
                let t = self.peek();
                if t.tok == Tok::Not {
                    return Err(self.problem(
                        t.at,
                        codes::SYNTAX,
                        "`not` cannot follow `-`; put `not …` in parentheses".into(),
                    ));
                }
                self.primary()?;
                for at in minus.into_iter().rev() {
                    self.push(NodeKind::Neg, at, at);
                }
                Ok(())
            }
            Tok::Not => {
                if min_bp > NOT_BP {
                    return Err(self.problem(
                        first.at,
                        codes::SYNTAX,
                        "`not` binds more loosely than comparisons and arithmetic; put `not …` \
                         in parentheses here"
                            .into(),
                    ));
                }
                let mut nots = Vec::new();
                while self.peek().tok == Tok::Not {
                    nots.push(self.next().at);
                }
                self.expr(NOT_BP)?;
                for at in nots.into_iter().rev() {
                    self.push(NodeKind::Not, at, at);
                }
                Ok(())
            }
            _ => self.primary(),
        }
    }

    /// A literal, a name, a call or a parenthesized expression.
    fn primary(&mut self) -> Result<(), Problem> {
        let t = self.next();
        match t.tok {
            Tok::Number(d) => self.push(NodeKind::Number(d), t.at, t.at),
            Tok::Bool(b) => self.push(NodeKind::Bool(b), t.at, t.at),
            Tok::Name(name) if self.peek().tok == Tok::LParen => self.call(name, t.at)?,
            Tok::Name(name) => self.push(NodeKind::Name(name), t.at, t.at),
            Tok::LParen => {
                self.open(t.at)?;
                self.expr(OR_BP)?;
                let close = self.next();
                match close.tok {
                    Tok::RParen => {}
                    Tok::Eof => return Err(self.unclosed(t.at)),
                    other => {
                        let FilePos { line, column } = FilePos::from_offset(self.src, t.at);
                        return Err(self
                            .problem(
                                close.at,
                                codes::SYNTAX,
                                format!(
                                    "expected `)` to close the `(` at line {line}, column \
                                     {column}, found {}",
                                    other.describe()
                                ),
                            )
                            .suggest(keyword(other)));
                    }
                }
                self.depth -= 1;
                if let Some(last) = self.out.last_mut() {
                    last.start = t.at;
                }
            }
            other => {
                return Err(self.problem(
                    t.at,
                    codes::SYNTAX,
                    format!(
                        "expected a number, a name or `(`, found {}",
                        other.describe()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The arguments of a call of `name` (the `(` is next).
    fn call(&mut self, name: &'s str, name_at: usize) -> Result<(), Problem> {
        let open = self.next().at;
        self.open(open)?;
        let mut argc = 0usize;
        if self.peek().tok == Tok::RParen {
            self.next();
        } else {
            loop {
                self.expr(OR_BP)?;
                argc += 1;
                let t = self.next();
                match t.tok {
                    Tok::Comma => {}
                    Tok::RParen => break,
                    Tok::Eof => return Err(self.unclosed(open)),
                    other => {
                        return Err(self
                            .problem(
                                t.at,
                                codes::SYNTAX,
                                format!(
                                    "expected `,` or `)` after an argument of `{name}`, found {}",
                                    other.describe()
                                ),
                            )
                            .suggest(keyword(other)));
                    }
                }
            }
        }
        self.depth -= 1;
        self.push(NodeKind::Call { name, argc }, name_at, name_at);
        Ok(())
    }

    /// Enters a parenthesis level opened at `at`.
    fn open(&mut self, at: usize) -> Result<(), Problem> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.problem(
                at,
                codes::TOO_DEEP,
                format!("parentheses nest more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    fn unclosed(&self, open: usize) -> Problem {
        self.problem(
            open,
            codes::UNCLOSED_PAREN,
            "this `(` is never closed".into(),
        )
    }
}

/// The binary operator of a token and its binding power.
fn infix(tok: Tok<'_>) -> Option<(BinOp, u8)> {
    Some(match tok {
        Tok::Or => (BinOp::Or, OR_BP),
        Tok::And => (BinOp::And, AND_BP),
        Tok::Lt => (BinOp::Lt, CMP_BP),
        Tok::Le => (BinOp::Le, CMP_BP),
        Tok::Gt => (BinOp::Gt, CMP_BP),
        Tok::Ge => (BinOp::Ge, CMP_BP),
        Tok::EqEq => (BinOp::Eq, CMP_BP),
        Tok::Ne => (BinOp::Ne, CMP_BP),
        Tok::Plus => (BinOp::Add, ADD_BP),
        Tok::Minus => (BinOp::Sub, ADD_BP),
        Tok::Star => (BinOp::Mul, MUL_BP),
        Tok::Slash => (BinOp::Div, MUL_BP),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::lexer::lex;

    /// The postfix form as a readable string.
    fn rpn(src: &str) -> String {
        let tokens = lex(src).unwrap();
        let nodes = parse(src, &tokens).unwrap();
        nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Number(d) => d.to_string(),
                NodeKind::Bool(b) => b.to_string(),
                NodeKind::Name(s) => s.to_string(),
                NodeKind::Neg => "neg".into(),
                NodeKind::Not => "not".into(),
                NodeKind::Binary(op) => op.symbol().into(),
                NodeKind::Call { name, argc } => format!("{name}/{argc}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn err(src: &str) -> Problem {
        let tokens = lex(src).unwrap();
        parse(src, &tokens).unwrap_err()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(rpn("a - b - c"), "a b - c -");
        assert_eq!(rpn("a + b * c"), "a b c * +");
        assert_eq!(rpn("a / b / c"), "a b / c /");
        assert_eq!(rpn("-a * b"), "a neg b *");
        assert_eq!(rpn("- -a"), "a neg neg");
        assert_eq!(rpn("a * -b"), "a b neg *");
        assert_eq!(rpn("a < b + 1"), "a b 1 + <");
        assert_eq!(rpn("not a < b and c or d"), "a b < not c and d or");
        assert_eq!(rpn("a or b and c"), "a b c and or");
        assert_eq!(rpn("not not a"), "a not not");
        assert_eq!(rpn("a and not b"), "a b not and");
        assert_eq!(rpn("-(a + b)"), "a b + neg");
        assert_eq!(
            rpn("min(a, max(b, c), 1) + f()"),
            "a b c max/2 1 min/3 f/0 +"
        );
    }

    #[test]
    fn positions_of_nodes() {
        let src = "a + (b > c)";
        let tokens = lex(src).unwrap();
        let nodes = parse(src, &tokens).unwrap();
        let gt = nodes
            .iter()
            .find(|n| n.kind == NodeKind::Binary(BinOp::Gt))
            .unwrap();
        assert_eq!((gt.at, gt.start), (7, 4));
        let plus = nodes.last().unwrap();
        assert_eq!((plus.at, plus.start), (2, 0));
    }

    #[test]
    fn syntax_errors() {
        let p = err("(a + b");
        assert_eq!((p.code, p.column), (codes::UNCLOSED_PAREN, 1));
        let p = err("x + min(a, (b)");
        assert_eq!((p.code, p.column), (codes::UNCLOSED_PAREN, 8));
        let p = err("a b");
        assert_eq!((p.code, p.column), (codes::TRAILING_INPUT, 3));
        let p = err("a AND b");
        assert_eq!(p.suggestion.as_deref(), Some("and"));
        // Also inside a call or parentheses, where conditions are usually written.
        let p = err("if(a > 1 AND b, 1, 0)");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 10));
        assert_eq!(p.suggestion.as_deref(), Some("and"));
        assert_eq!(err("(a Or b)").suggestion.as_deref(), Some("or"));
        let p = err("a + b)");
        assert_eq!((p.code, p.column), (codes::TRAILING_INPUT, 6));
        let p = err("a +");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 4));
        let p = err("");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 1));
        let p = err("a < b < c");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 7));
        let p = err("a + not b");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 5));
        let p = err("-not b");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 2));
        let p = err("min(a b)");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 7));
        let p = err("(a b)");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 4));
        let p = err("min(a,)");
        assert_eq!((p.code, p.column), (codes::SYNTAX, 7));
    }

    #[test]
    fn depth_is_counted_in_parentheses() {
        let ok = format!("{}a{}", "(".repeat(64), ")".repeat(64));
        assert_eq!(rpn(&ok), "a");
        let calls = format!("{}a{}", "f(".repeat(64), ")".repeat(64));
        assert!(lex(&calls).is_ok());
        assert!(parse(&calls, &lex(&calls).unwrap()).is_ok());
        let deep = format!("{}a{}", "(".repeat(65), ")".repeat(65));
        let p = err(&deep);
        assert_eq!((p.code, p.column), (codes::TOO_DEEP, 65));
        let deep_calls = format!("{}a{}", "f(".repeat(65), ")".repeat(65));
        let p = err(&deep_calls);
        assert_eq!((p.code, p.column), (codes::TOO_DEEP, 130));
    }

    #[test]
    fn worst_case_recursion_stays_small() {
        // Every parenthesis level walks every precedence level and both prefix chains.
        let level = "a or b and not c < d + e * -(";
        let src = format!("{}x{}", level.repeat(64), ")".repeat(64));
        let tokens = lex(&src).unwrap();
        assert!(parse(&src, &tokens).is_ok());
    }
}
