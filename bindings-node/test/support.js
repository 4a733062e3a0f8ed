'use strict'
// Helpers shared by the test files.
const fs = require('node:fs')
const path = require('node:path')
const hs = require('..')

const ROOT = path.join(__dirname, '..', '..')
const VECTORS = path.join(ROOT, 'tests', 'vectors')

/** A vector file of tests/vectors/, parsed. */
const readVector = (...parts) => JSON.parse(fs.readFileSync(path.join(VECTORS, ...parts), 'utf8'))

/** Every `.json` file of a vector directory, sorted, parsed, with its name. */
function vectorFiles (dir) {
  return fs.readdirSync(path.join(VECTORS, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, doc: readVector(dir, f) }))
}

const BOOL = { true: 1, false: 0, 1: 1, 0: 0 }

/**
 * Encodes flat tables (row objects) in the columnar form, or returns null when a cell cannot be
 * encoded (a malformed boolean or timestamp, which only the row form can carry).
 */
function rowsToColumns (ticketRows, eventRows) {
  const dictionaries = { attributes: {} }
  const indexes = {}
  const code = (dict, value) => {
    if (value === undefined || value === null || value === '') return undefined
    const key = dict.join('.')
    const index = (indexes[key] ??= new Map())
    let target = dictionaries
    for (const k of dict.slice(0, -1)) target = target[k]
    const list = (target[dict.at(-1)] ??= [])
    if (!index.has(value)) {
      index.set(value, list.length)
      list.push(String(value))
    }
    return index.get(value)
  }
  const codes = (dict, values) => {
    const out = new Uint32Array(values.length).fill(0xFFFFFFFF)
    values.forEach((v, i) => { const c = code(dict, v); if (c !== undefined) out[i] = c })
    return out
  }
  const instant = (v) => {
    if (v === undefined || v === null || v === '') return NaN
    if (typeof v === 'number') return v
    try { return hs.parseInstant(v) } catch { return null }
  }
  const fixed = new Set(['ticket_id', 'kind', 'urgency', 'channel', 'received_at'])
  const tickets = {
    ticket_id: codes(['ticket_id'], ticketRows.map((r) => r.ticket_id)),
    kind: codes(['kind'], ticketRows.map((r) => r.kind)),
    urgency: codes(['urgency'], ticketRows.map((r) => r.urgency)),
    channel: codes(['channel'], ticketRows.map((r) => r.channel)),
    received_at: Float64Array.from(ticketRows.map((r) => instant(r.received_at))),
    attributes: {}
  }
  const names = new Set(ticketRows.flatMap((r) => Object.keys(r).filter((k) => !fixed.has(k))))
  for (const name of names) {
    dictionaries.attributes[name] = []
    tickets.attributes[name] = codes(['attributes', name], ticketRows.map((r) => r[name]))
  }
  const at = eventRows.map((r) => instant(r.at))
  if (at.includes(null) || tickets.received_at.some((v) => v === null)) return null
  const flags = (name) => {
    const out = new Uint8Array(eventRows.length).fill(255)
    for (const [i, r] of eventRows.entries()) {
      const v = r[name]
      if (v === undefined || v === null || v === '') continue
      const b = BOOL[String(v).trim().toLowerCase()]
      if (b === undefined) return null
      out[i] = b
    }
    return out
  }
  const events = {
    ticket_id: codes(['ticket_id'], eventRows.map((r) => r.ticket_id)),
    at: Float64Array.from(at),
    type: codes(['type'], eventRows.map((r) => r.type))
  }
  for (const name of ['unit', 'role', 'reason', 'amount', 'satisfaction', 'event_id']) {
    events[name] = codes([name], eventRows.map((r) => r[name]))
  }
  for (const name of ['accepted', 'approved', 'passed', 'resolved']) {
    events[name] = flags(name)
    if (events[name] === null) return null
  }
  for (const k of ['kind', 'urgency', 'channel', 'type', 'unit', 'role', 'reason', 'amount', 'satisfaction', 'event_id']) {
    dictionaries[k] ??= []
  }
  dictionaries.ticket_id ??= []
  return { tickets, events, dictionaries }
}

/**
 * `strings` packed as an Arrow `Utf8` vector lays them out: UTF-8 bytes in one Buffer and
 * `Int32Array` offsets (what `fromColumns` reads in place).
 */
function packStrings (strings) {
  const offsets = new Int32Array(strings.length + 1)
  strings.forEach((s, i) => { offsets[i + 1] = offsets[i] + Buffer.byteLength(s) })
  return { offsets, data: Buffer.from(strings.join('')) }
}

/** `columns` with every dictionary packed (`packStrings`). */
function packColumns (columns) {
  if (columns === null) return null
  const dictionaries = {}
  for (const [k, v] of Object.entries(columns.dictionaries)) {
    dictionaries[k] = Array.isArray(v)
      ? packStrings(v)
      : Object.fromEntries(Object.entries(v).map(([name, list]) => [name, packStrings(list)]))
  }
  return { ...columns, dictionaries }
}

/** Runs `fn`, giving `{ ok, value }` or `{ ok: false, error }`. */
function attempt (fn) {
  try {
    return { ok: true, value: fn() }
  } catch (error) {
    return { ok: false, error }
  }
}

module.exports = { ROOT, VECTORS, readVector, vectorFiles, rowsToColumns, packStrings, packColumns, attempt }
