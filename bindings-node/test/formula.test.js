'use strict'
// The Formula export: the scheme formula language compiled against a vocabulary and evaluated on
// JavaScript values (the shared vectors run in vectors.test.js).
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const rates = { closed_on_time: 'number', due: 'number' }

test('a formula compiles once and evaluates exact decimals, with no data for null', () => {
  const rate = new hs.Formula('closed_on_time / due', rates)
  assert.ok(rate instanceof hs.Formula)
  assert.equal(rate.source, 'closed_on_time / due')
  // 3593 / 4000 = 0.89825 exactly; numbers and decimal strings are both accepted.
  assert.equal(rate.eval({ closed_on_time: 3593, due: '4000' }), '0.89825')
  assert.equal(rate.eval({ closed_on_time: '3593', due: 4000 }), '0.89825')
  // Division by zero, a missing name, null and undefined are no data, never NaN.
  assert.equal(rate.eval({ closed_on_time: 1, due: 0 }), null)
  assert.equal(rate.eval({ due: 1 }), null)
  assert.equal(rate.eval({ closed_on_time: null, due: 1 }), null)
  assert.equal(rate.eval({ closed_on_time: undefined, due: 1 }), null)
  // Names not in the vocabulary are ignored.
  assert.equal(rate.eval({ closed_on_time: 1, due: 4, other: 'x' }), '0.25')
  // Only the object's own properties are values: `constructor` of Object.prototype is missing,
  // so no data (it was the prototype's function, an invalid_argument).
  const inherited = new hs.Formula('coalesce(constructor, 1)', { constructor: 'number' })
  assert.equal(inherited.eval({}), '1')
  assert.equal(inherited.eval({ constructor: 5 }), '5')
  // Numbers are read as their shortest decimal text, so binary floating point does not leak in.
  const sum = new hs.Formula('a + b', { a: 'number', b: 'number' })
  assert.equal(sum.eval({ a: 0.1, b: 0.2 }), '0.3')
  assert.equal(sum.eval({ a: '0.1000000000000000000000000001', b: 0 }), '0.1000000000000000000000000001')
  assert.equal(sum.eval({ a: '2.50', b: '0.50' }), '3')
  assert.equal(sum.eval({ a: -0, b: 0 }), '0')
  assert.equal(sum.eval({ a: 1e21, b: 1 }), '1000000000000000000001')
  // Exponents are read exactly; a digit that would have to be rounded away is an error.
  assert.equal(sum.eval({ a: '1E+3', b: '2.5e1' }), '1025')
  assert.throws(() => sum.eval({ a: '0.12345678901234567890123456789', b: 0 }), { code: 'invalid_argument', field: 'a' })
})

test('conditions: result bool, three-valued logic, values of the other type are no data', () => {
  const fail = new hs.Formula('rank_from_bottom <= 3 and not grade_fail', { rank_from_bottom: 'number', grade_fail: 'bool' }, { result: 'bool' })
  assert.equal(fail.eval({ rank_from_bottom: 2, grade_fail: false }), true)
  assert.equal(fail.eval({ rank_from_bottom: 4, grade_fail: false }), false)
  // false and unknown is false; true and unknown is unknown.
  assert.equal(fail.eval({ rank_from_bottom: 4 }), false)
  assert.equal(fail.eval({ rank_from_bottom: 2 }), null)
  // A boolean for a number (or the other way round) is no data, as a scheme would see it.
  assert.equal(fail.eval({ rank_from_bottom: true, grade_fail: false }), null)
  assert.equal(fail.eval({ rank_from_bottom: 2, grade_fail: 0 }), null)
  assert.equal(new hs.Formula('coalesce(x, 7)', { x: 'number' }, { result: 'number' }).eval({}), '7')
  assert.equal(new hs.Formula('1', {}, {}).eval({}), '1')
})

test('an invalid formula throws formula_invalid with every problem, positioned', () => {
  assert.throws(() => new hs.Formula('closed_on_tme / du', rates), (err) => {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'formula_invalid')
    assert.deepEqual([err.line, err.column], [1, 1])
    assert.deepEqual(err.problems.map(({ message, ...p }) => p), [
      { code: 'formula_unknown_name', line: 1, column: 1, suggestion: 'closed_on_time' },
      { code: 'formula_unknown_name', line: 1, column: 17, suggestion: 'due' }
    ])
    assert.ok(err.problems.every((p) => p.message.includes('unknown name')))
    assert.match(err.message, /1:1: .*closed_on_tme.*; 1:17: .*du/)
    return true
  })
  // The result type is checked: a condition is not a number, a number is not a condition.
  assert.throws(() => new hs.Formula('closed_on_time > due', rates), (err) =>
    err.code === 'formula_invalid' && err.problems.length === 1 && err.problems[0].code === 'formula_type')
  assert.throws(() => new hs.Formula('closed_on_time', rates, { result: 'bool' }), (err) =>
    err.code === 'formula_invalid' && err.problems[0].code === 'formula_type' && err.line === 1 && err.column === 1)
  // Positions count lines and characters.
  assert.throws(() => new hs.Formula('closed_on_time /\n  （due）', rates), (err) =>
    err.code === 'formula_invalid' && err.line === 2 && err.column === 3)
})

test('arguments the binding cannot read throw invalid_argument naming them', () => {
  const rate = new hs.Formula('closed_on_time / due', rates)
  const bad = (fn, field) => assert.throws(fn, { code: 'invalid_argument', field })
  bad(() => new hs.Formula('1', {}, { result: 'text' }), 'result')
  bad(() => new hs.Formula('x', { x: 'decimal' }), 'x')
  bad(() => new hs.Formula('x', { x: 1 }), 'x')
  bad(() => new hs.Formula('x', 'x'), 'names')
  bad(() => new hs.Formula('x', ['number']), 'names')
  bad(() => new hs.Formula('x', null), 'names')
  bad(() => rate.eval(null), 'values')
  bad(() => rate.eval([1, 2]), 'values')
  bad(() => rate.eval({ closed_on_time: NaN, due: 1 }), 'closed_on_time')
  bad(() => rate.eval({ closed_on_time: 1, due: Infinity }), 'due')
  bad(() => rate.eval({ closed_on_time: 'lots', due: 1 }), 'closed_on_time')
  bad(() => rate.eval({ closed_on_time: 1e-30, due: 1 }), 'closed_on_time') // 30 decimals: not exact in 28 digits
  bad(() => rate.eval({ closed_on_time: 10n, due: 1 }), 'closed_on_time')
  bad(() => rate.eval({ closed_on_time: {}, due: 1 }), 'closed_on_time')
})
