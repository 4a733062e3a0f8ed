'use strict'
// The real-time board over a simulated city: history in batches, then one day event by event
// with a snapshot/restore at noon; both boards answer exactly like batch scoring.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hs = require('..')

const city = hs.syntheticCitySync({ days: 14, ticketsPerDay: 50, seed: 11, start: '2026-03-02' })
const units = city.units
const scheme = hs.Scheme.preset('sanmenxia')
const options = { units, scheme, calendar: hs.Calendar.prc(), policy: hs.Policy.builtin('henan') }
const ms = hs.parseInstant

/** Every ticket header and event as board items, in time order (a header before its events). */
function stream (tickets) {
  const items = []
  for (const t of tickets.toObjects()) {
    const { events, ...header } = t
    items.push({ t: ms(header.received_at), k: 0, item: { input: 'ticket', ...header } })
    events.forEach((event, i) => items.push({ t: ms(event.at), k: 1 + i, item: { input: 'event', ticket_id: t.id, event } }))
  }
  items.sort((a, b) => a.t - b.t || a.k - b.k)
  return items
}

test('a simulated day with snapshot/restore in the middle answers exactly like batch scoring', async () => {
  const items = stream(city.tickets)
  const dayStart = ms('2026-03-15T00:00:00+08:00')
  const noon = ms('2026-03-15T12:00:00+08:00')
  const board = new hs.Board(options)
  // History: batches of items, every one accepted.
  const history = items.filter((x) => x.t < dayStart)
  // Batches alternate between ingestBatch (off the JavaScript thread) and its sync twin.
  for (let i = 0; i < history.length; i += 500) {
    const batch = history.slice(i, i + 500).map((x) => x.item)
    const pending = i % 1000 === 0 ? board.ingestBatch(batch) : null
    if (pending !== null) assert.ok(pending instanceof Promise)
    const out = pending !== null ? await pending : board.ingestBatchSync(batch)
    assert.ok(out.every((o) => o.status === 'accepted'), JSON.stringify(out.find((o) => o.status !== 'accepted')))
  }
  // The day, item by item; snapshot at noon and restore into a second board.
  const day = items.filter((x) => x.t >= dayStart)
  let restored = null
  let live = 0
  for (const { t, item } of day) {
    if (restored === null && t >= noon) {
      const bytes = await board.snapshot()
      assert.ok(Buffer.isBuffer(bytes) && bytes.length > 1000)
      restored = await hs.Board.restore(bytes, options)
      assert.deepEqual(restored.standings(noon), board.standings(noon))
      const sizes = ({ heap_bytes: _, ...rest }) => rest // heap bytes are estimated from capacities
      assert.deepEqual(sizes(restored.stats), sizes(board.stats))
      assert.equal(hs.Board.restoreSync(board.snapshotSync(), options).snapshotJsonSync(), board.snapshotJsonSync())
      assert.equal(hs.Board.restoreJsonSync(board.snapshotJsonSync(), options).snapshotJsonSync(), board.snapshotJsonSync())
      // The JSON forms off the JavaScript thread: the same text, the same board.
      const text = await board.snapshotJson()
      assert.equal(text, board.snapshotJsonSync())
      assert.equal((await hs.Board.restoreJson(text, options)).snapshotJsonSync(), text)
      await assert.rejects(hs.Board.restoreJson('{"format": "x"}', options), { code: 'board_snapshot_corrupt' })
    }
    for (const b of restored ? [board, restored] : [board]) {
      const status = item.input === 'ticket'
        ? b.register((({ input, ...h }) => h)(item))
        : b.ingest(item.ticket_id, item.event)
      assert.equal(status, 'accepted')
    }
    live++
  }
  assert.ok(restored !== null && live > 50, `${live} live items`)
  const asOf = city.asOf
  const batch = hs.scoreSync(city.tickets, scheme, { units, asOf })
  assert.deepEqual(board.scores(asOf), batch)
  assert.deepEqual(restored.scores(asOf), batch)
  assert.equal(JSON.stringify(restored.scores(asOf)), hs.scoreJsonSync(city.tickets, scheme, { units, asOf }))
  const standings = board.standings(asOf)
  assert.deepEqual(restored.standings(asOf), standings)
  assert.equal(standings.groups.length, 3)
  // Earlier instants too: the board answers at any as_of without rescanning.
  const earlier = ms('2026-03-10T15:00:00+08:00')
  assert.deepEqual(board.scores(earlier), hs.scoreSync(city.tickets, scheme, { units, asOf: earlier }))
  // Scorecards with explanations, deadline statuses, warnings.
  const worst = standings.groups[1].units.at(-1).unit
  const report = board.scorecard(worst, asOf)
  assert.equal(report.card.unit, worst)
  assert.equal(report.explanation.unit, worst)
  const statuses = board.deadlineStatuses(worst, asOf)
  for (const s of statuses) assert.ok(['yellow', 'red'].includes(s.status) && s.unit === worst)
  const warnings = board.warnings(ms('2026-03-20T12:00:00+08:00'))
  const ev = new hs.Evaluator(units)
  assert.deepEqual(warnings, scheme.periodWarningsSync(ev, city.tickets, { asOf: ms('2026-03-20T12:00:00+08:00') }))
  // The latest event's instant (a ticket registered after it has none yet).
  assert.equal(board.latestEvent, day.filter((x) => x.item.input === 'event').at(-1).t)
  assert.equal(board.stats.tickets, city.tickets.length)
  // What the board holds, as Python's Board gives it: one ticket in the core's JSON form, and
  // every ticket as a Tickets set that batch scoring reads.
  const first = city.tickets.toObjects()[0]
  assert.deepEqual(board.ticket(first.id), first)
  assert.equal(board.ticket('no such ticket'), null)
  const held = board.tickets()
  assert.equal(held.length, city.tickets.length)
  assert.deepEqual(hs.scoreSync(held, scheme, { units, asOf }), batch)
})

