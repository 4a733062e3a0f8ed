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
  if (lines.length !== 3) throw new Error(`expected 3 scorecards printed, got ${lines.length}`)
})
