'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

test('the same instant written in two offsets', () => {
  const a = hs.parseInstant('2026-03-09T01:00:00Z')
  const b = hs.parseInstant('2026-03-09T09:00:00+08:00')
  assert.equal(a, b)
  assert.equal(a, 1773018000000)
  assert.equal(hs.formatInstant(a), '2026-03-09T09:00:00+08:00')
})

test('a timestamp without offset throws with the core code', () => {
  assert.throws(() => hs.parseInstant('2026-03-09T09:00:00'), (err) => {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'missing_offset')
    assert.match(err.message, /\+08:00/)
    return true
  })
})

test('parseAmount gives the canonical form of an amount', () => {
  // Minutes that make whole hours are written in hours; other amounts keep their unit.
  assert.equal(hs.parseAmount('120m'), '2h')
  assert.equal(hs.parseAmount('1440m'), '24h')
  assert.equal(hs.parseAmount('90m'), '90m')
  assert.equal(hs.parseAmount('30m'), '30m')
  assert.equal(hs.parseAmount('2h'), '2h')
  assert.equal(hs.parseAmount(' 24h '), '24h')
  assert.equal(hs.parseAmount('2wh'), '2wh')
  assert.equal(hs.parseAmount('3wd'), '3wd')
  assert.equal(hs.parseAmount('0m'), '0h')
  // The canonical form reads back to itself.
  for (const a of ['120m', '90m', '2wh', '3wd']) assert.equal(hs.parseAmount(hs.parseAmount(a)), hs.parseAmount(a))
  assert.throws(() => hs.parseAmount('1.5h'), { code: 'invalid_amount' })
  assert.throws(() => hs.parseAmount('5 days'), { code: 'invalid_amount' })
})
