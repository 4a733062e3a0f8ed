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
