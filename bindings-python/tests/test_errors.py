"""The exception hierarchy: one class per core error family, each with its context attributes."""

from __future__ import annotations

import pytest

import hotline_score as hs

ATTRS = ("code", "ticket_id", "event_index", "field", "line", "column", "row", "date")


@pytest.mark.parametrize(
    "cls",
    [hs.InputError, hs.CalendarError, hs.DataError, hs.PolicyError, hs.SchemeError, hs.BoardError],
)
def test_every_family_is_rooted(cls: type) -> None:
    assert issubclass(cls, hs.HotlineScoreError)
    exc = cls("message")
    assert str(exc) == "message"
    for attr in ATTRS:
        assert hasattr(exc, attr)


def test_input_error() -> None:
    with pytest.raises(hs.InputError) as info:
        hs.parse_instant("not a time")
    assert info.value.code == "invalid_instant"
    assert isinstance(info.value, ValueError)
    assert info.value.ticket_id is None and info.value.line is None


def test_calendar_error() -> None:
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar(template={"weekday": ["09:00-12:00"]})
    assert info.value.code == "unknown_calendar_key"
    assert info.value.field == "weekday"
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar.prc().add_working_days("2026-12-24", 10)
    assert (info.value.code, info.value.date) == ("out_of_coverage", "2027-01-01")
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar(prc=False, template={}, coverage=["2026-01-01", "2026-12-31"]).add_working(
            "2026-03-02T09:00:00+08:00", 1
        )
    assert info.value.code == "no_working_time"


def test_instants_given_in_epoch_seconds_are_refused() -> None:
    """An `as_of` in epoch seconds (`int(time.time())`) scored 1970: every unit full marks on no
    data (a Node audit); refused as data cells refuse it, the reading meant named."""
    city, units, _ = hs.synthetic_city(days=3, tickets_per_day=10, units=5)
    with pytest.raises(hs.InputError) as info:
        hs.score(city, "sanmenxia", as_of=1_772_413_500, units=units)
    assert info.value.code == "invalid_instant"
    assert "as epoch seconds it is 2026-03-02T09:05:00+08:00" in str(info.value)
    assert hs.parse_instant(1_772_413_500_000) == 1_772_413_500_000


def test_data_error() -> None:
    rows = [{"ticket_id": "T1", "kind": "question", "received_at": "2026-03-02T09:00:00+08:00"}]
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(rows, [])
    err = info.value
    assert (err.code, err.ticket_id, err.event_index, err.field, err.row) == (
        "unknown_kind",
        "T1",
        None,
        "kind",
        0,
    )
    assert isinstance(err, ValueError)
