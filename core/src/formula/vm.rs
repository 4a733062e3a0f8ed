//! The stack VM: runs bytecode over slot values.
//!
//! One pass over the instructions, no jumps, no recursion, no panics (every stack access is
//! checked; an impossible underflow yields no data). The stack lives in a fixed array on the
//! Rust stack when the program needs at most 32 entries (the compiler computes the need), so a
//! typical evaluation allocates nothing.

use super::compile::Op;
use super::{Value, ValueType};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Evaluates `ops`, which need `max_stack` entries, over `slots`.
#[inline]
pub(crate) fn run(ops: &[Op], max_stack: usize, slots: &[Value]) -> Value {
    // A lone metric (most numerators and denominators) needs no stack, nor a call.
    if let [Op::Load { slot, ty }] = ops {
        return load(slots, *slot, *ty);
    }
    run_stack(ops, max_stack, slots)
}

/// [`run`] on a stack.
#[inline(never)]
fn run_stack(ops: &[Op], max_stack: usize, slots: &[Value]) -> Value {
    if max_stack <= 8 {
        exec(ops, &mut [Value::NoData; 8], slots)
    } else if max_stack <= 32 {
        exec(ops, &mut [Value::NoData; 32], slots)
    } else {
        exec(ops, &mut vec![Value::NoData; max_stack], slots)
    }
}

fn exec(ops: &[Op], buf: &mut [Value], slots: &[Value]) -> Value {
    let mut st = Stack { buf, len: 0 };
    for op in ops {
        let v = match *op {
            Op::Number(d) => Value::Number(d),
            Op::Bool(b) => Value::Bool(b),
            Op::Load { slot, ty } => load(slots, slot, ty),
            Op::Neg => match st.pop() {
                Value::Number(x) => Value::Number(unsigned_zero(-x)),
                _ => Value::NoData,
            },
            Op::Not => match st.pop() {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::NoData,
            },
            Op::Clamp => {
                let hi = st.pop();
                let lo = st.pop();
                let x = st.pop();
                match (x, lo, hi) {
                    (Value::Number(x), Value::Number(lo), Value::Number(hi)) => {
                        Value::Number(x.max(lo).min(hi))
                    }
                    _ => Value::NoData,
                }
            }
            Op::If => {
                let otherwise = st.pop();
                let then = st.pop();
                match st.pop() {
                    Value::Bool(true) => then,
                    Value::Bool(false) => otherwise,
                    _ => Value::NoData,
                }
            }
            binary => {
                let b = st.pop();
                let a = st.pop();
                apply(binary, a, b)
            }
        };
        st.push(v);
    }
    st.pop()
}

/// A sum of loads (`a`, `a + b − c`, …) of integer slots below 2^63, in `i64`: what [`run`]
/// computes then (exact integer decimals), without the stack; `None` for any other program or
/// value (the caller runs the program).
#[inline]
pub(crate) fn run_integer(ops: &[Op], slots: &[Value]) -> Option<i64> {
    let int = |op: &Op| match op {
        Op::Load {
            slot,
            ty: ValueType::Number,
        } => match slots.get(*slot) {
            Some(Value::Number(d)) if d.scale() == 0 => i64::try_from(d.mantissa()).ok(),
            _ => None,
        },
        _ => None,
    };
    let (first, rest) = ops.split_first()?;
    let mut sum = int(first)?;
    for pair in rest.chunks(2) {
        let [load, op] = pair else {
            return None;
        };
        let x = int(load)?;
        sum = match op {
            Op::Add => sum.checked_add(x)?,
            Op::Sub => sum.checked_sub(x)?,
            _ => return None,
        };
    }
    Some(sum)
}

/// Slot `slot` if it holds a value of type `ty`, else no data.
#[inline]
fn load(slots: &[Value], slot: usize, ty: ValueType) -> Value {
    match slots.get(slot) {
        Some(v) if v.value_type() == Some(ty) => *v,
        _ => Value::NoData,
    }
}

