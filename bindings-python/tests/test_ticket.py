"""Data in: flat tables from pyarrow, polars and pandas (typed columns), lists of dicts, JSON;
typed errors for missing, unknown and mistyped columns; lenient diagnostics as a table."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import hotline_score as hs

CST = dt.timezone(dt.timedelta(hours=8))


def at(h: int, m: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, h, m, tzinfo=CST)


TICKETS: dict[str, list[Any]] = {
    "ticket_id": ["T1", "T2"],
    "kind": ["complaint", "help"],
    "urgency": ["urgent", None],
    "channel": ["web", "phone"],
    "received_at": [at(9), at(9, 30)],
    "district": ["湖滨区", None],
    "repeat": [True, False],
}
EVENTS: dict[str, list[Any]] = {
    "ticket_id": ["T1", "T2", "T1", "T1", "T1", "T1"],
    "at": [at(9, 20), at(9, 40), at(10), at(11), at(12), at(13)],
    "type": ["dispatched", "dispatched", "signed", "replied", "called_back", "closed"],
    "unit": ["u1", "u2", "u1", "u1", None, None],
    "role": ["lead", None, None, None, None, None],
    "satisfaction": [None, None, None, None, "satisfied", None],
    "resolved": [None, None, None, None, True, None],
}
UNITS = [
    {"unit": "u1", "group": "counties", "name": "湖滨区"},
    {"unit": "u2", "group": "departments", "name": "市城管局"},
]


def expected_json() -> str:
    return hs.load_rows(
        [dict(zip(TICKETS, row)) for row in zip(*TICKETS.values())],
        [dict(zip(EVENTS, row)) for row in zip(*EVENTS.values())],
        UNITS,
    ).to_json()


def test_lists_of_dicts() -> None:
    text = expected_json()
    tickets = json.loads(text)
    assert [t["id"] for t in tickets] == ["T1", "T2"]
    assert tickets[0]["attributes"] == {"district": "湖滨区", "repeat": "true"}
    assert tickets[0]["events"][3] == {
        "at": "2026-03-02T12:00:00+08:00",
        "type": "called_back",
        "satisfaction": "satisfied",
        "resolved": True,
    }


@pytest.mark.parametrize("lib", ["pyarrow", "polars", "pandas"])
def test_every_dataframe_library_gives_the_same_tickets(lib: str) -> None:
    if lib == "pyarrow":
        t: Any = pa.table(TICKETS)
        e: Any = pa.table(EVENTS)
        u: Any = pa.Table.from_pylist(UNITS)
    elif lib == "polars":
        t, e, u = pl.DataFrame(TICKETS), pl.DataFrame(EVENTS), pl.DataFrame(UNITS)
    else:
        t, e, u = pd.DataFrame(TICKETS), pd.DataFrame(EVENTS), pd.DataFrame(UNITS)
    loaded = hs.load_rows(t, e, u)
    assert loaded.to_json() == expected_json()
    assert loaded.ids == ["T1", "T2"] and len(loaded) == 2 and loaded.event_count == 6
    assert "2 tickets" in repr(loaded)


def test_typed_columns() -> None:
    """Epoch-ms integers, nanosecond timestamps in another zone, categoricals and chunked columns."""
    ms = [hs.parse_instant(x) for x in EVENTS["at"]]
    events = pa.table(
        {
            "ticket_id": pa.array(EVENTS["ticket_id"]).dictionary_encode(),
            "at": pa.array(ms, pa.int64()),
            "type": pa.array(EVENTS["type"], pa.large_string()),
            "unit": pa.array(EVENTS["unit"], pa.string_view()),
            "role": EVENTS["role"],
            "satisfaction": EVENTS["satisfaction"],
            "resolved": pa.array(EVENTS["resolved"], pa.bool_()),
        }
    )
    tickets = pa.table(TICKETS).set_column(
        4, "received_at", pa.array([at(9), at(9, 30)], pa.timestamp("ns", tz="UTC"))
    )
    chunked = pa.concat_tables([events.slice(0, 3), events.slice(3)])
    assert hs.load_rows(tickets, chunked, UNITS).to_json() == expected_json()
    ints = pa.table({"ticket_id": [1], "kind": ["help"], "received_at": [1_772_413_200_000]})
    assert hs.load_rows(ints, []).ids == ["1"]
    # Epoch seconds in a number column are refused, not read as milliseconds of 1970.
    seconds = pa.table({"ticket_id": ["T1"], "kind": ["help"], "received_at": [1_772_413_200]})
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(seconds, [])
    err = info.value
    assert (err.code, err.ticket_id, err.field) == ("malformed_timestamp", "T1", "received_at")
    assert "as epoch seconds it is 2026-03-02T09:00:00+08:00" in str(err)


def test_local_offset_reads_times_without_one() -> None:
    """A database export's DATETIME columns (naive timestamps, naive datetimes, or text without
    an offset) read as local time with `local_offset`: the same tickets as the aware tables."""
    want = expected_json()

    def naive(xs: list[Any]) -> list[Any]:
        return [x.replace(tzinfo=None) for x in xs]

    def text(xs: list[Any]) -> list[Any]:
        return [x.replace(tzinfo=None).isoformat(sep=" ") for x in xs]

    def rows(d: dict[str, list[Any]]) -> list[dict[str, Any]]:
        return [dict(zip(d, r)) for r in zip(*d.values())]

    for convert in (naive, text):
        t = {**TICKETS, "received_at": convert(TICKETS["received_at"])}
        e = {**EVENTS, "at": convert(EVENTS["at"])}
        for make in (pd.DataFrame, pa.table, pl.DataFrame, rows):
            got = hs.load_rows(make(t), make(e), UNITS, local_offset="+08:00")
            assert got.to_json() == want, (convert.__name__, make)
    # Local time in another offset: every instant moves by the difference.
    t = {**TICKETS, "received_at": naive(TICKETS["received_at"])}
    e = {**EVENTS, "at": naive(EVENTS["at"])}
    tokyo = json.loads(hs.load_rows(pa.table(t), pa.table(e), UNITS, local_offset="+09:00").to_json())
    assert tokyo[0]["received_at"] == "2026-03-02T08:00:00+08:00"
    # Instants that carry their offset (or epoch ms) keep it whatever `local_offset` says.
    utc = hs.load_rows(pa.table(TICKETS), pa.table(EVENTS), UNITS, local_offset="+00:00")
    assert utc.to_json() == want
    with pytest.raises(hs.InputError) as info:
        hs.load_rows(pa.table(TICKETS), pa.table(EVENTS), UNITS, local_offset="8h")
    assert (info.value.code, info.value.field) == ("invalid_offset", "local_offset")
    # Without it, text without an offset is a bad ticket that names the field.
    t = {**TICKETS, "received_at": text(TICKETS["received_at"])}
    with pytest.raises(hs.HotlineScoreError) as error:
        hs.load_rows(pa.table(t), pa.table(EVENTS), UNITS)
    assert (error.value.code, error.value.field) == ("malformed_timestamp", "received_at")
    # ... and says how to fix it in Python, for text and for naive datetimes in dict rows (an
    # Arrow input audit: the core's own advice named no Python spelling).
    for convert in (naive, text):
        t = {**TICKETS, "received_at": convert(TICKETS["received_at"])}
        with pytest.raises(hs.HotlineScoreError) as error:
            hs.load_rows(rows(t), rows(EVENTS), UNITS)
        assert "local_offset=" in str(error.value) and "tzinfo" in str(error.value)


def test_column_errors() -> None:
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pa.table(TICKETS), pa.table(EVENTS).drop_columns(["type"]))
    err = info.value
    assert (err.code, err.field) == ("missing_column", "type")
    assert "events table has no column `type` (expected string)" in str(err)
    # A spreadsheet's header for a required column is named in the message.
    spaced = {("Received At" if k == "received_at" else k): v for k, v in TICKETS.items()}
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pa.table(spaced), pa.table(EVENTS))
    assert (info.value.code, info.value.field) == ("missing_column", "received_at")
    assert "`Received At` looks like it: rename it" in str(info.value)
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pa.table(TICKETS), pa.table({**EVENTS, "satisfation": [None] * 6}))
    assert (info.value.code, info.value.field) == ("unknown_column", "satisfation")
    # A column named twice (pyarrow and polars allow it) is refused: one copy would be dropped.
    tickets = pa.table(TICKETS)
    twice = pa.Table.from_arrays(
        [*tickets.columns, pa.array(["urgent"] * len(tickets))],
        names=[*tickets.column_names, "urgency"],
    )
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(twice, pa.table(EVENTS))
    assert (info.value.code, info.value.field) == ("duplicate_column", "urgency")
    assert "appears twice" in str(info.value)
    # pandas failing to export its frame (an object column mixing text and numbers, as
    # read_excel gives; a column named twice) is a DataError naming the column, not pyarrow's
    # or pandas' own exception (a data audit).
    mixed = pd.DataFrame({**EVENTS, "at": [x.isoformat() for x in EVENTS["at"]]}).astype({"at": object})
    mixed.loc[1, "at"] = 1772413500000
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pd.DataFrame(TICKETS), mixed)
    assert (info.value.code, info.value.field) == ("invalid_column_type", "at")
    assert "astype(str)" in str(info.value) and info.value.__cause__ is not None
    # Only the producer's data errors become a DataError; an interrupt stays one.
    class Interrupted:
        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        hs.load_rows(pd.DataFrame(TICKETS), Interrupted())
    doubled = pd.DataFrame(EVENTS)
    doubled.insert(3, "unit", doubled["unit"], allow_duplicates=True)
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pd.DataFrame(TICKETS), doubled)
    assert (info.value.code, info.value.field) == ("duplicate_column", "unit")
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pa.table(TICKETS), pa.table({**EVENTS, "type": [1.5] * 6}))
    err = info.value
    assert (err.code, err.field) == ("invalid_column_type", "type")
    assert "Float64" in str(err) and "expected string" in str(err)
    naive = pd.DataFrame({**EVENTS, "at": [x.replace(tzinfo=None) for x in EVENTS["at"]]})
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pd.DataFrame(TICKETS), naive)
    assert (info.value.code, info.value.field) == ("invalid_column_type", "at")
    assert "tz_localize" in str(info.value)
    # Python values a cell cannot hold are the ticket's problem, with its context, and lenient
    # loading skips only that ticket (a data audit: the load stopped, a `date` with a bare
    # TypeError); numpy scalars are their values; whole float epoch ms are the integer.
    two = [
        {"ticket_id": "T", "kind": "help", "received_at": dt.datetime(2026, 1, 1)},
        {"ticket_id": "U", "kind": "help", "received_at": "2026-01-01T00:00:00+08:00"},
    ]
    for bad, says in [(dt.datetime(2026, 1, 5), "no UTC offset"), (dt.date(2026, 1, 5), "a date without a time")]:
        rows = [{**two[0], "received_at": bad}, two[1]]
        with pytest.raises(hs.DataError, match=says) as info2:
            hs.load_rows(rows, [])
        assert (info2.value.code, info2.value.ticket_id, info2.value.field) == ("malformed_timestamp", "T", "received_at")
        lenient = hs.load_rows(rows, [], mode="lenient")
        assert lenient.ids == ["U"] and lenient.diagnostics.num_rows == 1
    ms = hs.parse_instant("2026-01-01T00:00:00+08:00")
    floats = [{**two[0], "received_at": float(ms)}, {**two[1], "received_at": np.int64(ms)}]
    assert [t["received_at"] for t in json.loads(hs.load_rows(floats, []).to_json())] == [
        "2026-01-01T00:00:00+08:00"
    ] * 2
    event = {"ticket_id": "T", "at": "2026-01-01T00:10:00+08:00", "type": "called_back", "satisfaction": "satisfied"}
    flags = hs.load_rows([two[0] | {"received_at": ms}], [event | {"resolved": np.bool_(True)}])
    assert json.loads(flags.to_json())[0]["events"][0]["resolved"] is True
    with pytest.raises(hs.DataError) as info:
        hs.load_rows([{"ticket_id": "T", "kind": 3, "received_at": 0}], [])
    assert (info.value.code, info.value.field, info.value.row) == ("invalid_cell_type", "kind", 0)
    with pytest.raises(TypeError):
        hs.load_rows("tickets.csv", [])
    with pytest.raises(hs.InputError):
        hs.load_rows([], [], mode="relaxed")
    with pytest.raises(hs.InputError) as info2:
        hs.load_rows(pa.array([1, 2]), [])
    assert info2.value.code == "invalid_table"


def test_validation_errors_name_ticket_event_field_row() -> None:
    events = {**EVENTS, "unit": ["u1", "u2", "u9", "u1", None, None]}
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pl.DataFrame(TICKETS), pl.DataFrame(events))
    err = info.value
    assert (err.code, err.ticket_id, err.event_index, err.field, err.row) == (
        "event_before_dispatch",
        "T1",
        1,
        "unit",
        2,
    )
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pl.DataFrame(TICKETS), pl.DataFrame(events), UNITS)
    assert (info.value.code, info.value.field) == ("unknown_unit", "unit")


def test_lenient_diagnostics_table() -> None:
    events = {**EVENTS, "type": ["dispatched", "escalated", "signed", "replied", "called_back", "closed"]}
    loaded = hs.load_rows(pa.table(TICKETS), pa.table(events), mode="lenient")
    assert loaded.ids == ["T1"]
    diags = loaded.diagnostics
    assert diags.column_names == ["code", "ticket_id", "event_index", "field", "row", "message"]
    assert diags.num_rows == 1 and len(diags) == 1
    row = diags.to_pylist()[0]
    assert {k: row[k] for k in ("code", "ticket_id", "event_index", "field", "row")} == {
        "code": "unknown_event_type",
        "ticket_id": "T2",
        "event_index": 0,
        "field": "type",
        "row": 1,
    }
    assert diags.column("code") == ["unknown_event_type"]
    assert diags.to_pandas()["ticket_id"].tolist() == ["T2"]
    assert diags.to_polars()["row"].to_list() == [1]
    assert diags.to_pyarrow().schema.field("event_index").type == pa.int64()
    # A ticket without an id has a null ticket_id, as the strict exception's None (pandas isna).
    no_id = {**TICKETS, "ticket_id": ["", "T2"]}
    loaded = hs.load_rows(pa.table(no_id), pa.table(EVENTS), mode="lenient")
    first = loaded.diagnostics.to_pylist()[0]
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(pa.table(no_id), pa.table(EVENTS))
    assert (first["code"], first["ticket_id"]) == (info.value.code, info.value.ticket_id) == ("missing_field", None)
    assert loaded.diagnostics.to_pandas()["ticket_id"].isna().tolist()[0]
    assert "1 rows" in repr(diags)
    # Integer and boolean columns with nulls are pandas' nullable dtypes (pyarrow's default gave
    # float64 with NaN, and object booleans that cannot mask a frame); the others stay numpy's.
    header_problem = hs.load_rows(pa.table({**TICKETS, "kind": ["help", "bogus"]}), pa.table(EVENTS), mode="lenient")
    frame = header_problem.diagnostics.to_pandas()
    assert str(frame["event_index"].dtype) == "Int64" and frame["event_index"].isna().all()
    assert str(frame["row"].dtype) == "int64"
    events = loaded.to_tables()[1].to_pandas()
    assert str(events["passed"].dtype) == "boolean"
    assert len(events[events["passed"].fillna(False)]) == sum(1 for v in events["passed"] if v is True)


def test_load_json_forms() -> None:
    text = expected_json()
    assert hs.load_json(text).to_json() == text
    assert hs.load_json(json.loads(text), UNITS).to_json() == text
    with pytest.raises(hs.DataError) as info:
        hs.load_json("[1, 2")
    assert info.value.code == "invalid_ticket_json"
    assert (info.value.line, info.value.column) == (1, 5)
    with pytest.raises(hs.DataError) as info:
        hs.load_json(text, UNITS + [UNITS[0]])
    assert (info.value.code, info.value.row) == ("duplicate_unit", 2)


def test_big_arrow_tables_read_in_parallel_as_row_by_row() -> None:
    """A tickets table big enough to be read on several threads (record batches of uneven
    sizes, a duplicated ticket and an unreadable row in the later part, attribute columns in
    another order) loads exactly as the same rows given one by one as dicts."""
    city, units, _ = hs.synthetic_city(days=46, tickets_per_day=900, units=12, seed=7)
    tickets_t, events_t = city.to_tables()
    tickets = tickets_t.to_pyarrow()
    assert tickets.num_rows > 40_000  # two parts of at least 20,000 rows
    columns = list(reversed(tickets.column_names))  # attributes before the fixed columns
    tickets = tickets.select(columns)
    rows = tickets.to_pylist()
    rows.insert(39_000, dict(rows[15_000]))  # a duplicate id, after its first row
    rows[40_000] = {**rows[40_000], "kind": "咨询类"}  # not a kind (咨询 is)
    table = pa.Table.from_pylist(rows, schema=tickets.schema)
    table = pa.concat_tables([table.slice(0, 7_000), table.slice(7_000, 23_333), table.slice(30_333)])
    assert len(table.to_batches()) == 3
    events = events_t.to_pyarrow()
    parallel = hs.load_rows(table, events, units, mode="lenient")
    one_by_one = hs.load_rows(rows, events.to_pylist(), units, mode="lenient")
    assert parallel.to_json() == one_by_one.to_json()
    assert parallel.diagnostics.to_pylist() == one_by_one.diagnostics.to_pylist()
    codes = [d["code"] for d in parallel.diagnostics.to_pylist()]
    assert codes == ["duplicate_ticket", "unknown_kind"], codes


def test_text_past_two_gib_comes_out_in_string_batches() -> None:
    """A tickets table whose 工单 texts (an attribute column) pass 2 GiB, more than one Arrow
    ``string`` array holds: ``to_tables()`` cuts it into record batches that each fit (a panic at
    the 2 GiB offset before), every column stays ``string``, and every cell is the ticket's
    own. Eight distinct 1 MiB texts, dictionary-encoded in, so only the output is big."""
    mib = 1 << 20
    n = 2 * 1024 + 16  # 2 GiB + 16 MiB of text
    # About 1 MiB each, half of them in a 3-byte script (the cuts fall between values).
    texts = [f"{k}:" + ("诉" * (mib // 3) if k % 2 else "x" * mib) for k in range(8)]
    ids = [f"T{i:05d}" for i in range(n)]
    received = pa.array([1_767_225_600_000 + i * 1_000 for i in range(n)], pa.timestamp("ms", "+08:00"))
    tickets = pa.table(
        {
            "ticket_id": ids,
            "kind": pa.array(["complaint"] * n),
            "received_at": received,
            "content": pa.DictionaryArray.from_arrays(pa.array([i % 8 for i in range(n)], pa.int32()), texts),
        }
    )
    events = pa.table({"ticket_id": ids, "at": received, "type": ["dispatched"] * n, "unit": ["U1"] * n})
    tickets_t, _ = hs.load_rows(tickets, events).to_tables()
    assert len(tickets_t) == n and tickets_t.column("ticket_id") == ids  # read batch by batch
    out = tickets_t.to_pyarrow()
    del tickets_t
    assert out.num_rows == n and out.schema.field("content").type == pa.string()
    chunks = out.column("content").chunks
    assert len(chunks) == 2, [len(c) for c in chunks]
    assert all(c.buffers()[2].size <= 2**31 - 1 for c in chunks)
    prefixes = [p for c in chunks for p in pc.utf8_slice_codeunits(c, 0, 4).to_pylist()]
    assert prefixes == [texts[i % 8][:4] for i in range(n)]
    lengths = [x for c in chunks for x in pc.binary_length(c).to_pylist()]
    assert lengths == [len(texts[i % 8].encode()) for i in range(n)]


def test_typed_timestamps_before_1973_are_read_as_they_are() -> None:
    # The check before 1973 is for numbers (epoch seconds or an Excel day number given as
    # milliseconds); a timestamp column or an aware datetime says what it is, whatever its date.
    when = dt.datetime(1972, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    row = {"ticket_id": "T1", "kind": "help"}
    no_events: list[dict[str, Any]] = []
    typed = [
        [{**row, "received_at": when}],
        pa.table({**{k: [v] for k, v in row.items()}, "received_at": pa.array([when], pa.timestamp("ms", "+08:00"))}),
        pd.DataFrame({**{k: [v] for k, v in row.items()}, "received_at": [pd.Timestamp(when)]}),
        pl.DataFrame({**{k: [v] for k, v in row.items()}, "received_at": [when]}),
    ]
    text = [{**row, "received_at": "1972-06-01T00:00:00+08:00"}]
    want = hs.load_rows(text, no_events, UNITS).to_json()
    for tickets in typed:
        assert hs.load_rows(tickets, no_events, UNITS).to_json() == want, type(tickets)
    # The same instant as a number of milliseconds is refused, naming the reason.
    with pytest.raises(hs.HotlineScoreError) as info:
        hs.load_rows([{**row, "received_at": int(when.timestamp() * 1000)}], no_events, UNITS)
    assert (info.value.code, info.value.field) == ("malformed_timestamp", "received_at")
    assert "before 1973" in str(info.value)


def test_batches_unlike_their_declared_schema_are_a_data_error_not_a_crash() -> None:
    """A stream whose later batch is laid out otherwise than its schema declares (a generator
    behind `RecordBatchReader.from_batches`) aborted the process, or raised PanicException; now
    `invalid_arrow_data` (an Arrow input audit)."""
    events = pa.table(EVENTS)
    first = events.slice(0, 3).to_batches()[0]
    rest = events.slice(3).to_batches()[0]

    def large(b: pa.RecordBatch) -> pa.RecordBatch:
        cols = [c.cast(pa.large_string()) if c.type == pa.string() else c for c in b.columns]
        return pa.RecordBatch.from_arrays(cols, names=b.schema.names)

    def ints(b: pa.RecordBatch) -> pa.RecordBatch:
        cols = [pa.array([7] * len(b)) if n == "unit" else c for n, c in zip(b.schema.names, b.columns)]
        return pa.RecordBatch.from_arrays(cols, names=b.schema.names)

    def fewer(b: pa.RecordBatch) -> pa.RecordBatch:
        return b.drop_columns(["role"])

    for change in (large, ints, fewer):
        reader = pa.RecordBatchReader.from_batches(events.schema, iter([first, change(rest)]))
        with pytest.raises(hs.InputError) as info:
            hs.load_rows(pa.table(TICKETS), reader)
        assert info.value.code == "invalid_arrow_data", change.__name__
        assert "does not match the schema its stream declared" in str(info.value)
    # Integers under a column declared Null were read as nulls (a review): refused too.
    declared = events.append_column("reason", pa.nulls(len(events)))
    first = declared.slice(0, 3).to_batches()[0]
    rest = declared.slice(3).to_batches()[0]
    ints_in_null = pa.RecordBatch.from_arrays(
        [pa.array([1] * len(rest)) if n == "reason" else c for n, c in zip(rest.schema.names, rest.columns)],
        names=rest.schema.names,
    )
    reader = pa.RecordBatchReader.from_batches(declared.schema, iter([first, ints_in_null]))
    with pytest.raises(hs.InputError, match="does not match the schema its stream declared"):
        hs.load_rows(pa.table(TICKETS), reader)


def test_a_categorical_column_of_nulls_only_is_absent_cells() -> None:
    """An all-null categorical has an empty dictionary, on which arrow's key normalization
    asserted (PanicException); its cells are absent, as any null's."""
    want = hs.load_rows(pa.table(TICKETS), pa.table(EVENTS)).to_json()
    events = pd.DataFrame(EVENTS)
    events["reason"] = pd.Series([None] * len(events), dtype="category")
    assert hs.load_rows(pd.DataFrame(TICKETS), events).to_json() == want
    frame = pl.DataFrame(EVENTS).with_columns(pl.lit(None, pl.Categorical).alias("reason"))
    assert hs.load_rows(pl.DataFrame(TICKETS), frame).to_json() == want
    tickets = pa.table(TICKETS).append_column(
        "hotspot",
        pa.DictionaryArray.from_arrays(pa.array([None, None], pa.int32()), pa.array([], pa.string())),
    )
    assert hs.load_rows(tickets, pa.table(EVENTS)).to_json() == want


