'use strict'
// The `three-rates` scheme (presets/three-rates.toml) under the Henan time limits, written in
// plain JavaScript over ticket objects, the way a Node backend without hotline-score would:
// the baseline of benches/node/score.js. It follows the rules of docs/semantics.md for the
// counters the scheme reads, and gives the same numbers as hotline-score (checked by
// bindings-node/test/plain-baseline.test.js).
//
//   响应率 response     = signed_on_time / dispatched        (every role) × 30
//   解决率 resolution   = resolved / (resolved + unresolved) (lead role)  × 35
//   满意率 satisfaction = (very_)satisfied + basically / valid callbacks (lead) × 35
//
// Sign-for limit (Henan): 24 h on the whole-working-day clock (non-working days roll over).
// Points are rounded half away from zero to 2 decimals on the exact rational value; a rate
// without data scores full marks; ranks: ties share (1, 2, 2, 4), then unit id.

const DAY = 86_400_000
const OFFSET = 8 * 3_600_000 // +08:00
const SIGN_LIMIT = 24 * 3_600_000

const dayOf = (t) => Math.floor((t + OFFSET) / DAY)
const dayStart = (d) => d * DAY - OFFSET

/** Whole-day clock over a set of working day numbers (local days since the epoch). */
class WholeDayClock {
  constructor (workingDays) {
    this.working = workingDays
  }

  /** The earliest instant with `ms` working time after `t`. */
  add (t, ms) {
    let d = dayOf(t)
    let from = t
    for (;;) {
      if (this.working.has(d)) {
        const avail = dayStart(d + 1) - from
        if (ms <= avail) return from + ms
        ms -= avail
      }
      d += 1
      from = dayStart(d)
    }
  }

  /** Working time in [a, b). */
  between (a, b) {
    let total = 0
    for (let d = dayOf(a); dayStart(d) < b; d++) {
      if (!this.working.has(d)) continue
      total += Math.min(b, dayStart(d + 1)) - Math.max(a, dayStart(d))
    }
    return total
  }
}

const SATISFIED = new Set(['very_satisfied', 'satisfied', 'basically_satisfied'])
const UNSATISFIED = new Set(['unsatisfied', 'very_unsatisfied'])

/** Counters of one unit. */
const emptyRow = () => ({ dispatched: 0, signedOnTime: 0, callbacks: 0, satisfied: 0, resolved: 0, unresolved: 0 })

/** Adds one ticket's contributions to `rows` (unit → counters). */
function countTicket (t, clock, asOf, start, end, rows) {
  const events = t.events
  // Instants, and the final close: the last close at or before as_of not followed by a reopen.
  const at = new Array(events.length)
  let n = 0
  let finalClose = -1
  for (let i = 0; i < events.length; i++) {
    const ms = Date.parse(events[i].at)
    if (ms > asOf) break
    at[i] = ms
    n = i + 1
    const type = events[i].type
    if (type === 'closed') finalClose = i
    else if (type === 'reopened') finalClose = -1
  }
  const asgs = []
  const latest = new Map() // unit → its latest assignment
  const callbacks = []
  const endSign = (a, when) => {
    if (a.finish !== null) return
    if (a.pausedAt !== null) {
      a.due = clock.add(a.due, clock.between(a.pausedAt, when))
      a.pausedAt = null
    }
    a.finish = when
  }
  for (let i = 0; i < n; i++) {
    const e = events[i]
    const ms = at[i]
    switch (e.type) {
      case 'dispatched': {
        const a = { unit: e.unit, lead: e.role !== 'assisting', start: ms, due: clock.add(ms, SIGN_LIMIT), finish: null, pausedAt: null, ended: false }
        asgs.push(a)
        latest.set(e.unit, a)
        break
      }
      case 'signed':
      case 'returned': {
        const a = latest.get(e.unit)
        if (a) endSign(a, ms)
        break
      }
      case 'return_decided': {
        const a = latest.get(e.unit)
        if (a && e.accepted) a.ended = true
        break
      }
      case 'paused': {
        const a = latest.get(e.unit)
        if (a && a.finish === null && a.pausedAt === null && ms < a.due) a.pausedAt = Math.max(ms, a.start)
        break
      }
      case 'resumed': {
        const a = latest.get(e.unit)
        if (a && a.pausedAt !== null) {
          a.due = clock.add(a.due, clock.between(a.pausedAt, ms))
          a.pausedAt = null
        }
        break
      }
      case 'closed':
        if (i === finalClose) for (const a of asgs) if (!a.ended) endSign(a, ms)
        break
      case 'called_back': {
        let to = null
        for (let k = asgs.length - 1; k >= 0 && to === null; k--) if (asgs[k].lead && !asgs[k].ended) to = asgs[k]
        for (let k = asgs.length - 1; k >= 0 && to === null; k--) if (asgs[k].lead) to = asgs[k]
        if (to === null && asgs.length > 0) to = asgs[asgs.length - 1]
        if (to !== null) callbacks.push({ to, at: ms, satisfaction: e.satisfaction, resolved: e.resolved, writtenOff: false })
        break
      }
      case 'written_off':
        for (let k = callbacks.length - 1; k >= 0; k--) {
          const c = callbacks[k]
          if (!c.writtenOff && UNSATISFIED.has(c.satisfaction)) {
            c.writtenOff = true
            break
          }
        }
        break
    }
  }
  const row = (unit) => {
    let r = rows.get(unit)
    if (r === undefined) rows.set(unit, (r = emptyRow()))
    return r
  }
  for (const a of asgs) {
    if (a.start < start || a.start >= end) continue
    if (a.finish === null && a.pausedAt !== null) a.due = clock.add(a.due, clock.between(a.pausedAt, asOf))
    const r = row(a.unit)
    r.dispatched++
    if (a.finish !== null && a.finish <= a.due) r.signedOnTime++
  }
  for (const c of callbacks) {
    if (c.at < start || c.at >= end || !c.to.lead) continue
    const r = row(c.to.unit)
    if (c.resolved === true) r.resolved++
    else if (c.resolved === false) r.unresolved++
    if (c.writtenOff || c.satisfaction === 'unreachable') continue
    r.callbacks++
    if (SATISFIED.has(c.satisfaction)) r.satisfied++
  }
}