test('ingestion is transactional, idempotent by event_id, and errors name the ticket', () => {
  const board = new hs.Board({ units, scheme })
  const unit = units[0].unit
  const header = { id: 'X1', kind: 'help', received_at: '2026-03-02T09:00:00+08:00' }
  assert.equal(board.register(header), 'accepted')
  assert.equal(board.register(header), 'duplicate')
  assert.throws(() => board.register({ ...header, kind: 'complaint' }), { code: 'board_ticket_conflict', ticketId: 'X1', field: 'kind' })
  const dispatched = { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit, event_id: 'e1' }
  assert.equal(board.ingest('X1', dispatched), 'accepted')
  assert.equal(board.ingest('X1', dispatched), 'duplicate')
  assert.throws(() => board.ingest('X1', { ...dispatched, at: '2026-03-02T09:11:00+08:00' }), { code: 'board_event_conflict', ticketId: 'X1', field: 'event_id' })
  assert.throws(() => board.ingest('NOPE', dispatched), { code: 'board_unknown_ticket', ticketId: 'NOPE' })
  assert.throws(() => board.ingest('X1', { at: '2026-03-02T09:20:00+08:00', type: 'extension_requested', unit, amount: '5 days' }),
    { code: 'malformed_amount', ticketId: 'X1', eventIndex: 1, field: 'amount' })
  assert.throws(() => board.ingest('X1', { at: '2026-03-02T09:20:00+08:00', type: 'signed', unit: 'elsewhere' }), { ticketId: 'X1' })
  const before = board.snapshotJsonSync()
  const out = board.ingestBatchSync([
    { input: 'event', ticket_id: 'X1', event: { at: '2026-03-02T09:30:00+08:00', type: 'signed', unit } },
    { input: 'event', ticket_id: 'X1', event: { at: '2026-03-02T09:31:00+08:00', type: 'bogus' } },
    { input: 'ticket', id: 'X2', kind: 'nonsense', received_at: '2026-03-02T09:00:00+08:00' },
    { input: 'event', ticket_id: 'X1', event: { at: '2026-03-02T09:40:00+08:00', type: 'replied', unit } }
  ])
  assert.deepEqual(out.map((o) => o.status), ['accepted', 'rejected', 'rejected', 'accepted'])
  assert.equal(out[1].error.code, 'unknown_event_type')
  // A ticket item is read as fromObjects reads a ticket: the typed error names it and the item.
  assert.equal(out[2].error.code, 'unknown_kind')
  assert.equal(out[2].error.ticketId, 'X2')
  assert.equal(out[2].error.field, 'kind')
  assert.equal(out[2].error.row, 2)
  assert.notEqual(board.snapshotJsonSync(), before)
  // The board's own refusals (an unknown unit, a ticket not registered) name their item too.
  const refusals = board.ingestBatchSync([
    { input: 'event', ticket_id: 'X1', event: { at: '2026-03-02T09:50:00+08:00', type: 'urged', unit } },
    { input: 'event', ticket_id: 'X1', event: { at: '2026-03-02T09:51:00+08:00', type: 'signed', unit: 'elsewhere' } },
    { input: 'event', ticket_id: 'NOPE', event: { at: '2026-03-02T09:52:00+08:00', type: 'closed' } }
  ])
  assert.deepEqual(refusals.map((o) => [o.status, o.error?.code, o.error?.row]),
    [['accepted', undefined, undefined], ['rejected', 'unknown_unit', 1], ['rejected', 'board_unknown_ticket', 2]])
  const whole = board.ingestTicket({ id: 'X3', kind: 'consult', received_at: '2026-03-03T09:00:00+08:00', events: [{ at: '2026-03-03T09:05:00+08:00', type: 'dispatched', unit }] })
  assert.deepEqual(whole.map((o) => o.status), ['accepted', 'accepted'])
  assert.throws(() => board.scorecard('nowhere', '2026-03-04T00:00:00+08:00'), { code: 'board_unknown_unit' })
  // An integer ticket id is read as its digits, as in a ticket's JSON form and in Python.
  board.register({ id: 77, kind: 'help', received_at: '2026-03-03T09:00:00+08:00' })
  assert.deepEqual(board.ingestBatchSync([{ input: 'event', ticket_id: 77, event: { at: '2026-03-03T09:05:00+08:00', type: 'dispatched', unit } }])
    .map((o) => o.status), ['accepted'])
  assert.equal(board.ticket('77').events.length, 1)
  // A whole ticket with an integer id: its events go to it (they went to ticket "").
  const numbered = board.ingestTicket({ id: 78, kind: 'help', received_at: '2026-03-03T09:00:00+08:00', events: [{ at: '2026-03-03T09:05:00+08:00', type: 'dispatched', unit }] })
  assert.deepEqual(numbered.map((o) => o.status), ['accepted', 'accepted'])
  assert.equal(board.ticket('78').events.length, 1)
  // An event item's keys are checked (an extra key was ignored, a camelCase `ticketId` read as
  // ticket ""), and nothing of a refused item is kept.
  const held = board.snapshotJsonSync()
  const typos = board.ingestBatchSync([
    { input: 'event', ticket_id: 'X3', event: { at: '2026-03-03T09:10:00+08:00', type: 'signed', unit }, extra: 1 },
    { input: 'event', ticketId: 'X3', event: { at: '2026-03-03T09:10:00+08:00', type: 'signed', unit } },
    { input: 'event', event: { at: '2026-03-03T09:10:00+08:00', type: 'signed', unit } }
  ])
  // `invalid_input` with the item's index and ticket, as the Python binding says it.
  assert.deepEqual(typos.map((o) => [o.status, o.error.code, o.error.field, o.error.row, o.error.ticketId]), [
    ['rejected', 'invalid_input', 'extra', 0, 'X3'],
    ['rejected', 'invalid_input', 'ticketId', 1, undefined],
    ['rejected', 'invalid_input', 'ticket_id', 2, undefined]
  ])
  assert.equal(board.snapshotJsonSync(), held)
  // A whole ticket goes item by item, as ingestBatch and Python's ingest_ticket do: a bad event
  // is rejected with its error and the others are taken (it threw for the whole ticket).
  const mixed = board.ingestTicket({
    id: 'X4',
    kind: 'consult',
    received_at: '2026-03-03T10:00:00+08:00',
    events: [
      { at: '2026-03-03T10:05:00+08:00', type: 'dispatched', unit },
      { at: '2026-03-03T10:06:00+08:00', type: 'signed', unit: 'nowhere' },
      { at: '2026-03-03T10:07:00+08:00', type: 'signed', unit }
    ]
  })
  assert.deepEqual(mixed.map((o) => o.status), ['accepted', 'accepted', 'rejected', 'accepted'])
  assert.equal(mixed[2].error.code, 'unknown_unit')
  assert.equal(mixed[2].error.ticketId, 'X4')
  assert.equal(mixed[2].error.eventIndex, 1)
})

