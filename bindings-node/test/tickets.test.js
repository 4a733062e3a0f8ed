'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const ticket = (id, events, extra = {}) => ({
  id, kind: 'help', channel: 'phone', received_at: '2026-03-02T09:00:00+08:00', events, ...extra
})
const dispatched = { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1' }
const signed = { at: '2026-03-02T09:20:00+08:00', type: 'signed', unit: 'u1' }

test('objects in: Dates and epoch ms are instants; plain objects out in the core form', async () => {
  const input = [ticket('T1', [
    { ...dispatched, at: new Date('2026-03-02T01:10:00Z') },
    { ...signed, at: hs.parseInstant(signed.at) }
  ], { received_at: new Date('2026-03-02T01:00:00Z'), attributes: { district: '湖滨区' } })]
  const sync = hs.Tickets.fromObjectsSync(input)
  const viaPromise = await hs.Tickets.fromObjects(input)
  assert.equal(sync.length, 1)
  assert.equal(viaPromise.toJson(), sync.toJson())
  assert.deepEqual(sync.toObjects(), [{
    id: 'T1',
    kind: 'help',
    urgency: 'normal',
    channel: 'phone',
    received_at: '2026-03-02T09:00:00+08:00',
    attributes: { district: '湖滨区' },
    events: [
      { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1', role: 'lead' },
      { at: '2026-03-02T09:20:00+08:00', type: 'signed', unit: 'u1' }
    ]
  }])
  assert.deepEqual(sync.ids(), ['T1'])
})

test('lenient loading skips and reports; strict throws the first problem', async () => {
  const input = [
    ticket('A', [signed]),
    ticket('B', [dispatched, signed]),
    ticket('C', [dispatched, { ...signed, unit: 'u9' }])
  ]
  const units = [{ unit: 'u1', group: 'g' }]
  const loaded = hs.Tickets.fromObjectsSync(input, { mode: 'lenient', units })
  assert.deepEqual(loaded.ids(), ['B'])
  assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.ticket_id, d.event_index, d.field, d.row]), [
    ['event_before_dispatch', 'A', 0, 'unit', 0],
    ['unknown_unit', 'C', 1, 'unit', 2]
  ])
  await assert.rejects(hs.Tickets.fromObjects(input, { units }), (err) => {
    assert.equal(err.code, 'event_before_dispatch')
    assert.equal(err.ticketId, 'A')
    assert.equal(err.eventIndex, 0)
    assert.equal(err.field, 'unit')
    assert.equal(err.row, 0)
    return true
  })
})

test('rows and JSON text, sync and async, give the same tickets', async () => {
  const t = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed]), ticket('T2', [dispatched])])
  const rows = t.toRows()
  assert.equal(rows.tickets.length, 2)
  assert.equal(rows.events.length, 3)
  // The core's row form: every column, null when absent.
  assert.deepEqual(rows.events[0], {
    ticket_id: 'T1', at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1', role: 'lead', reason: null,
    accepted: null, approved: null, amount: null, passed: null, satisfaction: null, resolved: null, event_id: null
  })
  assert.equal((await hs.Tickets.fromRows(rows)).toJson(), t.toJson())
  // Every attribute column too, null where a ticket has none (a cross-language audit: the key
  // was left out, where Python's to_tables() gives None).
  const some = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched], { attributes: { repeat: 'true' } }), ticket('T2', [dispatched])])
  assert.deepEqual(some.toRows().tickets.map((r) => r.repeat), ['true', null])
  assert.deepEqual(Object.keys(some.toRows().tickets[1]), ['ticket_id', 'kind', 'urgency', 'channel', 'received_at', 'repeat'])
  assert.equal(hs.Tickets.fromRowsSync(some.toRows()).toJson(), some.toJson())
  assert.equal(hs.Tickets.fromJsonSync(t.toJson()).toJson(), t.toJson())
  assert.equal((await hs.Tickets.fromJson(t.toJson())).toJson(), t.toJson())
  assert.equal((await hs.Tickets.fromColumns(t.toColumns())).toJson(), t.toJson())
  assert.deepEqual(t.slice(1).ids(), ['T2'])
  assert.deepEqual(t.slice(0, 1).ids(), ['T1'])
  assert.deepEqual(t.slice(5, 9).ids(), [])
  assert.equal(t.validate({ units: [{ unit: 'u1', group: 'g' }] }).length, 2)
  assert.throws(() => t.validate({ units: [{ unit: 'u2', group: 'g' }] }), { code: 'unknown_unit' })
})