/** `points × 100` of `max × num / den`, rounded half away from zero (full marks without data). */
const points100 = (max, num, den) => (den === 0 ? max * 100 : Math.floor((2 * max * 100 * num + den) / (2 * den)))
const fixed2 = (p100) => `${Math.trunc(p100 / 100)}.${String(p100 % 100).padStart(2, '0')}`

/**
 * Scores ticket objects (`{ id, kind, received_at, events: [{ at, type, unit, … }] }`) with
 * the three-rates scheme: per unit `{ unit, total, rank, components }`, in rank order.
 */
function scoreThreeRates (tickets, { units, asOf, period, workingDays }) {
  const clock = new WholeDayClock(workingDays)
  const start = Date.parse(period.start)
  const end = Date.parse(period.end)
  const rows = new Map()
  for (const t of tickets) countTicket(t, clock, asOf, start, end, rows)
  const cards = units.map(({ unit }) => {
    const r = rows.get(unit) ?? emptyRow()
    const components = {
      response: { numerator: r.signedOnTime, denominator: r.dispatched, p100: points100(30, r.signedOnTime, r.dispatched) },
      resolution: { numerator: r.resolved, denominator: r.resolved + r.unresolved, p100: points100(35, r.resolved, r.resolved + r.unresolved) },
      satisfaction: { numerator: r.satisfied, denominator: r.callbacks, p100: points100(35, r.satisfied, r.callbacks) }
    }
    const total100 = components.response.p100 + components.resolution.p100 + components.satisfaction.p100
    return { unit, total100, components }
  })
  cards.sort((a, b) => b.total100 - a.total100 || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0))
  let rank = 1
  return cards.map((c, i) => {
    if (i > 0 && c.total100 !== cards[i - 1].total100) rank = i + 1
    const components = Object.fromEntries(Object.entries(c.components).map(([id, x]) =>
      [id, { numerator: x.numerator, denominator: x.denominator, points: fixed2(x.p100) }]))
    return { unit: c.unit, total: fixed2(c.total100), rank, components }
  })
}

/** The same fields of hotline-score's scores, for comparison. */
function fromScores (scores) {
  return scores.units.map((u) => ({
    unit: u.unit,
    total: u.total,
    rank: u.rank,
    components: Object.fromEntries(u.components.map((c) => [c.indicator, {
      numerator: c.numerator === null ? 0 : Number(c.numerator),
      denominator: c.denominator === null ? 0 : Number(c.denominator),
      points: c.points
    }]))
  }))
}

module.exports = { scoreThreeRates, fromScores, WholeDayClock, dayOf }
