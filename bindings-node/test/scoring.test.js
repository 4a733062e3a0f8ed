'use strict'
// Policies, evaluation, partial/merge/finalize, scoring, explanations, warnings, sanctions and
// the synthetic city, end to end.
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const city = hs.syntheticCitySync({ days: 28, ticketsPerDay: 60, seed: 7, start: '2026-03-01' })
const tickets = city.tickets
const units = city.units
const asOf = city.asOf
const period = { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: '2026-03' }

test('the synthetic city is deterministic and valid', async () => {
  assert.equal(units.length, 60)
  assert.ok(tickets.length > 28 * 40, `${tickets.length} tickets`)
  assert.equal(asOf, hs.parseInstant('2026-03-29T00:00:00+08:00'))
  const again = await hs.syntheticCity({ days: 28, ticketsPerDay: 60, seed: 7, start: '2026-03-01' })
  assert.equal(again.tickets.toJson(), tickets.toJson())
  assert.notEqual(hs.syntheticCitySync({ days: 2, ticketsPerDay: 60, seed: 8 }).tickets.toJson(), tickets.toJson())
  // Strictly valid against its own units table.
  assert.equal(tickets.validate({ units }).length, tickets.length)
  assert.throws(() => hs.syntheticCitySync({ units: 0 }), { code: 'invalid_city_config', field: 'units' })
  assert.throws(() => hs.syntheticCitySync({ qualitySpread: 2 }), { code: 'invalid_city_config', field: 'quality_spread' })
  assert.throws(() => hs.syntheticCitySync({ seed: -1 }), { code: 'invalid_argument', field: 'seed' })
})

test('policies: built-ins, TOML, JSON objects, positioned errors', () => {
  assert.deepEqual(hs.Policy.builtinNames(), ['henan', 'guangdong', 'sichuan-2025', 'shandong', 'lvliang'])
  const henan = hs.Policy.builtin('henan')
  assert.equal(henan.name, 'henan')
  const again = hs.Policy.fromJson(henan.toObject())
  assert.equal(again.toJson(), henan.toJson())
  assert.equal(hs.Policy.fromJson(henan.toJson()).toJson(), henan.toJson())
  assert.throws(() => hs.Policy.builtin('mars'), { code: 'unknown_policy' })
  assert.throws(() => hs.Policy.fromToml('name = "x"\nbogus = 1\n'), { code: 'invalid_policy', line: 2, column: 1 })
})

test('score: the pipeline equals evaluate → partial → finalize → scheme.score, sync and async', async () => {
  const scheme = hs.Scheme.preset('sanmenxia')
  const options = { units, asOf, period }
  const viaPromise = await hs.score(tickets, scheme, options)
  const sync = hs.scoreSync(tickets, scheme, options)
  assert.deepEqual(viaPromise, sync)
  assert.equal(JSON.stringify(sync), hs.scoreJsonSync(tickets, scheme, options))
  assert.equal(sync.units.length, 60)
  assert.equal(sync.scheme_hash, scheme.hash)
  assert.equal(sync.period, '2026-03')
  const ev = new hs.Evaluator(units, hs.Calendar.prc(), hs.Policy.builtin('henan'))
  const metrics = ev.partialSync(tickets, { period, asOf }).finalize(units)
  assert.deepEqual(scheme.score(units, metrics, { asOf, period }), sync)
  // Defaults: PRC calendar and the henan policy; period from the scheme (sanmenxia is quarterly).
  const quarter = hs.scoreSync(tickets, scheme, { units, asOf })
  assert.equal(quarter.period, '2026-Q1')
  assert.deepEqual(scheme.periodAt(asOf), { start: hs.parseInstant('2026-01-01T00:00:00+08:00'), end: hs.parseInstant('2026-04-01T00:00:00+08:00'), label: '2026-Q1' })
  // Ranks: 1-based within each group, ties share.
  for (const card of sync.units) assert.ok(card.rank >= 1 && card.rank <= card.group_size)
})

