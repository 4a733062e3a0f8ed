'use strict'
// Arguments: options objects refuse unknown keys (a typo never leaves an option at its default
// silently), functions returning a Promise reject on bad arguments (never throw), and
// Tickets.slice counts as Array.prototype.slice does.
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const units = [{ unit: 'u1', group: 'counties' }]
const T = (id, events = []) => ({ id, kind: 'help', received_at: '2026-03-02T09:00:00+08:00', events })
const dispatched = { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1' }
const tickets = hs.Tickets.fromObjectsSync([T('T1', [dispatched]), T('T2', [dispatched])])
const scheme = hs.Scheme.preset('sanmenxia')
const asOf = '2026-03-10T00:00:00+08:00'
const period = { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: '2026-03' }

test('calendar templates are read by the core: an unknown day key is unknown_calendar_key', () => {
  const template = { weekdays: ['09:00-12:00', '13:30-17:30'], satuday: ['09:00-12:00'] }
  assert.throws(() => new hs.Calendar({ prc: true, template }), { code: 'unknown_calendar_key', field: 'satuday' })
  assert.throws(() => new hs.Calendar({ prc: true, datedTemplates: [{ from: '2026-06-01', template }] }),
    { code: 'unknown_calendar_key', field: 'satuday' })
  // The right key works: Saturday is then a working day.
  const six = new hs.Calendar({ prc: true, template: { weekdays: ['09:00-12:00'], sat: ['09:00-12:00'] } })
  assert.equal(six.isWorkday('2026-03-07'), true)
  // camelCase keys as typed (everyDay, adjustedWorkday), and the core's snake_case too.
  const coverage = ['2026-01-01', '2026-12-31']
  const camel = new hs.Calendar({ coverage, template: { everyDay: ['08:00-10:00'] } })
  const snake = new hs.Calendar({ coverage, template: { every_day: ['08:00-10:00'] } })
  assert.equal(camel.workingBetween('2026-03-07T00:00:00+08:00', '2026-03-08T00:00:00+08:00'), 2 * 3600000)
  assert.equal(snake.workingBetween('2026-03-07T00:00:00+08:00', '2026-03-08T00:00:00+08:00'), 2 * 3600000)
  // Bad hours are the core's errors too.
  assert.throws(() => new hs.Calendar({ prc: true, template: { weekdays: ['12:00-09:00'] } }), { code: 'interval_ends_before_start' })
})

test('options objects refuse unknown keys with invalid_argument naming the key', () => {
  const refused = (fn, field) => assert.throws(fn, (err) => {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'invalid_argument')
    assert.equal(err.field, field)
    assert.match(err.message, new RegExp(`no option \`${field}\``))
    return true
  })
  refused(() => new hs.Calendar({ prc: true, offest: '+09:00' }), 'offest')
  refused(() => hs.Calendar.fromToml('', { prc: true, predictThru: '2030-01-01' }), 'predictThru')
  refused(() => new hs.Calendar({ prc: true, datedTemplates: [{ from: '2026-06-01', tempalte: {} }] }), 'tempalte')
  refused(() => hs.Calendar.prc().workingDaysDeadline(asOf, 1, { countStartDays: true }), 'countStartDays')
  refused(() => hs.Tickets.fromObjectsSync([T('T1')], { modee: 'lenient' }), 'modee')
  refused(() => hs.Tickets.fromJsonSync('[]', { unit: units }), 'unit')
  refused(() => hs.Tickets.fromRowsSync({ tickets: [], events: [], units }), 'units')
  refused(() => tickets.validate({ Mode: 'strict' }), 'Mode')
  refused(() => tickets.toColumns({ pack: true }), 'pack')
  refused(() => hs.scoreSync(tickets, scheme, { units, asOf, dueAnchr: 'due_or_closed' }), 'dueAnchr')
  refused(() => hs.scoreSync(tickets, scheme, { units, asOf, period: { ...period, lable: 'x' } }), 'lable')
  refused(() => scheme.periodWarningsSync(new hs.Evaluator(units), tickets, { asOf, perid: period }), 'perid')
  refused(() => new hs.Evaluator(units).partialSync(tickets, { period, asOf, due_anchor: 'due_or_closed' }), 'due_anchor')
  refused(() => new hs.Board({ units, scheme, polcy: hs.Policy.builtin('henan') }), 'polcy')
  refused(() => new hs.Board({ units, scheme }).standings(asOf, { ...period, ende: asOf }), 'ende')
  refused(() => hs.syntheticCitySync({ day: 3 }), 'day')
  refused(() => new hs.Formula('x', { x: 'number' }, { results: 'bool' }), 'results')
  // A value napi-rs cannot convert is the binding's invalid_argument on the argument.
  assert.throws(() => hs.Tickets.fromObjectsSync([T('T1')], { mode: 5 }), { code: 'invalid_argument', field: 'options' })
  assert.throws(() => hs.Tickets.fromObjectsSync([T('T1')], 'lenient'), { code: 'invalid_argument', field: 'options' })
  // An options getter that throws: the binding's error, with what the getter threw in its message.
  const notReady = { get mode () { throw new Error('options are not ready') } }
  assert.throws(() => hs.Tickets.fromObjectsSync([T('T1')], notReady),
    { code: 'invalid_argument', field: 'options', message: /it threw "Error: options are not ready"/ })
  // Absent options (undefined or null) are the defaults.
  assert.equal(hs.Tickets.fromObjectsSync([T('T1')], null).length, 1)
  assert.equal(hs.Tickets.fromObjectsSync([T('T1')], undefined).length, 1)
})