test('localOffset: rows whose timestamps have no offset are local time in it; other forms refuse it', async () => {
  const t = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed]), ticket('T2', [dispatched])])
  const rows = t.toRows()
  // A database export: `2026-03-02 09:10:00`, no offset.
  const local = (s) => s.replace('T', ' ').replace('+08:00', '')
  const naive = {
    tickets: rows.tickets.map((r) => ({ ...r, received_at: local(r.received_at) })),
    events: rows.events.map((r) => ({ ...r, at: local(r.at) }))
  }
  assert.equal(naive.events[0].at, '2026-03-02 09:10:00')
  assert.equal(hs.Tickets.fromRowsSync(naive, { localOffset: '+08:00' }).toJson(), t.toJson())
  assert.equal((await hs.Tickets.fromRows(naive, { localOffset: '+08:00' })).toJson(), t.toJson())
  // Another offset moves every instant; instants with an offset keep theirs.
  const tokyo = hs.Tickets.fromRowsSync(naive, { localOffset: '+09:00' }).toObjects()
  assert.equal(tokyo[0].received_at, '2026-03-02T08:00:00+08:00')
  assert.equal(hs.Tickets.fromRowsSync(rows, { localOffset: '+00:00' }).toJson(), t.toJson())
  // Without it, the first such cell is a bad ticket naming the field.
  assert.throws(() => hs.Tickets.fromRowsSync(naive), { code: 'malformed_timestamp', field: 'received_at' })
  const refused = { code: 'invalid_argument', field: 'localOffset' }
  assert.throws(() => hs.Tickets.fromRowsSync(naive, { localOffset: '8h' }), refused)
  assert.throws(() => hs.Tickets.fromJsonSync(t.toJson(), { localOffset: '+08:00' }), refused)
  assert.throws(() => hs.Tickets.fromObjectsSync(t.toObjects(), { localOffset: '+08:00' }), refused)
  assert.throws(() => hs.Tickets.fromColumnsSync(t.toColumns(), { localOffset: '+08:00' }), refused)
  assert.throws(() => t.validate({ localOffset: '+08:00' }), refused)
  // The async twins reject (never throw), before any work, as for every other bad option.
  await assert.rejects(hs.Tickets.fromObjects(t.toObjects(), { localOffset: '+08:00' }), refused)
  await assert.rejects(hs.Tickets.fromJson(t.toJson(), { localOffset: '+08:00' }), refused)
  await assert.rejects(hs.Tickets.fromColumns(t.toColumns(), { localOffset: '+08:00' }), refused)
  await assert.rejects(hs.Tickets.fromRows(naive, { localOffset: '8h' }), refused)
})

test('the columnar form: narrowest code arrays, absent markers, dictionaries', () => {
  const t = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed, { at: '2026-03-02T10:00:00+08:00', type: 'returned', unit: 'u1', reason: 'not ours' },
    { at: '2026-03-02T10:30:00+08:00', type: 'return_decided', unit: 'u1', accepted: false }])])
  const c = t.toColumns()
  assert.ok(c.events.ticket_id instanceof Uint8Array)
  assert.deepEqual([...c.events.type].map((i) => c.dictionaries.type[i]), ['dispatched', 'signed', 'returned', 'return_decided'])
  assert.deepEqual([...c.events.unit], [0, 0, 0, 0])
  assert.deepEqual([...c.events.role], [0, 255, 255, 255])
  assert.deepEqual([...c.events.accepted], [255, 255, 255, 0])
  assert.equal(c.events.approved, undefined)
  assert.deepEqual(c.dictionaries.reason, ['not ours'])
  assert.deepEqual([...c.tickets.received_at], [hs.parseInstant('2026-03-02T09:00:00+08:00')])
})

