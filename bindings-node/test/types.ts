// Type-checked with `tsc --noEmit` (make test-node): the API as a TypeScript user writes it,
// against the committed index.d.ts. Lines marked @ts-expect-error must stay errors.
import * as hs from '../index'

async function main (): Promise<void> {
  const cal: hs.Calendar = hs.Calendar.prc()
  const due: number = cal.addWorking('2026-02-13T16:30:00+08:00', 2 * 3_600_000)
  const kind: 'workday' | 'weekend' | 'holiday' | 'in_lieu' | 'adjusted_workday' = cal.dayKind(new Date())
  const text: string = hs.formatInstant(due, '+08:00')
  const custom = new hs.Calendar({
    prc: true,
    template: { weekdays: ['08:30-12:00', '14:30-18:00'] },
    data: ['[[days]]\ndates = ["2026-03-09"]\nrule = "off"\n', { days: [] }],
    coverage: ['2026-01-01', '2026-12-31']
  })
  custom.workingDaysDeadline(due, 3, { countStartDay: true, deadlineAt: 'midnight' })
  // @ts-expect-error: deadlineAt is one of two names
  custom.workingDaysDeadline(due, 3, { deadlineAt: 'noon' })

  const ticket: hs.TicketObject = {
    id: 'T1',
    kind: 'complaint',
    received_at: new Date(),
    events: [{ at: '2026-03-02T09:20:00+08:00', type: 'dispatched', unit: 'u1', role: 'lead' }]
  }
  const units: hs.Unit[] = [{ unit: 'u1', group: 'counties', name: '湖滨区' }]
  const tickets: hs.Tickets = await hs.Tickets.fromObjects([ticket], { units, mode: 'lenient' })
  const diagnostics: hs.Diagnostic[] = tickets.diagnostics
  // @ts-expect-error: mode is strict or lenient
  hs.Tickets.fromObjectsSync([ticket], { mode: 'relaxed' })
  const columns: hs.TicketColumns = tickets.toColumns()
  const again: hs.Tickets = hs.Tickets.fromColumnsSync(columns)
  const packed: hs.PackedStrings = { offsets: new Int32Array([0, 2]), data: Buffer.from('T1') }
  const ids: hs.Strings = columns.dictionaries.ticket_id
  const firstId: string | undefined = tickets.toColumns().dictionaries.ticket_id[0]
  const idBytes: Uint8Array = tickets.toColumns({ packed: true }).dictionaries.ticket_id.data
  const kinds: Array<string> | undefined = tickets.toColumns({ packed: false }).dictionaries.kind
  const repacked: hs.TicketColumns = { ...tickets.toColumns({ packed: true }), dictionaries: { ...columns.dictionaries, ticket_id: packed } }
  void [ids, firstId, idBytes, kinds, repacked]

  const scheme = hs.Scheme.preset('sanmenxia')
  const scores: hs.Scores = await hs.score(again, scheme, { units, asOf: Date.now(), calendar: cal, policy: hs.Policy.builtin('henan') })
  const scoresText: string = await hs.scoreJson(again, scheme, { units, asOf: Date.now() })
  const scoresTextSync: string = hs.scoreJsonSync(again, scheme, { units, asOf: Date.now() })
  const top: hs.Scorecard | undefined = scores.units[0]
  const points: string | undefined = top?.components[0]?.points
  const ev = new hs.Evaluator(units, cal)
  const period = { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00', label: '2026-03' }
  const part: hs.Partial = await ev.partial(tickets, { period, asOf: Date.now(), dueAnchor: 'due_or_closed' })
  const metrics: hs.Metrics = part.merge(new hs.Partial()).finalize(units, { u1: { calls: 3 } })
  const explained: hs.Explanation[] = scheme.explain(scheme.score(units, metrics, { asOf: Date.now(), period }), [])
  const overdue: number | undefined = explained[0]?.ticket_counters.find((t) => t.ticket_id === 'T1')?.lead?.['overdue_open']
  const warnings: hs.UnitWarning[] = await scheme.periodWarnings(ev, tickets, { asOf: Date.now() })
  // A metrics table may leave out a role (no counters), as the core reads it.
  const counters: hs.RoleCounters | undefined = metrics.units['u1']!.lead
  const sqlMetrics: hs.Metrics = { units: { u1: { lead: { dispatched: 3 }, assisting: {} } } }
  const leadOnly: hs.Metrics = { units: { u1: { lead: { dispatched: 3 } } } }
  void [counters, sqlMetrics, leadOnly]
  // toRows: an absent cell is null.
  const rows = tickets.toRows()
  const channel: string | null | undefined = rows.tickets[0]?.['channel']
  // @ts-expect-error: a cell may be null
  const cell: string = rows.events[0]!['unit']
  void [channel, cell]
  const lastTwo: hs.Tickets = tickets.slice(-2)
  const all: hs.Tickets = tickets.slice()
  void [lastTwo, all]
  const assignments: hs.Assignment[] = ev.evaluateSync(tickets, Date.now())
  const outcome: hs.Outcome = assignments[0]!.clocks.complete.outcome
  // Results are typed as they come back: a limit's amount, an extension's refusal, a warning's
  // scheme hash, a returned ticket's instants as text.
  const limitAmount: string | undefined = assignments[0]!.clocks.complete.limit?.amount
  const refusal: string | null | undefined = assignments[0]!.extensions[0]?.refusal
  const warnedBy: string | undefined = warnings[0]?.scheme_hash
  const receivedDay: string | undefined = tickets.toObjects()[0]?.received_at.slice(0, 10)
  const eventAt: string | undefined = tickets.toObjects()[0]?.events[0]?.at.slice(0, 10)
  void [limitAmount, refusal, warnedBy, receivedDay, eventAt]

  const board = new hs.Board({ units, scheme, calendar: cal })
  const status: 'accepted' | 'duplicate' = board.register({ id: 'T9', kind: 'help', received_at: Date.now() })
  const outcomes: hs.IngestOutcome[] = board.ingestBatchSync([{ input: 'event', ticket_id: 'T9', event: { at: Date.now(), type: 'closed' } }])
  const later: hs.IngestOutcome[] = await board.ingestBatch([{ input: 'ticket', id: 'T8', kind: 'help', received_at: Date.now() }])
  const standings: hs.Standings = board.standings(Date.now())
  const bytes: Buffer = await board.snapshot()
  const restored: hs.Board = await hs.Board.restore(bytes, { units, scheme, calendar: cal })
  const loaded: hs.IngestCounts = board.ingestTicketsSync(tickets)
  const firstRefusal: string | undefined = loaded.rejected[0]?.code
  const loadedLater: { accepted: number } = await board.ingestTickets(tickets)
  const boardMetrics: hs.Metrics = board.metrics(Date.now(), period)
  board.setExternal(period, 'u1', 'praise', 3)
  const closed = board.closePeriod(period, Date.now())
  const hash: string | undefined = closed.sanctions?.scheme_hash
  board.setExternal(period, 'u1', 'praise', '1.5')
  // @ts-expect-error: an external value is a number or a decimal string
  board.setExternal(period, 'u1', 'praise', true)
  void [status, outcomes, standings, restored, loaded, firstRefusal, loadedLater, boardMetrics]

  const policy: hs.Policy = hs.Policy.fromFile('policies/henan.toml')
  const tiny: hs.Policy = hs.Policy.fromToml('schema_version = 1\nname = "tiny"\n')
  const fromFile: hs.Scheme = hs.Scheme.fromFile('presets/sanmenxia.toml')
  const amount: string = hs.parseAmount('120m')
  void [policy, tiny, fromFile, amount]

  const rate = new hs.Formula('closed_on_time / due', { closed_on_time: 'number', due: 'number' })
  const value: hs.Decimal | boolean | null = rate.eval({ closed_on_time: 3593, due: '4000', other: null })
  const source: string = rate.source
  const condition = new hs.Formula('streak >= 3 or grade_fail', { streak: 'number', grade_fail: 'bool' }, { result: 'bool' })
  condition.eval({ streak: 2, grade_fail: true })
  // @ts-expect-error: names are typed number or bool
  void new hs.Formula('x', { x: 'text' })
  // @ts-expect-error: the result is number or bool
  void new hs.Formula('x', { x: 'number' }, { result: 'string' })
  // @ts-expect-error: eval returns a decimal string, a boolean or null, never a JS number
  const wrong: number = rate.eval({})
  try {
    void new hs.Formula('closed_on_tme / due', { closed_on_time: 'number', due: 'number' })
  } catch (e) {
    const err = e as hs.FormulaError
    const problems: hs.FormulaProblem[] = err.problems
    const first: [string, number, number, string | undefined] = [problems[0]!.code, problems[0]!.line, problems[0]!.column, problems[0]!.suggestion]
    const position: [number | undefined, number | undefined] = [err.line, err.column]
    void [first, position]
  }
  void [value, source, wrong]

  try {
    hs.parseInstant('2026-02-13T16:30:00')
  } catch (e) {
    const err = e as hs.HotlineScoreError
    const code: string = err.code
    const where: [string | undefined, number | undefined] = [err.ticketId, err.eventIndex]
    void code
    void where
  }
  void [kind, text, diagnostics, points, explained, overdue, warnings, outcome, scoresText, scoresTextSync]
}

void main
