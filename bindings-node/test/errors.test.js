'use strict'
// Every error family with its context fields, and hostile input that must throw (never abort).
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

/** Asserts that `fn` throws an Error whose own properties include `fields`. */
function throwsWith (fn, fields) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error instance')
    assert.equal(typeof err.message, 'string')
    for (const [k, v] of Object.entries(fields)) assert.deepEqual(err[k], v, `err.${k}`)
    return true
  })
}

test('instants: invalid_instant, missing_offset', () => {
  throwsWith(() => hs.parseInstant('2026-02-13T16:30:00'), { code: 'missing_offset' })
  throwsWith(() => hs.parseInstant('not a time'), { code: 'invalid_instant' })
  throwsWith(() => hs.parseInstant(1.5), { code: 'invalid_instant' })
  throwsWith(() => hs.parseInstant(new Date(NaN)), { code: 'invalid_instant' })
  throwsWith(() => hs.parseInstant({}), { code: 'invalid_instant' })
})

test('calendar data: positions, keys and dates', () => {
  throwsWith(() => hs.Calendar.fromToml('[[notices]]\nyear = 2027\nyeer = 1\n'),
    { code: 'unknown_calendar_key', field: 'yeer', line: 3, column: 1 })
  throwsWith(() => hs.Calendar.fromToml('[[days]]\ndates = ["2026-13-01"]\nrule = "off"\n'),
    { code: 'invalid_date', line: 2, column: 10 })
  throwsWith(() => hs.Calendar.fromToml('[[days]]\ndates = ["2026-03-01"]\nrule = "hours"\nhours = ["12:00-09:00"]\n'),
    { code: 'interval_ends_before_start', line: 4, column: 10 })
  throwsWith(() => hs.Calendar.fromToml('[[days]]\ndates = ["2026-03-01"]\nrule = "hours"\nhours = ["9am-noon"]\n'),
    { code: 'invalid_time_of_day', line: 4, column: 10 })
  throwsWith(() => hs.Calendar.fromToml('[[days]]\ndates = ["2026-03-01"]\nrule = "hours"\nhours = ["09:00-12:00", "11:00-13:00"]\n'),
    { code: 'overlapping_intervals' })
  throwsWith(() => hs.Calendar.fromJson('{"days": [}'), { code: 'invalid_calendar_data', line: 1 })
  throwsWith(() => hs.Calendar.fromToml('[[days]]\ndates = ["2026-03-02"]\nrule = "off"\n[[days]]\ndates = ["2026-03-02"]\nrule = "on"\n', { prc: true }),
    { code: 'conflicting_date_rules', date: '2026-03-02' })
  throwsWith(() => new hs.Calendar(), { code: 'invalid_calendar' })
  throwsWith(() => new hs.Calendar({ template: {}, coverage: ['2026-01-01', '2026-12-31'] }).addWorking('2026-03-02T09:00:00+08:00', 1),
    { code: 'no_working_time' })
  throwsWith(() => hs.Calendar.prc().addWorking('2027-06-01T09:00:00+08:00', 1), { code: 'out_of_coverage', date: '2027-06-01' })
  throwsWith(() => hs.Calendar.prc().dayKind('2026-02-30'), { code: 'invalid_date' })
})

test('arguments the binding cannot read: invalid_argument with the field', () => {
  const cal = hs.Calendar.prc()
  throwsWith(() => cal.workingDaysDeadline(0, 1, { deadlineAt: 'noon' }), { code: 'invalid_argument', field: 'deadlineAt' })
  throwsWith(() => cal.workingDaysDeadline('2026-03-02T09:00:00+08:00', -1), { code: 'invalid_argument', field: 'n' })
  throwsWith(() => cal.addWorking('2026-03-02T09:00:00+08:00', 1.5), { code: 'invalid_argument', field: 'ms' })
  throwsWith(() => new hs.Calendar({ coverage: ['2026-01-01'] }), { code: 'invalid_argument', field: 'coverage' })
})

