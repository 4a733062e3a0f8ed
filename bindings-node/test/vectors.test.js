'use strict'
// Runs the shared conformance vectors of tests/vectors/ (repository root) through the binding,
// with the semantics of the Rust runners in core/tests/*_vectors.rs.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const hs = require('..')

const ROOT = path.join(__dirname, '..', '..')
const VECTORS = path.join(ROOT, 'tests', 'vectors')
const read = (...parts) => JSON.parse(fs.readFileSync(path.join(VECTORS, ...parts), 'utf8'))

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]))

/** Runs `fn`, giving `{ ok, value }` or `{ ok: false, error }`. */
function attempt (fn) {
  try {
    return { ok: true, value: fn() }
  } catch (error) {
    return { ok: false, error }
  }
}

test('calendar vectors (tests/vectors/calendar/cases.json)', () => {
  const file = read('calendar', 'cases.json')
  const calendars = {}
  for (const [name, spec] of Object.entries(file.calendars)) {
    const options = {
      prc: spec.prc ?? false,
      template: spec.template && camelKeys(spec.template),
      datedTemplates: spec.dated_templates?.map((d) => ({ from: d.from, template: camelKeys(d.template) })),
      data: spec.data,
      dataFiles: spec.data_files?.map((f) => path.join(ROOT, f)),
      asKnownOn: spec.as_known_on,
      ignoreAdjustedWorkdays: spec.ignore_adjusted_workdays,
      coverage: spec.coverage,
      predictThrough: spec.predict_through,
      wholeDay: spec.whole_day
    }
    calendars[name] = new hs.Calendar(options)
  }
  const run = (cal, c) => {
    switch (c.op) {
      case 'add_working': return cal.addWorking(c.t, c.ms)
      case 'sub_working': return cal.subWorking(c.t, c.ms)
      case 'working_between': return cal.workingBetween(c.a, c.b)
      case 'next_working_instant': return cal.nextWorkingInstant(c.t)
      case 'day_kind': return cal.dayKind(c.date)
      case 'is_workday': return cal.isWorkday(c.date)
      case 'add_working_days': return cal.addWorkingDays(c.date, c.n)
      case 'working_days_between': return cal.workingDaysBetween(c.a, c.b)
      case 'working_days_deadline':
        return cal.workingDaysDeadline(c.start, c.n, { countStartDay: c.count_start_day, deadlineAt: c.deadline_at })
      case 'uses_prediction': return cal.usesPrediction(c.a, c.b)
      default: throw new Error(`unknown op ${c.op}`)
    }
  }
  const instantOps = new Set(['add_working', 'sub_working', 'next_working_instant', 'working_days_deadline'])
  const failures = []
  for (const c of file.cases) {
    const got = attempt(() => run(calendars[c.calendar], c))
    let ok
    if ('expect' in c) {
      ok = got.ok && (instantOps.has(c.op) ? got.value === hs.parseInstant(c.expect) : got.value === c.expect)
    } else {
      ok = !got.ok && got.error.code === c.error.code && (c.error.date === undefined || got.error.date === c.error.date)
    }
    if (!ok) failures.push(`case ${c.case}: got ${got.ok ? JSON.stringify(got.value) : `${got.error.code}: ${got.error.message}`}, want ${JSON.stringify(c.expect ?? c.error)}`)
  }
  assert.deepEqual(failures, [])
  assert.ok(file.cases.length >= 40)
})
