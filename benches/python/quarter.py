"""The data of the Python benchmarks that start from loaded tickets: a synthetic city quarter
(90 days, 300 units) as a 12345 center's export, loaded as an analyst would (`load_rows` of its
Arrow tables, which holds the tickets as the core's compact batch)."""

from __future__ import annotations

from typing import Any

import hotline_score as hs


def loaded_quarter(tickets: int) -> tuple[hs.Tickets, Any, int]:
    """About `tickets` tickets loaded from their flat tables: `(loaded, units table, as_of)`."""
    days = 90
    city, units, as_of = hs.synthetic_city(days=days, tickets_per_day=-(-tickets // days), units=300)
    tickets_t, events_t = city.to_tables()
    loaded = hs.load_rows(tickets_t.to_pyarrow(), events_t.to_pyarrow(), units)
    print(f"data: {len(loaded):,} tickets, {loaded.event_count:,} events")
    return loaded, units, as_of