@pytest.mark.parametrize(("per_ms", "unit"), [(1_000, "microseconds"), (1_000_000, "nanoseconds")])
def test_epoch_micro_and_nanoseconds_are_refused_naming_the_reading(per_ms: int, unit: str) -> None:
    """pandas' `astype("int64")` and polars' `dt.epoch()` give epoch ns / µs; read as ms they
    put tickets in year 58,000 and every unit scored full marks on no data."""
    events = pd.DataFrame(EVENTS)
    events["at"] = pd.to_datetime(events["at"]).dt.as_unit("ns").astype("int64") // (1_000_000 // per_ms)
    with pytest.raises(hs.HotlineScoreError) as info:
        hs.load_rows(pd.DataFrame(TICKETS), events)
    assert (info.value.code, info.value.field) == ("malformed_timestamp", "at")
    assert f"as epoch {unit} it is 2026-03-02T09:20:00+08:00" in str(info.value)


def test_tables_of_the_wrong_shape_say_what_to_do() -> None:
    """A polars LazyFrame says to collect it; a dict row keyed by a non-string names the table,
    the row and the key (an Arrow input audit: "LazyFrame is not subscriptable", and a bare
    "'int' object is not an instance of 'str'")."""
    with pytest.raises(TypeError, match=r"LazyFrame: call \.collect\(\) first"):
        hs.load_rows(pl.DataFrame(TICKETS).lazy(), pa.table(EVENTS))
    with pytest.raises(TypeError, match="events table row 1: column names are strings; got the key 1"):
        hs.load_rows(pa.table(TICKETS), [{"ticket_id": "T1"}, {1: "x"}])