test('a positional argument of the wrong type is invalid_argument naming it, as an option is', () => {
  // napi-rs threw its own codes before the call (InvalidArg, StringExpected, NumberExpected)
  // with no field: a units row without its group was invalid_argument in scoreSync's options
  // and InvalidArg given to new Evaluator(rows).
  const noGroup = JSON.parse('[{"unit": "u1"}]')
  const wrong = (fn, field, message) => assert.throws(fn, (err) => {
    assert.equal(err.code, 'invalid_argument', `${err.code} ${err.message}`)
    assert.equal(err.field, field)
    assert.match(err.message, message)
    return true
  })
  wrong(() => new hs.Evaluator(noGroup), 'units', /^`units`: Missing field `group`/)
  wrong(() => new hs.Evaluator('units'), 'units', /must be an array, got string/)
  wrong(() => new hs.Partial().finalize(noGroup), 'units', /Missing field `group`/)
  wrong(() => scheme.score(noGroup, { units: {} }, { asOf }), 'units', /Missing field `group`/)
  wrong(() => scheme.scoreJson([{ unit: true, group: 'counties' }], { units: {} }, { asOf }), 'units', /`units`/)
  wrong(() => hs.parseAmount(3), 'text', /must be a string, got number/)
  wrong(() => hs.parseLocalInstant('2026-03-02 09:00:00', 8), 'offset', /must be a string, got number/)
  wrong(() => hs.formatInstant(asOf, 8), 'offset', /must be a string/)
  wrong(() => hs.Policy.builtin(null), 'name', /must be a string, got null/)
  wrong(() => hs.Scheme.fromToml(Buffer.from('x')), 'text', /must be a string, got object/)
  wrong(() => hs.Calendar.fromFile(1), 'path', /must be a string/)
  wrong(() => hs.Calendar.prc().addWorking(asOf, '3600000'), 'ms', /must be a number, got string/)
  wrong(() => hs.Calendar.prc().workingDaysDeadline(asOf, '2'), 'n', /must be a number/)
  wrong(() => hs.Calendar.prc().parseLocal(20260302), 'text', /must be a string/)
  wrong(() => new hs.Formula(1, {}), 'source', /must be a string/)
  wrong(() => tickets.slice('1'), 'start', /must be a number, got string/)
  wrong(() => hs.Board.restoreSync('bytes', { units, scheme }), 'bytes', /must be a Buffer, got string/)
  wrong(() => hs.Board.restoreJsonSync(7, { units, scheme }), 'text', /must be a string/)
  wrong(() => new hs.Board({ units, scheme }).ingest({}, dispatched), 'ticketId', /`ticketId`/)
  wrong(() => new hs.Board({ units, scheme }).ticket(1.5), 'ticketId', /whole number/)
  // Absent optional arguments are still their defaults.
  assert.equal(hs.parseLocalInstant('2026-03-02 09:00:00'), Date.parse('2026-03-02T09:00:00+08:00'))
  assert.equal(tickets.slice(null, undefined).length, 2)
})

