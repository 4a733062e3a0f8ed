'use strict'
// Node benchmark (BENCHMARKS.md, "Node", flat rows): the flat tables of SPEC §3.2a as row
// objects, both ways: `tickets.toRows()` (one object per ticket and per event) and
// `Tickets.fromRowsSync(rows)` / `await Tickets.fromRows(rows)` (strict validation), checked to
// give back the same tickets (the same `toJson()` up to 400,000 tickets; above, where the JSON
// no longer fits a JavaScript string, the same count). Prints wall times per run and the
// process's peak resident memory.
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 --expose-gc benches/node/rows.js [tickets=100000] [runs=3]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const target = Number(process.argv[2] ?? 100_000)
const runs = Number(process.argv[3] ?? 3)
const log = (...a) => console.error(...a)

async function main () {
  const city = await hs.syntheticCity({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798) })
  const units = city.units
  const whole = city.tickets.length <= 400_000
  const expected = whole ? city.tickets.toJson() : undefined
  const same = (loaded) => {
    assert.equal(loaded.length, city.tickets.length)
    if (whole) assert.equal(loaded.toJson(), expected)
  }
  const times = { toRows: [], fromRowsSync: [], fromRows: [] }
  const timed = async (name, fn) => {
    globalThis.gc?.()
    const t = performance.now()
    const out = await fn()
    times[name].push(performance.now() - t)
    return out
  }
  let events = 0
  for (let i = 0; i < runs; i++) {
    const rows = await timed('toRows', () => city.tickets.toRows())
    events = rows.events.length
    const sync = await timed('fromRowsSync', () => hs.Tickets.fromRowsSync(rows, { units }))
    const async_ = await timed('fromRows', () => hs.Tickets.fromRows(rows, { units }))
    same(sync)
    same(async_)
    log(`  run ${i + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}`)
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`${city.tickets.length} tickets, ${events} event rows; median of ${runs} runs`)
  for (const [k, v] of Object.entries(times)) {
    console.log(`${k}: ${(median(v) / 1000).toFixed(2)} s (runs ${v.map((x) => (x / 1000).toFixed(2)).join(', ')})`)
  }
  console.log(`peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