test('partial states merge exactly: shards in any order equal the whole', async () => {
  const ev = new hs.Evaluator(units)
  const scope = { period, asOf }
  const whole = await ev.partial(tickets, scope)
  const n = tickets.length
  const a = ev.partialSync(tickets.slice(0, Math.floor(n / 3)), scope)
  const b = await ev.partial(tickets.slice(Math.floor(n / 3), Math.floor(2 * n / 3)), scope)
  const c = ev.partialSync(tickets.slice(Math.floor(2 * n / 3)), scope)
  assert.equal(c.merge(a).merge(b).toJson(), whole.toJson())
  assert.equal(a.merge(b.merge(c)).toJson(), whole.toJson())
  assert.equal(new hs.Partial().merge(whole).toJson(), whole.toJson())
  // Row form (one row per unit, integer columns) and JSON form round-trip.
  const rows = whole.toRows()
  assert.equal(rows.columns[0], 'unit')
  assert.ok(rows.columns.includes('lead_due') && rows.columns.includes('assisting_signed'))
  assert.equal(rows.rows.length, whole.length)
  // The row form carries the counters, not the scope (SQL sums have none); the JSON form both.
  const counters = (p) => JSON.parse(p.toJson()).units
  assert.deepEqual(counters(hs.Partial.fromRows(rows)), counters(whole))
  assert.equal(JSON.parse(hs.Partial.fromRows(rows).toJson()).scope, undefined)
  // A partial without a scope merges with any, and the sum keeps the scope there is.
  assert.deepEqual(JSON.parse(hs.Partial.fromRows(rows).merge(a).toJson()).scope, JSON.parse(whole.toJson()).scope)
  assert.equal(hs.Partial.fromJson(whole.toJson()).toJson(), whole.toJson())
  // Shards computed for another asOf or due anchor are refused (a shards audit: a shard ten
  // days older merged silently), and so is a sum no JavaScript number holds exactly.
  const earlier = ev.partialSync(tickets.slice(0, 5), { period, asOf: hs.parseInstant(asOf) - 86400000 })
  assert.throws(() => a.merge(earlier), { code: 'invalid_partial', field: 'scope.as_of' })
  const anchored = ev.partialSync(tickets.slice(0, 5), { period, asOf, dueAnchor: 'due_or_closed' })
  assert.throws(() => a.merge(anchored), { code: 'invalid_partial', field: 'scope.due_anchor' })
  const near = { units: { x: { lead: { sign_working_ms: 2 ** 53 - 1, signed: 1, signed_on_time: 1, dispatched: 1 } } } }
  assert.throws(() => hs.Partial.fromJson(near).merge(hs.Partial.fromJson(near)),
    { code: 'invalid_partial', field: 'lead_sign_working_ms', message: /2\^53/ })
  assert.equal(hs.Partial.fromJson(JSON.parse(whole.toJson())).toJson(), whole.toJson())
  assert.throws(() => hs.Partial.fromRows({ columns: ['unit', 'lead_bogus'], rows: [] }), { code: 'invalid_partial', field: 'lead_bogus' })
  // A bad cell names its row, column and unit; counters past 2^53 - 1 (which a number does not
  // hold exactly) and tables that break a partition of SPEC §5 are refused (a shards audit).
  const j = rows.columns.indexOf('lead_due')
  const edit = (value) => ({ columns: rows.columns, rows: rows.rows.map((r, i) => i === 0 ? r.map((v, k) => k === j ? value : v) : r) })
  const unit = rows.rows[0][0]
  assert.throws(() => hs.Partial.fromRows(edit(1.5)), (err) => {
    assert.equal(err.code, 'invalid_argument')
    assert.equal(err.field, 'lead_due')
    assert.match(err.message, new RegExp(`rows\\[0\\]\\[${j}\\].*unit \`${unit}\``))
    return true
  })
  assert.throws(() => hs.Partial.fromRows(edit(2 ** 60 + 256)), { code: 'invalid_argument', field: 'lead_due' })
  // A database driver's BIGINT sums: BigInts, or digit strings (node-postgres), read as the
  // integers they write; other text is refused.
  const as = (f) => ({ columns: rows.columns, rows: rows.rows.map((r) => r.map((v, k) => k === 0 ? v : f(v))) })
  assert.deepEqual(counters(hs.Partial.fromRows(as(BigInt))), counters(whole))
  assert.deepEqual(counters(hs.Partial.fromRows(as(String))), counters(whole))
  assert.throws(() => hs.Partial.fromRows(edit('1.5')), { code: 'invalid_argument', field: 'lead_due' })
  assert.throws(() => hs.Partial.fromRows(edit(' 7')), { code: 'invalid_argument', field: 'lead_due' })
  const longer = { columns: rows.columns, rows: [[...rows.rows[0], 999, 'junk']] }
  assert.throws(() => hs.Partial.fromRows(longer), { code: 'invalid_argument', field: 'rows', message: /has \d+ cells; `columns` names \d+/ })
  // Columns in any order, `unit` included (a SQL SELECT's own order): the same state.
  const order = rows.columns.map((_, k) => k).reverse()
  const reordered = { columns: order.map((k) => rows.columns[k]), rows: rows.rows.map((r) => order.map((k) => r[k])) }
  assert.notEqual(reordered.columns[0], 'unit')
  assert.deepEqual(counters(hs.Partial.fromRows(reordered)), counters(whole))
  assert.throws(() => hs.Partial.fromRows({ columns: ['lead_due'], rows: [] }), { code: 'invalid_argument', field: 'columns', message: /must name `unit`/ })
  // A misspelt key is refused, as in every table and options object (it was ignored).
  assert.throws(() => hs.Partial.fromRows({ columns: rows.columns, rows: rows.rows, row: [] }), { code: 'invalid_argument', field: 'row' })
  assert.throws(() => hs.Partial.fromRows({ columns: rows.columns, row: rows.rows }), { code: 'invalid_argument', field: 'row' })
  assert.throws(() => hs.Partial.fromRows(edit(rows.rows[0][j] + 100)), (err) => {
    assert.equal(err.code, 'invalid_partial')
    assert.equal(err.field, 'lead_due')
    assert.match(err.message, new RegExp(`unit ${unit}: due = `))
    return true
  })
  assert.throws(() => hs.Partial.fromJson({ units: { x: { lead: { due: -2, overdue_open: -2 } } } }), { code: 'invalid_partial', field: 'lead_due', message: /unit x/ })
  assert.throws(() => hs.Partial.fromJson(`{"units": {"x": {"lead": {"sign_working_ms": ${2n ** 60n}}}}}`), { code: 'invalid_partial', field: 'lead_sign_working_ms', message: /2\^53/ })
  // Metrics: every unit, external metrics as numbers or decimal strings.
  const metrics = whole.finalize(units, { [units[0].unit]: { calls: 3, audit: '1.5' } })
  assert.equal(Object.keys(metrics.units).length, 60)
  assert.deepEqual(metrics.external[units[0].unit], { audit: '1.5', calls: '3' })
  assert.throws(() => whole.finalize(units, { u: { x: 'ten' } }), { code: 'invalid_argument', field: 'external' })
})