/** Asserts that `fn()` returns a Promise (never throws) that rejects with `expected`. */
async function rejects (fn, expected) {
  let promise
  try {
    promise = fn()
  } catch (err) {
    assert.fail(`threw synchronously instead of rejecting: ${err.code} ${err.message}`)
  }
  assert.ok(promise instanceof Promise, 'returns a Promise')
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(err[k], v, `err.${k}`)
    return true
  })
}

test('functions returning a Promise reject on bad arguments, never throw', async () => {
  const ev = new hs.Evaluator(units)
  const scores = hs.scoreSync(tickets, scheme, { units, asOf })
  const bytes = new hs.Board({ units, scheme }).snapshotSync()
  await rejects(() => hs.score(tickets, scheme, { units, asOf: NaN }), { code: 'invalid_instant' })
  await rejects(() => hs.score(tickets, scheme, { units, asOf, dueAnchor: 'later' }), { code: 'invalid_argument', field: 'dueAnchor' })
  await rejects(() => hs.score(tickets, scheme, { units, asOf, external: { u1: { praise: 'lots' } } }), { code: 'invalid_argument', field: 'external' })
  await rejects(() => hs.score(tickets, scheme, 'options'), { code: 'invalid_argument', field: 'options' })
  await rejects(() => hs.scoreJson(tickets, scheme, { units, asOf: 1.5 }), { code: 'invalid_instant' })
  await rejects(() => hs.syntheticCity({ units: 1.5 }), { code: 'invalid_argument', field: 'units' })
  await rejects(() => hs.syntheticCity({ units: 0 }), { code: 'invalid_city_config' })
  await rejects(() => hs.syntheticCity({ start: '2026-02-30' }), { code: 'invalid_date' })
  await rejects(() => ev.evaluate(tickets, NaN), { code: 'invalid_instant' })
  await rejects(() => ev.partial(tickets, { period, asOf: NaN }), { code: 'invalid_instant' })
  await rejects(() => ev.partial(tickets, { period: { ...period, end: period.start }, asOf }), { code: 'invalid_period' })
  await rejects(() => ev.contributions(tickets, 'u1', { period, asOf, dueAnchor: 'x' }), { code: 'invalid_argument', field: 'dueAnchor' })
  await rejects(() => ev.openAssignments(tickets, Infinity), { code: 'invalid_instant' })
  await rejects(() => scheme.periodWarnings(ev, tickets, { asOf: NaN }), { code: 'invalid_instant' })
  await rejects(() => scheme.explainTickets(ev, tickets, scores, { period, asOf: NaN }), { code: 'invalid_instant' })
  await rejects(() => scheme.explainTickets(ev, tickets, '{', { period, asOf }), { code: 'invalid_argument', field: 'scores' })
  await rejects(() => scheme.explainTickets(ev, tickets, scores, { period, asOf }, ['nowhere']), { code: 'unit_not_scored' })
  await rejects(() => hs.Tickets.fromJson('[]', { mode: 'relaxed' }), { code: 'invalid_argument', field: 'mode' })
  await rejects(() => new hs.Board({ units, scheme }).ingestBatch({ input: 'event' }), { code: 'invalid_argument', field: 'items' })
  await rejects(() => hs.Tickets.fromObjects([T('T1')], { mode: 'relaxed' }), { code: 'invalid_argument', field: 'mode' })
  await rejects(() => hs.Tickets.fromObjects('not an array'), { code: 'invalid_argument', field: 'tickets' })
  await rejects(() => hs.Tickets.fromRows({ tickets: [], events: [] }, { localOffset: '8h' }), { code: 'invalid_argument', field: 'localOffset' })
  await rejects(() => hs.Tickets.fromRows({ tickets: [] }), { code: 'invalid_argument', field: 'tables' })
  await rejects(() => hs.Tickets.fromRows({ tickets: [], events: [], extra: [] }), { code: 'invalid_argument', field: 'extra' })
  await rejects(() => hs.Tickets.fromColumns(tickets.toColumns(), { mode: 'relaxed' }), { code: 'invalid_argument', field: 'mode' })
  await rejects(() => hs.Tickets.fromColumns({ tickets: {} }), { code: 'invalid_argument', field: 'events' })
  await rejects(() => hs.Board.restore(bytes, { units, scheme, dueAnchor: 'whenever' }), { code: 'invalid_argument', field: 'dueAnchor' })
  await rejects(() => hs.Board.restore(bytes, { units, scheme, extra: 1 }), { code: 'invalid_argument', field: 'extra' })
  await rejects(() => hs.Board.restore('bytes', { units, scheme }), { code: 'invalid_argument', field: 'bytes' })
  // Their sync twins throw the same errors.
  assert.throws(() => hs.scoreSync(tickets, scheme, { units, asOf: NaN }), { code: 'invalid_instant' })
  assert.throws(() => hs.syntheticCitySync({ units: 1.5 }), { code: 'invalid_argument', field: 'units' })
  // Seeds: any 64-bit seed as a BigInt (as the CLI and Python take it); a number up to 2^53 − 1,
  // the same city as its BigInt.
  const small = (seed) => hs.syntheticCitySync({ seed, days: 1, units: 3, ticketsPerDay: 3 }).tickets.toJson()
  assert.equal(small(2 ** 53 - 1), small(2n ** 53n - 1n))
  assert.notEqual(small(2n ** 64n - 1n), small(2n ** 64n - 2n))
  for (const seed of [2 ** 53, -1, -1n, 2n ** 64n, 1.5]) {
    assert.throws(() => small(seed), { code: 'invalid_argument', field: 'seed', message: /BigInt up to 2\^64 − 1/ })
  }
  assert.throws(() => hs.Board.restoreSync(bytes, { units, scheme, dueAnchor: 'whenever' }), { code: 'invalid_argument', field: 'dueAnchor' })
  // Good arguments still resolve.
  assert.equal((await hs.score(tickets, scheme, { units, asOf })).units.length, scores.units.length)
})

