'use strict'
// Node benchmark (BENCHMARKS.md, "Node", objects path): `await Tickets.fromObjects(objects)`
// of about `tickets` synthetic ticket objects, with the longest stall of the event loop while it
// runs (the longest gap between turns of a `setImmediate` chain started just before the call:
// how long other callbacks, timers and I/O had to wait).
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node --max-old-space-size=16000 --expose-gc benches/node/objects.js [tickets=1000000] [runs=3]
const path = require('node:path')
const assert = require('node:assert/strict')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const target = Number(process.argv[2] ?? 1_000_000)
const runs = Number(process.argv[3] ?? 3)

async function main () {
  const city = await hs.syntheticCity({ days: 90, ticketsPerDay: Math.round(target / 90 / 0.9798) })
  const objects = city.tickets.toObjects()
  const wall = []
  const stall = []
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.()
    let done = false
    let longest = 0
    let last = performance.now()
    const turn = () => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
      if (!done) setImmediate(turn)
    }
    setImmediate(turn)
    const t = performance.now()
    const loaded = await hs.Tickets.fromObjects(objects, { units: city.units })
    wall.push(performance.now() - t)
    done = true
    // The stall the call itself caused includes the time from the call to its first turn.
    stall.push(longest)
    assert.equal(loaded.length, objects.length)
    console.error(`  run ${i + 1}: ${(wall.at(-1) / 1000).toFixed(2)} s, longest stall ${longest.toFixed(0)} ms`)
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`${objects.length} ticket objects; median of ${runs} runs`)
  console.log(`fromObjects: ${(median(wall) / 1000).toFixed(2)} s (runs ${wall.map((x) => (x / 1000).toFixed(2)).join(', ')})`)
  console.log(`longest event-loop stall: ${median(stall).toFixed(0)} ms (runs ${stall.map((x) => x.toFixed(0)).join(', ')})`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
