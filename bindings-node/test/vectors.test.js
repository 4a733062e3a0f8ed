'use strict'
// Runs the shared conformance vectors of tests/vectors/ (repository root) through the binding,
// with the semantics of the Rust runners in core/tests/*_vectors.rs.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hs = require('..')
const { ROOT, readVector: read, rowsToColumns, attempt } = require('./support')

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]))


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

// ---- tickets (core/tests/ticket_vectors.rs) ----

/** Loads a case's input: JSON tickets (objects) or the flat tables (rows, and columns). */
function loadTickets (c, mode, via = 'rows') {
  const options = { units: c.units, mode }
  if (c.tickets) return hs.Tickets.fromObjectsSync(c.tickets, options)
  if (via === 'columns') return hs.Tickets.fromColumnsSync(rowsToColumns(c.ticket_rows, c.event_rows), options)
  return hs.Tickets.fromRowsSync({ tickets: c.ticket_rows, events: c.event_rows }, options)
}

/** The error as the Rust runner writes it: context only for ticket errors (`ticketId` is absent when empty). */
const NOT_TICKET_ERRORS = new Set(['duplicate_unit', 'invalid_unit_row', 'invalid_ticket_json'])
const errorJson = (e) => NOT_TICKET_ERRORS.has(e.code)
  ? { code: e.code, ticket_id: null, event_index: null, field: null, row: null }
  : { code: e.code, ticket_id: e.ticketId ?? '', event_index: e.eventIndex ?? null, field: e.field, row: e.row ?? null }
const diagnosticJson = (d) => ({ code: d.code, ticket_id: d.ticket_id, event_index: d.event_index, field: d.field, row: d.row })

test('ticket vectors: every rule has a failing case (errors.json)', () => {
  const doc = read('tickets', 'errors.json')
  const codes = new Set()
  let columnar = 0
  for (const c of doc.cases) {
    const vias = ['rows']
    if (!c.tickets && rowsToColumns(c.ticket_rows, c.event_rows)) vias.push('columns')
    for (const via of vias) {
      const strict = attempt(() => loadTickets(c, 'strict', via))
      assert.equal(strict.ok, false, `${c.name} (${via}): expected an error`)
      assert.deepEqual(errorJson(strict.error), c.expect, `${c.name} (${via}): ${strict.error.message}`)
      if (!NOT_TICKET_ERRORS.has(strict.error.code)) {
        assert.ok(strict.error.message.includes(JSON.stringify(strict.error.ticketId ?? '')), c.name)
        assert.ok(strict.error.message.includes(`\`${strict.error.field}\``), c.name)
      }
      const lenient = attempt(() => loadTickets(c, 'lenient', via))
      if (lenient.ok) {
        assert.deepEqual(diagnosticJson(lenient.value.diagnostics[0]), c.expect, `${c.name} (${via}) lenient`)
      } else {
        assert.ok(['duplicate_unit', 'invalid_unit_row'].includes(lenient.error.code), `${c.name}: ${lenient.error.message}`)
      }
      if (via === 'columns') columnar++
    }
    codes.add(c.expect.code)
  }
  assert.ok(codes.size >= 33, `only ${codes.size} codes`)
  assert.ok(columnar >= 5, `only ${columnar} cases through the columnar path`)
})

test('ticket vectors: valid data round-trips (valid.json)', () => {
  const doc = read('tickets', 'valid.json')
  const fromJson = hs.Tickets.fromObjectsSync(doc.tickets)
  assert.equal(fromJson.length, doc.tickets.length)
  assert.deepEqual(fromJson.diagnostics, [])
  assert.deepEqual(fromJson.toObjects(), doc.tickets)
  assert.equal(fromJson.toObjects()[0].events.length, 31)
  assert.equal(fromJson.toJson(), JSON.stringify(fromJson.toObjects()))
  const fromRows = loadTickets({ ticket_rows: doc.ticket_rows, event_rows: doc.event_rows }, 'strict')
  assert.equal(fromRows.toJson(), fromJson.toJson())
  const fromColumns = hs.Tickets.fromColumnsSync(rowsToColumns(doc.ticket_rows, doc.event_rows))
  assert.equal(fromColumns.toJson(), fromJson.toJson())
  // Tickets -> rows -> tickets, and tickets -> columns -> tickets.
  assert.equal(hs.Tickets.fromRowsSync(fromJson.toRows()).toJson(), fromJson.toJson())
  assert.equal(hs.Tickets.fromColumnsSync(fromJson.toColumns()).toJson(), fromJson.toJson())
})

test('ticket vectors: lenient mode reports every skip (lenient.json)', () => {
  const doc = read('tickets', 'lenient.json')
  for (const c of doc.cases) {
    const vias = c.tickets ? ['rows'] : ['rows', 'columns']
    for (const via of vias) {
      const loaded = loadTickets(c, 'lenient', via)
      assert.deepEqual(loaded.ids(), c.expect_ticket_ids, `${c.name} (${via})`)
      assert.deepEqual(loaded.diagnostics.map(diagnosticJson), c.expect_diagnostics, `${c.name} (${via})`)
      for (const d of loaded.diagnostics) assert.ok(d.message.length > 0)
      const strict = attempt(() => loadTickets(c, 'strict', via))
      assert.deepEqual(errorJson(strict.error), c.expect_diagnostics[0], c.name)
    }
  }
})