test('evaluate: a quarter beyond one JSON slice gives every assignment, in order', async () => {
  // More assignments than one slice of JSON (4,096): the result is built slice by slice, as
  // a big quarter's must be (its JSON is longer than V8's longest string).
  const big = hs.syntheticCitySync({ days: 10, ticketsPerDay: 500, seed: 3 })
  const ev = new hs.Evaluator(big.units)
  const objects = big.tickets.toObjects()
  const half = Math.floor(objects.length / 2)
  const parts = [objects.slice(0, half), objects.slice(half)]
    .map((o) => ev.evaluateSync(hs.Tickets.fromObjectsSync(o), big.asOf))
  const whole = ev.evaluateSync(big.tickets, big.asOf)
  assert.ok(whole.length > 4096 && parts.every((p) => p.length <= 4096), `${whole.length} assignments`)
  assert.deepEqual(whole, parts.flat())
  assert.deepEqual(await ev.evaluate(big.tickets, big.asOf), whole)
})

test('evaluate, contributions, open assignments and explanations trace points to tickets', async () => {
  const ev = new hs.Evaluator(units)
  const sample = tickets.slice(0, 200)
  const assignments = ev.evaluateSync(sample, asOf)
  assert.deepEqual(await ev.evaluate(sample, asOf), assignments)
  assert.ok(assignments.length > 100)
  const a = assignments[0]
  assert.deepEqual(Object.keys(a.clocks), ['sign', 'contact', 'reply', 'complete', 'return_window'])
  assert.ok(['on_time', 'late', 'pending', 'overdue', 'not_applicable'].includes(a.clocks.complete.outcome))
  const open = ev.openAssignmentsSync(tickets, asOf)
  assert.deepEqual(await ev.openAssignments(tickets, asOf), open)
  assert.ok(open.every((o) => o.outcome === 'pending' || o.outcome === 'overdue'))

  const scheme = hs.Scheme.preset('sanmenxia')
  const scores = hs.scoreSync(tickets, scheme, { units, asOf, period })
  const worst = [...scores.units].sort((x, y) => Number(x.total) - Number(y.total))[0]
  const contributions = ev.contributionsSync(tickets, worst.unit, { period, asOf })
  assert.deepEqual(await ev.contributions(tickets, worst.unit, { period, asOf }), contributions)
  assert.ok(contributions.every((k) => k.unit === worst.unit))
  // A unit not in the units table (a typo) is refused, not explained as having no tickets.
  const typo = worst.unit.slice(0, -1)
  assert.throws(() => ev.contributionsSync(tickets, typo, { period, asOf }),
    { code: 'no_such_unit', field: 'unit', message: new RegExp(`did you mean "${worst.unit}"`) })
  await assert.rejects(ev.contributions(tickets, typo, { period, asOf }), { code: 'no_such_unit' })
  const explained = scheme.explain(scores, contributions)
  const mine = explained.find((e) => e.unit === worst.unit)
  assert.equal(mine.total, worst.total)
  const costly = mine.components.filter((c) => Number(c.points_lost) > 0)
  assert.ok(costly.length > 0)
  assert.ok(costly.some((c) => c.tickets.length > 0))
  const ids = new Set(tickets.ids())
  for (const c of costly) for (const id of c.tickets) assert.ok(ids.has(id))
  // Only the unit asked about: its entry of the whole, from its contributions or the tickets.
  assert.deepEqual(scheme.explain(scores, contributions, [worst.unit]), [mine])
  assert.deepEqual(scheme.explainTicketsSync(ev, tickets, scores, { period, asOf }, [worst.unit]), [mine])
  assert.deepEqual(await scheme.explainTickets(ev, tickets, scores, { period, asOf }, [worst.unit]), [mine])
  assert.throws(() => scheme.explain(scores, contributions, [worst.unit, 'nobody']), { code: 'unit_not_scored', field: 'units' })
  assert.throws(() => scheme.explain(scores, contributions, worst.unit), { code: 'invalid_argument', field: 'units' })
  // Straight from the tickets: what explain gives with every unit's contributions, byte for byte.
  const every = units.flatMap((u) => ev.contributionsSync(tickets, u.unit, { period, asOf }))
  const fromTickets = scheme.explainTicketsSync(ev, tickets, scores, { period, asOf })
  assert.equal(JSON.stringify(fromTickets), JSON.stringify(scheme.explain(scores, every)))
  assert.deepEqual(await scheme.explainTickets(ev, tickets, scores, { period, asOf }), fromTickets)
  assert.ok(fromTickets.filter((e) => e.components.some((c) => c.tickets.length > 0)).length > 1)
  // 人工加减分: adjustments in the metrics table score as their sums given as external metrics,
  // and the scorecard and the explanation list them with their reasons and approvers.
  const metrics = ev.partialSync(tickets, { period, asOf }).finalize(units)
  const adjustments = [
    { unit: worst.unit, metric: 'manual_bonus', amount: '1.5', reason: '防汛值守', approver: '热线办' },
    { unit: worst.unit, metric: 'manual_deduction', amount: 1, reason: '虚假办结', approver: '督查科' },
  ]
  const adjusted = scheme.score(units, { ...metrics, adjustments }, { asOf, period })
  const summed = scheme.score(units, { ...metrics, external: { [worst.unit]: { manual_bonus: '1.5', manual_deduction: '1' } } }, { asOf, period })
  const card = adjusted.units.find((c) => c.unit === worst.unit)
  assert.deepEqual(card.adjustments, adjustments.map((a) => ({ ...a, amount: String(a.amount) })))
  assert.deepEqual(card.external, { manual_bonus: '1.5', manual_deduction: '1' })
  assert.deepEqual(adjusted.units.map(({ adjustments, ...rest }) => rest), summed.units)
  // The same through the one-call score and through finalize.
  assert.deepEqual(hs.scoreSync(tickets, scheme, { units, asOf, period, adjustments }), adjusted)
  const finalized = ev.partialSync(tickets, { period, asOf }).finalize(units, undefined, adjustments)
  assert.deepEqual(scheme.score(units, finalized, { asOf, period }), adjusted)
  assert.throws(() => hs.scoreSync(tickets, scheme, { units, asOf, period, adjustments: [{ ...adjustments[0], by: 'x' }] }),
    { code: 'invalid_argument', field: 'adjustments[0]' })
  const [whyAdjusted] = scheme.explain(adjusted, contributions, [worst.unit])
  const deduction = whyAdjusted.components.find((c) => c.indicator === 'manual_deduction')
  assert.deepEqual(deduction.external, { manual_deduction: '1' })
  assert.equal(deduction.adjustments[0].approver, '督查科')
  assert.throws(() => scheme.score(units, { ...metrics, adjustments: [{ ...adjustments[0], reason: '' }] }, { asOf, period }),
    { code: 'invalid_adjustment', field: 'adjustments[0].reason' })
  // Scores computed with another scheme are refused.
  const other = hs.scoreSync(tickets, hs.Scheme.preset('three-rates'), { units: units.map((u) => ({ ...u, group: 'units' })), asOf, period })
  assert.throws(() => scheme.explain(other, contributions), { code: 'scheme_mismatch' })
  assert.throws(() => scheme.explainTicketsSync(ev, tickets, other, { period, asOf }), { code: 'scheme_mismatch' })
})

