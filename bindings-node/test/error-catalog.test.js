'use strict'
// The bad-input catalog (tests/vectors/errors/*.json), as core/tests/error_catalog.rs runs it:
// every entry throws an Error with the same `code` and the same context properties, and the
// process survives every entry.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const hs = require('..')
const { ROOT } = require('./support')

const DIR = path.join(ROOT, 'tests', 'vectors', 'errors')
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
const CONTEXT = { ticket_id: 'ticketId', event_index: 'eventIndex', field: 'field', line: 'line', column: 'column', row: 'row', date: 'date' }

const calendar = (spec) => {
  if (spec === undefined) return hs.Calendar.prc()
  const options = { prc: spec.prc ?? false, template: spec.template, coverage: spec.coverage }
  if (spec.data_toml !== undefined) return hs.Calendar.fromToml(spec.data_toml, options)
  if (spec.data_json !== undefined) return hs.Calendar.fromJson(spec.data_json, options)
  return new hs.Calendar(options)
}
const policy = (name) => (name === undefined ? undefined : hs.Policy.builtin(name))
const period = (p) => p && { start: p.start, end: p.end, label: p.label }
const scoreMetrics = (i) =>
  hs.Scheme.preset(i.scheme).score(i.units, i.metrics, { asOf: i.as_of, period: period(i.period) })

function board (i) {
  const b = new hs.Board({ units: i.units, scheme: hs.Scheme.preset(i.scheme), calendar: calendar(i.calendar), policy: policy(i.policy) })
  for (const step of i.steps) {
    const [[op, arg]] = Object.entries(step)
    switch (op) {
      case 'register': b.register(arg); break
      case 'ingest': b.ingest(arg.ticket_id, arg.event); break
      case 'close_period': b.closePeriod(period(arg.period), arg.as_of); break
      case 'scorecard': b.scorecard(arg.unit, arg.as_of); break
      case 'deadline_statuses': b.deadlineStatuses(arg.unit, arg.as_of); break
      default: throw new Error(`unknown board step ${op}`)
    }
  }
  return b
}

function calendarOp (i) {
  const cal = calendar(i)
  const call = i.call
  if (call === undefined) return cal
  switch (call.method) {
    case 'add_working_days': return cal.addWorkingDays(call.date, call.n)
    case 'add_working': return cal.addWorking(call.t, call.ms)
    case 'working_between': return cal.workingBetween(call.a, call.b)
    default: throw new Error(`unknown calendar method ${call.method}`)
  }
}

const OPERATIONS = {
  parse_instant: (i) => hs.parseInstant(i.value),
  parse_amount: (i) => hs.parseAmount(i.text),
  calendar: calendarOp,
  load_tickets_json: (i) => hs.Tickets.fromJsonSync(i.text ?? JSON.stringify(i.tickets), { units: i.units }),
  load_rows: (i) => hs.Tickets.fromRowsSync({ tickets: i.tickets, events: i.events }, { units: i.units }),
  policy_from_toml: (i) => hs.Policy.fromToml(i.text),
  policy_from_json: (i) => hs.Policy.fromJson(i.text),
  policy_builtin: (i) => hs.Policy.builtin(i.name),
  scheme_from_toml: (i) => hs.Scheme.fromToml(i.text),
  scheme_from_json: (i) => hs.Scheme.fromJson(i.text),
  scheme_preset: (i) => hs.Scheme.preset(i.name),
  config_file: (i) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-score-catalog-'))
    try {
      const file = path.join(dir, i.name)
      if (i.bytes_base64 !== undefined) fs.writeFileSync(file, Buffer.from(i.bytes_base64, 'base64'))
      const load = { scheme: hs.Scheme.fromFile, policy: hs.Policy.fromFile, calendar_data: hs.Calendar.fromFile }[i.kind]
      return load(file)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
  score_metrics: scoreMetrics,
  sanctions: (i) => hs.Scheme.preset(i.scheme).sanctions(i.history.map(scoreMetrics)),
  explain: (i) => hs.Scheme.preset(i.scheme).explain(scoreMetrics(i), [], i.explain_units),
  score: (i) => hs.scoreSync(hs.Tickets.fromObjectsSync(i.tickets), hs.Scheme.preset(i.scheme), {
    units: i.units, asOf: i.as_of, period: period(i.period), calendar: calendar(i.calendar), policy: policy(i.policy)
  }),
  contributions: (i) => new hs.Evaluator(i.units).contributionsSync(hs.Tickets.fromObjectsSync(i.tickets), i.unit, {
    period: period(i.period), asOf: i.as_of
  }),
  partial_from_rows: (i) => hs.Partial.fromRows({ columns: i.columns, rows: i.rows }),
  synthetic_city: (i) => hs.syntheticCitySync({
    seed: i.seed, start: i.start, days: i.days, units: i.units, ticketsPerDay: i.tickets_per_day, qualitySpread: i.quality_spread
  }),
  board,
  board_restore: (i) => {
    const bytes = i.from ? board(i.from).snapshotSync() : Buffer.from(i.snapshot_base64, 'base64')
    return hs.Board.restoreSync(bytes, { units: i.units, scheme: hs.Scheme.preset(i.scheme), calendar: calendar(i.calendar), policy: policy(i.policy) })
  }
}

test('the catalog has at least 60 entries', () => {
  assert.ok(FILES.length >= 60, `${FILES.length} entries`)
})

// Expands every array element `{"$repeat": n, "item": x}` into n copies of x, and
// `{"$repeat": n, "items": [x, y]}` into n copies of x, y (README).
function expand (v) {
  if (Array.isArray(v)) {
    return v.flatMap((item) => (item && typeof item === 'object' && '$repeat' in item)
      ? Array.from({ length: item.$repeat }, () => (item.items ?? [item.item]).map(expand)).flat()
      : [expand(item)])
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]))
  }
  return v
}

for (const file of FILES) {
  const entry = expand(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')))
  const name = file.replace(/\.json$/, '')
  if (entry.only) {
    test(name, { skip: 'Rust-only entry (see the catalog README)' }, () => {})
    assert.ok(!entry.only.includes('node') && entry.operation === 'board_builder', name)
    continue
  }
  test(name, () => {
    let error
    try {
      OPERATIONS[entry.operation](entry.input)
    } catch (e) {
      error = e
    }
    assert.ok(error instanceof Error, `${name}: expected an error, got none`)
    const got = { code: error.code }
    for (const [key, prop] of Object.entries(CONTEXT)) got[key] = error[prop] ?? null
    assert.deepEqual(got, entry.error, `${name}: ${error.message}`)
    assert.ok(error.message.length > 0)
  })
}

test('the process survives every entry, run again back to back', () => {
  let thrown = 0
  for (const file of FILES) {
    const entry = expand(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')))
    if (entry.only) continue
    assert.throws(() => OPERATIONS[entry.operation](entry.input))
    thrown += 1
  }
  assert.ok(thrown >= 60, `${thrown} entries`)
  // Still answering afterwards.
  assert.equal(hs.parseInstant('2026-03-02T09:00:00+08:00'), Date.UTC(2026, 2, 2, 1))
})
