"""Tickets out with more text than one Arrow `string` array holds: `Tickets.to_tables()` of
2,064 tickets whose `content` attribute is about 1 MiB each (2 GiB + 16 MiB in all; eight
distinct texts, dictionary-encoded in, so the input is small and the output is what is timed).

    cd bindings-python && maturin develop --release && cd ..
    python benches/python/bench_big_text.py

Each run's result is dropped before the next; peak memory is the process's (`ru_maxrss`).
"""

from __future__ import annotations

import argparse
import gc
import resource
import time

import pyarrow as pa

import hotline_score as hs

MIB = 1 << 20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = 2 * 1024 + 16
    texts = [f"{k}:" + ("诉" * (MIB // 3) if k % 2 else "x" * MIB) for k in range(8)]
    ids = [f"T{i:05d}" for i in range(n)]
    received = pa.array([1_767_225_600_000 + i * 1_000 for i in range(n)], pa.timestamp("ms", "+08:00"))
    content = pa.DictionaryArray.from_arrays(pa.array([i % 8 for i in range(n)], pa.int32()), texts)
    tickets = pa.table({"ticket_id": ids, "kind": ["complaint"] * n, "received_at": received, "content": content})
    events = pa.table({"ticket_id": ids, "at": received, "type": ["dispatched"] * n, "unit": ["U1"] * n})
    loaded = hs.load_rows(tickets, events)
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        tables = loaded.to_tables()
        secs = time.perf_counter() - t0
        chunks = tables[0].to_pyarrow().column("content").num_chunks
        del tables
        print(f"to_tables(): {secs:6.2f} s  (content in {chunks} arrays)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak RSS: {peak:.2f} GB")


if __name__ == "__main__":
    main()
