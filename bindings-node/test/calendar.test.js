'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hs = require('..')

const ROOT = path.join(__dirname, '..', '..')
const ms = (s) => hs.parseInstant(s)
const H = 3600000

test('instants in: Date, RFC 3339 with any offset, epoch ms; out: epoch ms', () => {
  const cal = hs.Calendar.prc()
  const fri = '2026-02-13T16:30:00+08:00'
  const want = ms('2026-02-14T10:00:00+08:00') // golden case 1: Saturday 2026-02-14 is a make-up workday
  assert.equal(cal.addWorking(fri, 2 * H), want)
  assert.equal(cal.addWorking('2026-02-13T08:30:00Z', 2 * H), want)
  assert.equal(cal.addWorking(new Date('2026-02-13T08:30:00Z'), 2 * H), want)
  assert.equal(cal.addWorking(ms(fri), 2 * H), want)
  assert.equal(cal.format(want), '2026-02-14T10:00:00+08:00')
  assert.equal(hs.formatInstant(want, 'Z'), '2026-02-14T02:00:00Z')
  assert.equal(cal.addWorking(fri, 0), ms(fri))
  assert.equal(cal.subWorking(want, 2 * H), ms(fri))
  assert.equal(cal.workingBetween(fri, want), 2 * H)
  assert.equal(cal.workingBetween(want, fri), -2 * H)
  assert.equal(cal.nextWorkingInstant('2026-02-13T12:30:00+08:00'), ms('2026-02-13T13:30:00+08:00'))
  assert.equal(cal.parseLocal('2026-02-13T16:30:00'), ms(fri))
  assert.equal(hs.parseLocalInstant('2026-02-13 16:30:00', '+08:00'), ms(fri))
})

test('day operations and kinds', () => {
  const cal = hs.Calendar.prc()
  assert.equal(cal.offset, '+08:00')
  assert.equal(cal.firstDate, '2017-01-01')
  assert.equal(cal.lastDate, '2026-12-31')
  assert.equal(cal.predictedFrom, null)
  assert.equal(cal.dayKind('2026-02-17'), 'holiday')
  assert.equal(cal.dayKind('2026-02-20'), 'in_lieu')
  assert.equal(cal.dayKind('2026-02-14'), 'adjusted_workday')
  assert.equal(cal.dayKind('2026-03-07'), 'weekend')
  assert.equal(cal.dayKind('2026-03-09'), 'workday')
  // An instant counts by its date in the calendar's offset: 2026-02-13T20:00Z is Saturday the 14th in +08:00.
  assert.equal(cal.dayKind('2026-02-13T20:00:00Z'), 'adjusted_workday')
  assert.equal(cal.isWorkday(new Date('2026-02-16T04:00:00Z')), false)
  assert.equal(cal.addWorkingDays('2026-02-13', 1), '2026-02-14')
  assert.equal(cal.addWorkingDays('2026-02-14', 1), '2026-02-24')
  assert.equal(cal.addWorkingDays('2026-02-24', -1), '2026-02-14')
  assert.equal(cal.workingDaysBetween('2026-02-13', '2026-02-25'), 3)
  // Golden case 2: 1 working day from Saturday 17:00 ends Tuesday 2026-02-24 17:30.
  assert.equal(cal.workingDaysDeadline('2026-02-14T17:00:00+08:00', 1), ms('2026-02-24T17:30:00+08:00'))
  const opts = { countStartDay: true, deadlineAt: 'midnight' }
  assert.equal(cal.workingDaysDeadline('2026-02-13T10:00:00+08:00', 1, opts), ms('2026-02-14T00:00:00+08:00'))
})

test('whole-day clock: 24 h from Friday 15:00 is Monday 15:00', () => {
  const whole = hs.Calendar.prc().wholeDay()
  assert.equal(whole.addWorking('2026-03-06T15:00:00+08:00', 24 * H), ms('2026-03-09T15:00:00+08:00'))
  const viaOption = new hs.Calendar({ prc: true, wholeDay: true })
  assert.equal(viaOption.addWorking('2026-03-06T15:00:00+08:00', 24 * H), ms('2026-03-09T15:00:00+08:00'))
})

