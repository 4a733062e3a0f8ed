'use strict'
// Policies and schemes from TOML text and from files (written to a temporary directory): what
// they load is checked by what it does, not only by how it prints.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const hs = require('..')
const { ROOT } = require('./support')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-score-node-'))
test.after(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A file of `text` in the temporary directory. */
function write (name, text) {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

/** A policy giving every ticket `n` working days to complete (PRC conventions by default). */
const tinyPolicy = (n) => `schema_version = 1\nname = "tiny-${n}"\n\n[[rules]]\nname = "all"\nlimits.complete = "${n}wd"\n`

const units = [{ unit: 'u1', group: 'g' }]
const dispatchedAt = '2026-03-02T09:20:00+08:00' // a Monday
const tickets = hs.Tickets.fromObjectsSync([{
  id: 'T1', kind: 'help', received_at: '2026-03-02T09:00:00+08:00',
  events: [{ at: dispatchedAt, type: 'dispatched', unit: 'u1' }]
}])
const calendar = hs.Calendar.prc()

/** The completion due date a policy gives T1. */
const completionDue = (policy) =>
  new hs.Evaluator(units, calendar, policy).evaluateSync(tickets, '2026-03-03T00:00:00+08:00')[0].clocks.complete.due

/** `n` working days from the dispatch, counted from the next day, due at the end of office hours. */
const workingDaysDue = (n) =>
  hs.formatInstant(calendar.workingDaysDeadline(dispatchedAt, n, { countStartDay: false, deadlineAt: 'end_of_office_hours' }))

test('Policy.fromToml reads the limits it is given', () => {
  for (const n of [2, 3, 7]) {
    const policy = hs.Policy.fromToml(tinyPolicy(n))
    assert.equal(policy.name, `tiny-${n}`)
    const rule = policy.toObject().rules[0]
    assert.deepEqual([rule.name, rule.limits.complete.amount], ['all', `${n}wd`])
    assert.equal(completionDue(policy), workingDaysDue(n))
  }
  // A built-in policy is its file in policies/.
  const henan = fs.readFileSync(path.join(ROOT, 'policies', 'henan.toml'), 'utf8')
  assert.equal(hs.Policy.fromToml(henan).toJson(), hs.Policy.builtin('henan').toJson())
})

test('Policy.fromFile: TOML, and JSON by the .json extension', () => {
  const toml = hs.Policy.fromFile(write('tiny.toml', tinyPolicy(4)))
  assert.equal(toml.name, 'tiny-4')
  assert.equal(completionDue(toml), workingDaysDue(4))
  // Any extension other than .json is TOML.
  assert.equal(hs.Policy.fromFile(write('tiny.policy', tinyPolicy(4))).toJson(), toml.toJson())
  const json = hs.Policy.fromFile(write('tiny.json', toml.toJson()))
  assert.equal(json.toJson(), toml.toJson())
  assert.equal(completionDue(json), workingDaysDue(4))
  const guangdong = hs.Policy.fromFile(path.join(ROOT, 'policies', 'guangdong.toml'))
  assert.equal(guangdong.toJson(), hs.Policy.builtin('guangdong').toJson())
  // The extension in any case.
  assert.equal(hs.Policy.fromFile(write('TINY.JSON', toml.toJson())).toJson(), toml.toJson())
  // A TOML file is not read as JSON, nor the other way round; a missing file names its path.
  assert.throws(() => hs.Policy.fromFile(write('toml-inside.json', tinyPolicy(4))), { code: 'invalid_policy' })
  assert.throws(() => hs.Policy.fromFile(write('json-inside.toml', toml.toJson())), { code: 'invalid_policy' })
  const missing = path.join(dir, 'missing.toml')
  assert.throws(() => hs.Policy.fromFile(missing), (err) => {
    assert.equal(err.code, 'cannot_read')
    assert.equal(err.field, 'path')
    assert.equal(err.message, `cannot read ${missing}: No such file or directory (os error 2)`)
    return true
  })
})

test('Scheme.fromFile: TOML, and JSON by the .json extension', () => {
  for (const name of hs.Scheme.presetNames()) {
    const preset = hs.Scheme.preset(name)
    const text = fs.readFileSync(path.join(ROOT, 'presets', `${name}.toml`), 'utf8')
    const fromToml = hs.Scheme.fromFile(write(`${name}.toml`, text))
    assert.equal(fromToml.hash, preset.hash, name)
    assert.equal(fromToml.name, preset.name, name)
    const fromJson = hs.Scheme.fromFile(write(`${name}.json`, preset.canonicalJson()))
    assert.equal(fromJson.hash, preset.hash, name)
  }
  // The file's content decides: a renamed scheme hashes differently and scores the same numbers.
  const base = JSON.parse(hs.Scheme.preset('sanmenxia').canonicalJson())
  const renamed = hs.Scheme.fromFile(write('renamed.json', JSON.stringify({ ...base, name: 'renamed' })))
  assert.equal(renamed.name, 'renamed')
  assert.notEqual(renamed.hash, hs.Scheme.preset('sanmenxia').hash)
  const city = hs.syntheticCitySync({ days: 3, ticketsPerDay: 20, seed: 5 })
  const totals = (s) => hs.scoreSync(city.tickets, s, { units: city.units, asOf: city.asOf }).units.map((c) => [c.unit, c.total])
  assert.deepEqual(totals(renamed), totals(hs.Scheme.preset('sanmenxia')))
  // Problems are positioned in the file; a missing file or a directory cannot be read.
  assert.throws(() => hs.Scheme.fromFile(write('bad.toml', 'name = "x"\nperiod = "fortnight"\n')),
    (err) => err.code === 'scheme_invalid' && err.problems.length >= 1 && err.line === err.problems[0].line)
  assert.throws(() => hs.Scheme.fromFile(path.join(dir, 'missing.toml')), { code: 'cannot_read', field: 'path' })
  assert.throws(() => hs.Scheme.fromFile(dir), { code: 'cannot_read', field: 'path' })
})

/** A sparse file of `size` bytes (no disk used): what `fs.truncate` makes of an empty file. */
function sparse (name, size) {
  const file = path.join(dir, name)
  fs.writeFileSync(file, '')
  fs.truncateSync(file, size)
  return file
}

// The size comes from the file's metadata and at most limit + 1 bytes are read: the messages
// give the real size of a 1 GiB sparse file, and /dev/zero (endless) is refused at all.
test('file readers check the size limit first: a huge file is refused after limit + 1 bytes', () => {
  const GB = 2 ** 30
  // Scheme: 1 MiB; the one problem is file_too_large at 1:1 and tells the file's real size.
  assert.throws(() => hs.Scheme.fromFile(sparse('huge.toml', GB)), (err) => {
    assert.equal(err.code, 'scheme_invalid')
    assert.deepEqual(err.problems.map((p) => [p.code, p.line, p.column]), [['file_too_large', 1, 1]])
    assert.match(err.problems[0].message, /the scheme is 1073741824 bytes long; the limit is 1048576/)
    return true
  })
  // One byte over the limit is refused; exactly the limit is read (and fails as TOML, not size).
  assert.throws(() => hs.Scheme.fromFile(sparse('over.toml', 2 ** 20 + 1)),
    (err) => err.problems[0].code === 'file_too_large')
  assert.throws(() => hs.Scheme.fromFile(write('at-limit.toml', `name = "x"\n${'#'.repeat(2 ** 20 - 11)}`)),
    (err) => err.code === 'scheme_invalid' && err.problems[0].code !== 'file_too_large')
  assert.throws(() => hs.Policy.fromFile(sparse('huge-policy.json', GB)), (err) => {
    assert.equal(err.code, 'invalid_policy')
    assert.match(err.message, /the policy is 1073741824 bytes long; the limit is 1048576/)
    return true
  })
  assert.throws(() => hs.Calendar.fromFile(sparse('huge-calendar.toml', GB)), (err) => {
    assert.equal(err.code, 'invalid_calendar_data')
    assert.match(err.message, /the data is 1073741824 bytes long; the limit is 4194304/)
    return true
  })
  assert.throws(() => new hs.Calendar({ prc: true, dataFiles: [sparse('huge-layer.json', GB)] }),
    { code: 'invalid_calendar_data' })
})

test('file readers refuse a special file that never ends (/dev/zero) at once', { skip: !fs.existsSync('/dev/zero') }, () => {
  const endless = { message: /more than \d+ bytes long/ }
  assert.throws(() => hs.Scheme.fromFile('/dev/zero'), (err) => {
    assert.equal(err.code, 'scheme_invalid')
    assert.equal(err.problems[0].code, 'file_too_large')
    assert.match(err.problems[0].message, endless.message)
    return true
  })
  assert.throws(() => hs.Policy.fromFile('/dev/zero'), { code: 'invalid_policy', ...endless })
  // Calendar data files need their extension: a link to /dev/zero named like one.
  const link = path.join(dir, 'zero.toml')
  fs.symlinkSync('/dev/zero', link)
  assert.throws(() => hs.Calendar.fromFile(link), { code: 'invalid_calendar_data', ...endless })
  assert.throws(() => new hs.Calendar({ dataFiles: [link] }), { code: 'invalid_calendar_data', ...endless })
})

test('a file that is not UTF-8 is refused at its first bad byte, not read lossily', () => {
  // name = "河南" in GBK, as Excel saves it on a Chinese Windows.
  const gbk = Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x20, 0x3d, 0x20, 0x22, 0xba, 0xd3, 0xc4, 0xcf, 0x22, 0x0a])
  const convert = /not UTF-8 text: re-save it as UTF-8 .*iconv -f gb18030 -t utf-8/
  assert.throws(() => hs.Scheme.fromFile(write('gbk.toml', gbk)), (err) => {
    assert.equal(err.code, 'scheme_invalid')
    assert.deepEqual(err.problems.map((p) => [p.code, p.line, p.column]), [['invalid_encoding', 1, 9]])
    assert.match(err.problems[0].message, convert)
    return true
  })
  assert.throws(() => hs.Policy.fromFile(write('gbk-policy.toml', gbk)), { code: 'invalid_policy', line: 1, column: 9, message: convert })
  assert.throws(() => hs.Calendar.fromFile(write('gbk-calendar.toml', gbk)), { code: 'invalid_calendar_data', line: 1, column: 9 })
})
