'use strict'
// JavaScript values that JSON cannot carry as they are (symbols, functions, NaN, ±∞, invalid
// Dates, lone surrogates) and cells of the wrong type in rows and board items: each is a typed
// error naming the ticket, event and field, skipped per ticket in lenient loads, never dropped
// or replaced silently.
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const units = [{ unit: 'u1', group: 'counties' }]
const received = '2026-03-02T09:00:00+08:00'
const T = (id, extra = {}, events = []) => ({ id, kind: 'help', received_at: received, events, ...extra })
const dispatched = { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1' }
const row = (id, extra = {}) => ({ ticket_id: id, kind: 'help', received_at: received, ...extra })
const eventRow = (id, extra = {}) => ({ ticket_id: id, ...dispatched, ...extra })
const broken = '微信😀'.slice(0, -1) // a lone high surrogate at index 2

/** Asserts that `fn` throws an Error with the properties in `fields`. */
function throwsWith (fn, fields) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error)
    for (const [k, v] of Object.entries(fields)) assert.deepEqual(err[k], v, `err.${k}`)
    return true
  })
}

/** Loads `tickets` leniently: the ids kept and the diagnostics as [code, ticket, event, field, row]. */
function lenient (tickets) {
  const t = hs.Tickets.fromObjectsSync(tickets, { mode: 'lenient' })
  return [t.ids(), t.diagnostics.map((d) => [d.code, d.ticket_id, d.event_index, d.field, d.row])]
}

test('symbol and function values in ticket objects are errors naming the ticket and field', () => {
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', {}, [{ ...dispatched, event_id: Symbol('x') }])]),
    { code: 'malformed_value', ticketId: 'T1', eventIndex: 0, field: 'event_id', row: 0 })
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { channel: () => 'web' })]),
    { code: 'malformed_value', ticketId: 'T1', field: 'channel' })
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { attributes: { district: Symbol('d') } })]),
    { code: 'malformed_value', ticketId: 'T1', field: 'attributes.district' })
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { events: Symbol('e') })]),
    { code: 'malformed_value', ticketId: 'T1', field: 'events' })
  assert.deepEqual(lenient([T('T1'), T('T2', { channel: Symbol('c') }), T('T3')]),
    [['T1', 'T3'], [['malformed_value', 'T2', null, 'channel', 1]]])
  // The async form and JSON-carried objects elsewhere (board items) say the same.
  const board = new hs.Board({ units, scheme: hs.Scheme.preset('sanmenxia') })
  throwsWith(() => board.register(T('B1', { channel: () => 1, events: undefined })), { code: 'malformed_value', ticketId: 'B1', field: 'channel' })
  // undefined stays what JSON makes of it: absent.
  assert.equal(hs.Tickets.fromObjectsSync([T('T1', { channel: undefined })]).toObjects()[0].channel, '')
})

test('NaN, ±Infinity and invalid Dates in ticket data are timestamp errors naming the field', async () => {
  const cases = [NaN, Infinity, -Infinity, new Date(NaN)]
  for (const bad of cases) {
    throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { received_at: bad })]),
      { code: 'malformed_timestamp', ticketId: 'T1', field: 'received_at', row: 0 })
    throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', {}, [dispatched, { ...dispatched, type: 'signed', at: bad }])]),
      { code: 'malformed_timestamp', ticketId: 'T1', eventIndex: 1, field: 'at' })
    throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1', { received_at: bad })], events: [] }),
      { code: 'malformed_timestamp', ticketId: 'T1', field: 'received_at', row: 0 })
    throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1')], events: [eventRow('T1', { at: bad })] }),
      { code: 'malformed_timestamp', ticketId: 'T1', eventIndex: 0, field: 'at', row: 0 })
    await assert.rejects(hs.Tickets.fromObjects([T('T1', { received_at: bad })]),
      { code: 'malformed_timestamp', ticketId: 'T1', field: 'received_at' })
  }
  // Never the missing_field of a null: a NaN is a value, not an absence.
  assert.throws(() => hs.Tickets.fromObjectsSync([T('T1', { received_at: NaN })]), (err) => err.code !== 'missing_field')
  assert.deepEqual(lenient([T('T1', { received_at: NaN }), T('T2')]), [['T2'], [['malformed_timestamp', 'T1', null, 'received_at', 0]]])
  // A NaN anywhere else is a malformed value (JSON would have made it null: absent).
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { channel: NaN })]), { code: 'malformed_value', field: 'channel' })
  const board = new hs.Board({ units, scheme: hs.Scheme.preset('sanmenxia') })
  board.register(T('B1', { events: undefined }))
  throwsWith(() => board.ingest('B1', { ...dispatched, at: NaN }), { code: 'malformed_timestamp', ticketId: 'B1', eventIndex: 0, field: 'at' })
  // An instant argument is still invalid_instant (docs/semantics.md, Node binding).
  throwsWith(() => hs.parseInstant(NaN), { code: 'invalid_instant' })
})