test('packed dictionaries (Arrow utf8 layout) read like string arrays', async () => {
  const t = hs.Tickets.fromObjectsSync([
    ticket('工单-1', [dispatched, signed], { attributes: { district: '湖滨区' } }),
    ticket('T2', [{ ...dispatched, reason: '' }, { ...signed, at: '2026-03-02T09:30:00+08:00' }], { channel: '微信' })
  ])
  const c = t.toColumns({ packed: true })
  const ids = c.dictionaries.ticket_id
  assert.ok(ids.offsets instanceof Uint32Array)
  assert.deepEqual([...ids.offsets], [0, Buffer.byteLength('工单-1'), Buffer.byteLength('工单-1T2')])
  assert.equal(Buffer.from(ids.data).toString(), '工单-1T2')
  assert.equal(Buffer.from(c.dictionaries.attributes.district.data).toString(), '湖滨区')
  assert.equal(hs.Tickets.fromColumnsSync(c).toJson(), t.toJson())
  assert.equal((await hs.Tickets.fromColumns(c)).toJson(), t.toJson())
  // As an Arrow Utf8 vector gives them: Int32Array offsets into a Buffer, here starting past 0
  // and with bytes around the strings that no offset reaches.
  const plain = t.toColumns()
  const packArrowLike = (strings) => {
    const offsets = new Int32Array(strings.length + 1)
    offsets[0] = 3
    strings.forEach((s, i) => { offsets[i + 1] = offsets[i] + Buffer.byteLength(s) })
    return { offsets, data: Buffer.concat([Buffer.from('\xff\xfe!', 'latin1'), Buffer.from(strings.join('')), Buffer.from([0xff])]) }
  }
  const arrowLike = { ...plain, dictionaries: { ...plain.dictionaries, ticket_id: packArrowLike(plain.dictionaries.ticket_id), channel: packArrowLike(plain.dictionaries.channel) } }
  assert.equal(hs.Tickets.fromColumnsSync(arrowLike).toJson(), t.toJson())
})

test('malformed packed dictionaries throw invalid_argument naming the dictionary and offset', () => {
  const good = () => hs.Tickets.fromObjectsSync([ticket('工单-1', [dispatched, signed], { attributes: { district: '湖滨区' } })]).toColumns({ packed: true })
  const bad = (edit, field, message) => {
    const c = good()
    edit(c)
    assert.throws(() => hs.Tickets.fromColumnsSync(c), (err) => {
      assert.equal(err.code, 'invalid_argument', err.message)
      assert.equal(err.field, field)
      assert.match(err.message, message)
      return true
    })
  }
  bad((c) => { c.dictionaries.unit.offsets = new Int32Array(0) }, 'dictionaries.unit', /n \+ 1 offsets, got none/)
  bad((c) => { c.dictionaries.unit.offsets = new Int32Array([0, 5]) }, 'dictionaries.unit', /offset 1 \(5\) is past the 2 bytes of `data`/)
  bad((c) => { c.dictionaries.type.offsets = new Uint32Array([0, 10, 6]) }, 'dictionaries.type', /offset 2 \(6\) is below the offset before it \(10\)/)
  bad((c) => { c.dictionaries.type.offsets = new Int32Array([-1, 10, 16]) }, 'dictionaries.type', /offset 0 is negative/)
  bad((c) => { c.dictionaries.ticket_id.offsets = new Uint32Array([0, 1, 8]) }, 'dictionaries.ticket_id', /offset 1 splits a UTF-8 character/)
  bad((c) => { c.dictionaries.ticket_id.data = Buffer.from([0x41, 0xff, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47]) }, 'dictionaries.ticket_id', /not UTF-8 at byte 1/)
  bad((c) => { c.dictionaries.attributes.district.offsets = new Uint32Array([0, 4]) }, 'dictionaries.attributes.district', /offset 1 splits/)
  // A value of neither shape is the binding's invalid_argument on the argument (N-API's reason).
  const c = good()
  c.dictionaries.kind = { offsets: new Int32Array([0, 4]) }
  assert.throws(() => hs.Tickets.fromColumnsSync(c), { code: 'invalid_argument', field: 'dictionaries.kind', message: /array of strings or PackedStrings/ })
})

