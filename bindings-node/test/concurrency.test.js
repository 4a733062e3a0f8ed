'use strict'
// Many Promise calls in flight at once (they run off the JavaScript thread, sharing one compiled
// calendar, policy, scheme and evaluator) give exactly the synchronous answers.
const test = require('node:test')
const assert = require('node:assert/strict')
const hs = require('..')

const calendar = hs.Calendar.prc()
const policy = hs.Policy.builtin('henan')
const scheme = hs.Scheme.preset('sanmenxia')
const cities = [1, 2, 3, 4].map((seed) => hs.syntheticCitySync({ seed, days: 10, ticketsPerDay: 60, units: 20 }))
const evaluators = cities.map((c) => new hs.Evaluator(c.units, calendar, policy))
const ROUNDS = 4

function scope (city) {
  return { period: scheme.periodAt(city.asOf), asOf: city.asOf }
}

test('parallel score, evaluate and partial promises equal the sync answers', async () => {
  const expected = cities.map((c, i) => ({
    score: hs.scoreSync(c.tickets, scheme, { units: c.units, asOf: c.asOf, calendar, policy }),
    evaluate: evaluators[i].evaluateSync(c.tickets, c.asOf),
    partial: evaluators[i].partialSync(c.tickets, scope(c)).toJson()
  }))
  const jobs = []
  for (let r = 0; r < ROUNDS; r++) {
    cities.forEach((c, i) => {
      jobs.push(hs.score(c.tickets, scheme, { units: c.units, asOf: c.asOf, calendar, policy })
        .then((got) => assert.deepEqual(got, expected[i].score, `score of city ${i}`)))
      jobs.push(evaluators[i].evaluate(c.tickets, c.asOf)
        .then((got) => assert.deepEqual(got, expected[i].evaluate, `evaluate of city ${i}`)))
      jobs.push(evaluators[i].partial(c.tickets, scope(c))
        .then((got) => assert.equal(got.toJson(), expected[i].partial, `partial of city ${i}`)))
    })
  }
  const settled = await Promise.all(jobs)
  assert.equal(settled.length, ROUNDS * cities.length * 3)
})

test('parallel ticket loading and synthetic cities equal the sync answers', async () => {
  const json = cities.map((c) => c.tickets.toJson())
  const expected = json.map((text, i) => hs.Tickets.fromJsonSync(text, { units: cities[i].units }).toJson())
  const loads = []
  for (let r = 0; r < ROUNDS; r++) {
    json.forEach((text, i) => loads.push(hs.Tickets.fromJson(text, { units: cities[i].units })
      .then((t) => assert.equal(t.toJson(), expected[i], `tickets of city ${i}`))))
  }
  const generated = [1, 2, 3, 4].map((seed) => hs.syntheticCity({ seed, days: 10, ticketsPerDay: 60, units: 20 }))
  await Promise.all(loads)
  const again = await Promise.all(generated)
  again.forEach((c, i) => assert.equal(c.tickets.toJson(), cities[i].tickets.toJson(), `city ${i}`))
})
