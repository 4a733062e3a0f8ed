"""Tickets out: `Tickets.to_tables()` (the flat tables of SPEC §3.2a as Arrow tables), their
conversion to pandas, and `Tickets.to_json()`, for a synthetic city of 1,000,000 tickets loaded
as an analyst would (`load_rows` of the platform's tables).

    cd bindings-python && maturin develop --release && cd ..
    python benches/python/bench_out.py                   # 1,000,000 tickets
    python benches/python/bench_out.py --tickets 20000   # a quick run

Best of `--repeat` runs per step; the loaded tickets exist before the clock starts.
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any, Callable

from quarter import loaded_quarter


def best_of(n: int, f: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(n):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    loaded, _, _ = loaded_quarter(args.tickets)
    secs, (t, e) = best_of(args.repeat, loaded.to_tables)
    print(f"to_tables():           {secs:6.2f} s")
    secs, _ = best_of(args.repeat, lambda: (t.to_pandas(), e.to_pandas()))
    print(f"  then .to_pandas():   {secs:6.2f} s")
    secs, _ = best_of(args.repeat, lambda: [x.to_pandas() for x in loaded.to_tables()])
    print(f"to_tables() to pandas: {secs:6.2f} s")
    secs, text = best_of(args.repeat, loaded.to_json)
    print(f"to_json():             {secs:6.2f} s  ({len(text) / 1e6:,.0f} M characters)")


if __name__ == "__main__":
    main()
