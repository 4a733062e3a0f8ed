'use strict'
// Node benchmark (BENCHMARKS.md, "Node", every assignment's clocks): `evaluator.evaluateSync`
// and `await evaluator.evaluate` of the default synthetic city scaled to about 1,000,000
// tickets, loaded as big tables are (`fromColumns`: the compact batch), at the end of the data.
// The two answers are checked to have as many assignments. Prints wall times per run.
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 --expose-gc benches/node/evaluate.js [tickets=1000000] [runs=3]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const target = Number(process.argv[2] ?? 1_000_000)
const runs = Number(process.argv[3] ?? 3)
const log = (...a) => console.error(...a)

async function main () {
  const city = await hs.syntheticCity({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798) })
  const loaded = await hs.Tickets.fromColumns(city.tickets.toColumns({ packed: true }))
  const ev = new hs.Evaluator(city.units)
  const times = { sync: [], async: [] }
  const counts = {}
  // Each result is counted and dropped before the next call.
  const call = {
    sync: async () => ev.evaluateSync(loaded, city.asOf).length,
    async: async () => (await ev.evaluate(loaded, city.asOf)).length
  }
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(times)) {
      globalThis.gc?.()
      const t = performance.now()
      counts[name] = await call[name]()
      times[name].push(performance.now() - t)
    }
    log(`  run ${i + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}`)
  }
  assert.equal(counts.sync, counts.async)
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`${loaded.length} tickets, ${counts.sync} assignments; median of ${runs} runs`)
  for (const [k, v] of Object.entries(times)) {
    const name = k === 'sync' ? 'evaluateSync' : 'await evaluate'
    console.log(`${name}: ${(median(v) / 1000).toFixed(2)} s (runs ${v.map((x) => (x / 1000).toFixed(2)).join(', ')})`)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