test('Tickets.slice counts as Array.prototype.slice: negative from the end, clamped', () => {
  const ids = Array.from({ length: 11 }, (_, i) => `S${String(i).padStart(2, '0')}`)
  const t = hs.Tickets.fromObjectsSync(ids.map((id) => T(id)))
  const cases = [
    [[], ids.slice()],
    [[-2], ids.slice(-2)],
    [[0, -1], ids.slice(0, -1)],
    [[2 ** 32 + 1], ids.slice(2 ** 32 + 1)],
    [[-(2 ** 40)], ids.slice(-(2 ** 40))],
    [[3, 5], ids.slice(3, 5)],
    [[5, 3], ids.slice(5, 3)],
    [[-3, -1], ids.slice(-3, -1)],
    [[0, 100], ids.slice(0, 100)],
    [[0, Infinity], ids.slice(0, Infinity)],
    [[-Infinity, 2], ids.slice(-Infinity, 2)],
    [[undefined, 4], ids.slice(undefined, 4)],
    [[4, undefined], ids.slice(4, undefined)],
    [[-0], ids.slice(-0)],
    [[11], ids.slice(11)]
  ]
  for (const [args, expected] of cases) {
    assert.deepEqual(t.slice(...args).ids(), expected, `slice(${args.join(', ')})`)
  }
  assert.equal(t.slice(-2).length, 2)
  assert.equal(t.slice(0, -1).length, 10)
  // Not whole numbers: invalid_argument naming the argument, never truncated.
  assert.throws(() => t.slice(1.9), { code: 'invalid_argument', field: 'start' })
  assert.throws(() => t.slice(0, 2.5), { code: 'invalid_argument', field: 'end' })
  assert.throws(() => t.slice(NaN), { code: 'invalid_argument', field: 'start' })
})