test('malformed columns throw invalid_argument naming the column', () => {
  const good = () => hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed])]).toColumns()
  const bad = (edit, field) => {
    const c = good()
    edit(c)
    assert.throws(() => hs.Tickets.fromColumnsSync(c), (err) => {
      assert.equal(err.code, 'invalid_argument', err.message)
      assert.equal(err.field, field)
      return true
    })
  }
  bad((c) => { c.events.at = new Float64Array(1) }, 'events.at')
  bad((c) => { c.events.unit = new Uint8Array([0, 7]) }, 'events.unit')
  bad((c) => { delete c.dictionaries.unit }, 'events.unit')
  bad((c) => { c.events.passed = new Uint8Array([2, 255]) }, 'events.passed')
  bad((c) => { c.tickets.kind = new Uint16Array(3) }, 'tickets.kind')
  // An array of the wrong type names its column and what it takes (it said `columns` and
  // N-API's words; a data audit).
  bad((c) => { c.events.type = new Int32Array(2) }, 'events.type')
  bad((c) => { c.events.at = new Float32Array(2) }, 'events.at')
  // A misspelt column would leave the column absent and its data unread (an audit: urgent
  // tickets loaded as normal); an attribute named like a tickets-table column would stand for it
  // in toRows().
  bad((c) => { c.tickets.urgncy = c.tickets.urgency; delete c.tickets.urgency }, 'tickets.urgncy')
  bad((c) => { c.events.resovled = new Uint8Array([255, 1]) }, 'events.resovled')
  bad((c) => { c.dictionaries.satisfation = ['satisfied'] }, 'dictionaries.satisfation')
  bad((c) => {
    c.tickets.attributes = { urgency: c.tickets.kind }
    c.dictionaries.attributes = { urgency: c.dictionaries.kind }
  }, 'tickets.attributes.urgency')
  // A typed array whose buffer was transferred away reads as empty: a table of them loaded as no
  // tickets, silently. Refused, for a column, an attribute column and a packed dictionary.
  const detach = (a) => { structuredClone(a.buffer, { transfer: [a.buffer] }); return a }
  const own = (a) => detach(new a.constructor(a))
  bad((c) => {
    for (const k of ['ticket_id', 'kind', 'received_at']) c.tickets[k] = own(c.tickets[k])
  }, 'tickets.ticket_id')
  bad((c) => { c.tickets.attributes = { district: own(new Uint8Array([0])) }; c.dictionaries.attributes = { district: ['x'] } },
    'tickets.attributes.district')
  bad((c) => {
    const packed = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed])]).toColumns({ packed: true })
    c.dictionaries.unit = { offsets: packed.dictionaries.unit.offsets, data: own(packed.dictionaries.unit.data) }
  }, 'dictionaries.unit.data')
  assert.throws(() => hs.Tickets.fromObjectsSync({ not: 'an array' }), { code: 'invalid_argument', field: 'tickets' })
  assert.throws(() => hs.Tickets.fromRowsSync({ tickets: [], events: [{ ticket_id: 'T1', colour: 'red' }] }),
    { code: 'invalid_argument', field: 'events' })
  assert.throws(() => hs.Tickets.fromObjectsSync([], { mode: 'relaxed' }), { code: 'invalid_argument', field: 'mode' })
})

test('async fromColumns copies the arrays: a buffer detached or changed after the call changes nothing', () => {
  // The worker read the caller's arrays in place: transferring a buffer while it ran (and its
  // new owner being collected) crashed the process. Run in a child process, so that a
  // regression fails this test instead of killing the runner.
  const { spawnSync } = require('node:child_process')
  const script = `
    const hs = require(${JSON.stringify(require.resolve('..'))})
    ;(async () => {
      const city = hs.syntheticCitySync({ days: 20, ticketsPerDay: 300, units: 10 })
      const want = hs.Tickets.fromColumnsSync(city.tickets.toColumns()).toJson()
      const cols = city.tickets.toColumns()
      cols.events.at = new Float64Array(cols.events.at)
      cols.tickets.received_at = new Float64Array(cols.tickets.received_at)
      const pending = hs.Tickets.fromColumns(cols)
      const received = cols.tickets.received_at
      received.fill(NaN)
      structuredClone(cols.events.at.buffer, { transfer: [cols.events.at.buffer] })
      const junk = []
      for (let i = 0; i < 400; i++) junk.push(new Float64Array(received.length * 4).fill(1e300))
      console.log(JSON.stringify({ same: (await pending).toJson() === want, detached: cols.events.at.length === 0 }))
    })()
  `
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(child.status, 0, `the process died: ${child.signal ?? ''} ${child.stderr}`)
  assert.deepEqual(JSON.parse(child.stdout), { same: true, detached: true })
})

