"""End-to-end Python benchmark (SPEC §12): a synthetic city's flat events + tickets tables, given as
pyarrow, polars and pandas, scored with the `three-rates` scheme (响应率 = signed_on_time /
dispatched under the `henan` policy's 24 h whole-working-day sign limit; 解决率; 满意率) over
2026-Q1 — by the binding, and by an idiomatic vectorised pandas implementation of the same
scheme, which must give the same totals, ranks and points.

Build the binding in release mode first:

    cd bindings-python && maturin develop --release && cd ..
    python benches/python/bench_score.py                  # 1,000,000 tickets
    python benches/python/bench_score.py --tickets 20000  # a quick run

Only the scoring is timed: the input tables exist before the clock starts (as a DataFrame loaded
from a file would), and the conversion of the result to pandas is included.
"""

from __future__ import annotations

import argparse
import decimal
import gc
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import hotline_score as hs

DAY = 86_400_000
OFFSET = 8 * 3_600_000  # +08:00
SIGN_LIMIT = 24 * 3_600_000  # henan: sign within 24 h of working days (non-working days roll over)
SCHEME = "three-rates"
PERIOD = ("2026-01-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00", "2026-Q1")
SATISFIED = ["very_satisfied", "satisfied", "basically_satisfied"]


def timed(n: int, f: Callable[[], Any]) -> tuple[list[float], Any]:
    """Every run's seconds (the first one in order, then the rest) and the last run's result."""
    runs, out = [], None
    for _ in range(n):
        gc.collect()
        t0 = time.perf_counter()
        out = f()
        runs.append(time.perf_counter() - t0)
    return runs, out


def best_of(n: int, f: Callable[[], Any]) -> tuple[float, Any]:
    runs, out = timed(n, f)
    return min(runs), out


# --- the binding -------------------------------------------------------------------------------


def score_binding(tickets: Any, events: Any, units: Any, as_of: int) -> pd.DataFrame:
    loaded = hs.load_rows(tickets, events, units)
    period = hs.Period(*PERIOD)
    scores = hs.score(loaded, SCHEME, as_of=as_of, period=period, policy="henan")
    return scores.to_table().to_pandas()


# --- the pandas baseline -----------------------------------------------------------------------


def workday_numbers(first: str, last: str) -> np.ndarray:
    """Local day numbers (days since 1970-01-01) of the working days, from a holiday table; here
    the PRC calendar's day list (what an analyst would take from `chinesecalendar`)."""
    cal = hs.Calendar.prc()
    days = pd.date_range(first, last, freq="D")
    keep = [cal.is_workday(d.date()) for d in days]
    return np.asarray((days[keep] - pd.Timestamp("1970-01-01")).days, dtype=np.int64)


def add_whole_day(start_ms: np.ndarray, amount: int, workdays: np.ndarray) -> np.ndarray:
    """The earliest instant with `amount` ms of whole-working-day time after each start."""
    local = start_ms + OFFSET
    day = local // DAY
    idx = np.searchsorted(workdays, day)  # working days before `day`
    is_work = (idx < len(workdays)) & (workdays[np.minimum(idx, len(workdays) - 1)] == day)
    worked = idx * DAY + np.where(is_work, local - day * DAY, 0)
    target = worked + amount
    q, rem = np.divmod(target, DAY)
    due_local = np.where(
        rem > 0,
        workdays[np.minimum(q, len(workdays) - 1)] * DAY + rem,
        (workdays[np.maximum(q - 1, 0)] + 1) * DAY,
    )
    return due_local - OFFSET