test('bulk load, period close, sanctions, frozen history and snapshot safety', async () => {
  const board = new hs.Board(options)
  const counts = await board.ingestTickets(city.tickets)
  assert.deepEqual(counts.rejected, [])
  assert.ok(counts.accepted > city.tickets.length)
  const march = { start: '2026-03-01T00:00:00+08:00', end: '2026-03-08T00:00:00+08:00', label: 'W1' }
  const closed = board.closePeriod(march, '2026-03-08T00:00:00+08:00')
  assert.equal(closed.scores.period, 'W1')
  assert.deepEqual(board.history(), [closed.scores])
  assert.deepEqual(board.sanctions(), closed.sanctions ? [closed.sanctions] : [])
  assert.equal(board.closedThrough, ms('2026-03-08T00:00:00+08:00'))
  assert.throws(() => board.closePeriod(march, '2026-03-08T00:00:00+08:00'), { code: 'board_close_refused' })
  board.register({ id: 'LATE', kind: 'help', received_at: '2026-03-03T09:00:00+08:00' })
  assert.throws(() => board.ingest('LATE', { at: '2026-03-03T09:10:00+08:00', type: 'dispatched', unit: units[0].unit }),
    { code: 'board_period_closed', ticketId: 'LATE' })
  const bytes = board.snapshotSync()
  const damaged = Buffer.from(bytes)
  damaged[damaged.length >> 1] ^= 0xff
  assert.throws(() => hs.Board.restoreSync(damaged, options), { code: 'board_snapshot_corrupt' })
  assert.throws(() => hs.Board.restoreSync(bytes.subarray(0, 10), options), { code: 'board_snapshot_corrupt' })
  await assert.rejects(hs.Board.restore(Buffer.from('not a snapshot at all, not at all'), options), { code: 'board_snapshot_corrupt' })
  const renamed = hs.Scheme.fromJson({ ...JSON.parse(scheme.canonicalJson()), name: 'another scheme' })
  assert.notEqual(renamed.hash, scheme.hash)
  assert.throws(() => hs.Board.restoreSync(bytes, { ...options, scheme: renamed }),
    { code: 'board_snapshot_mismatch', field: 'scheme' })
  const again = hs.Board.restoreSync(bytes, options)
  assert.deepEqual(again.sanctions(), board.sanctions())
  assert.equal(again.closedThrough, board.closedThrough)
})

