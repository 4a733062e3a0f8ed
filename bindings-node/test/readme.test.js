'use strict'
// The README's Node quick start runs as written (every ```js block, in order, as one async body).
const test = require('node:test')
const fs = require('node:fs')
const path = require('node:path')

test('the README Node quick start runs', async () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
  const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
  if (blocks.length === 0) throw new Error('README has no Node quick start')
  const load = (name) => require(name === 'hotline-score' ? path.join(__dirname, '..') : name)
  const AsyncFunction = (async () => {}).constructor
  const lines = []
  const console = { log: (...args) => lines.push(args.join(' ')) }
  await new AsyncFunction('require', 'console', blocks.join('\n'))(load, console)
  // Three scorecards (unit, group, total, rank, grade), then the last unit's costly components.
  const cards = lines.slice(0, 3)
  if (!cards.every((l) => /^\S+ \S+ \d+\.\d\d \d+ \S+$/.test(l))) throw new Error(`expected 3 scorecards first, got ${cards}`)
  const costly = lines.slice(3)
  if (costly.length === 0 || !costly.every((l) => /^\S+ −\d+\.\d\d \S+/.test(l))) {
    throw new Error(`expected the last unit's costly components, got ${costly}`)
  }
})