// Values a careless or hostile caller may pass anywhere.
const HOSTILE = [
  undefined, null, NaN, Infinity, -Infinity, -0, 1.5, 2 ** 63, -(2 ** 63), Number.MAX_VALUE, 8.64e15,
  '', ' ', 'x', '2026-02-30', '2026-02-13T25:00:00+08:00', '2026-02-13T16:30:00', '9999-12-31T23:59:59+14:00',
  '-9999-01-01T00:00:00Z', '2026-02-13T16:30:00.1234+08:00', '\u0000', 'é'.repeat(10000),
  {}, [], [1, 2], new Date(NaN), new Date(8.64e15), () => 1, Symbol('s'), 10n, true, Buffer.from('x'),
  new Float64Array(3)
]

/**
 * Calls `fn` and checks it returns or throws an Error with a string code (a value of the wrong
 * JavaScript type where an object is expected may instead be the engine's TypeError).
 */
function survives (fn) {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    if (!(err instanceof TypeError)) assert.equal(typeof err.code, 'string', `no code on: ${err.message}`)
  }
}

test('hostile values never abort the process: calendar and instants', () => {
  const cal = hs.Calendar.prc()
  const whole = cal.wholeDay()
  for (const v of HOSTILE) {
    for (const c of [cal, whole]) {
      for (const w of HOSTILE.slice(0, 12)) {
        survives(() => c.addWorking(v, w))
        survives(() => c.subWorking(v, w))
        survives(() => c.workingBetween(v, w))
        survives(() => c.addWorkingDays(v, w))
        survives(() => c.workingDaysDeadline(v, w, { countStartDay: true }))
        survives(() => c.workingDaysBetween(v, w))
      }
      survives(() => c.nextWorkingInstant(v))
      survives(() => c.dayKind(v))
      survives(() => c.isWorkday(v))
      survives(() => c.isPredicted(v))
      survives(() => c.format(v))
      survives(() => c.parseLocal(v))
    }
    survives(() => hs.parseInstant(v))
    survives(() => hs.formatInstant(v, v))
    survives(() => hs.parseLocalInstant(v, v))
    survives(() => new hs.Calendar(v))
    survives(() => new hs.Calendar({ prc: true, template: v }))
    survives(() => new hs.Calendar({ prc: true, data: [v] }))
    survives(() => new hs.Calendar({ prc: true, asKnownOn: v, coverage: v, predictThrough: v, offset: v }))
    survives(() => hs.Calendar.fromToml(v))
    survives(() => hs.Calendar.fromJson(v))
  }
  // Large spans and extreme amounts stay typed errors or answers.
  survives(() => cal.addWorking('2017-01-03T09:00:00+08:00', 9e15))
  survives(() => cal.subWorking('2026-12-30T09:00:00+08:00', 9e15))
  survives(() => cal.addWorkingDays('2026-03-02', 9e15))
  survives(() => cal.workingDaysDeadline('2026-03-02T09:00:00+08:00', 4294967295))
  survives(() => new hs.Calendar({ coverage: ['0001-01-01', '9999-12-31'] }))
})

