'use strict'
// Runs the shared conformance vectors of tests/vectors/ (repository root) through the binding,
// with the semantics of the Rust runners in core/tests/*_vectors.rs.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hs = require('..')
const { ROOT, readVector: read, vectorFiles, rowsToColumns, packColumns, attempt } = require('./support')

/** The Rust core's JSON text of the vectors' results (tests/vectors/json/, README there). */
const RUST = Object.fromEntries(['scheme', 'clocks', 'tickets'].map((n) => [n, read('json', `${n}.json`).outputs]))

/** Asserts that `text` is, byte for byte, the Rust core's JSON for `key`; records the key. */
function sameBytes (seen, area, key, text) {
  assert.ok(key in RUST[area], `${area}: no Rust output for ${key}`)
  assert.equal(text, RUST[area][key], `${key}: not the Rust core's bytes`)
  seen.add(key)
}

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

/** Loads a case's input: JSON tickets (objects) or the flat tables (rows, and columns with
 * dictionaries as string arrays or packed). */
function loadTickets (c, mode, via = 'rows') {
  const options = { units: c.units, mode }
  if (c.tickets) return hs.Tickets.fromObjectsSync(c.tickets, options)
  if (via === 'columns') return hs.Tickets.fromColumnsSync(rowsToColumns(c.ticket_rows, c.event_rows), options)
  if (via === 'packed') return hs.Tickets.fromColumnsSync(packColumns(rowsToColumns(c.ticket_rows, c.event_rows)), options)
  return hs.Tickets.fromRowsSync({ tickets: c.ticket_rows, events: c.event_rows }, options)
}

/** The error as the Rust runner writes it: context only for ticket errors (`ticketId` is absent when empty). */
const NOT_TICKET_ERRORS = new Set(['duplicate_unit', 'invalid_unit_row', 'invalid_ticket_json'])
const errorJson = (e) => NOT_TICKET_ERRORS.has(e.code)
  ? { code: e.code, ticket_id: null, event_index: null, field: null, row: null }
  : { code: e.code, ticket_id: e.ticketId ?? '', event_index: e.eventIndex ?? null, field: e.field, row: e.row ?? null }
// The vectors write an absent ticket id as '' (the Rust runner's form); diagnostics give null, as Python's.
const diagnosticJson = (d) => ({ code: d.code, ticket_id: d.ticket_id ?? '', event_index: d.event_index, field: d.field, row: d.row })

