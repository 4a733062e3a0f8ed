//! Checker: resolves names to slots and functions, checks arity and static types, and collects
//! every problem of a syntactically valid formula.
//!
//! It walks the postfix nodes with a stack of operand types (no recursion). An operand whose
//! type is unknown because of an earlier problem (an unknown name, say) is accepted anywhere, so
//! one mistake produces one problem, not a cascade.

use super::parser::{BinOp, Node, NodeKind};
use super::problem::{Problem, codes};
use super::suggest::closest;
use super::{Resolver, ValueType};
use rust_decimal::Decimal;

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Min,
    Max,
    Clamp,
    If,
    Coalesce,
}

/// The functions by name, in documentation order.
const FUNCS: [(&str, Func); 5] = [
    ("min", Func::Min),
    ("max", Func::Max),
    ("clamp", Func::Clamp),
    ("if", Func::If),
    ("coalesce", Func::Coalesce),
];

/// A checked postfix step: names resolved, functions known, arity right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Number(Decimal),
    Bool(bool),
    /// The value of a slot, declared with type `ty`.
    Load {
        slot: usize,
        ty: ValueType,
    },
    Neg,
    Not,
    Binary(BinOp),
    Call(Func, usize),
}

/// The type of an operand on the checker's stack and where its sub-expression starts.
#[derive(Debug, Clone, Copy)]
struct Operand {
    ty: Option<ValueType>,
    start: usize,
}

const NUM: Option<ValueType> = Some(ValueType::Number);
const BOOL: Option<ValueType> = Some(ValueType::Bool);

/// Checks the postfix `nodes` of `src` against `resolver`; the whole formula must have type
/// `expected`. Returns the steps, or every problem found (ordered by position).
pub(crate) fn check(
    src: &str,
    nodes: &[Node<'_>],
    resolver: &dyn Resolver,
    expected: ValueType,
) -> Result<Vec<Step>, Vec<Problem>> {
    let mut c = Checker {
        src,
        problems: Vec::new(),
        stack: Vec::new(),
        known: None,
    };
    let mut steps = Vec::with_capacity(nodes.len());
    for node in nodes {
        let (step, ty) = c.node(node, resolver);
        steps.extend(step);
        c.stack.push(Operand {
            ty,
            start: node.start,
        });
    }
    if let Some(result) = c.stack.pop()
        && let Some(ty) = result.ty
        && ty != expected
    {
        c.problem(
            result.start,
            format!("the formula gives a {ty}, but a {expected} is expected here"),
        );
    }
    let mut problems = c.problems;
    if problems.is_empty() {
        Ok(steps)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        Err(problems)
    }
}

struct Checker<'s> {
    src: &'s str,
    problems: Vec<Problem>,
    stack: Vec<Operand>,
    /// The resolver's names, fetched on the first unknown name.
    known: Option<Vec<String>>,
}