def score_pandas(
    tickets: pd.DataFrame, events: pd.DataFrame, units: pd.DataFrame, as_of: int, workdays: np.ndarray
) -> pd.DataFrame:
    start, end = (hs.parse_instant(PERIOD[0]), hs.parse_instant(PERIOD[1]))
    epoch = pd.Timestamp(0, tz="UTC")
    ev = events.assign(ms=(events["at"] - epoch) // pd.Timedelta(1, "ms"))
    ev = ev[ev["ms"] <= as_of]

    # Assignments: one per dispatch.
    disp = ev.loc[ev["type"] == "dispatched", ["ticket_id", "unit", "role", "ms"]]
    disp = disp.rename(columns={"ms": "dispatched_ms"})
    disp["role"] = disp["role"].fillna("lead")

    # Sign clock: stops at the unit's first sign-for or return, or the ticket's final close.
    # (Pauses would stop it too; this data has no pause before a sign-for, checked here.)
    pauses = ev.loc[ev["type"] == "paused", ["ticket_id", "unit", "ms"]]
    signs = ev.loc[ev["type"] == "signed", ["ticket_id", "unit", "ms"]]
    early = pauses.merge(signs, on=["ticket_id", "unit"], suffixes=("_p", "_s"))
    assert not (early["ms_p"] < early["ms_s"]).any(), "baseline assumes no pause before sign-for"
    stops = (
        ev.loc[ev["type"].isin(["signed", "returned"]), ["ticket_id", "unit", "ms"]]
        .groupby(["ticket_id", "unit"], sort=False)["ms"].min()
        .rename("stop_ms")
    )
    closing = ev.loc[ev["type"].isin(["closed", "reopened"]), ["ticket_id", "type", "ms"]]
    last = closing.groupby("ticket_id", sort=False).tail(1)
    final_close = last.loc[last["type"] == "closed"].set_index("ticket_id")["ms"].rename("close_ms")
    a = disp.join(stops, on=["ticket_id", "unit"]).join(final_close, on="ticket_id")
    finish = a[["stop_ms", "close_ms"]].min(axis=1)
    due = add_whole_day(a["dispatched_ms"].to_numpy(), SIGN_LIMIT, workdays)
    a["signed_on_time"] = (finish.to_numpy() <= due) & finish.notna().to_numpy()
    in_period = (a["dispatched_ms"] >= start) & (a["dispatched_ms"] < end)
    d = a[in_period].groupby("unit").agg(
        dispatched=("signed_on_time", "size"), signed_on_time=("signed_on_time", "sum")
    )

    # Callbacks go to the ticket's current lead unit: its latest lead assignment.
    leads = a.loc[a["role"] == "lead", ["ticket_id", "unit", "dispatched_ms"]]
    cb = ev.loc[ev["type"] == "called_back", ["ticket_id", "ms", "satisfaction", "resolved"]]
    cb = cb.reset_index(drop=True)
    cb["seq"] = np.arange(len(cb))
    cb = pd.merge_asof(
        cb.sort_values("ms"),
        leads.sort_values("dispatched_ms"),
        left_on="ms",
        right_on="dispatched_ms",
        by="ticket_id",
        direction="backward",
    ).sort_values("seq")
    # A write-off removes the latest unsatisfied callback before it (this data has at most one
    # write-off per ticket, so "not yet written off" needs no bookkeeping).
    wo = ev.loc[ev["type"] == "written_off", ["ticket_id", "ms"]]
    assert not wo["ticket_id"].duplicated().any(), "baseline assumes one write-off per ticket"
    unsat = cb.loc[cb["satisfaction"].isin(["unsatisfied", "very_unsatisfied"]), ["ticket_id", "ms", "seq"]]
    hit = pd.merge_asof(
        wo.rename(columns={"ms": "wo_ms"}).sort_values("wo_ms"),
        unsat.rename(columns={"ms": "cb_ms"}).sort_values("cb_ms"),
        left_on="wo_ms",
        right_on="cb_ms",
        by="ticket_id",
        direction="backward",
    )
    cb["written_off"] = cb["seq"].isin(hit["seq"].dropna().astype("int64"))
    cb = cb[(cb["ms"] >= start) & (cb["ms"] < end)]
    valid = cb[(cb["satisfaction"] != "unreachable") & ~cb["written_off"]]
    v = pd.DataFrame(
        {
            "callbacks": valid.groupby("unit").size(),
            "satisfied": valid[valid["satisfaction"].isin(SATISFIED)].groupby("unit").size(),
            "resolved": cb[cb["resolved"] == True].groupby("unit").size(),  # noqa: E712
            "unresolved": cb[cb["resolved"] == False].groupby("unit").size(),  # noqa: E712
        }
    )
    m = units.set_index("unit").join(d).join(v).fillna(0)

    # Scoring: proportional points, rounded half away from zero to 2 places on the exact value.
    def points(num: Any, den: Any, full: int) -> decimal.Decimal:
        exact = decimal.Decimal(int(full) * int(num) * 100) / decimal.Decimal(int(den))
        cents = exact.to_integral_value(rounding=decimal.ROUND_HALF_UP)
        return cents.scaleb(-2)

    out = pd.DataFrame(index=m.index)
    out["response"] = [points(n, d_, 30) for n, d_ in zip(m["signed_on_time"], m["dispatched"])]
    out["resolution"] = [
        points(r, r + u, 35) for r, u in zip(m["resolved"], m["unresolved"])
    ]
    out["satisfaction"] = [points(s, c, 35) for s, c in zip(m["satisfied"], m["callbacks"])]
    out["total"] = out["response"] + out["resolution"] + out["satisfaction"]
    out["rank"] = out["total"].rank(method="min", ascending=False).astype("int64")
    out = out.reset_index().sort_values(["rank", "unit"], kind="stable")
    return out[["unit", "total", "rank", "response", "resolution", "satisfaction"]]


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true")
    args = ap.parse_args()

    days = 90
    per_day = -(-args.tickets * 104 // (100 * days))  # weekends and holidays are quieter: 4 % spare
    t0 = time.perf_counter()
    city, units_t, as_of = hs.synthetic_city(days=days, tickets_per_day=per_day, units=args.units)
    tickets_t, events_t = city.to_tables()
    tickets_pa, events_pa, units_pa = tickets_t.to_pyarrow(), events_t.to_pyarrow(), units_t.to_pyarrow()
    # Exactly the requested number of tickets: the first ones received, with their events.
    tickets_pa = tickets_pa.slice(0, args.tickets)
    events_pa = events_pa.filter(pc.is_in(events_pa["ticket_id"], tickets_pa["ticket_id"]))
    # `three-rates` ranks every unit in one group, `units`.
    group = units_pa.schema.get_field_index("group")
    units_pa = units_pa.set_column(group, "group", pa.array(["units"] * units_pa.num_rows))
    del city, tickets_t, events_t
    print(
        f"data: {tickets_pa.num_rows:,} tickets, {events_pa.num_rows:,} events, "
        f"{units_pa.num_rows} units; generated in {time.perf_counter() - t0:.1f} s"
    )
    inputs = {
        "pyarrow": (tickets_pa, events_pa, units_pa),
        "polars": (pl.from_arrow(tickets_pa), pl.from_arrow(events_pa), pl.from_arrow(units_pa)),
        "pandas": (tickets_pa.to_pandas(), events_pa.to_pandas(), units_pa.to_pandas()),
    }
    results: dict[str, pd.DataFrame] = {}
    for name, (t, e, u) in inputs.items():
        runs, results[name] = timed(args.repeat, lambda: score_binding(t, e, u, as_of))
        secs = min(runs)
        every = " / ".join(f"{r:.2f}" for r in runs)
        print(
            f"binding, {name:8s} input: {secs:6.2f} s  ({tickets_pa.num_rows / secs:,.0f} tickets/s;"
            f" runs in order {every} s)"
        )
        binding_secs = secs
    first = results["pyarrow"]
    for name, df in results.items():
        assert df.equals(first), f"{name} input gave other scores"

    # Part of the binding's time with pandas input is pandas' own: exporting its frames through
    # the Arrow C stream interface (`__arrow_c_stream__`, what `load_rows` reads), before any of
    # hotline-score's code runs.
    t, e, u = inputs["pandas"]
    export_secs, _ = best_of(
        args.repeat, lambda: [pa.RecordBatchReader.from_stream(x).read_all() for x in (t, e, u)]
    )
    print(f"of which pandas' export: {export_secs:6.2f} s  (its frames through __arrow_c_stream__)")

    if args.skip_pandas:
        return
    workdays = workday_numbers("2025-12-01", "2026-12-31")
    secs, baseline = best_of(1, lambda: score_pandas(t, e, u, as_of, workdays))
    print(f"pandas baseline:         {secs:6.2f} s  ({tickets_pa.num_rows / secs:,.0f} tickets/s)")
    print(f"speed-up (pandas input): {secs / binding_secs:.1f}x")
    print(f"20x would be:            {secs / 20:6.2f} s  (pandas' export alone: {export_secs:.2f} s)")

    # Same numbers: totals, ranks and every component's points.
    comps = hs.score(
        hs.load_rows(*inputs["pyarrow"]), SCHEME, as_of=as_of, period=hs.Period(*PERIOD)
    ).components().to_pandas()
    wide = comps.pivot(index="unit", columns="indicator", values="points")
    got = first.set_index("unit")[["total", "rank"]].join(wide)
    want = baseline.set_index("unit")[["total", "rank", "response", "resolution", "satisfaction"]]
    got = got.loc[want.index, want.columns]
    # Both round the exact value (SPEC §6), so every number must agree, exact ties included.
    diff = got != want
    assert not diff.any().any(), f"pandas and the binding differ:\n{got[diff.any(axis=1)]}\n{want[diff.any(axis=1)]}"
    # Totals are the sums of the components, ranks follow the totals (ties share a rank).
    parts = got["response"] + got["resolution"] + got["satisfaction"]
    assert (parts == got["total"]).all()
    assert (got["total"].rank(method="min", ascending=False).astype("int64") == got["rank"]).all()
    print(f"same totals, ranks and points for all {len(want)} units")


if __name__ == "__main__":
    main()
