"""Board inputs item by item: a malformed item is that item's rejection (naming it) and the
others are ingested; register's errors are load_json's; one Board shared between threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import hotline_score as hs

UNITS = [{"unit": "u1", "group": "units", "name": "湖滨区"}]
HEADER = {"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"}
DISPATCHED = {"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "u1", "event_id": "e1"}
TYPO = {"at": "2026-03-02T09:40:00+08:00", "type": "singed", "unit": "u1"}
SIGNED = {"at": "2026-03-02T09:50:00+08:00", "type": "signed", "unit": "u1"}


def board() -> hs.Board:
    return hs.Board("three-rates", UNITS)


def test_a_malformed_batch_item_is_rejected_alone() -> None:
    b = board()
    out = b.ingest_batch(
        [
            {"input": "ticket", **HEADER},
            {"input": "event", "ticket_id": "T1", "event": DISPATCHED},
            {"input": "event", "ticket_id": "T1", "event": TYPO},
            {"input": "event", "ticket_id": "T1", "event": SIGNED},
            {"input": "event", "ticket_id": "T1", "event": {**SIGNED, "at": b"09:55"}},
            {"input": "tikcet", **HEADER},
        ]
    )
    assert [o["status"] for o in out] == ["accepted", "accepted", "rejected", "accepted", "rejected", "rejected"]
    typo = out[2]["error"]
    assert isinstance(typo, hs.DataError)
    # The core's error: ticket, field, the index the event would take, and the item (row).
    assert (typo.code, typo.ticket_id, typo.event_index, typo.field, typo.row) == (
        "unknown_event_type",
        "T1",
        1,
        "type",
        2,
    )
    assert "line 1 column" not in str(typo)
    unreadable = out[4]["error"]
    assert isinstance(unreadable, hs.InputError)
    assert (unreadable.code, unreadable.ticket_id, unreadable.field, unreadable.row) == (
        "invalid_json_value",
        "T1",
        "at",
        4,
    )
    assert '`inputs[4]["event"]["at"]`' in str(unreadable)
    tag = out[5]["error"]
    assert (tag.code, tag.field, tag.row) == ("invalid_input", "input", 5)
    assert "`input` must be 'ticket' or 'event', got \"tikcet\"" in str(tag)
    # An item that is no dict is said as such (serde named a Rust type: "internally tagged enum").
    [odd] = b.ingest_batch([5])
    assert (odd["error"].code, odd["error"].field) == ("invalid_input", "input")
    assert "an item must be a dict" in str(odd["error"])
    assert "enum" not in str(odd["error"])
    # An event item's unknown key is named before a missing `ticket_id` (a camelCase `ticketId`
    # says so), with the ticket when the item has one: as the Node binding says it.
    event = {"at": "2026-03-02T09:40:00+08:00", "type": "replied", "unit": "u1"}
    keys = b.ingest_batch(
        [
            {"input": "event", "ticketId": "T1", "event": event},
            {"input": "event", "ticket_id": "T1", "event": event, "extra": 1},
        ]
    )
    assert [(o["error"].code, o["error"].field, o["error"].ticket_id, o["error"].row) for o in keys] == [
        ("invalid_input", "ticketId", None, 0),
        ("invalid_input", "extra", "T1", 1),
    ]
    held = b.ticket("T1")
    assert held is not None
    assert [e["type"] for e in held.to_python()["events"]] == ["dispatched", "signed"]


def test_board_refusals_in_a_batch_name_their_item() -> None:
    # The board's own refusals (an unknown unit, a ticket not registered) carried no row.
    b = board()
    out = b.ingest_batch(
        [
            {"input": "ticket", **HEADER},
            {"input": "event", "ticket_id": "T1", "event": {**DISPATCHED, "unit": "elsewhere"}},
            {"input": "event", "ticket_id": "NOPE", "event": DISPATCHED},
        ]
    )
    assert [(o["status"], o.get("error") and (o["error"].code, o["error"].row)) for o in out] == [
        ("accepted", None),
        ("rejected", ("unknown_unit", 1)),
        ("rejected", ("board_unknown_ticket", 2)),
    ]


def test_ingest_ticket_goes_on_after_a_bad_event() -> None:
    b = board()
    out = b.ingest_ticket({**HEADER, "events": [DISPATCHED, TYPO, SIGNED]})
    assert [o["status"] for o in out] == ["accepted", "accepted", "rejected", "accepted"]
    err = out[2]["error"]
    assert (err.code, err.ticket_id, err.event_index, err.field) == ("unknown_event_type", "T1", 1, "type")
    # A header that cannot be read: its own rejection, and its events' (no such ticket).
    out = b.ingest_ticket({**HEADER, "id": "T2", "kind": "投诉类", "events": [DISPATCHED]})
    assert [o["status"] for o in out] == ["rejected", "rejected"]
    assert (out[0]["error"].code, out[0]["error"].ticket_id, out[0]["error"].field) == ("unknown_kind", "T2", "kind")
    assert out[1]["error"].code == "board_unknown_ticket"
    with pytest.raises(hs.InputError) as info:
        b.ingest_ticket([HEADER])
    assert (info.value.code, info.value.field) == ("invalid_input", "ticket")


def test_register_errors_are_load_jsons() -> None:
    b = board()
    bad = {**HEADER, "kind": "投诉类"}
    with pytest.raises(hs.DataError) as info:
        b.register(bad)
    got = info.value
    with pytest.raises(hs.DataError) as info:
        hs.load_json([bad])
    want = info.value
    assert (got.code, got.ticket_id, got.field) == (want.code, want.ticket_id, want.field) == (
        "unknown_kind",
        "T1",
        "kind",
    )
    assert got.row is None  # a header is no table row
    with pytest.raises(hs.InputError) as info:
        b.register({**HEADER, "events": []})
    assert (info.value.code, info.value.field) == ("invalid_input", "events")
    # pandas' missing markers are absent cells here too.
    assert b.register({**HEADER, "channel": float("nan"), "urgency": pd.NA}) == "accepted"


def test_one_board_is_safe_to_share_between_threads() -> None:
    city, units, as_of = hs.synthetic_city(days=10, tickets_per_day=200, units=20)
    b = hs.Board("sanmenxia", units)
    done = threading.Event()
    errors: list[BaseException] = []
    reads = 0

    def reader() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                b.stats()
                b.scores(as_of)
                b.latest_event
                reads += 1
            except BaseException as e:  # noqa: BLE001 - any failure is the finding
                errors.append(e)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        outcome = b.ingest_tickets(city)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert reads > 0
    assert outcome["accepted"] == len(city) + city.event_count
    assert b.scores(as_of).to_json() == hs.score(city, "sanmenxia", as_of=as_of).to_json()


def test_concurrent_writers_serialize() -> None:
    b = board()
    b.register(HEADER)
    events = [
        {"at": f"2026-03-02T10:{i:02d}:00+08:00", "type": "urged", "unit": "u1", "event_id": f"u{i}"}
        for i in range(40)
    ]
    b.ingest("T1", DISPATCHED)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda e: b.ingest("T1", e), events))
    assert results == ["accepted"] * len(events)
    held = b.ticket("T1")
    assert held is not None
    assert len(held.to_python()["events"]) == 1 + len(events)