impl Checker<'_> {
    fn problem(&mut self, at: usize, message: String) {
        self.problems
            .push(Problem::at(self.src, at, codes::TYPE, message));
    }

    fn pop(&mut self) -> Operand {
        self.stack.pop().unwrap_or(Operand { ty: None, start: 0 })
    }

    /// Requires `operand` to have type `want` (unknown types pass).
    fn want(&mut self, operand: Operand, want: ValueType, what: impl FnOnce() -> String) {
        if let Some(ty) = operand.ty
            && ty != want
        {
            let message = format!("{} a {want}, but it is a {ty}", what());
            self.problem(operand.start, message);
        }
    }

    /// The step of one node and the type of its result.
    fn node(
        &mut self,
        node: &Node<'_>,
        resolver: &dyn Resolver,
    ) -> (Option<Step>, Option<ValueType>) {
        match node.kind {
            NodeKind::Number(d) => (Some(Step::Number(d)), NUM),
            NodeKind::Bool(b) => (Some(Step::Bool(b)), BOOL),
            NodeKind::Name(name) => match resolver.resolve(name) {
                Some((slot, ty)) => (Some(Step::Load { slot, ty }), Some(ty)),
                None => {
                    self.unknown_name(name, node.at, resolver);
                    (None, None)
                }
            },
            NodeKind::Neg => {
                let x = self.pop();
                self.want(x, ValueType::Number, || "the operand of `-` must be".into());
                (Some(Step::Neg), NUM)
            }
            NodeKind::Not => {
                let x = self.pop();
                self.want(x, ValueType::Bool, || "the operand of `not` must be".into());
                (Some(Step::Not), BOOL)
            }
            NodeKind::Binary(op) => {
                let b = self.pop();
                let a = self.pop();
                let ty = self.binary(op, a, b, node.at);
                (Some(Step::Binary(op)), ty)
            }
            NodeKind::Call { name, argc } => {
                let from = self.stack.len().saturating_sub(argc);
                let args = self.stack.split_off(from);
                let Some(func) = FUNCS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f) else {
                    let suggestion = closest(name, FUNCS.iter().map(|(n, _)| *n));
                    self.problems.push(
                        Problem::at(
                            self.src,
                            node.at,
                            codes::UNKNOWN_FUNCTION,
                            format!(
                                "unknown function `{name}`{}; the functions are min, max, clamp, \
                                 if and coalesce",
                                did_you_mean(suggestion.as_deref())
                            ),
                        )
                        .suggest(suggestion),
                    );
                    return (None, None);
                };
                let ty = self.call(func, name, &args, node.at);
                (Some(Step::Call(func, argc)), ty)
            }
        }
    }

    fn unknown_name(&mut self, name: &str, at: usize, resolver: &dyn Resolver) {
        let (message, suggestion) = if FUNCS.iter().any(|(n, _)| *n == name) {
            (
                format!("`{name}` is a function: call it with arguments, as in `{name}(a, b)`"),
                None,
            )
        } else {
            let known = self.known.get_or_insert_with(|| resolver.names());
            let suggestion = closest(name, known.iter().map(String::as_str));
            let hint = resolver
                .unknown_hint(name)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            let message = format!(
                "unknown name `{name}`{}{hint}",
                did_you_mean(suggestion.as_deref())
            );
            (message, suggestion)
        };
        self.problems
            .push(Problem::at(self.src, at, codes::UNKNOWN_NAME, message).suggest(suggestion));
    }

    fn binary(&mut self, op: BinOp, a: Operand, b: Operand, at: usize) -> Option<ValueType> {
        let sym = op.symbol();
        let (operand, result) = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => (ValueType::Number, NUM),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => (ValueType::Number, BOOL),
            BinOp::And | BinOp::Or => (ValueType::Bool, BOOL),
            BinOp::Eq | BinOp::Ne => {
                if let (Some(ta), Some(tb)) = (a.ty, b.ty)
                    && ta != tb
                {
                    self.problem(
                        at,
                        format!(
                            "`{sym}` compares values of the same type, but the left operand is a \
                             {ta} and the right a {tb}"
                        ),
                    );
                }
                return BOOL;
            }
        };
        self.want(a, operand, || {
            format!("the left operand of `{sym}` must be")
        });
        self.want(b, operand, || {
            format!("the right operand of `{sym}` must be")
        });
        result
    }

    fn call(&mut self, func: Func, name: &str, args: &[Operand], at: usize) -> Option<ValueType> {
        let (min, max, shape) = match func {
            Func::Min | Func::Max | Func::Coalesce => (2, usize::MAX, "at least 2 arguments"),
            Func::Clamp => (3, 3, "3 arguments (x, lo, hi)"),
            Func::If => (3, 3, "3 arguments (condition, then, else)"),
        };
        let arity_ok = (min..=max).contains(&args.len());
        if !arity_ok {
            self.problems.push(Problem::at(
                self.src,
                at,
                codes::ARITY,
                format!("`{name}` takes {shape}, but is given {}", args.len()),
            ));
        }
        match func {
            Func::Min | Func::Max | Func::Clamp => {
                for (i, a) in args.iter().enumerate() {
                    self.want(*a, ValueType::Number, || {
                        format!("argument {} of `{name}` must be", i + 1)
                    });
                }
                NUM
            }
            Func::Coalesce => self.same_type(name, args, 0),
            Func::If => match args {
                [cond, _, _] => {
                    self.want(*cond, ValueType::Bool, || {
                        "the condition of `if` must be".into()
                    });
                    self.same_type(name, args, 1)
                }
                _ => None,
            },
        }
    }

    /// Requires `args[from..]` to share one type (the first known one), which is the result.
    fn same_type(&mut self, name: &str, args: &[Operand], from: usize) -> Option<ValueType> {
        let rest = args.get(from..).unwrap_or(&[]);
        let first = rest.iter().find_map(|a| a.ty);
        let mut consistent = true;
        if let Some(ty) = first {
            for a in rest {
                if let Some(other) = a.ty
                    && other != ty
                {
                    consistent = false;
                    self.problem(
                        a.start,
                        format!(
                            "the results of `{name}` must all have one type, but this is a \
                             {other} where the first is a {ty}"
                        ),
                    );
                }
            }
        }
        if consistent { first } else { None }
    }
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::{MapResolver, lexer::lex, parser::parse};

    fn problems(src: &str, expected: ValueType) -> Vec<(&'static str, u32, u32, Option<String>)> {
        let r = MapResolver::new([
            ("due", ValueType::Number),
            ("closed_on_time", ValueType::Number),
            ("lead.signed", ValueType::Number),
            ("flag", ValueType::Bool),
        ]);
        let tokens = lex(src).unwrap();
        let nodes = parse(src, &tokens).unwrap();
        match check(src, &nodes, &r, expected) {
            Ok(_) => vec![],
            Err(ps) => ps
                .into_iter()
                .map(|p| (p.code, p.line, p.column, p.suggestion))
                .collect(),
        }
    }

    const N: ValueType = ValueType::Number;
    const B: ValueType = ValueType::Bool;

    #[test]
    fn valid_formulas_pass() {
        for (src, ty) in [
            ("closed_on_time / due", N),
            ("if(due > 0, closed_on_time / due, 1)", N),
            ("coalesce(flag, true) and not flag", B),
            ("flag == (due > 1)", B),
            ("clamp(-due, 0, 100%)", N),
        ] {
            assert_eq!(problems(src, ty), vec![], "{src}");
        }
    }

    #[test]
    fn unknown_names_suggest() {
        assert_eq!(
            problems("closed_on_tme / due", N),
            vec![(codes::UNKNOWN_NAME, 1, 1, Some("closed_on_time".into()))]
        );
        assert_eq!(
            problems("mn(due, 1)", N),
            vec![(codes::UNKNOWN_FUNCTION, 1, 1, Some("min".into()))]
        );
        assert_eq!(
            problems("min + 1", N),
            vec![(codes::UNKNOWN_NAME, 1, 1, None)]
        );
    }

    #[test]
    fn type_errors() {
        assert_eq!(problems("due + flag", N), vec![(codes::TYPE, 1, 7, None)]);
        assert_eq!(problems("-(due > 1)", N), vec![(codes::TYPE, 1, 2, None)]);
        assert_eq!(problems("due and flag", B), vec![(codes::TYPE, 1, 1, None)]);
        assert_eq!(problems("not due", B), vec![(codes::TYPE, 1, 5, None)]);
        assert_eq!(problems("due == flag", B), vec![(codes::TYPE, 1, 5, None)]);
        assert_eq!(
            problems("if(due, 1, 2)", N),
            vec![(codes::TYPE, 1, 4, None)]
        );
        assert_eq!(
            problems("if(flag, 1, flag)", N),
            vec![(codes::TYPE, 1, 13, None)]
        );
        assert_eq!(
            problems("coalesce(due, flag)", N),
            vec![(codes::TYPE, 1, 15, None)]
        );
        assert_eq!(problems("due > 1", N), vec![(codes::TYPE, 1, 1, None)]);
        assert_eq!(problems("  due", B), vec![(codes::TYPE, 1, 3, None)]);
    }

    #[test]
    fn arity_errors() {
        assert_eq!(problems("min(due)", N), vec![(codes::ARITY, 1, 1, None)]);
        assert_eq!(
            problems("clamp(due, 1)", N),
            vec![(codes::ARITY, 1, 1, None)]
        );
        assert_eq!(
            problems("1 + if(flag, 1)", N),
            vec![(codes::ARITY, 1, 5, None)]
        );
        assert_eq!(problems("coalesce()", N), vec![(codes::ARITY, 1, 1, None)]);
    }

    #[test]
    fn everything_is_reported_without_cascades() {
        let got = problems("min(x) + (flag * y) + lead.sgned", N);
        assert_eq!(
            got,
            vec![
                (codes::ARITY, 1, 1, None),
                (codes::UNKNOWN_NAME, 1, 5, None),
                (codes::TYPE, 1, 11, None),
                (codes::UNKNOWN_NAME, 1, 18, None),
                (codes::UNKNOWN_NAME, 1, 23, Some("lead.signed".into())),
            ]
        );
    }
}
