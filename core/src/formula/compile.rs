//! Compiler: checked postfix steps → bytecode for the stack VM, with the stack size it needs.
//!
//! The bytecode has no jumps, so evaluation runs each instruction once and cannot loop. Every
//! operand is evaluated (there are no side effects to skip); `if`, `and`, `or` and `coalesce`
//! choose among evaluated values. Variadic `min`, `max` and `coalesce` become chains of their
//! two-operand forms (all three are associative).

use super::ValueType;
use super::check::{Func, Step};
use super::parser::BinOp;
use rust_decimal::Decimal;

/// One VM instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Push a number.
    Number(Decimal),
    /// Push a boolean.
    Bool(bool),
    /// Push slot `slot` (no data if it is missing or not of type `ty`).
    Load {
        slot: usize,
        ty: ValueType,
    },
    Neg,
    Not,
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
    Min,
    Max,
    Coalesce,
    /// Pops hi, lo, x.
    Clamp,
    /// Pops else, then, condition.
    If,
}

impl Op {
    /// How many values the instruction pops and pushes.
    fn effect(self) -> (usize, usize) {
        match self {
            Op::Number(_) | Op::Bool(_) | Op::Load { .. } => (0, 1),
            Op::Neg | Op::Not => (1, 1),
            Op::Clamp | Op::If => (3, 1),
            _ => (2, 1),
        }
    }
}

/// Bytecode, the stack depth it needs and the slots it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Program {
    pub ops: Vec<Op>,
    pub max_stack: usize,
    pub slots: Vec<usize>,
}

/// Compiles checked steps.
pub(crate) fn compile(steps: &[Step]) -> Program {
    let mut ops = Vec::with_capacity(steps.len());
    for step in steps {
        match *step {
            Step::Number(d) => ops.push(Op::Number(d)),
            Step::Bool(b) => ops.push(Op::Bool(b)),
            Step::Load { slot, ty } => ops.push(Op::Load { slot, ty }),
            Step::Neg => ops.push(Op::Neg),
            Step::Not => ops.push(Op::Not),
            Step::Binary(op) => ops.push(binary(op)),
            Step::Call(func, argc) => {
                let (op, times) = match func {
                    Func::Min => (Op::Min, argc.saturating_sub(1)),
                    Func::Max => (Op::Max, argc.saturating_sub(1)),
                    Func::Coalesce => (Op::Coalesce, argc.saturating_sub(1)),
                    Func::Clamp => (Op::Clamp, 1),
                    Func::If => (Op::If, 1),
                };
                ops.extend(std::iter::repeat_n(op, times));
            }
        }
    }
    let mut depth = 0usize;
    let mut max_stack = 0usize;
    for op in &ops {
        let (pop, push) = op.effect();
        depth = depth.saturating_sub(pop) + push;
        max_stack = max_stack.max(depth);
    }
    let mut slots: Vec<usize> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Load { slot, .. } => Some(*slot),
            _ => None,
        })
        .collect();
    slots.sort_unstable();
    slots.dedup();
    Program {
        ops,
        max_stack,
        slots,
    }
}

fn binary(op: BinOp) -> Op {
    match op {
        BinOp::Add => Op::Add,
        BinOp::Sub => Op::Sub,
        BinOp::Mul => Op::Mul,
        BinOp::Div => Op::Div,
        BinOp::Lt => Op::Lt,
        BinOp::Le => Op::Le,
        BinOp::Gt => Op::Gt,
        BinOp::Ge => Op::Ge,
        BinOp::Eq => Op::Eq,
        BinOp::Ne => Op::Ne,
        BinOp::And => Op::And,
        BinOp::Or => Op::Or,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variadics_become_chains_and_the_stack_is_sized() {
        let n = ValueType::Number;
        let steps = [
            Step::Load { slot: 3, ty: n },
            Step::Load { slot: 1, ty: n },
            Step::Number(Decimal::ONE),
            Step::Load { slot: 3, ty: n },
            Step::Call(Func::Min, 4),
        ];
        let p = compile(&steps);
        assert_eq!(
            p.ops[4..],
            [Op::Min, Op::Min, Op::Min],
            "min of 4 is three pairwise mins"
        );
        assert_eq!(p.max_stack, 4);
        assert_eq!(p.slots, vec![1, 3]);
    }
}