test('fromRows: a cell of the wrong type is its ticket\'s problem, as in fromObjects', async () => {
  const tables = { tickets: [row('T1'), row('T2', { district: 5 }), row('T3')], events: [] }
  throwsWith(() => hs.Tickets.fromRowsSync(tables),
    { code: 'malformed_value', ticketId: 'T2', field: 'attributes.district', row: 1 })
  const t = hs.Tickets.fromRowsSync(tables, { mode: 'lenient' })
  assert.deepEqual(t.ids(), ['T1', 'T3'])
  const objects = hs.Tickets.fromObjectsSync([T('T1'), T('T2', { attributes: { district: 5 } }), T('T3')], { mode: 'lenient' })
  assert.deepEqual(t.diagnostics, objects.diagnostics)
  const async = await hs.Tickets.fromRows(tables, { mode: 'lenient' })
  assert.deepEqual(async.diagnostics, t.diagnostics)
  // An event row: its ticket, its index within the ticket, its column and its row.
  const events = [eventRow('T1'), eventRow('T2'), eventRow('T2', { type: 'signed', at: '2026-03-02T09:20:00+08:00', unit: 7.5 })]
  const withEvents = { tickets: [row('T1'), row('T2')], events }
  throwsWith(() => hs.Tickets.fromRowsSync(withEvents), { code: 'malformed_value', ticketId: 'T2', eventIndex: 1, field: 'unit', row: 2 })
  const e = hs.Tickets.fromRowsSync(withEvents, { mode: 'lenient' })
  assert.deepEqual(e.ids(), ['T1'])
  assert.deepEqual(e.diagnostics.map((d) => [d.code, d.ticket_id, d.event_index, d.field, d.row]), [['malformed_value', 'T2', 1, 'unit', 2]])
  // Report order is tickets-table order, whoever finds the problem; strict mode gives the first.
  const mixed = { tickets: [row('T1', { kind: 'bogus' }), row('T2', { channel: 1 }), row('T3', { kind: 'nope' })], events: [eventRow('T9')] }
  assert.deepEqual(hs.Tickets.fromRowsSync(mixed, { mode: 'lenient' }).diagnostics.map((d) => [d.code, d.ticket_id, d.row]),
    [['unknown_kind', 'T1', 0], ['malformed_value', 'T2', 1], ['unknown_kind', 'T3', 2], ['unknown_ticket', 'T9', 0]])
  throwsWith(() => hs.Tickets.fromRowsSync(mixed), { code: 'unknown_kind', ticketId: 'T1' })
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1', { channel: 1 }), row('T2', { kind: 'bogus' })], events: [] }),
    { code: 'malformed_value', ticketId: 'T1', field: 'channel', row: 0 })
  // A row that is not an object is a bad ticket too; an unknown events column stays a table error.
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1'), 'T2'], events: [] }), { code: 'malformed_value', row: 1 })
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1')], events: [eventRow('T1', { colour: 'red' })] }),
    { code: 'invalid_argument', field: 'events' })
  // An event row that is not an object is reported as such (not as a missing ticket id), by row;
  // the ticket it might have belonged to is unknown, so the others load.
  const stray = { tickets: [row('T1')], events: [eventRow('T1'), 7] }
  throwsWith(() => hs.Tickets.fromRowsSync(stray), { code: 'malformed_value', field: undefined, row: 1 })
  const kept = hs.Tickets.fromRowsSync(stray, { mode: 'lenient' })
  assert.deepEqual(kept.ids(), ['T1'])
  assert.deepEqual(kept.diagnostics.map((d) => [d.code, d.ticket_id, d.row]), [['malformed_value', null, 1]])
  assert.match(kept.diagnostics[0].message, /is not a JSON object \(an event\)/)
})