test('period warnings: only inside the warning window, with reasons and rescuable tickets', async () => {
  const scheme = hs.Scheme.preset('sanmenxia')
  const ev = new hs.Evaluator(units)
  const q1 = scheme.periodAt('2026-03-15T12:00:00+08:00')
  assert.equal(scheme.warningStart(q1), q1.end - 20 * 86400000)
  const early = scheme.periodWarningsSync(ev, tickets, { asOf: '2026-03-05T12:00:00+08:00' })
  assert.deepEqual(early, [])
  const inWindow = { asOf: '2026-03-20T12:00:00+08:00' }
  const warned = scheme.periodWarningsSync(ev, tickets, inWindow)
  assert.deepEqual(await scheme.periodWarnings(ev, tickets, inWindow), warned)
  assert.ok(warned.length > 0)
  for (const w of warned) {
    assert.ok(w.reasons.length > 0)
    assert.ok(['bottom', 'total_below', 'below_red_line'].includes(w.reasons[0].reason))
  }
  assert.ok(warned.some((w) => w.rescuable.length > 0))
  assert.throws(() => hs.Scheme.preset('three-rates').periodWarningsSync(ev, tickets, inWindow), { code: 'scheme_lacks' })
})

test('sanctions over closed periods', () => {
  const scheme = hs.Scheme.preset('sanmenxia')
  const ev = new hs.Evaluator(units)
  const months = [['2026-01', '2026-01-01', '2026-02-01'], ['2026-02', '2026-02-01', '2026-03-01']]
  const big = hs.syntheticCitySync({ days: 59, ticketsPerDay: 40, seed: 3 })
  const history = months.map(([label, s, e]) => {
    const p = { start: `${s}T00:00:00+08:00`, end: `${e}T00:00:00+08:00`, label }
    const metrics = ev.partialSync(big.tickets, { period: p, asOf: p.end }).finalize(big.units)
    return scheme.score(big.units, metrics, { asOf: p.end, period: p })
  })
  const out = scheme.sanctions(history)
  assert.equal(out.length, 2)
  assert.deepEqual(out.map((p) => p.period), ['2026-01', '2026-02'])
  assert.equal(out[1].units.length, 60)
  assert.ok(out[1].units.some((u) => u.level > 0))
  for (const u of out[1].units) if (u.level > 0) assert.ok(u.name && u.reason)
  assert.throws(() => hs.Scheme.preset('three-rates').sanctions([]), { code: 'scheme_lacks' })
  assert.throws(() => scheme.sanctions([{ bogus: 1 }]), { code: 'invalid_argument', field: 'history' })
})

