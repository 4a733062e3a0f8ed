"""Loading a quarter into the real-time `Board` in one call: `Board.ingest_tickets` of a synthetic
city (90 days, 300 units, the `sanmenxia` scheme) loaded as an analyst would (`load_rows`, the
compact batch), at several sizes, to see how the cost per event grows with the tickets held;
then the board's warnings on 2026-03-12, 20 days before the quarter ends — a query in the past
for a board holding the whole quarter (tickets with later events are evaluated at query time).

    cd bindings-python && maturin develop --release && cd ..
    python benches/python/bench_board_load.py                          # 100 k, 400 k, 1 M tickets
    python benches/python/bench_board_load.py --tickets 50000 200000   # other sizes
"""

from __future__ import annotations

import argparse
import gc
import time

import hotline_score as hs
from quarter import loaded_quarter

WARN_AT = "2026-03-12T00:00:00+08:00"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, nargs="+", default=[100_000, 400_000, 1_000_000])
    args = ap.parse_args()
    for n in args.tickets:
        loaded, units, as_of = loaded_quarter(n)
        board = hs.Board("sanmenxia", units)
        gc.collect()
        t0 = time.perf_counter()
        board.ingest_tickets(loaded)
        secs = time.perf_counter() - t0
        per_event = secs / loaded.event_count * 1e6
        print(f"ingest_tickets of {len(loaded):,} tickets: {secs:.2f} s ({per_event:.2f} µs per event)")
        assert board.scores(as_of).to_json() == hs.score(loaded, "sanmenxia", as_of=as_of, units=units, policy="henan").to_json()
        gc.collect()
        t0 = time.perf_counter()
        warnings = board.warnings(WARN_AT)
        secs = time.perf_counter() - t0
        print(f"  warnings on {WARN_AT[:10]}: {secs:.2f} s ({len(warnings.to_python())} units warned)")
        batch = hs.Scheme.preset("sanmenxia").period_warnings(hs.Evaluator(units, policy="henan"), loaded, as_of=WARN_AT)
        assert warnings.to_json() == batch.to_json()
        del board, loaded


if __name__ == "__main__":
    main()
