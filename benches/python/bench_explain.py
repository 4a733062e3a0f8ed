"""Explaining a score on a big quarter: `Evaluator.contributions` (one unit's contributions, what
`Scheme.explain` reads), `Scheme.explain_tickets` (every unit explained straight from the
tickets, then one unit's both ways with `units=`; `--every-unit`: also every unit from every
unit's contributions), `Evaluator.open_assignments`, `Evaluator.evaluate` (every assignment's
clocks, as a table and as JSON) and `Scheme.period_warnings` (the
`sanmenxia` preset's warnings on 2026-03-12, 20 days before the quarter ends: the tickets as
known then, the data running on to the quarter's end), on a
synthetic city of 1,000,000 tickets loaded as an analyst would (`load_rows` of the platform's
tables: the compact batch).

    cd bindings-python && maturin develop --release && cd ..
    python benches/python/bench_explain.py                     # 1,000,000 tickets
    python benches/python/bench_explain.py --first warnings    # warnings first
    python benches/python/bench_explain.py --tickets 20000     # a quick run

Each call is timed on its own, in order (a call that needs another form of the tickets builds
it then, and the calls after it find it built: `--first` picks the call that goes first).
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any, Callable

import hotline_score as hs
from quarter import loaded_quarter

PERIOD = ("2026-01-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00", "2026-Q1")
WARN_AT = "2026-03-12T00:00:00+08:00"


def timed(label: str, f: Callable[[], Any]) -> Any:
    gc.collect()
    t0 = time.perf_counter()
    out = f()
    secs = time.perf_counter() - t0
    print(f"{label:36s} {secs:6.2f} s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--first", choices=["contributions", "warnings"], default="contributions")
    ap.add_argument(
        "--every-unit", action="store_true", help="also explain from every unit's contributions (slow)"
    )
    args = ap.parse_args()
    loaded, units, as_of = loaded_quarter(args.tickets)
    ev = hs.Evaluator(units, policy="henan")
    period = hs.Period(*PERIOD)
    unit = units.to_pylist()[0]["unit"]
    scheme = hs.Scheme.preset("sanmenxia")

    def contributions() -> None:
        first = timed(f"contributions({unit!r})", lambda: ev.contributions(loaded, unit, period=period, as_of=as_of))
        again = timed("contributions, again", lambda: ev.contributions(loaded, unit, period=period, as_of=as_of))
        assert len(first) == len(again) > 0
        print(f"  {len(first):,} contributions")

    def explanations() -> None:
        scores = hs.score(loaded, scheme, as_of=as_of, period=period, policy="henan")
        report = timed("explain_tickets (every unit)", lambda: scheme.explain_tickets(ev, loaded, scores, period=period, as_of=as_of))
        explained = report.to_python()
        listed = sum(len(c["tickets"]) for e in explained for c in e["components"])
        print(f"  {len(explained):,} units, {listed:,} tickets listed")
        whole = next(e for e in explained if e["unit"] == unit)
        one = timed(
            f"explain_tickets(units=[{unit!r}])",
            lambda: scheme.explain_tickets(ev, loaded, scores, period=period, as_of=as_of, units=[unit]),
        )
        assert one.to_python() == [whole]
        its = ev.contributions(loaded, unit, period=period, as_of=as_of)
        again = timed("explain(its contributions, units=)", lambda: scheme.explain(scores, its, units=[unit]))
        assert again.to_python() == [whole]
        if args.every_unit:
            rows = timed(
                "  the same from contributions: rows",
                lambda: [
                    r
                    for u in units.to_pylist()
                    for r in ev.contributions(loaded, u["unit"], period=period, as_of=as_of).to_table().to_pylist()
                ],
            )
            again = timed("  then explain(scores, rows)", lambda: scheme.explain(scores, rows))
            assert again.to_json() == report.to_json()

    def warnings() -> None:
        report = timed("period_warnings (sanmenxia)", lambda: scheme.period_warnings(ev, loaded, as_of=WARN_AT))
        print(f"  {len(report.to_python()):,} unit warnings")

    calls = [contributions, warnings] if args.first == "contributions" else [warnings, contributions]
    calls.append(explanations)
    for call in calls:
        call()
    open_ = timed("open_assignments", lambda: ev.open_assignments(loaded, as_of))
    print(f"  {len(open_.to_python()):,} open assignments")
    del open_
    evaluated = timed("evaluate", lambda: ev.evaluate(loaded, as_of=as_of))
    frame = timed("  .to_table().to_pandas()", lambda: evaluated.to_table().to_pandas())
    print(f"  {len(frame):,} assignments, {evaluated.extensions().num_rows:,} extension records")
    del frame
    text = timed("  .to_json()", evaluated.to_json)
    print(f"  {len(text):,} characters")

if __name__ == "__main__":
    main()