test('schemes: presets, files, objects, every problem positioned', () => {
  assert.deepEqual(hs.Scheme.presetNames(), ['sanmenxia', 'lianyungang-2022', 'three-rates'])
  const s = hs.Scheme.preset('lianyungang-2022')
  assert.equal(s.decimals, 2)
  assert.match(s.hash, /^[0-9a-f]{64}$/)
  assert.equal(hs.Scheme.fromJson(JSON.parse(s.canonicalJson())).hash, s.hash)
  assert.throws(() => hs.Scheme.preset('mars'), { code: 'unknown_preset' })
  // An object's problems are placed in its compact JSON text, as Python places a dict's (they
  // were placed in pretty-printed text: 7:21 here, 1:44 there; a cross-language audit).
  // (Keys in sorted order, as serde_json writes them.)
  const object = { name: 'x', period: 'fortnight', schema_version: 1 }
  const where = (value) => {
    try { hs.Scheme.fromJson(value) } catch (err) { return err.problems.map((p) => [p.code, p.line, p.column]) }
  }
  assert.deepEqual(where(object), where(JSON.stringify(object)))
  assert.equal(where(object)[0][1], 1)
  assert.throws(() => hs.Scheme.fromToml('name = "x"\nperiod = "fortnight"\n'), (err) => {
    assert.equal(err.code, 'scheme_invalid')
    assert.ok(err.problems.length >= 1)
    assert.equal(err.line, err.problems[0].line)
    assert.equal(err.column, err.problems[0].column)
    return true
  })
  const scores = () => s.score([{ unit: 'u1', group: 'nowhere' }], { units: {} }, { asOf: '2022-07-01T00:00:00+08:00' })
  assert.throws(scores, { code: 'unit_group_unknown' })
})

