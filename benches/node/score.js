'use strict'
// Node benchmark (BENCHMARKS.md, "Node"): score ~1,000,000 synthetic tickets with the
// `three-rates` scheme (Henan time limits, PRC calendar) four ways, checking they agree:
//
//   plain JS         benches/node/plain.js over ticket objects (the baseline)
//   objects          Tickets.fromObjects(objects) + score()
//   columnar         Tickets.fromColumns(typed arrays + dictionaries) + score(), with the
//                    dictionaries as arrays of strings and as packed strings (Arrow utf8 layout)
//   loaded           score() on Tickets already loaded (re-scoring at another as_of)
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 benches/node/score.js [tickets=1000000] [runs=3]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))
const { scoreThreeRates, fromScores, dayOf } = require('./plain.js')

const target = Number(process.argv[2] ?? 1_000_000)
const runs = Number(process.argv[3] ?? 3)
const log = (...a) => console.error(...a)

/** Wall time and process CPU time (all threads: JavaScript, libuv workers, GC) per run. */
async function time (label, fn) {
  const wall = []
  const cpu = []
  let out
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.()
    const c = process.cpuUsage()
    const t = performance.now()
    out = await fn()
    wall.push(performance.now() - t)
    const d = process.cpuUsage(c)
    cpu.push((d.user + d.system) / 1000)
    log(`  ${label} run ${i + 1}: wall ${wall.at(-1).toFixed(0)} ms, cpu ${cpu.at(-1).toFixed(0)} ms`)
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  return { median: median(wall), cpu: median(cpu), out }
}

async function main () {
  let t = performance.now()
  // 90 days of the default city; ticketsPerDay chosen for about `target` tickets.
  const city = await hs.syntheticCity({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798) })
  const tickets = city.tickets
  log(`generated ${tickets.length} tickets in ${(performance.now() - t).toFixed(0)} ms`)
  const units = city.units.map((u) => ({ ...u, group: 'units' })) // three-rates has one group
  const scheme = hs.Scheme.preset('three-rates')
  const period = { start: '2026-01-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: '2026-Q1' }
  const asOf = city.asOf
  const options = { units, asOf, period }

  // Inputs, prepared outside the timings.
  t = performance.now()
  const objects = tickets.toObjects()
  log(`ticket objects in ${(performance.now() - t).toFixed(0)} ms`)
  t = performance.now()
  const columns = tickets.toColumns()
  const events = columns.events.at.length
  log(`columns (${events} events) in ${(performance.now() - t).toFixed(0)} ms`)
  t = performance.now()
  const packed = tickets.toColumns({ packed: true })
  log(`columns with packed dictionaries in ${(performance.now() - t).toFixed(0)} ms`)
  const cal = hs.Calendar.prc()
  const workingDays = new Set()
  for (let d = hs.parseInstant('2025-12-20T12:00:00+08:00'); d < hs.parseInstant('2026-12-31T12:00:00+08:00'); d += 86_400_000) {
    if (cal.isWorkday(d)) workingDays.add(dayOf(d))
  }

  const plain = await time('plain JS', () => scoreThreeRates(objects, { units, asOf, period, workingDays }))
  const viaObjects = await time('objects', async () => hs.score(await hs.Tickets.fromObjects(objects, { units }), scheme, options))
  const viaColumns = await time('columnar', async () => hs.score(await hs.Tickets.fromColumns(columns, { units }), scheme, options))
  const viaPacked = await time('columnar packed', async () => hs.score(await hs.Tickets.fromColumns(packed, { units }), scheme, options))
  const loaded = await time('loaded', () => hs.score(tickets, scheme, options))
  const loadColumns = await time('columnar load only', () => hs.Tickets.fromColumns(columns, { units }))
  const loadPacked = await time('columnar packed load only', () => hs.Tickets.fromColumns(packed, { units }))

  // Same numbers everywhere.
  const expected = fromScores(loaded.out)
  assert.deepEqual(plain.out, expected)
  assert.deepEqual(fromScores(viaObjects.out), expected)
  assert.deepEqual(fromScores(viaColumns.out), expected)
  assert.deepEqual(fromScores(viaPacked.out), expected)

  const row = (name, r) => `| ${name} | ${(r.median / 1000).toFixed(2)} s | ${(tickets.length / r.median / 1000).toFixed(2)} M/s | ${(plain.median / r.median).toFixed(1)}× | ${(r.cpu / 1000).toFixed(2)} s | ${(plain.cpu / r.cpu).toFixed(1)}× |`
  console.log(`${tickets.length} tickets, ${events} events, ${units.length} units; median of ${runs} runs\n`)
  console.log('| path | wall time | tickets/s (wall) | vs plain JS (wall) | CPU time | vs plain JS (CPU) |')
  console.log('|---|---|---|---|---|---|')
  console.log(row('plain JS over ticket objects (baseline)', plain))
  console.log(row('objects: `Tickets.fromObjects` + `score`', viaObjects))
  console.log(row('columnar, string dictionaries: `Tickets.fromColumns` + `score`', viaColumns))
  console.log(row('columnar, packed dictionaries: `Tickets.fromColumns` + `score`', viaPacked))
  console.log(row('columnar load only, string dictionaries', loadColumns))
  console.log(row('columnar load only, packed dictionaries', loadPacked))
  console.log(row('loaded `Tickets`: `score` only', loaded))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