/// `a * b` with the VM's semantics (no data in, overflow or no data out; zero unsigned).
pub(crate) fn multiply(a: Value, b: Value) -> Value {
    apply(Op::Mul, a, b)
}

/// `a / b` with the VM's semantics (division by zero is no data; zero unsigned).
pub(crate) fn divide(a: Value, b: Value) -> Value {
    apply(Op::Div, a, b)
}

/// A two-operand instruction.
fn apply(op: Op, a: Value, b: Value) -> Value {
    match op {
        Op::Add => arith(a, b, Decimal::checked_add),
        Op::Sub => arith(a, b, Decimal::checked_sub),
        Op::Mul => arith(a, b, Decimal::checked_mul),
        // `checked_div` is `None` for a zero divisor as well as for overflow.
        Op::Div => arith(a, b, Decimal::checked_div),
        Op::Min => arith(a, b, |x, y| Some(x.min(y))),
        Op::Max => arith(a, b, |x, y| Some(x.max(y))),
        Op::Lt => compare(a, b, Ordering::is_lt),
        Op::Le => compare(a, b, Ordering::is_le),
        Op::Gt => compare(a, b, Ordering::is_gt),
        Op::Ge => compare(a, b, Ordering::is_ge),
        Op::Eq => equal(a, b).map_or(Value::NoData, Value::Bool),
        Op::Ne => equal(a, b).map_or(Value::NoData, |e| Value::Bool(!e)),
        // Kleene logic: a known `false` decides `and`, a known `true` decides `or`.
        Op::And => match (a, b) {
            (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
            (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
            _ => Value::NoData,
        },
        Op::Or => match (a, b) {
            (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
            (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
            _ => Value::NoData,
        },
        Op::Coalesce => match a {
            Value::NoData => b,
            known => known,
        },
        _ => Value::NoData,
    }
}

fn arith(a: Value, b: Value, f: impl Fn(Decimal, Decimal) -> Option<Decimal>) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            f(x, y).map_or(Value::NoData, |d| Value::Number(unsigned_zero(d)))
        }
        _ => Value::NoData,
    }
}

/// Zero without a minus sign (`-(0)` would otherwise print as `-0`).
fn unsigned_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// `d` as comparisons see it: rounded half away from zero to the scoring's guard places
/// ([`crate::scheme::GUARD_DECIMALS`], 20), as values and points are before they are rounded
/// for results. A division that does not terminate lands within 1e-26 of the exact quotient
/// (`1 / 3 * 60` is 19.999…98, not 20): compared as it is, `closed_on_time / due * 60 >= 20`
/// failed a unit whose rate is exactly 20 (a formula audit).
pub(crate) fn guarded(d: Decimal) -> Decimal {
    crate::scheme::half_away(d, crate::scheme::GUARD_DECIMALS)
}

fn compare(a: Value, b: Value, f: fn(Ordering) -> bool) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::Bool(f(guarded(x).cmp(&guarded(y)))),
        _ => Value::NoData,
    }
}

fn equal(a: Value, b: Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(guarded(x) == guarded(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        _ => None,
    }
}

/// A value stack over a fixed buffer.
struct Stack<'b> {
    buf: &'b mut [Value],
    len: usize,
}