test('an Evaluator refuses a units table that loading would refuse', () => {
  assert.throws(() => new hs.Evaluator([{ unit: 'u1', group: 'a' }, { unit: 'u1', group: 'b' }]), { code: 'duplicate_unit', row: 1 })
  assert.throws(() => new hs.Evaluator([{ unit: '', group: 'a' }]), { code: 'invalid_unit_row' })
})

test('suspicious values (a fraction where a percent is read) are reported with their place', () => {
  const text = 'schema_version = 1\nperiod = "month"\n[[groups]]\nid = "g"\nfull_marks = 10\n' +
    '[[indicators]]\nid = "x"\nname = "X"\npoints = 10\n' +
    'value = { ratio = { num = "closed_on_time", den = "due" } }\n' +
    'rule = { linear_below_target = { target = 0.95, slope = 1 } }\n'
  const [doubt, ...rest] = hs.Scheme.fromToml(text).suspiciousValues
  assert.deepEqual(rest, [])
  assert.deepEqual([doubt.code, doubt.line, doubt.column, doubt.key], ['suspicious_value', 11, 43, 'indicators[0].rule.linear_below_target.target'])
  assert.deepEqual(hs.Scheme.preset('sanmenxia').suspiciousValues, [])
})

test('a deadline past the calendar data says how to go on', () => {
  const tickets = hs.Tickets.fromObjectsSync([{
    id: 'T1', kind: 'help', received_at: '2026-12-29T09:00:00+08:00',
    events: [{ at: '2026-12-29T09:30:00+08:00', type: 'dispatched', unit: 'u1' }]
  }])
  const units = [{ unit: 'u1', group: 'units' }]
  const asOf = '2026-12-31T12:00:00+08:00'
  assert.throws(() => hs.scoreSync(tickets, hs.Scheme.preset('three-rates'), { units, asOf }), (err) => {
    assert.deepEqual([err.code, err.ticketId, err.date], ['clock_failed', 'T1', '2027-01-01'])
    assert.match(err.message, /new Calendar\(\{ prc: true, predict: true \}\)/)
    return true
  })
  const calendar = new hs.Calendar({ prc: true, predict: true })
  const scores = hs.scoreSync(tickets, hs.Scheme.preset('three-rates'), { units, asOf, calendar })
  assert.equal(scores.units[0].unit, 'u1')
})
