'use strict'
// Node benchmark (BENCHMARKS.md, "Node", tickets out): `tickets.toColumns()`,
// `tickets.toColumns({ packed: true })` and `tickets.toObjects()` of the default synthetic city
// scaled to about 1,000,000 tickets, loaded as big tables are (`fromColumns`: the compact
// batch); the columns are checked to read back (`fromColumnsSync`) to as many tickets, the
// objects counted. Prints wall times per run.
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 --expose-gc benches/node/out.js [tickets=1000000] [runs=3]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const target = Number(process.argv[2] ?? 1_000_000)
const runs = Number(process.argv[3] ?? 3)
const log = (...a) => console.error(...a)

async function main () {
  const city = await hs.syntheticCity({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798) })
  const loaded = await hs.Tickets.fromColumns(city.tickets.toColumns({ packed: true }))
  const times = { strings: [], packed: [], objects: [] }
  const timed = (name, fn) => {
    globalThis.gc?.()
    const t = performance.now()
    const out = fn()
    times[name].push(performance.now() - t)
    return out
  }
  // Each result is checked (first run) and dropped before the next call, so no call runs
  // with another's millions of strings or objects still on the heap.
  const check = {
    strings: (c) => assert.equal(hs.Tickets.fromColumnsSync(c).length, loaded.length),
    packed: (c) => assert.equal(hs.Tickets.fromColumnsSync(c).length, loaded.length),
    objects: (o) => assert.equal(o.length, loaded.length)
  }
  const call = {
    strings: () => loaded.toColumns(),
    packed: () => loaded.toColumns({ packed: true }),
    objects: () => loaded.toObjects()
  }
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(times)) {
      const out = timed(name, call[name])
      if (i === 0) check[name](out)
    }
    log(`  run ${i + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)} ms`).join(', ')}`)
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`${loaded.length} tickets; median of ${runs} runs`)
  for (const [k, v] of Object.entries(times)) {
    console.log(`${k === 'objects' ? 'toObjects()' : `toColumns (${k})`}: ${(median(v) / 1000).toFixed(2)} s (runs ${v.map((x) => (x / 1000).toFixed(2)).join(', ')})`)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
