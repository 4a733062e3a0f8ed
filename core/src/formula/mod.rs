//! The formula language (SPEC §6.1): a small, safe expression language for indicator values,
//! warning conditions and sanction conditions.
//!
//! A formula is compiled once, when its scheme loads, against a [`Resolver`] that supplies the
//! names of its context; compilation checks names, arity and types and reports **every**
//! problem. The compiled [`Formula`] is bytecode over resolved slots, evaluated by a stack VM
//! that cannot loop, recurse or panic.
//!
//! ```
//! use hotline_score::formula::{Formula, MapResolver, Value, ValueType};
//! use rust_decimal::Decimal;
//!
//! let names = MapResolver::numbers(["closed_on_time", "due"]);
//! let f = Formula::compile("closed_on_time / due", &names, ValueType::Number).unwrap();
//! let slots = [Value::from(Decimal::from(3593)), Value::from(Decimal::from(4000))];
//! assert_eq!(f.eval(&slots), Value::Number(Decimal::new(89825, 5)));
//! // Division by zero is "no data", never NaN, infinity or a panic.
//! assert_eq!(f.eval(&[Value::from(Decimal::ZERO), Value::from(Decimal::ZERO)]), Value::NoData);
//!
//! let problems = Formula::compile("closed_on_tme / due", &names, ValueType::Number).unwrap_err();
//! assert_eq!(problems[0].code, "formula_unknown_name");
//! assert_eq!(problems[0].suggestion.as_deref(), Some("closed_on_time"));
//! ```
//!
//! # Grammar
//!
//! ```text
//! formula  = expr
//! expr     = or
//! or       = and { "or" and }
//! and      = not { "and" not }
//! not      = "not" not | cmp
//! cmp      = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]     (comparisons do not chain)
//! sum      = product { ("+" | "-") product }
//! product  = unary { ("*" | "/") unary }
//! unary    = "-" unary | primary                                     (`- not x` is an error)
//! primary  = number | "true" | "false" | name | name "(" [ expr { "," expr } ] ")" | "(" expr ")"
//! number   = digits [ "." digits ] [ "%" ]
//! name     = word { "." word }        word = (letter | "_") { letter | digit | "_" }
//! ```
//!
//! Binary operators are left-associative. Precedence, loosest first: `or` < `and` < `not` <
//! comparisons < `+ -` < `* /` < unary `-`. Because `not` is looser than comparisons,
//! `not a < b` means `not (a < b)`, and a `not` directly inside a tighter operator must be put
//! in parentheses (`a == (not b)`), as in Python.
//!
//! * **Numbers** are exact decimals ([`rust_decimal::Decimal`], 28 significant digits); a literal
//!   that does not fit exactly is an error, never rounded. `85%` is `0.85` (exactly: the scale
//!   grows by two). Write `0.5`, not `.5`; no exponents.
//! * **Names** are what the context's [`Resolver`] knows: base metrics (`closed_on_time`), role
//!   qualified metrics (`lead.signed`, `assisting.replied`), external metrics
//!   (`ext.mystery_calls`), or condition variables (`rank_from_bottom`, `streak`). Letters of any
//!   script are allowed, so `ext.实例拨测` is a name. Names are case-sensitive. The words `and`,
//!   `or`, `not`, `true` and `false` are reserved.
//! * Whitespace, including line breaks, separates tokens and is otherwise ignored.
//!
//! # Types
//!
//! Every expression is statically a number or a boolean ([`ValueType`]); the formula as a whole
//! must have the type its context expects (a number for an indicator value, a boolean for a
//! condition).
//!
//! | operator / function | operands | result |
//! |---|---|---|
//! | `+ - * /`, unary `-` | numbers | number |
//! | `< <= > >=` | numbers | boolean |
//! | `== !=` | two numbers or two booleans | boolean |
//! | `and or not` | booleans | boolean |
//! | `min(a, b, …)`, `max(a, b, …)` | ≥ 2 numbers | number |
//! | `clamp(x, lo, hi)` | 3 numbers | number: `min(max(x, lo), hi)` (so `hi` wins if `lo > hi`) |
//! | `if(cond, a, b)` | boolean, then two of one type | that type |
//! | `coalesce(a, b, …)` | ≥ 2 of one type | that type: the first that has data |
//!
//! # No data
//!
//! A value may be [`Value::NoData`]: a metric the caller has no value for (a slot that is
//! missing or holds the wrong type), or the result of an operation that has no answer.
//!
//! * Division by zero is no data. So is any arithmetic overflow (checked decimal operations);
//!   results are never NaN or infinite, and nothing panics.
//! * Arithmetic, comparisons, `min`, `max` and `clamp` propagate no data: if any operand has no
//!   data, so does the result. `min` and `max` do **not** skip missing values — silently
//!   dropping a missing metric would hide it; write `min(coalesce(a, b), b)` to skip explicitly.
//! * `coalesce(a, b, …)` is the first operand that has data (no data if none has).
//! * `if(cond, a, b)` is `a` or `b` according to `cond`, and no data when `cond` has none.
//! * `and`, `or`, `not` use three-valued (Kleene, SQL) logic: `false and ?` is `false`,
//!   `true or ?` is `true`, otherwise an unknown operand makes the result unknown; `not ?` is `?`.
//! * `==` and `!=` with a missing operand are no data (not `false`).
//!
//! All operands are evaluated (there are no side effects), so an unused `if` branch that divides
//! by zero is harmless.
//!
//! # Limits
//!
//! * At most 4 KiB (4096 bytes of UTF-8) of source, checked before anything else.
//! * At most 64 nested parentheses, counting grouping and function-call parentheses alike
//!   (`((x))` and `min(max(x, 1), 2)` both nest 2 deep). Long flat chains such as a sum of many
//!   terms are not limited by depth. The parser's recursion is bounded by the depth, so no input
//!   can overflow the stack.
//!
//! # Problems
//!
//! [`Formula::compile`] returns every [`Problem`] it finds, ordered by position, each with a
//! stable code from [`codes`], a 1-based line and column (in characters) within the formula
//! source, and a suggestion where one is plausible. Lexical problems are all reported; the first
//! syntax error stops parsing; in a syntactically valid formula every name, arity and type
//! problem is reported (an operand already in error does not cause follow-up problems).
//!
//! | code | meaning |
//! |---|---|
//! | `formula_syntax` | unexpected character or token, empty formula, chained comparison, misplaced `not` (suggestions for `=`, `&&`, `||`, `!`, `≤`, full-width `（），`) |
//! | `formula_unclosed_paren` | a `(` never closed — reported at the `(` |
//! | `formula_trailing_input` | input after a complete expression (`a b`, `a)`; suggests `and` for `AND`) |
//! | `formula_bad_number` | a literal that is not an exact decimal |
//! | `formula_unknown_name` | a name the context does not know ("did you mean …" by edit distance) |
//! | `formula_unknown_function` | a function other than `min max clamp if coalesce` |
//! | `formula_arity` | a function given the wrong number of arguments — at the function name |
//! | `formula_type` | an operand of the wrong type (at the operand), `==` across types (at the operator), `if`/`coalesce` branches of different types, or a result type other than expected (at the start of the formula) |
//! | `formula_too_deep` | the 65th nested `(` — at that parenthesis |
//! | `formula_too_long` | more than 4 KiB of source — at line 1, column 1 |