test("another class's instance in a class argument or option is InvalidArg, never a crash", () => {
  // napi-rs reads any object it wrapped as the class asked for: a City for its Tickets, a
  // Scheme for a Policy were read as such (SIGSEGV, an abort, or scores of garbage). Run in a
  // child process, so that a regression fails this test instead of killing the runner.
  const { spawnSync } = require('node:child_process')
  const script = `
    const hs = require(${JSON.stringify(require.resolve('..'))})
    const city = hs.syntheticCitySync({ days: 2, ticketsPerDay: 10, units: 8 })
    const scheme = hs.Scheme.preset('three-rates')
    const { tickets, units, asOf } = city
    const ev = new hs.Evaluator(units)
    const cases = {
      'score(city)': () => hs.scoreSync(city, scheme, { units, asOf }),
      'score(scheme, scheme)': () => hs.scoreSync(scheme, scheme, { units, asOf }),
      'score options policy: scheme': () => hs.scoreSync(tickets, scheme, { units, asOf, policy: scheme }),
      'score options calendar: tickets': () => hs.scoreSync(tickets, scheme, { units, asOf, calendar: tickets }),
      'evaluate(city)': () => ev.evaluateSync(city, asOf),
      'partial(scheme)': () => ev.partialSync(scheme, { asOf }),
      'merge(tickets)': () => new hs.Partial().merge(tickets),
      'new Evaluator(units, scheme)': () => new hs.Evaluator(units, scheme),
      'explainTickets(tickets, ev)': () => scheme.explainTicketsSync(tickets, ev, '{}', { asOf }),
      'Board scheme: tickets': () => new hs.Board({ units, scheme: tickets }),
      'board.ingestTickets(city)': () => new hs.Board({ units: [], scheme }).ingestTicketsSync(city),
    }
    const out = {}
    for (const [name, f] of Object.entries(cases)) {
      try { f(); out[name] = 'returned' } catch (e) { out[name] = [e.code, e.message] }
    }
    console.log(JSON.stringify(out))
  `
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(child.status, 0, `the process died: ${child.signal ?? ''} ${child.stderr}`)
  const out = JSON.parse(child.stdout)
  assert.equal(Object.keys(out).length, 11)
  for (const [name, result] of Object.entries(out)) {
    assert.ok(Array.isArray(result), `${name}: ${result}`)
    const [code, message] = result
    assert.ok(['InvalidArg', 'invalid_argument'].includes(code), `${name}: ${code} ${message}`)
    assert.match(message, /is not instanceof class `(Tickets|Policy|Calendar|Partial|Scheme|Evaluator)`/, name)
  }
})

test('a BigInt (a driver\'s 64-bit key or epoch milliseconds) is read as its digits, exactly', () => {
  // JSON.stringify alone throws on a BigInt ("Do not know how to serialize a BigInt", no code).
  const big = { id: 9007199254740993n, kind: 'help', received_at: 1772413200000n, events: [{ at: 1772413500000n, type: 'dispatched', unit: 'u1' }] }
  const asText = { id: '9007199254740993', kind: 'help', received_at: 1772413200000, events: [{ at: 1772413500000, type: 'dispatched', unit: 'u1' }] }
  assert.equal(hs.Tickets.fromObjectsSync([big]).toJson(), hs.Tickets.fromObjectsSync([asText]).toJson())
  const board = new hs.Board({ units, scheme })
  const { events, ...header } = big
  assert.equal(board.register(header), 'accepted')
  assert.equal(board.ingest('9007199254740993', { ...events[0], event_id: 1n }), 'accepted')
})