test('a snapshot restores into a calendar extended with next year\'s data and a units table with new units, not into changed ones', async () => {
  // December: next year's notice is loaded (or predict mode switched on) and the running
  // board's snapshot still restores; a calendar changing a covered date does not fit.
  const board = new hs.Board(options)
  await board.ingestTickets(city.tickets)
  const asOf = '2026-03-16T00:00:00+08:00'
  const want = JSON.stringify(board.scores(asOf))
  const bytes = board.snapshotSync()
  const nextYear = path.join(__dirname, '..', '..', 'examples', 'calendar-2027-example.toml')
  for (const calendar of [new hs.Calendar({ prc: true, dataFiles: [nextYear] }), new hs.Calendar({ prc: true, predict: true })]) {
    const restored = await hs.Board.restore(bytes, { ...options, calendar })
    assert.equal(JSON.stringify(restored.scores(asOf)), want)
  }
  const changed = new hs.Calendar({ prc: true, data: [{ days: [{ dates: ['2026-06-01'], rule: 'off' }] }] })
  assert.throws(() => hs.Board.restoreSync(bytes, { ...options, calendar: changed }),
    { code: 'board_snapshot_mismatch', field: 'calendar' })
  // A units table reordered, with a unit taken on mid-quarter: as a board built with it.
  const table = [...units].reverse().concat([{ unit: 'new-unit', group: units[0].group, name: '新单位' }])
  const fresh = new hs.Board({ ...options, units: table })
  await fresh.ingestTickets(city.tickets)
  const restored = await hs.Board.restore(bytes, { ...options, units: table })
  assert.equal(JSON.stringify(restored.scores(asOf)), JSON.stringify(fresh.scores(asOf)))
  assert.throws(() => hs.Board.restoreSync(bytes, { ...options, units: table.slice(1) }),
    { code: 'board_snapshot_mismatch', field: 'units' })
})

