//! Property tests of the formula language: random well-typed expressions agree with a
//! straightforward recursive reference evaluator, and no input panics the compiler or the VM.

// Test code: failing loudly on malformed vectors is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::formula::{Formula, MapResolver, Value, ValueType, codes};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;

const NUM_SLOTS: usize = 4;
const BOOL_SLOTS: usize = 2;

/// An expression tree (the reference's view of a formula).
#[derive(Debug, Clone)]
enum E {
    Num(Decimal, bool),
    Bool(bool),
    NumVar(usize),
    BoolVar(usize),
    Neg(Box<E>),
    Not(Box<E>),
    Bin(&'static str, Box<E>, Box<E>),
    Call(&'static str, Vec<E>),
}

/// Builds well-typed trees from a list of random choices (0 once the list runs out).
struct Builder {
    choices: Vec<u32>,
    next: usize,
}

impl Builder {
    fn pick(&mut self, n: u32) -> u32 {
        let c = self.choices.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        c % n
    }

    fn number(&mut self, depth: u32) -> E {
        if depth == 0 || self.pick(10) < 3 {
            return match self.pick(3) {
                0 => {
                    let mantissa = i64::from(self.pick(100_000));
                    let percent = self.pick(4) == 0;
                    // A percent literal's value is the written number divided by 100.
                    let scale = self.pick(6) + if percent { 2 } else { 0 };
                    E::Num(Decimal::new(mantissa, scale), percent)
                }
                _ => E::NumVar(self.pick(NUM_SLOTS as u32) as usize),
            };
        }
        let d = depth - 1;
        match self.pick(8) {
            0 => E::Neg(Box::new(self.number(d))),
            1..=3 => {
                let op = ["+", "-", "*", "/"][self.pick(4) as usize];
                E::Bin(op, Box::new(self.number(d)), Box::new(self.number(d)))
            }
            4 => {
                let f = ["min", "max"][self.pick(2) as usize];
                let n = 2 + self.pick(3);
                E::Call(f, (0..n).map(|_| self.number(d)).collect())
            }
            5 => E::Call(
                "clamp",
                vec![self.number(d), self.number(d), self.number(d)],
            ),
            6 => E::Call("if", vec![self.boolean(d), self.number(d), self.number(d)]),
            _ => {
                let n = 2 + self.pick(2);
                E::Call("coalesce", (0..n).map(|_| self.number(d)).collect())
            }
        }
    }

    fn boolean(&mut self, depth: u32) -> E {
        if depth == 0 || self.pick(10) < 3 {
            return match self.pick(3) {
                0 => E::Bool(self.pick(2) == 0),
                _ => E::BoolVar(self.pick(BOOL_SLOTS as u32) as usize),
            };
        }
        let d = depth - 1;
        match self.pick(7) {
            0 => E::Not(Box::new(self.boolean(d))),
            1 | 2 => {
                let op = ["and", "or"][self.pick(2) as usize];
                E::Bin(op, Box::new(self.boolean(d)), Box::new(self.boolean(d)))
            }
            3 | 4 => {
                let op = ["<", "<=", ">", ">=", "==", "!="][self.pick(6) as usize];
                E::Bin(op, Box::new(self.number(d)), Box::new(self.number(d)))
            }
            5 => {
                let op = ["==", "!="][self.pick(2) as usize];
                E::Bin(op, Box::new(self.boolean(d)), Box::new(self.boolean(d)))
            }
            _ => match self.pick(2) {
                0 => E::Call(
                    "if",
                    vec![self.boolean(d), self.boolean(d), self.boolean(d)],
                ),
                _ => E::Call("coalesce", vec![self.boolean(d), self.boolean(d)]),
            },
        }
    }
}

/// Binding strength as documented: or 1, and 2, not 3, comparison 4, + - 5, * / 6, unary - 7,
/// atoms 9.
fn prec(e: &E) -> u8 {
    match e {
        E::Bin(op, ..) => match *op {
            "or" => 1,
            "and" => 2,
            "+" | "-" => 5,
            "*" | "/" => 6,
            _ => 4,
        },
        E::Not(_) => 3,
        E::Neg(_) => 7,
        _ => 9,
    }
}

/// Renders with the fewest parentheses the documented grammar needs, plus extra ones where
/// `extra` says so.
fn render(e: &E, extra: &mut impl FnMut() -> bool, out: &mut String) {
    let wrap = extra();
    if wrap {
        out.push('(');
    }
    match e {
        E::Num(d, percent) => {
            if *percent {
                let mut shown = *d;
                shown.set_scale(d.scale() - 2).unwrap();
                out.push_str(&format!("{shown}%"));
            } else {
                out.push_str(&d.to_string());
            }
        }
        E::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        E::NumVar(i) => out.push_str(&format!("n{i}")),
        E::BoolVar(i) => out.push_str(&format!("b.{i}")),
        E::Neg(x) => {
            out.push_str("- ");
            child(x, prec(x) < 7, extra, out);
        }
        E::Not(x) => {
            out.push_str("not ");
            child(x, prec(x) < 3, extra, out);
        }
        E::Bin(op, a, b) => {
            let p = prec(e);
            let (left, right) = if p == 4 {
                (prec(a) <= 4, prec(b) <= 4)
            } else {
                (prec(a) < p, prec(b) <= p)
            };
            child(a, left, extra, out);
            out.push_str(&format!(" {op} "));
            child(b, right, extra, out);
        }
        E::Call(f, args) => {
            out.push_str(f);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(a, extra, out);
            }
            out.push(')');
        }
    }
    if wrap {
        out.push(')');
    }
}

fn child(e: &E, parens: bool, extra: &mut impl FnMut() -> bool, out: &mut String) {
    if parens {
        out.push('(');
    }
    render(e, extra, out);
    if parens {
        out.push(')');
    }
}

/// The reference: a direct recursive reading of the documented semantics.
fn reference(e: &E, nums: &[Option<Decimal>], bools: &[Option<bool>]) -> Value {
    use Value::{Bool as B, NoData, Number as N};
    let num = |e: &E| reference(e, nums, bools).as_number();
    let boolean = |e: &E| reference(e, nums, bools).as_bool();
    match e {
        E::Num(d, _) => N(*d),
        E::Bool(b) => B(*b),
        E::NumVar(i) => nums[*i].map_or(NoData, N),
        E::BoolVar(i) => bools[*i].map_or(NoData, B),
        E::Neg(x) => num(x).map_or(NoData, |v| N(-v)),
        E::Not(x) => boolean(x).map_or(NoData, |v| B(!v)),
        E::Bin(op, a, b) => match *op {
            "and" => match (boolean(a), boolean(b)) {
                (Some(false), _) | (_, Some(false)) => B(false),
                (Some(true), Some(true)) => B(true),
                _ => NoData,
            },
            "or" => match (boolean(a), boolean(b)) {
                (Some(true), _) | (_, Some(true)) => B(true),
                (Some(false), Some(false)) => B(false),
                _ => NoData,
            },
            "==" | "!=" => {
                let (x, y) = (reference(a, nums, bools), reference(b, nums, bools));
                if x.is_no_data() || y.is_no_data() {
                    NoData
                } else {
                    B((x == y) == (*op == "=="))
                }
            }
            _ => {
                let (Some(x), Some(y)) = (num(a), num(b)) else {
                    return NoData;
                };
                let arith = |r: Option<Decimal>| r.map_or(NoData, N);
                match *op {
                    "+" => arith(x.checked_add(y)),
                    "-" => arith(x.checked_sub(y)),
                    "*" => arith(x.checked_mul(y)),
                    "/" if y.is_zero() => NoData,
                    "/" => arith(x.checked_div(y)),
                    "<" => B(x.cmp(&y) == Ordering::Less),
                    "<=" => B(x <= y),
                    ">" => B(x > y),
                    ">=" => B(x >= y),
                    _ => unreachable!(),
                }
            }
        },
        E::Call(f, args) => {
            let vals: Vec<Value> = args.iter().map(|a| reference(a, nums, bools)).collect();
            match *f {
                "coalesce" => vals.into_iter().find(|v| !v.is_no_data()).unwrap_or(NoData),
                "if" => match vals[0] {
                    B(true) => vals[1],
                    B(false) => vals[2],
                    _ => NoData,
                },
                _ => {
                    let Some(ns) = vals
                        .iter()
                        .map(|v| v.as_number())
                        .collect::<Option<Vec<_>>>()
                    else {
                        return NoData;
                    };
                    match *f {
                        "min" => N(ns.iter().copied().min().unwrap()),
                        "max" => N(ns.iter().copied().max().unwrap()),
                        "clamp" => {
                            let (x, lo, hi) = (ns[0], ns[1], ns[2]);
                            N(if x < lo { lo } else { x }.min(hi))
                        }
                        _ => unreachable!(),
                    }
                }
            }
        }
    }
}

fn decimal_slot() -> impl Strategy<Value = Option<Decimal>> {
    prop_oneof![
        2 => Just(None),
        2 => Just(Some(Decimal::ZERO)),
        6 => (-1_000_000i64..1_000_000, 0u32..6).prop_map(|(m, s)| Some(Decimal::new(m, s))),
        1 => Just(Some(Decimal::MAX)),
        1 => Just(Some(Decimal::MIN)),
        1 => (any::<i64>(), 0u32..29).prop_map(|(m, s)| Some(Decimal::new(m, s))),
    ]
}

fn resolver() -> MapResolver {
    let nums = (0..NUM_SLOTS).map(|i| (format!("n{i}"), ValueType::Number));
    let bools = (0..BOOL_SLOTS).map(|i| (format!("b.{i}"), ValueType::Bool));
    MapResolver::new(nums.chain(bools))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compiled_formulas_agree_with_the_reference(
        choices in proptest::collection::vec(any::<u32>(), 0..120),
        parens in proptest::collection::vec(any::<bool>(), 0..64),
        want_bool in any::<bool>(),
        nums in proptest::collection::vec(decimal_slot(), NUM_SLOTS),
        bools in proptest::collection::vec(proptest::option::of(any::<bool>()), BOOL_SLOTS),
    ) {
        let mut b = Builder { choices, next: 0 };
        let (tree, ty) = if want_bool {
            (b.boolean(5), ValueType::Bool)
        } else {
            (b.number(5), ValueType::Number)
        };
        let mut flips = parens.into_iter();
        let mut extra = || flips.next().unwrap_or(false);
        let mut src = String::new();
        render(&tree, &mut extra, &mut src);

        let f = Formula::compile(&src, &resolver(), ty);
        prop_assert!(f.is_ok(), "{src}: {:?}", f.err());
        let f = f.unwrap();
        let mut slots: Vec<Value> = nums.iter().map(|n| Value::from(*n)).collect();
        slots.extend(bools.iter().map(|b| b.map_or(Value::NoData, Value::Bool)));
        let got = f.eval(&slots);
        let want = reference(&tree, &nums, &bools);
        prop_assert_eq!(got, want, "{}", src);
        if let Some(t) = got.value_type() {
            prop_assert_eq!(t, ty);
        }
        prop_assert!(f.slots_used().iter().all(|s| *s < NUM_SLOTS + BOOL_SLOTS));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let src = String::from_utf8_lossy(&bytes);
        check_any(&src);
    }

    #[test]
    fn random_token_soup_never_panics(
        picks in proptest::collection::vec(0usize..TOKENS.len(), 0..80),
    ) {
        let src: String = picks.iter().map(|&i| TOKENS[i]).collect::<Vec<_>>().join(" ");
        check_any(&src);
    }
}

const TOKENS: &[&str] = &[
    "(", "(", ")", ")", ",", "min", "max", "clamp", "if", "coalesce", "foo", "not", "and", "or",
    "-", "+", "*", "/", "<", "<=", "==", "!=", "n0", "n1", "b.0", "nn", "1", "0", "85%", "2.5",
    "true", "false", "\n", "%", "（", "=", "&&", ".", "1e5",
];

/// Compiles `src` both ways; any outcome is fine except a panic or an ill-formed problem.
fn check_any(src: &str) {
    let r = resolver();
    for ty in [ValueType::Number, ValueType::Bool] {
        match Formula::compile(src, &r, ty) {
            Ok(f) => {
                let slots = [
                    Value::Number(Decimal::ONE),
                    Value::NoData,
                    Value::Bool(true),
                ];
                let v = f.eval(&slots);
                assert!(v.value_type().is_none_or(|t| t == ty));
            }
            Err(problems) => {
                assert!(!problems.is_empty());
                let lines = u32::try_from(src.lines().count().max(1)).unwrap() + 1;
                let mut last = (0, 0);
                for p in &problems {
                    assert!(codes::ALL.contains(&p.code), "{p:?}");
                    assert!(p.line >= 1 && p.line <= lines && p.column >= 1, "{p:?}");
                    assert!(
                        (p.line, p.column) >= last,
                        "problems are ordered: {problems:?}"
                    );
                    last = (p.line, p.column);
                }
            }
        }
    }
}
