'use strict'
// The plain-JavaScript baseline of the Node benchmark (benches/node/plain.js) gives the same
// numbers as hotline-score on a synthetic city: what makes the benchmark a fair comparison.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hs = require('..')
const { scoreThreeRates, fromScores, dayOf } = require(path.join(__dirname, '..', '..', 'benches', 'node', 'plain.js'))

/** Working days of the PRC calendar as local day numbers (data a plain-JS service would load). */
function workingDays (cal, from, through) {
  const days = new Set()
  for (let t = hs.parseInstant(`${from}T12:00:00+08:00`); t <= hs.parseInstant(`${through}T12:00:00+08:00`); t += 86_400_000) {
    if (cal.isWorkday(t)) days.add(dayOf(t))
  }
  return days
}

test('the plain-JS three-rates baseline equals hotline-score', () => {
  const city = hs.syntheticCitySync({ days: 60, ticketsPerDay: 150, seed: 99 })
  const units = city.units.map((u) => ({ ...u, group: 'units' }))
  const period = { start: '2026-01-01T00:00:00+08:00', end: '2026-03-01T00:00:00+08:00', label: '2026-01..02' }
  const days = workingDays(hs.Calendar.prc(), '2025-12-25', '2026-12-31')
  for (const asOf of [city.asOf, hs.parseInstant('2026-02-10T15:00:00+08:00')]) {
    const mine = scoreThreeRates(city.tickets.toObjects(), { units, asOf, period, workingDays: days })
    const theirs = fromScores(hs.scoreSync(city.tickets, hs.Scheme.preset('three-rates'), { units, asOf, period }))
    assert.deepEqual(mine, theirs)
  }
})
