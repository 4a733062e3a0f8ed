"""The shared ticket vectors (tests/vectors/tickets/*.json), as core/tests/ticket_vectors.rs runs
them. Flat-table cases run twice: as lists of dicts, and as pyarrow tables of string columns."""

from __future__ import annotations

import json
from typing import Any, Optional

import pyarrow as pa
import pytest

import hotline_score as hs
from conftest import load_vectors, rust_json

ERRORS = load_vectors("tickets", "errors.json")["cases"]
LENIENT = load_vectors("tickets", "lenient.json")["cases"]
VALID = load_vectors("tickets", "valid.json")
UNIT_TABLE_CODES = {"duplicate_unit", "invalid_unit_row"}


def text_cell(v: Any) -> Optional[str]:
    """A JSON row value as the text cell the core reads (serde of EventRow / TicketRow)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def arrow_table(rows: list[dict[str, Any]]) -> pa.Table:
    names: list[str] = []
    for r in rows:
        names += [k for k in r if k not in names]
    return pa.table(
        {n: pa.array([text_cell(r.get(n)) for r in rows], pa.string()) for n in names}
    )


def load(case: dict[str, Any], mode: str, arrow: bool = False) -> hs.Tickets:
    units = case.get("units")
    if "tickets" in case:
        return hs.load_json(json.dumps(case["tickets"]), units, mode=mode)
    t, e = case["ticket_rows"], case["event_rows"]
    if arrow:
        return hs.load_rows(arrow_table(t), arrow_table(e), units, mode=mode)
    return hs.load_rows(t, e, units, mode=mode)


def error_json(e: hs.HotlineScoreError) -> dict[str, Any]:
    if e.code in UNIT_TABLE_CODES:
        return {"code": e.code, "ticket_id": None, "event_index": None, "field": None, "row": None}
    return {
        "code": e.code,
        "ticket_id": e.ticket_id or "",
        "event_index": e.event_index,
        "field": e.field,
        "row": e.row,
    }


def diagnostic_json(d: dict[str, Any]) -> dict[str, Any]:
    # The table's null ticket id (as the exception's None) is the vectors' "".
    out = {k: d.get(k) for k in ("code", "ticket_id", "event_index", "field", "row")}
    return {**out, "ticket_id": out["ticket_id"] or ""}


def variants(case: dict[str, Any]) -> list[bool]:
    return [False, True] if "ticket_rows" in case else [False]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c["name"])
def test_error_vector(case: dict[str, Any]) -> None:
    for arrow in variants(case):
        with pytest.raises(hs.DataError) as info:
            load(case, "strict", arrow)
        err = info.value
        assert error_json(err) == case["expect"], str(err)
        if err.code not in UNIT_TABLE_CODES:
            assert f"`{err.field}`" in str(err)
        if err.code in UNIT_TABLE_CODES:
            with pytest.raises(hs.DataError):
                load(case, "lenient", arrow)
        else:
            loaded = load(case, "lenient", arrow)
            first = loaded.diagnostics.to_pylist()[0]
            assert diagnostic_json(first) == case["expect"]


def test_every_ticket_code_has_a_vector() -> None:
    codes = {c["expect"]["code"] for c in ERRORS}
    assert len(codes) >= 33


@pytest.mark.parametrize("case", LENIENT, ids=lambda c: c["name"])
def test_lenient_vector(case: dict[str, Any]) -> None:
    for arrow in variants(case):
        loaded = load(case, "lenient", arrow)
        assert loaded.ids == case["expect_ticket_ids"]
        diags = loaded.diagnostics.to_pylist()
        assert [diagnostic_json(d) for d in diags] == case["expect_diagnostics"]
        assert all(d["message"] for d in diags)
        with pytest.raises(hs.DataError) as info:
            load(case, "strict", arrow)
        assert error_json(info.value) == case["expect_diagnostics"][0]


def test_valid_round_trip_is_the_canonical_json() -> None:
    tickets = VALID["tickets"]
    from_json = hs.load_json(tickets)
    assert len(from_json) == len(tickets) and from_json.diagnostics.num_rows == 0
    text = from_json.to_json()
    assert json.loads(text) == tickets
    # serde_json's compact form, byte for byte: the Rust core's own text.
    assert text == json.dumps(tickets, ensure_ascii=False, separators=(",", ":"))
    assert text == rust_json("tickets")["valid.json"]
    from_rows = hs.load_rows(VALID["ticket_rows"], VALID["event_rows"])
    assert from_rows.to_json() == text
    from_arrow = hs.load_rows(arrow_table(VALID["ticket_rows"]), arrow_table(VALID["event_rows"]))
    assert from_arrow.to_json() == text
    assert from_json.event_count == sum(len(t["events"]) for t in tickets)


def test_to_tables_round_trips() -> None:
    loaded = hs.load_json(VALID["tickets"])
    tickets, events = loaded.to_tables()
    assert events.num_rows == loaded.event_count
    assert tickets.column_names[:5] == ["ticket_id", "kind", "urgency", "channel", "received_at"]
    assert events.to_pyarrow().schema.field("at").type == pa.timestamp("ms", tz="+08:00")
    assert events.to_pyarrow().schema.field("accepted").type == pa.bool_()
    assert hs.load_rows(tickets, events).to_json() == loaded.to_json()
    assert hs.load_rows(tickets.to_polars(), events.to_pandas()).to_json() == loaded.to_json()


def test_to_tables_cells_are_the_json_values() -> None:
    """Every cell of ``to_tables()`` is the ticket's JSON value (SPEC §3.2a): a synthetic city
    with every event type that has fields, tickets loaded as a compact batch."""
    city, _, _ = hs.synthetic_city(days=8, tickets_per_day=300, units=12)  # past the New Year holiday
    tickets = json.loads(city.to_json())
    tickets_t, events_t = hs.load_rows(*city.to_tables()).to_tables()
    names = sorted({k for t in tickets for k in t["attributes"]})
    assert names == ["district", "repeat"]
    assert tickets_t.column_names == ["ticket_id", "kind", "urgency", "channel", "received_at", *names]
    assert tickets_t.to_pylist() == [
        {
            "ticket_id": t["id"],
            "kind": t["kind"],
            "urgency": t.get("urgency", "normal"),
            "channel": t.get("channel") or None,
            "received_at": hs.parse_instant(t["received_at"]),
            **{n: t["attributes"].get(n) for n in names},
        }
        for t in tickets
    ]
    fields = ["unit", "role", "reason", "accepted", "approved", "amount", "passed", "satisfaction", "resolved"]
    want = [
        {
            "ticket_id": t["id"],
            "at": hs.parse_instant(e["at"]),
            "type": e["type"],
            **{f: e.get(f) for f in fields},
            "event_id": e.get("event_id"),
        }
        for t in tickets
        for e in t["events"]
    ]
    assert {e["type"] for e in want} >= {"extension_decided", "return_decided", "reviewed", "called_back"}
    assert events_t.to_pylist() == want