test('ingestTicketsSync: the counts and state of ingestTickets; a second load is all duplicates', async () => {
  // Every valid ticket is one header item plus one item per event.
  const items = city.tickets.toObjects().reduce((n, t) => n + 1 + t.events.length, 0)
  const sync = new hs.Board(options)
  assert.deepEqual(sync.ingestTicketsSync(city.tickets), { accepted: items, duplicate: 0, rejected: [] })
  const viaPromise = new hs.Board(options)
  assert.deepEqual(await viaPromise.ingestTickets(city.tickets), { accepted: items, duplicate: 0, rejected: [] })
  assert.equal(sync.snapshotJsonSync(), viaPromise.snapshotJsonSync())
  assert.deepEqual(sync.ingestTicketsSync(city.tickets), { accepted: 0, duplicate: items, rejected: [] })
  assert.equal(sync.snapshotJsonSync(), viaPromise.snapshotJsonSync())
  // A rejected event is counted and leaves no trace; the ticket's header is still accepted.
  const stray = hs.Tickets.fromObjectsSync([
    { id: 'S1', kind: 'help', received_at: '2026-03-02T09:00:00+08:00', events: [{ at: '2026-03-02T09:20:00+08:00', type: 'dispatched', unit: 'nowhere' }] },
    { id: 'S2', kind: 'help', received_at: '2026-03-02T09:00:00+08:00', events: [{ at: '2026-03-02T09:20:00+08:00', type: 'dispatched', unit: units[0].unit }] }
  ])
  const board = new hs.Board(options)
  const loaded = board.ingestTicketsSync(stray)
  assert.equal(loaded.accepted, 3)
  assert.equal(loaded.duplicate, 0)
  // The rejection itself, not only its count: which ticket, which event, which field, why.
  assert.equal(loaded.rejected.length, 1)
  const [refused] = loaded.rejected
  assert.ok(refused instanceof Error)
  assert.equal(refused.code, 'unknown_unit')
  assert.equal(refused.ticketId, 'S1')
  assert.equal(refused.eventIndex, 0)
  assert.equal(refused.field, 'unit')
  assert.equal(board.stats.tickets, 2)
  assert.equal(board.stats.events, 1)
})

test('metrics: a board fed event by event equals batch metrics at any instant', () => {
  const board = new hs.Board(options)
  for (const { item } of stream(city.tickets)) {
    const status = item.input === 'ticket' ? board.register((({ input, ...h }) => h)(item)) : board.ingest(item.ticket_id, item.event)
    assert.equal(status, 'accepted')
  }
  const ev = new hs.Evaluator(units, options.calendar, options.policy)
  const quarter = board.periodAt(city.asOf)
  assert.deepEqual(quarter, scheme.periodAt(city.asOf))
  const dispatched = (m) => Object.values(m.units).reduce((n, u) => n + u.lead.dispatched, 0)
  const seen = []
  for (const asOf of [ms('2026-03-04T15:00:00+08:00'), ms('2026-03-10T15:00:00+08:00'), city.asOf]) {
    const got = board.metrics(asOf, quarter)
    assert.deepEqual(got, ev.partialSync(city.tickets, { period: quarter, asOf }).finalize(units))
    // Without a period: the scheme's period containing asOf, as standings and scores take it.
    assert.deepEqual(board.metrics(asOf), got)
    assert.equal(Object.keys(got.units).length, units.length)
    // The metrics are what the board scores.
    assert.deepEqual(scheme.score(units, got, { asOf, period: quarter }), board.scores(asOf))
    seen.push(dispatched(got))
  }
  // Later instants have seen more dispatches.
  assert.ok(seen[0] > 0 && seen[0] < seen[1] && seen[1] < seen[2], String(seen))
  // Its configuration, as Python's Board gives it: the scheme, the evaluator, the units table and
  // the due anchor (the evaluator's metrics are the board's).
  assert.equal(board.scheme().hash, scheme.hash)
  assert.deepEqual(board.units(), units.map((u) => ({ name: '', ...u })))
  assert.equal(board.dueAnchor, 'due_date')
  assert.equal(new hs.Board({ ...options, dueAnchor: 'due_or_closed' }).dueAnchor, 'due_or_closed')
  assert.deepEqual(board.evaluator().partialSync(city.tickets, { period: quarter, asOf: city.asOf }).finalize(units),
    board.metrics(city.asOf, quarter))
})