test('the columnar path reports bad data with the core codes and table rows', () => {
  const c = hs.Tickets.fromObjectsSync([ticket('T1', [dispatched, signed])]).toColumns()
  c.events.at[1] = NaN // absent
  assert.throws(() => hs.Tickets.fromColumnsSync(c), { code: 'missing_field', ticketId: 'T1', eventIndex: 1, field: 'at', row: 1 })
  c.events.at[1] = 1.5
  assert.throws(() => hs.Tickets.fromColumnsSync(c), { code: 'malformed_timestamp', field: 'at' })
  c.events.at[1] = c.events.at[0] - 1
  assert.throws(() => hs.Tickets.fromColumnsSync(c), { code: 'events_out_of_order', eventIndex: 1 })
  const lenient = hs.Tickets.fromColumnsSync(c, { mode: 'lenient' })
  assert.equal(lenient.length, 0)
  assert.equal(lenient.diagnostics[0].code, 'events_out_of_order')
})

test('large arrays go through JSON in slices (V8 strings are limited)', () => {
  const city = hs.syntheticCitySync({ days: 10, ticketsPerDay: 900, seed: 5 })
  assert.ok(city.tickets.length > 2 * 4096, `${city.tickets.length}`) // more than two slices
  const objects = city.tickets.toObjects()
  assert.equal(objects.length, city.tickets.length)
  assert.equal(hs.Tickets.fromObjectsSync(objects).toJson(), city.tickets.toJson())
})

test('toColumns: every cell is the ticket\'s JSON value, with either form of dictionary', () => {
  const city = hs.syntheticCitySync({ days: 8, ticketsPerDay: 300, seed: 3 }) // past the New Year holiday
  const tickets = city.tickets.toObjects()
  // Loaded from columns: a compact batch, as big exports are held.
  const loaded = hs.Tickets.fromColumnsSync(city.tickets.toColumns({ packed: true }))
  const absent = (codes) => (codes instanceof Uint8Array ? 255 : codes instanceof Uint16Array ? 65535 : 4294967295)
  const entries = (d) => Array.isArray(d)
    ? d
    : Array.from({ length: d.offsets.length - 1 }, (_, i) => Buffer.from(d.data.subarray(d.offsets[i], d.offsets[i + 1])).toString())
  const decode = (codes, dict) => {
    if (!codes) return () => undefined
    const list = entries(dict)
    return (i) => (codes[i] === absent(codes) ? undefined : list[codes[i]])
  }
  const bool = (flags) => (i) => (!flags || flags[i] === 255 ? undefined : flags[i] === 1)
  const fields = ['unit', 'role', 'reason', 'amount', 'satisfaction', 'event_id']
  const flags = ['accepted', 'approved', 'passed', 'resolved']
  const wantTickets = tickets.map((t) => ({
    ticket_id: t.id,
    kind: t.kind,
    urgency: t.urgency ?? 'normal',
    channel: t.channel || undefined,
    received_at: hs.parseInstant(t.received_at),
    district: t.attributes.district,
    repeat: t.attributes.repeat
  }))
  const wantEvents = tickets.flatMap((t) => t.events.map((e) => ({
    ticket_id: t.id,
    at: hs.parseInstant(e.at),
    type: e.type,
    ...Object.fromEntries(fields.map((f) => [f, e[f]])),
    ...Object.fromEntries(flags.map((f) => [f, e[f]]))
  })))
  assert.ok(['extension_decided', 'return_decided', 'reviewed', 'called_back'].every((ty) => wantEvents.some((e) => e.type === ty)))
  for (const packed of [false, true]) {
    const { tickets: tt, events: et, dictionaries: d } = loaded.toColumns({ packed })
    assert.deepEqual(Object.keys(tt.attributes).sort(), ['district', 'repeat'])
    const cell = {
      ticket_id: decode(tt.ticket_id, d.ticket_id),
      kind: decode(tt.kind, d.kind),
      urgency: decode(tt.urgency, d.urgency),
      channel: decode(tt.channel, d.channel),
      district: decode(tt.attributes.district, d.attributes.district),
      repeat: decode(tt.attributes.repeat, d.attributes.repeat)
    }
    const gotTickets = Array.from(tt.received_at, (ms, i) => ({
      ticket_id: cell.ticket_id(i),
      kind: cell.kind(i),
      urgency: cell.urgency(i),
      channel: cell.channel(i),
      received_at: ms,
      district: cell.district(i),
      repeat: cell.repeat(i)
    }))
    assert.deepEqual(gotTickets, wantTickets)
    const ticketId = decode(et.ticket_id, d.ticket_id)
    const type = decode(et.type, d.type)
    const text = Object.fromEntries(fields.map((f) => [f, decode(et[f], d[f])]))
    const flag = Object.fromEntries(flags.map((f) => [f, bool(et[f])]))
    const gotEvents = Array.from(et.at, (ms, i) => ({
      ticket_id: ticketId(i),
      at: ms,
      type: type(i),
      ...Object.fromEntries(fields.map((f) => [f, text[f](i)])),
      ...Object.fromEntries(flags.map((f) => [f, flag[f](i)]))
    }))
    assert.deepEqual(gotEvents, wantEvents)
  }
})