mod check;
mod compile;
mod lexer;
mod parser;
mod problem;
mod resolver;
pub(crate) mod suggest;
mod value;
mod vm;

pub use parser::MAX_DEPTH;
pub use problem::{Problem, codes};
pub use resolver::{MapResolver, Resolver};
pub use value::{Value, ValueType};
pub(crate) use vm::{divide, guarded, multiply};

/// Maximum formula source length in bytes (4 KiB).
pub const MAX_LEN: usize = 4096;

/// A compiled formula: bytecode over resolved slots, ready to evaluate many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    source: String,
    ops: Vec<compile::Op>,
    max_stack: usize,
    slots: Vec<usize>,
    result: ValueType,
}

impl Formula {
    /// Compiles `src` against the names of `resolver`; the formula must have type `expected`.
    ///
    /// Returns every problem found (see the [module docs](self) for what stops early).
    pub fn compile(
        src: &str,
        resolver: &dyn Resolver,
        expected: ValueType,
    ) -> Result<Formula, Vec<Problem>> {
        if src.len() > MAX_LEN {
            return Err(vec![Problem {
                code: codes::TOO_LONG,
                message: format!(
                    "the formula is {} bytes long; the limit is {MAX_LEN} (4 KiB)",
                    src.len()
                ),
                line: 1,
                column: 1,
                suggestion: None,
            }]);
        }
        Self::compile_within(src, resolver, expected, MAX_DEPTH)
    }