test('ticket vectors: every rule has a failing case (errors.json)', () => {
  const doc = read('tickets', 'errors.json')
  const codes = new Set()
  let columnar = 0
  for (const c of doc.cases) {
    const vias = ['rows']
    if (!c.tickets && rowsToColumns(c.ticket_rows, c.event_rows)) vias.push('columns', 'packed')
    for (const via of vias) {
      const strict = attempt(() => loadTickets(c, 'strict', via))
      assert.equal(strict.ok, false, `${c.name} (${via}): expected an error`)
      assert.deepEqual(errorJson(strict.error), c.expect, `${c.name} (${via}): ${strict.error.message}`)
      if (!NOT_TICKET_ERRORS.has(strict.error.code)) {
        const who = strict.error.ticketId ? `ticket ${JSON.stringify(strict.error.ticketId)}` : 'ticket without an id'
        assert.ok(strict.error.message.startsWith(who), `${c.name}: ${strict.error.message}`)
        assert.ok(strict.error.message.includes(`\`${strict.error.field}\``), c.name)
      }
      const lenient = attempt(() => loadTickets(c, 'lenient', via))
      if (lenient.ok) {
        assert.deepEqual(diagnosticJson(lenient.value.diagnostics[0]), c.expect, `${c.name} (${via}) lenient`)
      } else {
        assert.ok(['duplicate_unit', 'invalid_unit_row'].includes(lenient.error.code), `${c.name}: ${lenient.error.message}`)
      }
      if (via === 'packed') columnar++
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
  sameBytes(new Set(), 'tickets', 'valid.json', fromJson.toJson())
  const fromRows = loadTickets({ ticket_rows: doc.ticket_rows, event_rows: doc.event_rows }, 'strict')
  assert.equal(fromRows.toJson(), fromJson.toJson())
  const fromColumns = hs.Tickets.fromColumnsSync(rowsToColumns(doc.ticket_rows, doc.event_rows))
  assert.equal(fromColumns.toJson(), fromJson.toJson())
  const fromPacked = hs.Tickets.fromColumnsSync(packColumns(rowsToColumns(doc.ticket_rows, doc.event_rows)))
  assert.equal(fromPacked.toJson(), fromJson.toJson())
  // Tickets -> rows -> tickets, and tickets -> columns -> tickets.
  assert.equal(hs.Tickets.fromRowsSync(fromJson.toRows()).toJson(), fromJson.toJson())
  assert.equal(hs.Tickets.fromColumnsSync(fromJson.toColumns()).toJson(), fromJson.toJson())
  assert.equal(hs.Tickets.fromColumnsSync(fromJson.toColumns({ packed: true })).toJson(), fromJson.toJson())
})

test('ticket vectors: lenient mode reports every skip (lenient.json)', () => {
  const doc = read('tickets', 'lenient.json')
  for (const c of doc.cases) {
    const vias = c.tickets ? ['rows'] : ['rows', 'columns', 'packed']
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

// ---- clocks and metrics (core/tests/clock_vectors.rs) ----

const INSTANT_FIELDS = new Set(['due', 'finished', 'start', 'warning_at', 'requested_at', 'decided_at'])
const sameInstant = (a, b) => (a === null || b === null ? a === b : hs.parseInstant(a) === hs.parseInstant(b))

/** Every key of `want` equals the same key of `got` (instants compared as instants). */
function checkFields (ctx, got, want) {
  for (const [k, w] of Object.entries(want)) {
    const g = got[k]
    const ok = INSTANT_FIELDS.has(k) ? sameInstant(g, w) : JSON.stringify(g) === JSON.stringify(w)
    assert.ok(ok, `${ctx}: field ${k}: expected ${JSON.stringify(w)}, got ${JSON.stringify(g)}`)
  }
}

test('clock and metrics vectors (tests/vectors/clocks/)', () => {
  const calendar = hs.Calendar.prc()
  let cases = 0
  const seen = new Set()
  for (const { name: file, doc } of vectorFiles('clocks')) {
    for (const c of doc.cases) {
      const ctx = `${file}: ${c.name}`
      const tickets = hs.Tickets.fromObjectsSync([c.ticket])
      const units = []
      for (const e of c.ticket.events ?? []) {
        if (e.unit && !units.some((u) => u.unit === e.unit)) units.push({ unit: e.unit, group: 'g' })
      }
      const policy = typeof c.policy === 'string' ? hs.Policy.builtin(c.policy) : hs.Policy.fromJson(c.policy)
      const ev = new hs.Evaluator(units, calendar, policy)
      const got = ev.evaluateSync(tickets, c.as_of)
      sameBytes(seen, 'clocks', ctx, JSON.stringify(got))
      const want = c.expected.assignments
      assert.equal(got.length, want.length, `${ctx}: number of assignments`)
      got.forEach((g, i) => {
        const w = want[i]
        const who = `${ctx} / ${g.unit} (${g.role})`
        assert.equal(g.unit, w.unit, who)
        assert.equal(g.role, w.role, who)
        if ('ended' in w) {
          if (w.ended === null) assert.equal(g.ended, null, who)
          else {
            assert.ok(sameInstant(g.ended.at, w.ended.at), `${who}: ended at`)
            assert.equal(g.ended.reason, w.ended.reason, who)
          }
        }
        for (const [clock, wc] of Object.entries(w.clocks)) checkFields(`${who} clock ${clock}`, g.clocks[clock], wc)
        if (w.extensions) {
          assert.equal(g.extensions.length, w.extensions.length, `${who}: extensions`)
          w.extensions.forEach((we, j) => checkFields(`${who} extension ${j}`, g.extensions[j], we))
        }
      })
      if (c.expected.counters) {
        const p = ev.partialSync(tickets, { period: c.period, asOf: c.as_of, dueAnchor: c.due_anchor })
        sameBytes(seen, 'clocks', `${ctx} / partial`, p.toJson())
        const { columns, rows } = p.toRows()
        const byUnit = Object.fromEntries(rows.map((r) => [r[0], r]))
        for (const unit of Object.keys(byUnit)) assert.ok(unit in c.expected.counters, `${ctx}: unexpected counters for ${unit}`)
        for (const [unit, roles] of Object.entries(c.expected.counters)) {
          const row = byUnit[unit]
          columns.slice(1).forEach((col, j) => {
            const [role, ...rest] = col.split('_')
            const want = roles[role]?.[rest.join('_')] ?? 0
            assert.equal(row ? row[j + 1] : 0, want, `${ctx}: unit ${unit} ${col}`)
          })
          for (const [role, counters] of Object.entries(roles)) {
            for (const counter of Object.keys(counters)) assert.ok(columns.includes(`${role}_${counter}`), `${ctx}: unknown counter ${role}_${counter}`)
          }
        }
      }
      cases++
    }
  }
  assert.ok(cases >= 14, `only ${cases} cases`)
  assert.deepEqual([...seen].sort(), Object.keys(RUST.clocks).sort(), 'every pinned Rust output compared')
})

// ---- schemes (core/tests/scheme_vectors.rs) ----

function loadScheme (c) {
  if (c.scheme_toml !== undefined) return hs.Scheme.fromToml(c.scheme_toml)
  if (c.scheme_json_text !== undefined) return hs.Scheme.fromJson(c.scheme_json_text)
  return typeof c.scheme === 'string' ? hs.Scheme.preset(c.scheme) : hs.Scheme.fromJson(c.scheme)
}

/** Every key of `want` (except `unit` and `components`) equals the same key of `got`. */
function checkScoreFields (ctx, got, want) {
  for (const [k, w] of Object.entries(want)) {
    if (k === 'unit' || k === 'components') continue
    assert.ok(k in got, `${ctx}: no field ${k}`)
    assert.deepEqual(got[k], w, `${ctx}: field ${k}`)
  }
}

function checkScores (ctx, c, scores) {
  if (c.expected_order) assert.deepEqual(scores.units.map((u) => u.unit), c.expected_order, `${ctx}: order`)
  for (const want of c.expected ?? []) {
    const card = scores.units.find((u) => u.unit === want.unit)
    assert.ok(card, `${ctx}: no scorecard for ${want.unit}`)
    checkScoreFields(`${ctx} / ${want.unit}`, card, want)
    assert.equal(card.scheme_hash, scores.scheme_hash)
    for (const [id, wc] of Object.entries(want.components ?? {})) {
      const comp = card.components.find((x) => x.indicator === id)
      assert.ok(comp, `${ctx}: no component ${id}`)
      checkScoreFields(`${ctx} / ${want.unit} / ${id}`, comp, wc)
    }
  }
}

test('scheme vectors (tests/vectors/scheme/)', () => {
  let count = 0
  const seen = new Set()
  for (const { name: file, doc } of vectorFiles('scheme')) {
    for (const c of doc.cases) {
      const ctx = `${file}: ${c.name}`
      count++
      if (c.expected_problems) {
        const r = attempt(() => loadScheme(c))
        assert.equal(r.ok, false, ctx)
        assert.equal(r.error.code, 'scheme_invalid', ctx)
        assert.equal(r.error.problems.length, c.expected_problems.length, `${ctx}: ${JSON.stringify(r.error.problems)}`)
        c.expected_problems.forEach((want, i) => {
          const got = r.error.problems[i]
          checkScoreFields(ctx, got, want)
          if (want.suggestion === undefined) assert.equal(got.suggestion, undefined, `${ctx}: unexpected suggestion`)
        })
        // The error's own context is the first problem.
        assert.equal(r.error.line, c.expected_problems[0].line, ctx)
        assert.equal(r.error.column, c.expected_problems[0].column, ctx)
        continue
      }
      const scheme = loadScheme(c)
      if (c.expected_sanctions) {
        const history = c.periods.map((p) => scheme.score(c.units, p.metrics, { asOf: p.as_of, period: p.period }))
        const outcome = scheme.sanctions(history)
        sameBytes(seen, 'scheme', ctx, JSON.stringify(outcome))
        c.expected_sanctions.forEach((wantPeriod, i) => {
          assert.equal(outcome[i].units.length, wantPeriod.length, `${ctx}: period ${i}`)
          for (const want of wantPeriod) {
            const got = outcome[i].units.find((u) => u.unit === want.unit)
            checkScoreFields(`${ctx}: period ${i} / ${want.unit}`, got, want)
          }
        })
        continue
      }
      const metrics = structuredClone(c.metrics ?? { units: {} })
      metrics.units ??= {}
      for (const k of c.contributions ?? []) {
        const row = (metrics.units[k.unit] ??= { lead: {}, assisting: {} })
        const role = (row[k.role] ??= {})
        role[k.counter] = (role[k.counter] ?? 0) + k.amount
      }
      const options = { asOf: c.as_of, period: c.period }
      const scores = scheme.score(c.units ?? [], metrics, options)
      checkScores(ctx, c, scores)
      // Plain objects out are the core's JSON: stringifying them gives its exact bytes.
      assert.equal(JSON.stringify(scores), scheme.scoreJson(c.units ?? [], metrics, options), ctx)
      sameBytes(seen, 'scheme', ctx, scheme.scoreJson(c.units ?? [], metrics, options))
      if (c.expected_explanations) {
        const explained = scheme.explain(scores, c.contributions ?? [])
        sameBytes(seen, 'scheme', `${ctx} / explanations`, JSON.stringify(explained))
        for (const want of c.expected_explanations) {
          const got = explained.find((e) => e.unit === want.unit)
          for (const [id, tickets] of Object.entries(want.components)) {
            assert.deepEqual(got.components.find((x) => x.indicator === id).tickets, tickets, `${ctx}: ${want.unit} / ${id}`)
          }
          if (want.ticket_counters) assert.deepEqual(got.ticket_counters, want.ticket_counters, `${ctx}: ${want.unit} / ticket_counters`)
        }
      }
    }
  }
  assert.ok(count >= 20, `only ${count} cases ran`)
  assert.deepEqual([...seen].sort(), Object.keys(RUST.scheme).sort(), 'every pinned Rust output compared')
})

// ---- formulas (core/tests/formula_vectors.rs) ----

/** A case's formula: `formula`, or the concatenation of `formula_parts` ([text, times]). */
const formulaSource = (c) => c.formula ?? c.formula_parts.map(([text, times]) => text.repeat(times)).join('')

/** The canonical text of a decimal string (no sign on zero, no leading or trailing zeros). */
function canonicalDecimal (text) {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text)
  assert.ok(m, `not a decimal: ${text}`)
  const int = m[2].replace(/^0+(?=\d)/, '')
  const frac = (m[3] ?? '').replace(/0+$/, '')
  const body = frac === '' ? int : `${int}.${frac}`
  return m[1] === '-' && body !== '0' ? `-${body}` : body
}

test('formula vectors: evaluation (tests/vectors/formula/eval.json)', () => {
  const doc = read('formula', 'eval.json')
  assert.ok(doc.cases.length >= 50)
  for (const c of doc.cases) {
    const types = c.types ?? {}
    const names = Object.fromEntries(Object.entries(c.slots).map(([n, v]) => [n, types[n] ?? (typeof v === 'boolean' ? 'bool' : 'number')]))
    const source = formulaSource(c)
    const f = new hs.Formula(source, names, { result: c.result })
    assert.equal(f.source, source, c.name)
    const got = f.eval(c.slots)
    if (typeof c.expected === 'string') {
      assert.equal(typeof got, 'string', `${c.name}: got ${got}`)
      // Compared numerically (the vectors' "2.50" equals "2.5"); the binding writes the canonical form.
      assert.equal(got, canonicalDecimal(c.expected), c.name)
    } else {
      assert.equal(got, c.expected, c.name)
    }
  }
})

test('formula vectors: every compile problem with its position (tests/vectors/formula/errors.json)', () => {
  const doc = read('formula', 'errors.json')
  assert.ok(doc.cases.length >= 30)
  for (const c of doc.cases) {
    const r = attempt(() => new hs.Formula(formulaSource(c), doc.names, { result: c.result }))
    assert.equal(r.ok, false, `${c.name}: compiled`)
    const err = r.error
    assert.ok(err instanceof Error, c.name)
    assert.equal(err.code, 'formula_invalid', `${c.name}: ${err.message}`)
    const got = err.problems.map((p) => [p.code, p.line, p.column, p.suggestion])
    const want = c.problems.map((p) => [p.code, p.line, p.column, p.suggestion])
    assert.deepEqual(got, want, `${c.name}: ${err.message}`)
    for (const p of err.problems) {
      assert.ok(p.message.length > 0, c.name)
      if (p.suggestion === undefined) assert.ok(!('suggestion' in p), `${c.name}: suggestion present but undefined`)
    }
    // The error's own position is the first problem's.
    assert.deepEqual([err.line, err.column], [c.problems[0].line, c.problems[0].column], c.name)
  }
})
