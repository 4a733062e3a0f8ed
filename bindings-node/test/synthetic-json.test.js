'use strict'
// A synthetic city scored end to end gives the Rust core's bytes
// (tests/vectors/json/synthetic.json, written by core/tests/synthetic.rs).
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')
const { readVector } = require('./support')

test('a small synthetic city scores to the Rust bytes', async () => {
  const rust = readVector('json', 'synthetic.json').outputs
  assert.deepEqual(Object.keys(rust), ['sanmenxia'])
  const city = hs.syntheticCitySync({ seed: 7, days: 14, units: 12, ticketsPerDay: 60 })
  for (const [preset, text] of Object.entries(rust)) {
    const scheme = hs.Scheme.preset(preset)
    const options = { units: city.units, asOf: city.asOf }
    assert.equal(hs.scoreJsonSync(city.tickets, scheme, options), text, `${preset}: not the Rust core's bytes`)
    assert.equal(await hs.scoreJson(city.tickets, scheme, options), text, `${preset} (async): not the Rust core's bytes`)
    // A real scoring, not an empty table: every unit ranked with components.
    const doc = JSON.parse(text)
    assert.equal(doc.units.length, 12)
    assert.ok(doc.units.every((u) => u.components.length > 0))
  }
})
