'use strict'
// `make node-install-check`: the module built by `npm run build` loads and scores a small city.
const hs = require('..')

const city = hs.syntheticCitySync({ days: 5, units: 6, ticketsPerDay: 30 })
const scheme = hs.Scheme.preset('sanmenxia')
const scores = hs.scoreSync(city.tickets, scheme, { units: city.units, asOf: city.asOf })
if (scores.units.length !== 6 || city.tickets.length === 0) throw new Error('smoke test failed')
console.log(`hotline-score from npm run build: ${city.tickets.length} tickets scored, ${scores.units.length} units`)
