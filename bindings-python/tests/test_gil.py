"""Core work runs with the GIL released: another Python thread keeps running meanwhile."""

from __future__ import annotations

import threading

import hotline_score as hs

CITY, UNITS, AS_OF = hs.synthetic_city(days=20, tickets_per_day=400, units=30)


def test_scoring_releases_the_gil() -> None:
    started, done = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        hs.score(CITY, "sanmenxia", as_of=AS_OF)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    spins = 0
    while not done.is_set():
        spins += 1
    worker.join()
    # Holding the GIL through the call, the worker would set `done` before this loop could run
    # at all; released, the loop spins all along the scoring.
    assert spins > 10_000, spins