test('options: template, dated templates, versions, adjusted workdays, predict, offset', () => {
  const lunch = new hs.Calendar({ prc: true, template: { weekdays: ['08:30-12:00', '14:30-18:00'] } })
  assert.equal(lunch.nextWorkingInstant('2026-03-09T12:30:00+08:00'), ms('2026-03-09T14:30:00+08:00'))
  const summer = new hs.Calendar({
    prc: true,
    datedTemplates: [{ from: '2026-06-01', template: { weekdays: ['08:00-12:00', '15:00-18:00'] } }]
  })
  assert.equal(summer.nextWorkingInstant('2026-06-01T07:00:00+08:00'), ms('2026-06-01T08:00:00+08:00'))
  assert.equal(summer.nextWorkingInstant('2026-05-29T07:00:00+08:00'), ms('2026-05-29T09:00:00+08:00'))
  // The 2019 Labour Day revision was published 2019-03-22.
  assert.equal(new hs.Calendar({ prc: true, asKnownOn: '2019-03-21' }).isWorkday('2019-05-02'), true)
  assert.equal(new hs.Calendar({ prc: true, asKnownOn: '2019-03-22' }).isWorkday('2019-05-02'), false)
  assert.equal(new hs.Calendar({ prc: true, ignoreAdjustedWorkdays: true }).isWorkday('2026-02-14'), false)
  const predict = new hs.Calendar({ prc: true, predictThrough: '2027-12-31' })
  assert.equal(predict.predictedFrom, '2027-01-01')
  assert.equal(predict.isPredicted('2027-03-01'), true)
  assert.equal(predict.usesPrediction('2026-12-31T09:00:00+08:00', '2027-01-05T09:00:00+08:00'), true)
  assert.equal(predict.usesPrediction('2026-12-01T09:00:00+08:00', '2026-12-05T09:00:00+08:00'), false)
  assert.equal(new hs.Calendar({ prc: true, predict: true }).lastDate, '2036-12-31')
  // Contradictory options are refused, not settled silently (predictThrough won).
  assert.throws(() => new hs.Calendar({ prc: true, predict: false, predictThrough: '2027-12-31' }),
    { code: 'invalid_argument', field: 'predictThrough' })
  assert.equal(new hs.Calendar({ prc: true, predict: true, predictThrough: '2027-12-31' }).lastDate, '2027-12-31')
  const utc = new hs.Calendar({ offset: 'Z', coverage: ['2026-01-01', '2026-12-31'], template: { everyDay: ['00:00-24:00'] } })
  assert.equal(utc.offset, '+00:00')
  assert.equal(utc.workingBetween('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'), 24 * H)
})

test('data loading: TOML, JSON text, objects and files, layered over the PRC data', () => {
  const toml = '[[days]]\ndates = ["2026-03-09"]\nrule = "off"\nname = "Local extra day off"\n'
  assert.equal(hs.Calendar.fromToml(toml, { prc: true }).isWorkday('2026-03-09'), false)
  const json = JSON.stringify({ days: [{ dates: ['2026-03-09'], rule: 'off' }] })
  assert.equal(hs.Calendar.fromJson(json, { prc: true }).isWorkday('2026-03-09'), false)
  assert.equal(new hs.Calendar({ prc: true, data: [JSON.parse(json)] }).isWorkday('2026-03-09'), false)
  assert.equal(new hs.Calendar({ prc: true, data: [toml] }).isWorkday('2026-03-09'), false)
  assert.equal(new hs.Calendar({ prc: true, data: [json] }).isWorkday('2026-03-09'), false) // a JSON data file's text
  const file = path.join(ROOT, 'examples', 'calendar-2027-example.toml')
  const y2027 = hs.Calendar.fromFile(file, { prc: true })
  assert.equal(y2027.lastDate, '2027-12-31')
  assert.equal(y2027.dayKind('2027-01-01'), 'holiday')
  assert.equal(new hs.Calendar({ prc: true, dataFiles: [file] }).lastDate, '2027-12-31')
})