test('fromRows reads a whole number in an id column as its digits, as fromObjects reads ids', () => {
  // A database's integer keys (a MySQL INT ticket id, unit code or event id) come as numbers.
  const tables = {
    tickets: [row(7), row('T8')],
    events: [eventRow(7, { event_id: 31 }), eventRow('T8', { unit: 12 })]
  }
  const withUnits = { units: [...units, { unit: '12', group: 'counties' }] }
  const t = hs.Tickets.fromRowsSync(tables, withUnits)
  assert.deepEqual(t.ids(), ['7', 'T8'])
  const objects = hs.Tickets.fromObjectsSync([
    T(7, {}, [{ ...dispatched, event_id: 31 }]),
    T('T8', {}, [{ ...dispatched, unit: 12 }])
  ], withUnits)
  assert.equal(JSON.stringify(t.toObjects()), JSON.stringify(objects.toObjects()))
  // The units table's keys may be numbers too (given back as strings).
  const numbered = hs.Tickets.fromRowsSync(tables, { units: [...units, { unit: 12, group: 'counties' }] })
  assert.equal(JSON.stringify(numbered.toObjects()), JSON.stringify(t.toObjects()))
  assert.deepEqual(new hs.Evaluator([{ unit: 12, group: 'counties' }]).units.map((u) => u.unit), ['12'])
  assert.throws(() => new hs.Evaluator([{ unit: 1.5, group: 'counties' }]), /a unit id must be a string or a whole number, got 1.5/)
  // A fraction or a boolean is not an id; the error names the ticket by its digits.
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row(7.5)], events: [] }),
    { code: 'malformed_value', field: 'ticket_id', row: 0 })
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row(7, { channel: 1 })], events: [] }),
    { code: 'malformed_value', ticketId: '7', field: 'channel', row: 0 })
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1')], events: [eventRow('T1', { event_id: true })] }),
    { code: 'malformed_value', ticketId: 'T1', eventIndex: 0, field: 'event_id', row: 0 })
})

test('board items are read as fromObjects reads tickets: typed errors naming ticket and item', () => {
  const board = new hs.Board({ units, scheme: hs.Scheme.preset('sanmenxia') })
  throwsWith(() => board.register({ id: 'T1', kind: 'help', received_at: '2026-03-02 09:00' }),
    { code: 'malformed_timestamp', ticketId: 'T1', field: 'received_at' })
  throwsWith(() => board.register({ id: 'T1', kind: 'help', received_at: received, attributes: { district: 5 } }),
    { code: 'malformed_value', ticketId: 'T1', field: 'attributes.district' })
  throwsWith(() => board.register({ ...T('T1'), events: [] }), { code: 'unknown_field', ticketId: 'T1', field: 'events' })
  // A whole-number id names the ticket by its digits there too.
  throwsWith(() => board.register({ ...T(7), events: [] }), { code: 'unknown_field', ticketId: '7', field: 'events' })
  assert.equal(board.register({ id: 'T1', kind: 'help', received_at: received }), 'accepted')
  throwsWith(() => board.ingest('T1', { ...dispatched, unit: true }), { code: 'malformed_value', ticketId: 'T1', eventIndex: 0, field: 'unit' })
  // An unknown key is the ticket's unknown_field, as in fromObjects (it was a bare invalid_argument).
  throwsWith(() => board.ingest('T1', { ...dispatched, colour: 'red' }), { code: 'unknown_field', ticketId: 'T1', eventIndex: 0, field: 'colour' })
  const out = board.ingestBatchSync([
    { input: 'ticket', id: 'T2', kind: 'help', received_at: received },
    { input: 'ticket', id: 'T3', kind: 'help', received_at: '2026-03-02 09:00' },
    { input: 'event', ticket_id: 'T2', event: { ...dispatched, at: NaN } },
    { input: 'event', ticket_id: 'T2', event: dispatched },
    { input: 'bogus' }
  ])
  assert.deepEqual(out.map((o) => o.status), ['accepted', 'rejected', 'rejected', 'accepted', 'rejected'])
  const err = (i) => out[i].error
  assert.deepEqual([err(1).code, err(1).ticketId, err(1).field, err(1).row], ['malformed_timestamp', 'T3', 'received_at', 1])
  assert.deepEqual([err(2).code, err(2).ticketId, err(2).eventIndex, err(2).field, err(2).row], ['malformed_timestamp', 'T2', 0, 'at', 2])
  assert.deepEqual([err(4).code, err(4).field, err(4).row], ['invalid_input', 'input', 4])
})