test('tickets: ticket id, event index, field and row; JSON positions; units table rows', () => {
  const t = {
    id: 'T7', kind: 'help', received_at: '2026-03-02T09:00:00+08:00',
    events: [{ at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1' }, { at: '2026-03-02T09:20:00+08:00', type: 'extension_requested', unit: 'u1', amount: '5 days' }]
  }
  throwsWith(() => hs.Tickets.fromObjectsSync([t]), { code: 'malformed_amount', ticketId: 'T7', eventIndex: 1, field: 'amount', row: 0 })
  throwsWith(() => hs.Tickets.fromObjectsSync([{ ...t, received_at: '2026-03-02 09:00' }]),
    { code: 'malformed_timestamp', ticketId: 'T7', field: 'received_at', row: 0 })
  throwsWith(() => hs.Tickets.fromJsonSync('[\n  {"id": "T1",}\n]'), { code: 'invalid_ticket_json', line: 2, column: 15 })
  const units = [{ unit: 'u1', group: 'g' }, { unit: 'u1', group: 'g' }]
  throwsWith(() => hs.Tickets.fromObjectsSync([], { units }), { code: 'duplicate_unit', field: 'unit', row: 1 })
  throwsWith(() => hs.Tickets.fromObjectsSync([], { units: [{ unit: 'u1', group: '' }] }), { code: 'invalid_unit_row', field: 'group', row: 0 })
  // A misspelt key of a units row is refused, as the CLI and Python refuse the column (the
  // name was left empty without a word).
  throwsWith(() => hs.Tickets.fromObjectsSync([], { units: [{ unit: 'u1', group: 'g', nmae: 'A' }] }), { code: 'invalid_argument', field: 'options' })
  assert.throws(() => new hs.Evaluator([{ unit: 'u1', group: 'g', nmae: 'A' }]), /unknown units column `nmae`; the columns are unit, group, name/)
  assert.throws(() => new hs.Evaluator(['u1']), /a units row must be an object/)
})

test('hostile values never abort the process: tickets', async () => {
  const base = {
    id: 'T1', kind: 'help', urgency: 'urgent', channel: 'web', received_at: '2026-03-02T09:00:00+08:00',
    attributes: { repeat: 'true' },
    events: [
      { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1', role: 'assisting' },
      { at: '2026-03-02T09:15:00+08:00', type: 'extension_requested', unit: 'u1', amount: '5wd' },
      { at: '2026-03-02T09:20:00+08:00', type: 'extension_decided', unit: 'u1', approved: true, amount: '3wd' },
      { at: '2026-03-02T09:30:00+08:00', type: 'called_back', satisfaction: 'satisfied', resolved: true, event_id: 'e3' }
    ]
  }
  const cases = []
  for (const v of HOSTILE) {
    for (const key of Object.keys(base)) cases.push([{ ...base, [key]: v }])
    for (let i = 0; i < base.events.length; i++) {
      for (const key of [...Object.keys(base.events[i]), 'amount', 'satisfaction', 'bogus']) {
        const events = base.events.map((e, j) => (j === i ? { ...e, [key]: v } : e))
        cases.push([{ ...base, events }])
      }
    }
    cases.push(v, [v], [{ ...base, events: v }], [{ ...base, events: [v] }])
  }
  for (const input of cases) {
    for (const mode of ['strict', 'lenient']) {
      survives(() => hs.Tickets.fromObjectsSync(input, { mode }))
      try {
        await hs.Tickets.fromObjects(input, { mode })
      } catch (err) {
        assert.ok(err instanceof Error)
        if (!(err instanceof TypeError)) assert.equal(typeof err.code, 'string', err.message)
      }
    }
  }
  for (const v of HOSTILE) {
    survives(() => hs.Tickets.fromJsonSync(v))
    survives(() => hs.Tickets.fromRowsSync({ tickets: v, events: v }))
    survives(() => hs.Tickets.fromRowsSync({ tickets: [{ ticket_id: v, kind: v, received_at: v }], events: [{ ticket_id: v, at: v, type: v }] }))
    survives(() => hs.Tickets.fromColumnsSync(v))
    const c = hs.Tickets.fromObjectsSync([base]).toColumns()
    for (const table of ['tickets', 'events']) {
      for (const key of Object.keys(c[table])) survives(() => hs.Tickets.fromColumnsSync({ ...c, [table]: { ...c[table], [key]: v } }))
    }
    for (const key of Object.keys(c.dictionaries)) survives(() => hs.Tickets.fromColumnsSync({ ...c, dictionaries: { ...c.dictionaries, [key]: v } }))
  }
})

test('policies and schemes: positions, keys and every problem; clocks: the failed ticket and its cause', () => {
  throwsWith(() => hs.Policy.fromToml('name = "x"\n[[rules]]\nlimits = { complete = "3 days" }\n'), { code: 'invalid_policy', line: 3 })
  throwsWith(() => hs.Policy.fromJson('{"name": "x", "rulez": []}'), { code: 'invalid_policy', line: 1 })
  throwsWith(() => hs.Policy.builtin('mars'), { code: 'unknown_policy' })
  const bad = 'schema_version = 1\nname = "x"\nperiod = "month"\n[[groups]]\nid = "g"\nfull_marks = 100\n[[indicators]]\nid = "a"\nname = "A"\nvalue = { ratio = { num = "closed_on_tme", den = "due" } }\nrule = { proportional = { max = 100 } }\n'
  assert.throws(() => hs.Scheme.fromToml(bad), (err) => {
    assert.equal(err.code, 'scheme_invalid')
    assert.ok(Array.isArray(err.problems) && err.problems.length >= 1)
    const p = err.problems[0]
    for (const k of ['code', 'message', 'line', 'column', 'key']) assert.ok(k in p, k)
    assert.equal(err.line, p.line)
    assert.equal(err.column, p.column)
    assert.equal(err.field, p.key)
    return true
  })
  throwsWith(() => hs.Scheme.preset('mars'), { code: 'unknown_preset' })
  // A completion deadline beyond the calendar's coverage (10 working days from 2026-12-28).
  const t = hs.Tickets.fromObjectsSync([{
    id: 'LATE', kind: 'complaint', received_at: '2026-12-28T09:00:00+08:00',
    events: [{ at: '2026-12-28T09:10:00+08:00', type: 'dispatched', unit: 'u1' }]
  }])
  const ev = new hs.Evaluator([{ unit: 'u1', group: 'g' }])
  assert.throws(() => ev.evaluateSync(t, '2026-12-31T00:00:00+08:00'), (err) => {
    assert.equal(err.code, 'clock_failed')
    assert.equal(err.ticketId, 'LATE')
    assert.equal(err.eventIndex, 0)
    assert.equal(err.date, '2027-01-01')
    assert.equal(err.cause.code, 'out_of_coverage')
    assert.equal(err.cause.date, '2027-01-01')
    return true
  })
})

test('formulas: formula_invalid at the first problem, every problem with its own code', () => {
  const names = { due: 'number', streak: 'number' }
  /** The problems without their messages (which are checked to be there). */
  const positioned = (err) => err.problems.map(({ message, ...p }) => {
    assert.ok(message.length > 0)
    return p
  })
  // The first syntax error stops parsing: the `(` of column 14 on line 2 is never closed.
  throwsWith(() => new hs.Formula('due +\n  max(due) + (streak', names), { code: 'formula_invalid', line: 2, column: 14 })
  assert.throws(() => new hs.Formula('due +\n  max(due) + (streak', names), (err) =>
    assert.deepEqual(positioned(err), [{ code: 'formula_unclosed_paren', line: 2, column: 14 }]) ?? true)
  // Every name problem is reported.
  throwsWith(() => new hs.Formula('du > 1 and streek >= 2', names, { result: 'bool' }), { code: 'formula_invalid', line: 1, column: 1 })
  assert.throws(() => new hs.Formula('du > 1 and streek >= 2', names, { result: 'bool' }), (err) =>
    assert.deepEqual(positioned(err), [
      { code: 'formula_unknown_name', line: 1, column: 1, suggestion: 'due' },
      { code: 'formula_unknown_name', line: 1, column: 12, suggestion: 'streak' }
    ]) ?? true)
  // Over 4 KiB: one problem, before anything else is looked at.
  assert.throws(() => new hs.Formula('x'.repeat(5000), names), (err) =>
    assert.deepEqual([err.code, err.line, err.column, positioned(err)],
      ['formula_invalid', 1, 1, [{ code: 'formula_too_long', line: 1, column: 1 }]]) ?? true)
  throwsWith(() => new hs.Formula('due', names, { result: 'boolean' }), { code: 'invalid_argument', field: 'result' })
  throwsWith(() => new hs.Formula('due', names).eval({ due: 'NaN' }), { code: 'invalid_argument', field: 'due' })
})

test('hostile values never abort the process: policies, schemes, evaluation and scoring', async () => {
  const city = hs.syntheticCitySync({ days: 3, ticketsPerDay: 20 })
  const ev = new hs.Evaluator(city.units)
  const scheme = hs.Scheme.preset('sanmenxia')
  const period = { start: '2026-01-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: 'Q1' }
  const formula = new hs.Formula('if(y, x, 0)', { x: 'number', y: 'bool' })
  for (const v of HOSTILE) {
    survives(() => hs.Policy.fromToml(v))
    survives(() => hs.Policy.fromJson(v))
    survives(() => hs.Policy.builtin(v))
    survives(() => hs.Scheme.fromToml(v))
    survives(() => hs.Scheme.fromJson(v))
    survives(() => hs.Scheme.preset(v))
    survives(() => new hs.Evaluator(v))
    survives(() => new hs.Evaluator([{ unit: v, group: v }], v, v))
    survives(() => ev.evaluateSync(city.tickets, v))
    survives(() => ev.partialSync(city.tickets, v))
    survives(() => ev.partialSync(city.tickets, { period: v, asOf: v }))
    survives(() => ev.partialSync(city.tickets, { period: { ...period, start: v }, asOf: city.asOf, dueAnchor: v }))
    survives(() => ev.contributionsSync(city.tickets, v, { period, asOf: v }))
    survives(() => ev.openAssignmentsSync(city.tickets, v))
    survives(() => scheme.score(city.units, v, { asOf: city.asOf }))
    survives(() => scheme.score(v, { units: {} }, { asOf: v, period: v }))
    survives(() => scheme.score(city.units, { units: { [city.units[0].unit]: { lead: { due: v } } } }, { asOf: city.asOf }))
    survives(() => scheme.explain(v, v))
    survives(() => scheme.explainTicketsSync(ev, city.tickets, v, { period, asOf: city.asOf }))
    survives(() => scheme.explainTicketsSync(ev, city.tickets, '{}', { period: v, asOf: v }))
    survives(() => scheme.sanctions(v))
    survives(() => scheme.sanctions([v]))
    survives(() => scheme.periodAt(v))
    survives(() => scheme.periodWarningsSync(ev, city.tickets, { asOf: v }))
    survives(() => hs.scoreSync(city.tickets, scheme, v))
    survives(() => hs.scoreSync(city.tickets, scheme, { units: city.units, asOf: v, period: v, calendar: v, policy: v, external: v }))
    survives(() => hs.scoreSync(city.tickets, scheme, { units: city.units, asOf: city.asOf, external: { x: { y: v } } }))
    survives(() => hs.Partial.fromRows(v))
    survives(() => hs.Partial.fromRows({ columns: v, rows: [[v]] }))
    survives(() => hs.Partial.fromJson(v))
    survives(() => new hs.Partial().finalize(v, v))
    survives(() => hs.syntheticCitySync({ seed: v, start: v, days: 1, units: v, ticketsPerDay: 1, qualitySpread: v }))
    survives(() => new hs.Formula(v, v, v))
    survives(() => new hs.Formula(v, { x: v }, { result: v }))
    survives(() => new hs.Formula('x', { x: 'number' }, v))
    survives(() => formula.eval(v))
    survives(() => formula.eval({ x: v, y: v }))
    for (const make of [() => hs.score(city.tickets, scheme, { units: city.units, asOf: v }), () => ev.partial(city.tickets, { period, asOf: v })]) {
      try {
        await make()
      } catch (err) {
        assert.ok(err instanceof Error)
        assert.equal(typeof err.code, 'string', err.message)
      }
    }
  }
})

test('hostile values never abort the process: the board', async () => {
  const city = hs.syntheticCitySync({ days: 2, ticketsPerDay: 10 })
  const scheme = hs.Scheme.preset('sanmenxia')
  const board = new hs.Board({ units: city.units, scheme })
  await board.ingestTickets(city.tickets)
  const unit = city.units[0].unit
  for (const v of HOSTILE) {
    survives(() => new hs.Board(v))
    survives(() => new hs.Board({ units: city.units, scheme, calendar: v, policy: v, dueAnchor: v }))
    survives(() => board.register(v))
    survives(() => board.register({ id: v, kind: v, received_at: v }))
    survives(() => board.ingest(v, v))
    survives(() => board.ingest('T', { at: v, type: 'dispatched', unit: v }))
    survives(() => board.ingestBatchSync(v))
    survives(() => board.ingestBatchSync([v, { input: v }, { input: 'event', ticket_id: v, event: v }]))
    survives(() => board.ingestTicket(v))
    survives(() => board.ingestTicketsSync(v))
    survives(() => board.standings(v, v))
    survives(() => board.scores(v))
    survives(() => board.scorecard(v, v))
    survives(() => board.scorecard(unit, v))
    survives(() => board.deadlineStatuses(unit, v))
    survives(() => board.warnings(v))
    survives(() => board.metrics(v, v))
    survives(() => board.setExternal(v, unit, 'x', v))
    survives(() => board.closePeriod(v, v))
    survives(() => hs.Board.restoreSync(v, { units: city.units, scheme }))
    survives(() => hs.Board.restoreJsonSync(v, { units: city.units, scheme }))
    // The async twin: it throws (N-API's conversion) or settles, with a code when it rejects.
    let pending = null
    survives(() => { pending = board.ingestBatch([v, { input: v }, { input: 'event', ticket_id: v, event: v }]) })
    if (pending !== null) {
      await pending.then((out) => assert.ok(Array.isArray(out)),
        (err) => assert.equal(typeof err.code, 'string', `no code on: ${err.message}`))
    }
  }
  // Random bytes never restore into a board, and never crash.
  const snap = board.snapshotSync()
  for (let i = 0; i < 200; i++) {
    const bytes = Buffer.from(snap)
    for (let k = 0; k < 4; k++) bytes[(i * 7919 + k * 104729) % bytes.length] ^= 1 + ((i + k) % 255)
    survives(() => hs.Board.restoreSync(bytes, { units: city.units, scheme }))
    survives(() => hs.Board.restoreSync(bytes.subarray(0, (i * 131) % bytes.length), { units: city.units, scheme }))
  }
})

test('a getter read on an object of another class throws a TypeError (it crashed the process)', () => {
  const { spawnSync } = require('node:child_process')
  // In a child process: the unguarded getter was a SIGSEGV.
  const script = `
    const hs = require(${JSON.stringify(require('node:path').join(__dirname, '..'))})
    const read = (C, key, obj) => {
      try { Object.getOwnPropertyDescriptor(C.prototype, key).get.call(obj); return 'read' } catch (e) { return e.constructor.name }
    }
    const scheme = hs.Scheme.preset('sanmenxia')
    const policy = hs.Policy.builtin('henan')
    console.log(JSON.stringify([read(hs.Tickets, 'diagnostics', scheme), read(hs.Tickets, 'length', hs.Calendar.prc()),
      read(hs.Board, 'stats', policy), read(hs.Scheme, 'name', policy)]))`
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 })
  assert.equal(child.status, 0, child.stderr)
  assert.deepEqual(JSON.parse(child.stdout), ['TypeError', 'TypeError', 'TypeError', 'TypeError'])
  // On their own class, getters read as before.
  const city = hs.syntheticCitySync({ days: 3, ticketsPerDay: 10 })
  assert.ok(city.tickets.length > 0 && Array.isArray(city.tickets.diagnostics))
})

test('an instant argument in epoch seconds is refused, not scored as 1970', () => {
  // `Math.floor(Date.now() / 1000)` as asOf scored every unit full marks on no data, and a
  // board closed a fake "2026-Q1" of 1970 for good (a Node audit).
  const city = hs.syntheticCitySync({ days: 3, ticketsPerDay: 10 })
  const scheme = hs.Scheme.preset('sanmenxia')
  assert.throws(() => hs.scoreSync(city.tickets, scheme, { units: city.units, asOf: 1772413500 }), (e) =>
    e.code === 'invalid_instant' && /as epoch seconds it is 2026-03-02T09:05:00\+08:00/.test(e.message))
  const board = new hs.Board({ units: city.units, scheme })
  assert.throws(() => board.closePeriod({ start: 1767196800, end: 1775001600, label: '2026-Q1' }, '2026-04-02T00:00:00+08:00'),
    (e) => e.code === 'invalid_instant')
  assert.equal(board.history().length, 0)
  // A Date says what it is, whatever its date.
  assert.equal(hs.parseInstant(new Date(0)), 0)
})

test('a date with a signed year is invalid_date, as in calendar files', () => {
  // `-2030-12-31` was taken as year -2030: a calendar that predicted nothing, without a word.
  assert.throws(() => new hs.Calendar({ prc: true, predictThrough: '-2030-12-31' }), (e) => e.code === 'invalid_date')
  assert.equal(new hs.Calendar({ prc: true, predictThrough: '2027-12-31' }).predictedFrom, '2027-01-01')
})

test('values JavaScript would lose or change are refused, not dropped (a Node audit)', () => {
  const city = hs.syntheticCitySync({ days: 3, ticketsPerDay: 10 })
  // A Map of attributes (JSON.stringify writes it as {}), in objects and columns.
  const objects = city.tickets.toObjects()
  objects[0].attributes = new Map([['repeat', 'true']])
  assert.throws(() => hs.Tickets.fromObjectsSync(objects), (e) =>
    e.code === 'malformed_value' && e.ticketId === objects[0].id && e.field === 'attributes')
  for (const bad of [5, new Map()]) {
    const columns = city.tickets.toColumns()
    columns.tickets.attributes = bad
    assert.throws(() => hs.Tickets.fromColumnsSync(columns), (e) => e.code === 'invalid_argument' && e.field === 'tickets.attributes')
  }
  // A table that is null: an error with its code, not the bare TypeError of the property read.
  const nullEvents = { ...city.tickets.toColumns(), events: null }
  assert.throws(() => hs.Tickets.fromColumnsSync(nullEvents), (e) =>
    e.code === 'invalid_argument' && e.field === 'events' && /`columns.events` must be an object/.test(e.message))
  // A lone surrogate in JSON text or a units row (N-API made it U+FFFD, another id).
  const text = JSON.stringify(city.tickets.toObjects().slice(0, 1)).replace(/"id":"([^"]+)"/, '"id":"$1\ud800"')
  assert.throws(() => hs.Tickets.fromJsonSync(text), (e) => e.code === 'invalid_argument' && e.field === 'text')
  assert.throws(() => new hs.Evaluator([{ unit: 'u\ud800', group: 'g' }]), /lone surrogate/)
  // An attribute named __proto__ cannot be a key of the columns' attributes object.
  const proto = hs.Tickets.fromJsonSync(JSON.stringify([{ ...city.tickets.toObjects()[0], attributes: { ['__proto__']: 'p' } }]))
  assert.throws(() => proto.toColumns(), (e) => e.code === 'invalid_argument' && e.field === 'attributes')
  assert.deepEqual(Object.keys(proto.toObjects()[0].attributes), ['__proto__'])
})