impl Stack<'_> {
    fn push(&mut self, v: Value) {
        if let Some(cell) = self.buf.get_mut(self.len) {
            *cell = v;
            self.len += 1;
        }
    }

    fn pop(&mut self) -> Value {
        match self.len.checked_sub(1) {
            Some(top) => {
                self.len = top;
                self.buf.get(top).copied().unwrap_or(Value::NoData)
            }
            None => Value::NoData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(n: i64) -> Value {
        Value::Number(Decimal::from(n))
    }

    #[test]
    fn division_by_zero_and_overflow_are_no_data() {
        let ops = [Op::Number(Decimal::ONE), Op::Number(Decimal::ZERO), Op::Div];
        assert_eq!(run(&ops, 2, &[]), Value::NoData);
        let ops = [Op::Number(Decimal::MAX), Op::Number(Decimal::TWO), Op::Mul];
        assert_eq!(run(&ops, 2, &[]), Value::NoData);
        let ops = [Op::Number(Decimal::MAX), Op::Number(Decimal::ONE), Op::Add];
        assert_eq!(run(&ops, 2, &[]), Value::NoData);
    }

    #[test]
    fn loads_check_slot_and_type() {
        let n = ValueType::Number;
        let slots = [num(7), Value::Bool(true)];
        assert_eq!(run(&[Op::Load { slot: 0, ty: n }], 1, &slots), num(7));
        assert_eq!(
            run(&[Op::Load { slot: 1, ty: n }], 1, &slots),
            Value::NoData
        );
        assert_eq!(
            run(&[Op::Load { slot: 9, ty: n }], 1, &slots),
            Value::NoData
        );
    }

    #[test]
    fn malformed_programs_do_not_panic() {
        assert_eq!(run(&[], 0, &[]), Value::NoData);
        assert_eq!(run(&[Op::Add, Op::If, Op::Neg], 0, &[]), Value::NoData);
        let many = vec![Op::Number(Decimal::ONE); 100];
        assert_eq!(run(&many, 1, &[]), num(1));
    }

    #[test]
    fn zero_is_never_negative() {
        let zero = Decimal::new(0, 2);
        let v = run(&[Op::Number(zero), Op::Neg], 1, &[]);
        assert_eq!(
            v.as_number().map(|d| d.to_string()).as_deref(),
            Some("0.00")
        );
        let v = run(
            &[Op::Number(-Decimal::ONE), Op::Number(zero), Op::Mul],
            2,
            &[],
        );
        assert!(!v.as_number().unwrap().is_sign_negative());
        let v = run(&[Op::Number(-zero), Op::Number(zero), Op::Min], 2, &[]);
        assert!(!v.as_number().unwrap().is_sign_negative());
    }

    #[test]
    fn kleene_logic() {
        let (t, f, n) = (Value::Bool(true), Value::Bool(false), Value::NoData);
        assert_eq!(apply(Op::And, f, n), f);
        assert_eq!(apply(Op::And, n, f), f);
        assert_eq!(apply(Op::And, t, n), n);
        assert_eq!(apply(Op::And, t, t), t);
        assert_eq!(apply(Op::Or, n, t), t);
        assert_eq!(apply(Op::Or, f, n), n);
        assert_eq!(apply(Op::Or, f, f), f);
    }

    #[test]
    fn sums_of_integer_loads_run_in_i64_as_the_vm_does() {
        let n = ValueType::Number;
        let slots = [
            num(7),
            num(5),
            Value::Number(Decimal::new(15, 1)),
            Value::NoData,
        ];
        let load = |slot| Op::Load { slot, ty: n };
        let sum = [load(0), load(1), Op::Sub, load(0), Op::Add];
        assert_eq!(run_integer(&sum, &slots), Some(9));
        assert_eq!(run(&sum, 2, &slots), num(9));
        assert_eq!(run_integer(&[load(0)], &slots), Some(7));
        // Fractions, no data, other operations and overflow are left to the VM.
        for ops in [
            vec![load(2)],
            vec![load(3)],
            vec![load(0), load(1), Op::Mul],
            vec![load(0), load(1)],
            vec![],
        ] {
            assert_eq!(run_integer(&ops, &slots), None);
        }
        let max = [Value::Number(Decimal::from(i64::MAX)), num(1)];
        assert_eq!(run_integer(&[load(0), load(1), Op::Add], &max), None);
    }

    #[test]
    fn large_stacks_use_the_heap_path() {
        let mut ops = vec![Op::Number(Decimal::ONE); 40];
        ops.extend(std::iter::repeat_n(Op::Add, 39));
        assert_eq!(run(&ops, 40, &[]), num(40));
    }
}
