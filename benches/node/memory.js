'use strict'
// Node benchmark (BENCHMARKS.md, "Node", "Native memory and V8's collector"): a process that
// makes and drops native objects in a loop, as a server restoring boards or loading batches
// does, without ever calling `gc()` itself. Prints the resident memory after each round and the
// peak: V8 collects a dropped `Board` or `Tickets` (and frees its native memory) only when it
// knows how much native memory the object holds.
//
//   boards:  restore a board of the synthetic city from its snapshot, query it, drop it
//   tickets: load the city's tickets with `fromColumnsSync`, score them, drop them
//
// Run (release build of the binding first):
//   cd bindings-node && npx napi build --platform --release && cd ..
//   node benches/node/memory.js [boards|tickets] [tickets=30000] [rounds=20]
const path = require('node:path')
const hs = require(process.env.HOTLINE_SCORE_NODE ?? path.join(__dirname, '..', '..', 'bindings-node'))

const what = process.argv[2] ?? 'boards'
const size = Number(process.argv[3] ?? 30000)
const rounds = Number(process.argv[4] ?? 20)
if (!['boards', 'tickets'].includes(what)) throw new Error(`boards or tickets, not ${what}`)

const mb = (bytes) => Math.round(bytes / 2 ** 20)
const city = hs.syntheticCitySync({ days: 90, ticketsPerDay: Math.round(size / 90 / 0.9798), units: 300 })
const scheme = hs.Scheme.preset('sanmenxia')
const options = { scheme, units: city.units }
const asOf = '2026-03-12T00:00:00+08:00'
let round
if (what === 'boards') {
  const board = new hs.Board(options)
  board.ingestTicketsSync(city.tickets)
  const snapshot = board.snapshotSync()
  console.log(`board of ${board.stats.tickets} tickets (${mb(board.stats.heap_bytes)} MB native), snapshot ${mb(snapshot.length)} MB`)
  round = () => hs.Board.restoreSync(snapshot, options).standings(asOf)
} else {
  const columns = city.tickets.toColumns({ packed: true })
  console.log(`${city.tickets.length} tickets, ${columns.events.at.length} events`)
  round = () => hs.scoreSync(hs.Tickets.fromColumnsSync(columns), scheme, { asOf, units: city.units })
}
// A round per turn of the event loop, as a server's requests come.
const turn = () => new Promise((resolve) => setImmediate(resolve))
;(async () => {
  const start = process.memoryUsage().rss
  let peak = start
  const t = performance.now()
  for (let i = 1; i <= rounds; i++) {
    round()
    await turn()
    const rss = process.memoryUsage().rss
    peak = Math.max(peak, rss)
    console.log(`round ${i}: rss ${mb(rss)} MB`)
  }
  console.log(`${what}: rss ${mb(start)} MB before the rounds, peak ${mb(peak)} MB; ${rounds} rounds in ${((performance.now() - t) / 1000).toFixed(2)} s`)
})()
