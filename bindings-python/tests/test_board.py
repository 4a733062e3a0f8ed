"""The real-time board: ingestion (single, batch, idempotent, refused), queries equal to batch
scoring, period close and sanctions, snapshot / restore, BoardError."""

from __future__ import annotations

import json

import pytest

import hotline_score as hs

CITY, UNITS, AS_OF = hs.synthetic_city(days=10, tickets_per_day=80, units=20)


def test_board_equals_batch_scoring() -> None:
    board = hs.Board("sanmenxia", UNITS)
    outcome = board.ingest_tickets(CITY)
    assert outcome["accepted"] == len(CITY) + CITY.event_count
    assert outcome["duplicate"] == 0 and outcome["rejected"] == []
    scores = board.scores(AS_OF)
    assert scores.to_json() == hs.score(CITY, "sanmenxia", as_of=AS_OF).to_json()
    standings = board.standings(AS_OF).to_python()
    assert standings["period"] == "2026-Q1" and standings["groups"]
    unit = scores.to_python()["units"][0]["unit"]
    card = board.scorecard(unit, AS_OF).to_python()
    assert card and json.loads(board.scorecard(unit, AS_OF).to_json()) == card
    assert isinstance(board.deadline_statuses(unit, AS_OF).to_python(), list)
    assert board.warnings(AS_OF).to_python() == []  # far from the quarter's end
    assert board.stats().to_python()["tickets"] == len(CITY)
    # Ingesting again changes nothing.
    again = board.ingest_tickets(CITY)
    assert again["accepted"] == 0 and again["duplicate"] == len(CITY) + CITY.event_count


def test_single_events_and_refusals() -> None:
    board = hs.Board("three-rates", [{"unit": "u1", "group": "units", "name": "湖滨区"}])
    header = {"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"}
    assert board.register(header) == "accepted"
    assert board.register(header) == "duplicate"
    event = {"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "u1", "event_id": "e1"}
    assert board.ingest("T1", event) == "accepted"
    assert board.ingest("T1", event) == "duplicate"
    with pytest.raises(hs.BoardError) as info:
        board.ingest("T9", {"at": "2026-03-02T10:00:00+08:00", "type": "closed"})
    assert (info.value.code, info.value.ticket_id) == ("board_unknown_ticket", "T9")
    with pytest.raises(hs.DataError):
        board.ingest("T1", {"at": "2026-03-02T10:00:00+08:00", "type": "signed", "unit": "u7"})
    with pytest.raises(hs.InputError):
        board.ingest("T1", {"at": "2026-03-02T10:00:00+08:00", "type": "teleported"})
    standings = board.standings("2026-03-02T10:00:00+08:00").to_python()
    assert standings["groups"][0]["units"][0]["rank"] == 1


def test_close_period_and_sanctions() -> None:
    board = hs.Board("sanmenxia", UNITS)
    board.ingest_tickets(CITY)
    period = hs.Period("2026-01-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00", "2026-Q1")
    closed = board.close_period(period, period.end).to_python()
    assert closed
    sanctions = board.sanctions().to_python()
    assert len(sanctions) == 1 and len(sanctions[0]["units"]) == UNITS.num_rows


def test_snapshot_and_restore() -> None:
    board = hs.Board("sanmenxia", UNITS)
    board.ingest_tickets(CITY)
    want = board.scores(AS_OF).to_json()
    restored = hs.Board.restore(board.snapshot(), "sanmenxia", UNITS)
    assert restored.scores(AS_OF).to_json() == want
    from_json = hs.Board.restore(board.snapshot_json(), "sanmenxia", UNITS)
    assert from_json.scores(AS_OF).to_json() == want
    with pytest.raises(hs.BoardError) as info:
        hs.Board.restore(b"not a snapshot at all, clearly", "sanmenxia", UNITS)
    assert info.value.code == "board_snapshot_corrupt"
    with pytest.raises(hs.InputError):
        hs.Board("sanmenxia", UNITS, due_anchor="whenever")