    /// Compiles a formula the scheme loader writes around formulas that compiled on their own
    /// (`(num) * 100 / (den)`): the limits were applied to what the user wrote, so the length
    /// is not checked again and the wrapper's parentheses may nest one level deeper.
    pub(crate) fn compile_wrapped(
        src: &str,
        resolver: &dyn Resolver,
        expected: ValueType,
    ) -> Result<Formula, Vec<Problem>> {
        Self::compile_within(src, resolver, expected, MAX_DEPTH + 1)
    }

    fn compile_within(
        src: &str,
        resolver: &dyn Resolver,
        expected: ValueType,
        max_depth: u32,
    ) -> Result<Formula, Vec<Problem>> {
        let tokens = lexer::lex(src)?;
        let nodes = parser::parse_within(src, &tokens, max_depth).map_err(|p| vec![p])?;
        let steps = check::check(src, &nodes, resolver, expected)?;
        let program = compile::compile(&steps);
        Ok(Formula {
            source: src.to_string(),
            ops: program.ops,
            max_stack: program.max_stack,
            slots: program.slots,
            result: expected,
        })
    }

    /// Evaluates the formula; slot `i` of the resolver is `slots[i]`.
    ///
    /// A slot that is missing from `slots`, or holds a value of another type than the resolver
    /// declared, is no data. The result has the formula's type or is [`Value::NoData`].
    #[inline]
    pub fn eval(&self, slots: &[Value]) -> Value {
        vm::run(&self.ops, self.max_stack, slots)
    }

    /// The value when the formula is a sum of loads of integer slots below 2^63 (what
    /// [`Self::eval`] gives then, as an integer, without the VM); `None` otherwise.
    #[inline]
    pub(crate) fn eval_integer(&self, slots: &[Value]) -> Option<i64> {
        vm::run_integer(&self.ops, slots)
    }

    /// The slots the formula reads, ascending and without repeats (for explanations).
    pub fn slots_used(&self) -> &[usize] {
        &self.slots
    }

    /// The source text, as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The formula's type (the `expected` type it was compiled for).
    pub fn result_type(&self) -> ValueType {
        self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn compile_and_eval() {
        let r = MapResolver::new([
            ("lead.signed", ValueType::Number),
            ("due", ValueType::Number),
            ("flag", ValueType::Bool),
        ]);
        let f = Formula::compile(
            "clamp(25 - 1 * (100 - lead.signed / due * 100), 0, 25)",
            &r,
            ValueType::Number,
        )
        .unwrap();
        let slots = [Value::Number(d("3593")), Value::Number(d("4000"))];
        assert_eq!(f.eval(&slots), Value::Number(d("14.825")));
        assert_eq!(f.slots_used(), &[0, 1]);
        assert_eq!(f.result_type(), ValueType::Number);
        assert!(f.source().starts_with("clamp("));

        let g = Formula::compile("if(flag, due, 0)", &r, ValueType::Number).unwrap();
        assert_eq!(g.slots_used(), &[1, 2]);
        assert_eq!(g.eval(&slots), Value::NoData, "slot 2 is missing");
    }

    #[test]
    fn formula_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
        assert_send_sync::<Formula>();
    }

    #[test]
    fn too_long_is_checked_first() {
        let r = MapResolver::default();
        let big = "(".repeat(100 * 1024 * 1024);
        let p = Formula::compile(&big, &r, ValueType::Number).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].code, p[0].line, p[0].column), (codes::TOO_LONG, 1, 1));
        let ok = format!("1{}", " + 1".repeat((MAX_LEN - 1) / 4));
        assert!(ok.len() <= MAX_LEN);
        assert!(Formula::compile(&ok, &r, ValueType::Number).is_ok());
    }
}