test('setExternal: an external metric feeds the indicator that reads it', () => {
  const board = new hs.Board(options)
  board.ingestTicketsSync(city.tickets)
  const asOf = city.asOf
  const period = board.periodAt(asOf)
  const unit = units[0].unit
  const card = (u) => board.scores(asOf).units.find((c) => c.unit === u)
  const praise = () => card(unit).components.find((c) => c.indicator === 'praise')
  const others = () => board.scores(asOf).units.filter((c) => c.unit !== unit).map((c) => [c.unit, c.total])
  const before = { total: card(unit).total, others: others() }
  assert.equal(praise().value, null)
  assert.equal(praise().points, '0.00')
  // sanmenxia's 表扬加分: 0.5 points per praise (`ext.praise`), at most 2 points.
  board.setExternal(period, unit, 'praise', 3)
  assert.deepEqual(board.metrics(asOf, period).external, { [unit]: { praise: '3' } })
  assert.equal(praise().value, '3')
  assert.equal(praise().points, '1.50')
  assert.equal(Math.round((Number(card(unit).total) - Number(before.total)) * 100), 150)
  assert.deepEqual(others(), before.others)
  board.setExternal(period, unit, 'praise', '5')
  assert.equal(praise().value, '5')
  assert.equal(praise().points, '2.00')
  // Another period's value does not touch this one; the value survives a snapshot.
  board.setExternal({ start: '2026-04-01T00:00:00+08:00', end: '2026-07-01T00:00:00+08:00', label: '2026-Q2' }, unit, 'praise', 1)
  assert.equal(praise().value, '5')
  assert.deepEqual(hs.Board.restoreSync(board.snapshotSync(), options).scores(asOf), board.scores(asOf))
  assert.throws(() => board.setExternal(period, unit, 'not_declared', 1), { code: 'unknown_external_metric', field: 'not_declared' })
  // 人工加减分 on the board: listed with their reasons and approvers, scored as their sums.
  const adjustment = { unit, metric: 'manual_bonus', amount: '1.5', reason: '防汛值守', approver: '热线办' }
  assert.throws(() => board.addAdjustment(period, { ...adjustment, reason: '' }), { code: 'invalid_adjustment', field: 'adjustments[0].reason' })
  assert.throws(() => board.addAdjustment(period, { ...adjustment, by: 'x' }), { code: 'invalid_argument', field: 'adjustment' })
  board.addAdjustment(period, adjustment)
  const metrics = board.metrics(asOf, period)
  assert.deepEqual(metrics.adjustments, [adjustment])
  assert.deepEqual(card(unit).adjustments, [adjustment])
  assert.equal(card(unit).components.find((c) => c.indicator === 'manual_bonus').points, '1.50')
  assert.deepEqual(hs.Scheme.preset('sanmenxia').score(units, metrics, { asOf, period }), board.scores(asOf))
  assert.deepEqual(hs.Board.restoreSync(board.snapshotSync(), options).scores(asOf), board.scores(asOf))
  assert.throws(() => board.setExternal(period, unit, 'praise', 'lots'), { code: 'invalid_argument', field: 'value' })
  // Exact: a value that would have to be rounded is refused, not rounded.
  assert.throws(() => board.setExternal(period, unit, 'praise', '0.12345678901234567890123456789'), { code: 'invalid_argument', field: 'value' })
})