test('lone surrogates (broken characters) are errors everywhere, never U+FFFD', () => {
  throwsWith(() => hs.Tickets.fromObjectsSync([T('T1', { channel: broken })]),
    { code: 'malformed_value', ticketId: 'T1', field: 'channel' })
  assert.deepEqual(lenient([T('T1', { channel: broken }), T('T2')]), [['T2'], [['malformed_value', 'T1', null, 'channel', 0]]])
  assert.deepEqual(lenient([T('T1', { attributes: { topic: broken } })])[1], [['malformed_value', 'T1', null, 'attributes.topic', 0]])
  throwsWith(() => hs.Tickets.fromRowsSync({ tickets: [row('T1', { channel: broken })], events: [] }),
    { code: 'malformed_value', ticketId: 'T1', field: 'channel', row: 0 })
  const r = hs.Tickets.fromRowsSync({ tickets: [row('T1'), row('T2')], events: [eventRow('T1', { event_id: broken }), eventRow('T2')] }, { mode: 'lenient' })
  assert.deepEqual(r.ids(), ['T2'])
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.ticket_id, d.field]), [['malformed_value', 'T1', 'event_id']])
  const board = new hs.Board({ units, scheme: hs.Scheme.preset('sanmenxia') })
  throwsWith(() => board.register(T('B1', { channel: broken, events: undefined })), { code: 'malformed_value', ticketId: 'B1', field: 'channel' })
  board.register(T('B3', { events: undefined }))
  board.register(T('B3\ufffd', { events: undefined }))
  // An id with a broken character is refused, not merged into 'B3\ufffd'.
  throwsWith(() => board.ingest('B3\ud800', dispatched), { code: 'invalid_argument', field: 'ticketId' })
  assert.equal(board.ingest('B3\ufffd', dispatched), 'accepted')
  throwsWith(() => board.deadlineStatuses('u1\udc00', received), { code: 'invalid_argument', field: 'unit' })
  // Dictionaries of the columnar form: the dictionary and entry are named.
  const columns = hs.Tickets.fromObjectsSync([T('T1', { channel: 'web' })]).toColumns()
  columns.dictionaries.channel = [broken]
  throwsWith(() => hs.Tickets.fromColumnsSync(columns), { code: 'invalid_argument', field: 'dictionaries.channel' })
  assert.throws(() => hs.Tickets.fromColumnsSync(columns), /entry 0 has a lone surrogate/)
  // A real U+FFFD is a character like any other.
  assert.deepEqual(hs.Tickets.fromObjectsSync([T('T1', { channel: 'a\ufffd' })]).toObjects()[0].channel, 'a\ufffd')
  columns.dictionaries.channel = ['a\ufffd']
  assert.equal(hs.Tickets.fromColumnsSync(columns).toObjects()[0].channel, 'a\ufffd')
})

test('metrics tables: a role left out has no counters (as Metrics types it); toRows writes absent cells as null', () => {
  const scheme = hs.Scheme.preset('sanmenxia')
  const asOf = '2026-03-10T00:00:00+08:00'
  const lead = { dispatched: 2, signed: 2, signed_on_time: 2 }
  const both = scheme.scoreJson(units, { units: { u1: { lead, assisting: {} } } }, { asOf })
  assert.equal(scheme.scoreJson(units, { units: { u1: { lead } } }, { asOf }), both)
  assert.equal(scheme.scoreJson(units, { units: { u1: { assisting: {} } } }, { asOf }),
    scheme.scoreJson(units, { units: { u1: { lead: {}, assisting: {} } } }, { asOf }))
  const t = hs.Tickets.fromObjectsSync([T('T1', {}, [dispatched])])
  const rows = t.toRows()
  assert.equal(rows.tickets[0].channel, null)
  assert.equal(rows.events[0].reason, null)
  assert.equal(rows.events[0].unit, 'u1')
  assert.equal(hs.Tickets.fromRowsSync(rows).toJson(), t.toJson())
})

test('units whose ids are digits: the Json twins keep the core\'s key order, which objects cannot', () => {
  // JavaScript lists integer-like keys first, in numeric order: `{"10", "2", "a"}` becomes
  // `{"2", "10", "a"}`. finalizeJson / metricsJson give the core's exact bytes (a cross-language
  // audit found Node's JSON.stringify of finalize() differing from Rust and Python).
  const digitUnits = [{ unit: '10', group: 'counties' }, { unit: '2', group: 'counties' }, { unit: 'a', group: 'counties' }]
  const dispatched = (unit) => ({ at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit })
  const tickets = hs.Tickets.fromObjectsSync(['10', '2', 'a'].map((u) => T(`T${u}`, {}, [dispatched(u)])), { units: digitUnits })
  const period = { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: '2026-03' }
  const asOf = '2026-03-10T00:00:00+08:00'
  const part = new hs.Evaluator(digitUnits).partialSync(tickets, { period, asOf })
  const text = part.finalizeJson(digitUnits)
  assert.deepEqual(Object.keys(JSON.parse(text).units), ['2', '10', 'a'], 'a parsed object reorders')
  assert.ok(text.indexOf('"10"') < text.indexOf('"2"') && text.indexOf('"2"') < text.indexOf('"a"'), text)
  assert.deepEqual(JSON.parse(text), part.finalize(digitUnits))
  const board = new hs.Board({ units: digitUnits, scheme: hs.Scheme.preset('sanmenxia') })
  board.ingestTicketsSync(tickets)
  const boardText = board.metricsJson(asOf, period)
  assert.ok(boardText.indexOf('"10"') < boardText.indexOf('"2"'), boardText)
  assert.deepEqual(JSON.parse(boardText), board.metrics(asOf, period))
})
