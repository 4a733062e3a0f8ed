"""The real-time board: ingestion (single, batch, idempotent, refused), queries equal to batch
scoring, period close and sanctions, snapshot / restore, BoardError."""

from __future__ import annotations

import datetime
import decimal
import json
from pathlib import Path
from typing import Any

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
    # An event is read as an event of load_json's tickets: the core's own error, naming the
    # ticket, the field and the index the event would take.
    with pytest.raises(hs.DataError) as info:
        board.ingest("T1", {"at": "2026-03-02T10:00:00+08:00", "type": "teleported"})
    err = info.value
    assert (err.code, err.ticket_id, err.event_index, err.field) == ("unknown_event_type", "T1", 1, "type")
    # An unknown key is the ticket's unknown_field, named, as load_json gives it (it was
    # invalid_input with field "event" and no event index).
    with pytest.raises(hs.DataError) as info:
        board.ingest("T1", {"at": "2026-03-02T10:00:00+08:00", "type": "signed", "unti": "u1"})
    err = info.value
    assert (err.code, err.ticket_id, err.event_index, err.field) == ("unknown_field", "T1", 1, "unti")
    standings = board.standings("2026-03-02T10:00:00+08:00").to_python()
    assert standings["groups"][0]["units"][0]["rank"] == 1


