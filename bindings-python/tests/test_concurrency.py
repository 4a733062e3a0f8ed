"""Threads scoring in parallel (the binding releases the GIL around core work) get exactly the
sequential answers, sharing one compiled calendar, policy, scheme and evaluator."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import hotline_score as hs

THREADS = 8
CAL = hs.Calendar.prc()
POLICY = hs.Policy.builtin("henan")
SCHEME = hs.Scheme.preset("sanmenxia")
CITIES = [
    hs.synthetic_city(seed=seed, days=10, tickets_per_day=60, units=20) for seed in (1, 2, 3, 4)
]
EVALUATORS = [hs.Evaluator(units, calendar=CAL, policy=POLICY) for _, units, _ in CITIES]


def work(i: int) -> tuple[int, str, str, str]:
    """City ``i``: the one-call score, the shared-evaluator path, and a row of deadlines."""
    tickets, units, as_of = CITIES[i]
    one_call = hs.score(tickets, SCHEME, as_of=as_of, units=units, calendar=CAL, policy=POLICY)
    period = SCHEME.period_at(as_of)
    metrics = EVALUATORS[i].partial(tickets, period=period, as_of=as_of).finalize()
    shared = SCHEME.score(units, metrics, as_of=as_of, period=period)
    report = EVALUATORS[i].evaluate(tickets, as_of=as_of)
    return i, one_call.to_json(), shared.to_json(), report.to_json()


def test_parallel_scoring_matches_the_sequential_run() -> None:
    expected = [work(i) for i in range(len(CITIES))]
    # Every city several times over, interleaved across the threads.
    jobs = [i for _ in range(THREADS // 2) for i in range(len(CITIES))]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, jobs))
    assert len(results) == len(jobs)
    for job, got in zip(jobs, results):
        assert got == expected[job]
    # The one-call and shared-evaluator paths agree too.
    assert all(e[1] == e[2] for e in expected)


def test_parallel_calendar_arithmetic_matches_the_sequential_run() -> None:
    starts = [
        f"2026-0{m}-{d:02d}T{h:02d}:15:00+08:00"
        for m in (1, 2, 3)
        for d in (2, 13, 27)
        for h in (8, 11, 17)
    ]

    def deadlines(hours: int) -> list[int]:
        return [CAL.add_working(s, hours * 3_600_000) for s in starts]

    expected = [deadlines(h) for h in range(1, 17)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        got = list(pool.map(deadlines, range(1, 17)))
    assert got == expected
