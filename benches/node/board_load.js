'use strict'
// Node benchmark (BENCHMARKS.md, "Board"): loading a quarter into a `Board` in one call,
// `board.ingestTicketsSync(tickets)`, of the synthetic city (90 days, 300 units, `sanmenxia`)
// loaded with `fromColumns` (the compact batch), at several sizes; then `board.warnings` on
// 2026-03-12, 20 days before the quarter ends — a query in the past for a board holding the
// whole quarter. The warnings are checked against batch `scheme.periodWarnings`.
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 benches/node/board_load.js [tickets=100000,400000,1000000]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const sizes = (process.argv[2] ?? '100000,400000,1000000').split(',').map(Number)
const warnAt = '2026-03-12T00:00:00+08:00'
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(2)

for (const target of sizes) {
  const city = hs.syntheticCitySync({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798), units: 300 })
  const columns = city.tickets.toColumns({ packed: true })
  const events = columns.events.at.length
  const tickets = hs.Tickets.fromColumnsSync(columns)
  const scheme = hs.Scheme.preset('sanmenxia')
  const board = new hs.Board({ scheme, units: city.units })
  let t = performance.now()
  board.ingestTicketsSync(tickets)
  const load = (performance.now() - t) / 1000
  console.log(`ingestTicketsSync of ${tickets.length} tickets: ${load.toFixed(2)} s (${(load / events * 1e6).toFixed(2)} µs per event)`)
  t = performance.now()
  const warnings = board.warnings(warnAt)
  console.log(`  warnings on ${warnAt.slice(0, 10)}: ${seconds(t)} s (${warnings.length} units warned)`)
  const batch = scheme.periodWarningsSync(new hs.Evaluator(city.units), tickets, { asOf: warnAt })
  assert.deepEqual(warnings, batch)
}