test('big columnar tables, read on several threads, load as the same rows one by one', () => {
  const city = hs.syntheticCitySync({ days: 46, ticketsPerDay: 900, seed: 7 })
  assert.ok(city.tickets.length > 40_000, `${city.tickets.length}`) // two parts of at least 20,000 rows
  const columns = city.tickets.toColumns({ packed: true })
  const rows = city.tickets.toRows()
  // A duplicated id after its first row, and a row that cannot be read, in the later part.
  columns.tickets.ticket_id[39_000] = columns.tickets.ticket_id[15_000]
  rows.tickets[39_000].ticket_id = rows.tickets[15_000].ticket_id
  columns.tickets.received_at[40_000] = 1.5
  rows.tickets[40_000].received_at = '1.5'
  const parallel = hs.Tickets.fromColumnsSync(columns, { mode: 'lenient' })
  const oneByOne = hs.Tickets.fromRowsSync(rows, { mode: 'lenient' })
  assert.deepEqual(parallel.diagnostics, oneByOne.diagnostics)
  assert.deepEqual(parallel.diagnostics.map((d) => d.code).slice(0, 2), ['duplicate_ticket', 'malformed_timestamp'])
  assert.equal(parallel.toJson(), oneByOne.toJson())
})

test('big object arrays are read on several threads as one array: rows, duplicates and errors as one text', async () => {
  const city = hs.syntheticCitySync({ days: 10, ticketsPerDay: 900, seed: 5, start: '2026-03-02' }) // no holiday: over 8,500 tickets
  const objects = city.tickets.toObjects()
  assert.ok(objects.length > 2 * 4096, `${objects.length}`) // three slices, megabytes each
  // Both read as typed tickets (so the slices are read in parallel): a ticket received after
  // its first event, and in a later slice a duplicate of an id from the first.
  objects[5000] = { ...objects[5000], received_at: '2027-01-01T00:00:00+08:00' }
  objects[8500] = { ...objects[8500], id: objects[100].id }
  const expected = [
    ['event_before_received', objects[5000].id, 0, 5000],
    ['duplicate_ticket', objects[100].id, null, 8500]
  ]
  const summary = (t) => t.diagnostics.map((d) => [d.code, d.ticket_id, d.event_index, d.row])
  const lenient = hs.Tickets.fromObjectsSync(objects, { mode: 'lenient' })
  assert.deepEqual(summary(lenient), expected)
  assert.equal(lenient.length, objects.length - 2)
  assert.match(lenient.diagnostics[1].message, /row 8500.*first seen at row 100/)
  const text = JSON.stringify(objects)
  for (const other of [
    await hs.Tickets.fromObjects(objects, { mode: 'lenient' }),
    hs.Tickets.fromJsonSync(text, { mode: 'lenient' }),
    await hs.Tickets.fromJson(text, { mode: 'lenient' })
  ]) {
    assert.deepEqual(other.diagnostics, lenient.diagnostics)
    assert.equal(other.toJson(), lenient.toJson())
  }
  assert.throws(() => hs.Tickets.fromObjectsSync(objects), (e) =>
    e.code === 'event_before_received' && e.ticketId === objects[5000].id && e.eventIndex === 0)
  // A ticket that does not read as a typed ticket sends the whole array to the one-thread
  // reader: the same errors, rows counted over the whole array.
  objects[7000] = { ...objects[7000], colour: 'red' }
  const fallback = hs.Tickets.fromObjectsSync(objects, { mode: 'lenient' })
  assert.deepEqual(summary(fallback), [expected[0], ['unknown_field', objects[7000].id, null, 7000], expected[1]])
  assert.deepEqual(fallback.diagnostics, hs.Tickets.fromJsonSync(JSON.stringify(objects), { mode: 'lenient' }).diagnostics)
})