def test_integer_ticket_ids_and_any_mapping() -> None:
    # A database's integer key registers (as ticket dicts read ``id``); ingest and ticket took
    # only str and raised a bare TypeError. Any Mapping reads as a dict, as the stubs say.
    import types

    import numpy as np

    board = hs.Board("three-rates", [{"unit": "u1", "group": "units"}])
    header = types.MappingProxyType({"id": 55, "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"})
    assert board.register(header) == "accepted"
    event = types.MappingProxyType({"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "u1"})
    assert board.ingest(55, event) == "accepted"
    assert board.ingest(np.int64(55), dict(event)) == "duplicate"
    held = board.ticket(np.int64(55))
    assert held is not None and held.to_python()["id"] == "55"
    assert board.ticket("55") is not None and board.ticket(56) is None
    for bad in (5.5, True, None):
        with pytest.raises(hs.InputError) as info:
            board.ingest(bad, dict(event))  # type: ignore[arg-type]
        assert (info.value.code, info.value.field) == ("invalid_argument", "ticket_id")


def test_a_batch_takes_events_valid_only_together() -> None:
    # A late return and its rejected decision after the held sign-for: each alone breaks the log,
    # so the board could never hold it (a board audit). A batch tries them again together.
    units = [{"unit": "u1", "group": "units"}]
    header = {"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"}
    events = [
        {"at": "2026-03-02T09:10:00+08:00", "type": "dispatched", "unit": "u1", "event_id": "e0"},
        {"at": "2026-03-02T09:20:00+08:00", "type": "returned", "unit": "u1", "reason": "x", "event_id": "e1"},
        {"at": "2026-03-02T09:30:00+08:00", "type": "return_decided", "unit": "u1", "accepted": False, "event_id": "e2"},
        {"at": "2026-03-02T09:40:00+08:00", "type": "signed", "unit": "u1", "event_id": "e3"},
    ]
    board = hs.Board("three-rates", units)
    board.register(header)
    assert [board.ingest("T1", events[i]) for i in (0, 3)] == ["accepted", "accepted"]
    with pytest.raises(hs.DataError):
        board.ingest("T1", events[1])
    out = board.ingest_batch([{"input": "event", "ticket_id": "T1", "event": events[i]} for i in (1, 2)])
    assert [o["status"] for o in out] == ["accepted", "accepted"]
    as_of = "2026-03-03T00:00:00+08:00"
    whole = hs.load_json(json.dumps([dict(header, events=events)]), units)
    batch = hs.Evaluator(units).partial(whole, period=board.period_at(as_of), as_of=as_of).finalize()
    assert board.metrics(as_of).to_json() == batch.to_json()
    assert json.loads(batch.to_json())["units"]["u1"]["lead"]["returns_rejected"] == 1


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
    # A buffer holding the bytes (a file read into a bytearray, a memoryview of it) restores too;
    # anything else is named.
    snapshot = board.snapshot()
    for buffer in (bytearray(snapshot), memoryview(snapshot)):
        assert hs.Board.restore(buffer, "sanmenxia", UNITS).scores(AS_OF).to_json() == want
    with pytest.raises(hs.InputError) as info2:
        hs.Board.restore(list(snapshot[:4]), "sanmenxia", UNITS)  # type: ignore[arg-type]
    assert (info2.value.code, info2.value.field) == ("invalid_argument", "snapshot")
    assert "got a list" in str(info2.value)
    with pytest.raises(hs.InputError):
        hs.Board("sanmenxia", UNITS, due_anchor="whenever")


NEXT_YEAR = Path(__file__).resolve().parents[2] / "examples" / "calendar-2027-example.toml"


def test_restore_into_a_calendar_extended_with_next_years_data() -> None:
    # December: next year's notice is loaded (or predict mode switched on) and the running
    # board's snapshot still restores; a calendar changing a covered date does not fit.
    board = hs.Board("sanmenxia", UNITS)
    board.ingest_tickets(CITY)
    want = board.scores(AS_OF).to_json()
    snapshot = board.snapshot()
    for calendar in (hs.Calendar(data_files=NEXT_YEAR), hs.Calendar(predict=True)):
        restored = hs.Board.restore(snapshot, "sanmenxia", UNITS, calendar=calendar)
        assert restored.scores(AS_OF).to_json() == want
    changed = hs.Calendar(data={"days": [{"dates": ["2026-06-01"], "rule": "off"}]})
    with pytest.raises(hs.BoardError) as info:
        hs.Board.restore(snapshot, "sanmenxia", UNITS, calendar=changed)
    assert (info.value.code, info.value.field) == ("board_snapshot_mismatch", "calendar")


def test_restore_into_a_units_table_with_a_new_unit() -> None:
    # Reordered, with a unit taken on mid-quarter: the board answers as one built with the new
    # table from the same tickets; a unit dropped is a mismatch.
    board = hs.Board("sanmenxia", UNITS)
    board.ingest_tickets(CITY)
    snapshot = board.snapshot()
    table = UNITS.to_pylist()[::-1]
    table.append({"unit": "new-unit", "group": table[0]["group"], "name": "新单位"})
    fresh = hs.Board("sanmenxia", table)
    fresh.ingest_tickets(CITY)
    restored = hs.Board.restore(snapshot, "sanmenxia", table)
    assert restored.scores(AS_OF).to_json() == fresh.scores(AS_OF).to_json()
    assert "new-unit" in restored.scores(AS_OF).to_json()
    with pytest.raises(hs.BoardError) as info:
        hs.Board.restore(snapshot, "sanmenxia", table[1:])
    assert (info.value.code, info.value.field) == ("board_snapshot_mismatch", "units")


# --- the rest of the core's Board API -------------------------------------------------------

Q1 = hs.Period("2026-01-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00", "2026-Q1")
APRIL = "2026-04-05T00:00:00+08:00"  # after Q1: the default period is then Q2


def _loaded(scheme: str = "sanmenxia") -> hs.Board:
    board = hs.Board(scheme, UNITS)
    board.ingest_tickets(CITY)
    return board


def test_configuration_accessors() -> None:
    board = _loaded()
    assert board.scheme().hash == hs.Scheme.preset("sanmenxia").hash
    assert board.units().to_pylist() == UNITS.to_pylist()
    assert board.due_anchor == "due_date"
    assert hs.Board("sanmenxia", UNITS, due_anchor="due_or_closed").due_anchor == "due_or_closed"
    want = hs.Evaluator(UNITS).evaluate(CITY, as_of=AS_OF).to_json()
    assert board.evaluator().evaluate(CITY, as_of=AS_OF).to_json() == want


def test_tickets_as_held() -> None:
    board = hs.Board("sanmenxia", UNITS)
    assert board.latest_event is None and board.ticket("SMX2026010100001") is None
    board.ingest_tickets(CITY)
    held = board.tickets()
    assert held.to_json() == CITY.to_json()
    # The held tickets carry the units table: batch scoring needs no `units`.
    assert hs.score(held, "sanmenxia", as_of=AS_OF).to_json() == board.scores(AS_OF).to_json()
    first = json.loads(CITY.to_json())[0]
    one = board.ticket(first["id"])
    assert one is not None and one.to_python() == first
    instants = [hs.parse_instant(e["at"]) for t in json.loads(CITY.to_json()) for e in t["events"]]
    assert board.latest_event == max(instants)


def test_ingest_ticket_and_batch() -> None:
    first = json.loads(CITY.to_json())[0]
    board = hs.Board("sanmenxia", UNITS)
    outcome = board.ingest_ticket(first)
    assert outcome == [{"status": "accepted"}] * (1 + len(first["events"]))
    assert board.ingest_ticket(first) == [{"status": "duplicate"}] * (1 + len(first["events"]))

    small = hs.Board("three-rates", [{"unit": "u1", "group": "units", "name": "湖滨区"}])
    header = {"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"}
    dispatched = {"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "u1", "event_id": "e1"}
    stray = {"at": "2026-03-02T10:00:00+08:00", "type": "closed"}
    outcome = small.ingest_batch(
        [
            {"input": "ticket", **header},
            {"input": "event", "ticket_id": "T1", "event": dispatched},
            {"input": "event", "ticket_id": "T1", "event": dispatched},
            {"input": "event", "ticket_id": "T9", "event": stray},
        ]
    )
    assert [o["status"] for o in outcome] == ["accepted", "accepted", "duplicate", "rejected"]
    assert all("error" not in o for o in outcome[:3])
    refused = outcome[3]["error"]
    assert isinstance(refused, hs.BoardError)
    assert (refused.code, refused.ticket_id) == ("board_unknown_ticket", "T9")
    held = small.ticket("T1")
    assert held is not None and [e["type"] for e in held.to_python()["events"]] == ["dispatched"]
    assert small.ticket("T9") is None
    assert small.latest_event == hs.parse_instant(dispatched["at"])
    # An item without its "input" tag is that item's rejection, naming it; the batch goes on.
    [untagged] = small.ingest_batch([{"ticket_id": "T1", "event": dispatched}])
    assert untagged["status"] == "rejected"
    err = untagged["error"]
    assert isinstance(err, hs.InputError)
    assert (err.code, err.field, err.row) == ("invalid_input", "input", 0)
    assert "inputs[0]" in str(err)
    with pytest.raises(hs.InputError) as info:
        small.ingest_batch({"input": "ticket", **header})  # a dict, not a list of items
    assert (info.value.code, info.value.field) == ("invalid_input", "inputs")


def test_period_metrics_and_external() -> None:
    board = _loaded()
    period = board.period_at(AS_OF)
    assert (period.label, period.start, period.end) == (Q1.label, Q1.start, Q1.end)
    batch = hs.Evaluator(UNITS).partial(CITY, period=Q1, as_of=AS_OF)
    assert board.metrics(AS_OF).to_json() == batch.finalize().to_json()
    unit = UNITS.to_pylist()[0]["unit"]
    before = board.scores(AS_OF).to_python()
    board.set_external(Q1, unit, "praise", decimal.Decimal("2"))
    external = {unit: {"praise": "2"}}
    assert board.metrics(AS_OF, period=Q1).to_json() == batch.finalize(external).to_json()
    after = board.scores(AS_OF).to_python()
    total = {u["unit"]: decimal.Decimal(u["total"]) for u in before["units"]}
    # 表扬加分: 0.5 a praise (sanmenxia preset), added to the total.
    assert decimal.Decimal(next(u["total"] for u in after["units"] if u["unit"] == unit)) == total[unit] + 1
    scored = hs.Scheme.preset("sanmenxia").score(UNITS, batch.finalize(external), as_of=AS_OF)
    assert board.scores(AS_OF).to_json() == scored.to_json()
    with pytest.raises(hs.SchemeError) as info:
        board.set_external(Q1, unit, "bribes", 1)
    assert (info.value.code, info.value.field) == ("unknown_external_metric", "bribes")
    with pytest.raises(hs.BoardError) as info:
        board.set_external(Q1, "atlantis", "praise", 1)
    assert info.value.code == "board_unknown_unit"
    with pytest.raises(hs.InputError) as info:
        board.set_external(Q1, unit, "praise", 0.5)
    assert (info.value.code, info.value.field) == ("invalid_value", "value")
    # Exact everywhere: a value that would have to be rounded is refused, never rounded.
    too_long = "0.12345678901234567890123456789"
    with pytest.raises(hs.InputError) as info:
        board.set_external(Q1, unit, "praise", too_long)
    assert (info.value.code, info.value.field) == ("invalid_value", "value")
    with pytest.raises(hs.InputError) as info:
        batch.finalize({unit: {"praise": too_long}})
    assert info.value.code == "invalid_external"
    # A float is refused by finalize as by set_external (it was taken as its shortest digits).
    with pytest.raises(hs.InputError) as info:
        batch.finalize({unit: {"praise": 0.1}})
    assert (info.value.code, info.value.field) == ("invalid_value", f"external.{unit}.praise")
    board.set_external(Q1, unit, "praise", decimal.Decimal("2E+0"))
    # The one-call score takes external metrics too, as finalize does.
    one_call = hs.score(CITY, "sanmenxia", as_of=AS_OF, units=UNITS, period=Q1, external=external)
    assert one_call.to_json() == scored.to_json()
    with pytest.raises(hs.InputError) as info:
        hs.score(CITY, "sanmenxia", as_of=AS_OF, units=UNITS, external={unit: {"praise": 0.1}})
    assert (info.value.code, info.value.field) == ("invalid_value", f"external.{unit}.praise")
    # A metrics table in JSON: a float is refused as in finalize; a key given twice, and a bad
    # value, are named (serde kept the last of a repeated key, and the first was lost).
    with pytest.raises(hs.InputError) as info:
        hs.Metrics.from_dict({"units": {}, "external": {unit: {"praise": 0.1}}})
    assert (info.value.code, info.value.field) == ("invalid_value", f"external.{unit}.praise")
    twice = '{"units": {}, "external": {"%s": {"praise": 1}, "%s": {"praise": 3}}}' % (unit, unit)
    with pytest.raises(hs.InputError) as info:
        hs.Metrics.from_dict(twice)
    assert info.value.code == "invalid_metrics"
    assert f"unit {unit} is given twice" in str(info.value)
    with pytest.raises(hs.InputError) as info:
        batch.finalize({unit: {"praise": "abc"}})
    assert f"unit {unit}, metric `praise`: " in str(info.value)
    # 人工加减分 on the board: scored as batch scores the board's metrics, which carry them.
    adjustment = {"unit": unit, "metric": "manual_bonus", "amount": "1.5", "reason": "防汛值守", "approver": "热线办"}
    with pytest.raises(hs.SchemeError) as info:
        board.add_adjustment(Q1, {**adjustment, "approver": ""})
    assert (info.value.code, info.value.field) == ("invalid_adjustment", "adjustments[0].approver")
    with pytest.raises(hs.InputError) as info:
        board.add_adjustment(Q1, {**adjustment, "amount": 1.5})
    assert (info.value.code, info.value.field) == ("invalid_value", "adjustment.amount")
    board.add_adjustment(Q1, adjustment)
    metrics = board.metrics(AS_OF, period=Q1)
    assert json.loads(metrics.to_json())["adjustments"] == [adjustment]
    scores = board.scores(AS_OF)
    assert scores.to_json() == hs.Scheme.preset("sanmenxia").score(UNITS, metrics, as_of=AS_OF).to_json()
    card = next(c for c in json.loads(scores.to_json())["units"] if c["unit"] == unit)
    assert card["adjustments"] == [adjustment]


def test_queries_in_a_given_period() -> None:
    board = _loaded()
    # In April the default period is Q2, which holds none of the city's tickets.
    assert board.period_at(APRIL).label == "2026-Q2"
    batch_q1 = hs.score(CITY, "sanmenxia", as_of=APRIL, period=Q1).to_python()
    standings = board.standings(APRIL, period=Q1).to_python()
    assert standings["period"] == "2026-Q1"
    placed = {s["unit"]: (s["rank"], s["total"]) for g in standings["groups"] for s in g["units"]}
    assert placed == {u["unit"]: (u["rank"], u["total"]) for u in batch_q1["units"]}
    assert board.standings(APRIL).to_python()["period"] == "2026-Q2"
    unit = batch_q1["units"][0]["unit"]
    card = board.scorecard(unit, APRIL, period=Q1).to_python()
    assert card["card"] == batch_q1["units"][0]
    assert board.scorecard(unit, APRIL).to_python()["card"] != card["card"]
    # Warnings: 20 days before the quarter ends, the same as the batch warnings.
    march = "2026-03-20T00:00:00+08:00"
    warned = board.warnings(march, period=Q1).to_json()
    batch = hs.Scheme.preset("sanmenxia").period_warnings(hs.Evaluator(UNITS), CITY, as_of=march, period=Q1)
    assert warned == batch.to_json() == board.warnings(march).to_json()
    assert len(json.loads(warned)) > 0
    assert board.warnings(APRIL, period=Q1).to_python() == []  # past the period: no window


def test_history_and_closed_through() -> None:
    board = _loaded()
    assert board.closed_through is None and board.history() == []
    closed = board.close_period(Q1, Q1.end).to_python()
    assert board.closed_through == Q1.end
    [frozen] = board.history()
    assert frozen.period == "2026-Q1" and frozen.to_python() == closed["scores"]
    scheme = hs.Scheme.preset("sanmenxia")
    assert scheme.sanctions(board.history()).to_json() == board.sanctions().to_json()
    first = json.loads(CITY.to_json())[0]
    late = {"at": "2026-03-31T10:00:00+08:00", "type": "urged", "unit": first["events"][0]["unit"]}
    with pytest.raises(hs.BoardError) as info:
        board.ingest(first["id"], late)
    assert info.value.code == "board_period_closed"


def test_a_dict_changed_while_it_is_read_is_read_as_it_was() -> None:
    # Python code run while the binding reads a dict (here a datetime subclass's isoformat; or
    # another thread) may change it: PyO3's dict iterator panicked (PanicException, which
    # `except Exception` does not catch: a concurrency audit).
    header = {k: v for k, v in json.loads(CITY.to_json())[0].items() if k != "events"}

    class Meddling(datetime.datetime):
        def isoformat(self, *args: Any, **kwargs: Any) -> str:
            header["meddled"] = True
            return super().isoformat(*args, **kwargs)

    header["received_at"] = Meddling.fromisoformat(header["received_at"])
    board = hs.Board("sanmenxia", UNITS)
    assert board.register(header) == "accepted"
    assert header["meddled"] is True
