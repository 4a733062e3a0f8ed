'use strict'
// The README's Node quick start, and the docs' Node examples, run as written: every ```js
// block, in order, saved as one CommonJS file and run by `node` in a child process, with
// `require('hotline-score')` resolving
// to this binding through a `node_modules` link next to the file.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

test('the README Node quick start runs as a file', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
  const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
  if (blocks.length === 0) throw new Error('README has no Node quick start')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-score-readme-'))
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'))
    fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', 'hotline-score'), 'junction')
    const file = path.join(dir, 'quickstart.js')
    fs.writeFileSync(file, blocks.join('\n'))
    // Throws (with the child's stderr) unless `node` exits with 0.
    const out = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = out.split('\n').filter((l) => l !== '')
    // Three scorecards (unit, group, total, rank, grade), then the last unit's costly components,
    // each with its first ticket's counters at the unit.
    const cards = lines.slice(0, 3)
    assert.ok(cards.length === 3 && cards.every((l) => /^\S+ \S+ \d+\.\d\d \d+ \S+$/.test(l)), `expected 3 scorecards first, got ${cards}`)
    const costly = lines.slice(3)
    const costlyLine = /^\S+ −\d+\.\d\d \d+ tickets, e\.g\. \{"ticket_id":"\S+","(lead|assisting)":\{"[a-z_]+":\d+/
    assert.ok(costly.length > 0 && costly.every((l) => costlyLine.test(l)), `expected the last unit's costly components, got ${costly}`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the Node examples of docs/partial-state.md and docs/calendar-data.md run as files', () => {
  // The calendar example next to its file (the 2027 example data), with `hs` in scope.
  const examples = [['partial-state.md', ''], ['calendar-data.md', "const hs = require('hotline-score')\n"]]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-score-docs-'))
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'))
    fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', 'hotline-score'), 'junction')
    fs.copyFileSync(path.join(__dirname, '..', '..', 'examples', 'calendar-2027-example.toml'), path.join(dir, 'calendar-2027.toml'))
    for (const [name, prelude] of examples) {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', name), 'utf8')
      const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
      assert.ok(blocks.length > 0, `docs/${name} has no Node example`)
      const file = path.join(dir, name.replace('.md', '.js'))
      fs.writeFileSync(file, prelude + blocks.join('\n'))
      // Throws (with the child's stderr) unless `node` exits with 0.
      execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