test('async fromObjects reads a big array across turns of the event loop', async () => {
  const city = hs.syntheticCitySync({ days: 10, ticketsPerDay: 900, seed: 5, start: '2026-03-02' }) // no holiday: over 8,500 tickets
  const objects = city.tickets.toObjects()
  assert.ok(objects.length > 2 * 4096 && objects.length < 3 * 4096, `${objects.length}`) // three slices
  const expected = city.tickets.toJson()
  assert.equal((await hs.Tickets.fromObjects(objects)).toJson(), expected)
  // Slice 1 is read on the next turn, slice 2 on the one after: a callback queued behind the
  // first runs in between (changing the array then breaks the documented contract; it only
  // shows where the slices were read).
  const pending = hs.Tickets.fromObjects(objects, { mode: 'lenient' })
  const kept = objects[8500]
  setImmediate(() => { objects[8500] = 42 })
  const loaded = await pending
  objects[8500] = kept
  assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.row]), [['malformed_value', 8500]])
  // A value JSON.stringify refuses in a later slice rejects the promise; the sync twin throws.
  const circular = {}
  circular.self = circular
  objects[8000] = { ...objects[8000], attributes: circular }
  const refused = (e) => e.code === 'invalid_argument' && e.field === 'tickets' && /circular/.test(e.message)
  await assert.rejects(hs.Tickets.fromObjects(objects), refused)
  assert.throws(() => hs.Tickets.fromObjectsSync(objects), refused)
  // An array that changes length while it is read is refused (the tickets past its new end
  // were left out without a word).
  objects[8000] = city.tickets.toObjects()[8000]
  const shortened = hs.Tickets.fromObjects(objects)
  const length = objects.length
  objects.length = 10
  await assert.rejects(shortened, (e) => e.code === 'invalid_argument' && e.field === 'tickets' &&
    e.message.includes(`changed while it was read (from ${length} to 10 elements)`))
})

test('async fromRows reads big tables across turns of the event loop', async () => {
  const city = hs.syntheticCitySync({ days: 6, ticketsPerDay: 900, seed: 5 })
  const rows = city.tickets.toRows()
  assert.ok(rows.events.length > 2 * 4096, `${rows.events.length}`) // several event slices
  const expected = city.tickets.toJson()
  assert.equal((await hs.Tickets.fromRows(rows)).toJson(), expected)
  assert.equal(hs.Tickets.fromRowsSync(rows).toJson(), expected)
  // The tickets table's one slice is read now, the events table's slices on later turns: a
  // callback queued behind the first runs before the last event rows are read.
  const last = rows.events.length - 1
  const pending = hs.Tickets.fromRows(rows, { mode: 'lenient' })
  const kept = rows.events[last]
  setImmediate(() => { rows.events[last] = { ...kept, type: 'teleported' } })
  const loaded = await pending
  rows.events[last] = kept
  assert.deepEqual(loaded.diagnostics.map((d) => [d.code, d.ticket_id]), [['unknown_event_type', kept.ticket_id]])
  // A value JSON.stringify refuses rejects the promise naming the table; the sync twin throws.
  const circular = {}
  circular.self = circular
  rows.events[last] = { ...kept, reason: circular }
  const refused = (e) => e.code === 'invalid_argument' && e.field === 'events' && /circular/.test(e.message)
  await assert.rejects(hs.Tickets.fromRows(rows), refused)
  assert.throws(() => hs.Tickets.fromRowsSync(rows), refused)
})

test('toColumns gives attribute columns in name order, the same every call', () => {
  // They were a HashMap: the key order of `attributes` changed from call to call (an audit).
  const objects = [{
    id: 'T1', kind: 'help', received_at: '2026-03-02T09:00:00+08:00',
    attributes: { zone: 'a', district: 'b', repeat: 'true', channel_code: 'c', topic: 'd' },
    events: [],
  }]
  const tickets = hs.Tickets.fromObjectsSync(objects)
  const sorted = ['channel_code', 'district', 'repeat', 'topic', 'zone']
  for (let i = 0; i < 8; i++) {
    const c = tickets.toColumns()
    assert.deepEqual(Object.keys(c.tickets.attributes), sorted)
    assert.deepEqual(Object.keys(c.dictionaries.attributes), sorted)
  }
})