test('a batch takes events valid only together (a late return and its decision after the sign-for)', () => {
  const units = [{ unit: 'u1', group: 'units' }]
  const header = { id: 'T1', kind: 'help', received_at: '2026-03-02T09:00:00+08:00' }
  const events = [
    { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: 'u1', event_id: 'e0' },
    { at: '2026-03-02T09:20:00+08:00', type: 'returned', unit: 'u1', reason: 'x', event_id: 'e1' },
    { at: '2026-03-02T09:30:00+08:00', type: 'return_decided', unit: 'u1', accepted: false, event_id: 'e2' },
    { at: '2026-03-02T09:40:00+08:00', type: 'signed', unit: 'u1', event_id: 'e3' }
  ]
  const board = new hs.Board({ units, scheme: hs.Scheme.preset('three-rates') })
  board.register(header)
  assert.deepEqual([0, 3].map((i) => board.ingest('T1', events[i])), ['accepted', 'accepted'])
  // Each alone breaks the log (a board audit: the board could never hold it) ...
  assert.throws(() => board.ingest('T1', events[1]), { code: 'sign_after_return' })
  // ... a batch tries the refused events of a ticket again together once the rest is in.
  const out = board.ingestBatchSync([1, 2].map((i) => ({ input: 'event', ticket_id: 'T1', event: events[i] })))
  assert.deepEqual(out.map((o) => o.status), ['accepted', 'accepted'])
  const asOf = '2026-03-03T00:00:00+08:00'
  const whole = hs.Tickets.fromObjectsSync([{ ...header, events }], { units })
  const period = board.periodAt(asOf)
  const batch = new hs.Evaluator(units).partialSync(whole, { period, asOf }).finalize(units)
  assert.deepEqual(board.metrics(asOf), batch)
  assert.equal(batch.units.u1.lead.returns_rejected, 1)
})

test('calls on a board run in the order they were made, whenever a Promise\'s worker starts', async () => {
  // The lock was taken when the worker started: a snapshot requested on an empty board held
  // tickets ingested after the call (53 times in 1,000 in a concurrency audit).
  const small = hs.syntheticCitySync({ days: 1, ticketsPerDay: 20, units: 5, seed: 3 })
  const opts = { scheme, units: small.units }
  const objects = small.tickets.toObjects()
  for (let round = 0; round < 200; round++) {
    const b = new hs.Board(opts)
    const empty = b.snapshot()
    for (const o of objects) b.ingestTicket(o)
    assert.equal(hs.Board.restoreSync(await empty, opts).stats.tickets, 0, `round ${round}`)
    // A sync call made while a bulk load is pending waits for it.
    const c = new hs.Board(opts)
    const loading = c.ingestTickets(small.tickets)
    assert.equal(c.stats.tickets, objects.length, `round ${round}`)
    const before = c.snapshot()
    c.ingestTicket({ ...objects[0], id: 'EXTRA', events: [] })
    assert.equal((await loading).accepted > 0, true)
    assert.equal(hs.Board.restoreSync(await before, opts).stats.tickets, objects.length)
    // So does one made while ingestBatch is pending.
    const d = new hs.Board(opts)
    const batch = d.ingestBatch(objects.map((o) => ({ input: 'ticket', ...(({ events, ...h }) => h)(o) })))
    assert.equal(d.stats.tickets, objects.length, `round ${round}`)
    assert.ok((await batch).every((o) => o.status === 'accepted'))
  }
})

test('a ticket registered with a numeric id is ingested and read back by that number', () => {
  // A database key as a number: register took it, ingest and ticket threw StringExpected.
  const board = new hs.Board(options)
  assert.equal(board.register({ id: 55, kind: 'help', channel: 'phone', received_at: '2026-03-02T09:00:00+08:00' }), 'accepted')
  assert.equal(board.ingest(55, { at: '2026-03-02T09:10:00+08:00', type: 'dispatched', unit: units[0].unit }), 'accepted')
  assert.equal(board.ticket(55).id, '55')
  assert.equal(board.ticket('55').events.length, 1)
})
