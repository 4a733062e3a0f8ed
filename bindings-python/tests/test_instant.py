from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import hotline_score as hs


def test_same_instant_three_ways():
    cst = timezone(timedelta(hours=8))
    a = hs.parse_instant("2026-03-09T09:00:00+08:00")
    b = hs.parse_instant(datetime(2026, 3, 9, 9, 0, tzinfo=cst))
    c = hs.parse_instant(datetime(2026, 3, 9, 1, 0, tzinfo=timezone.utc))
    assert a == b == c == 1_773_018_000_000
    assert hs.parse_instant(a) == a
    assert hs.format_instant(a) == "2026-03-09T09:00:00+08:00"


def test_naive_timestamp_is_a_typed_error():
    with pytest.raises(hs.HotlineScoreError) as info:
        hs.parse_instant("2026-03-09T09:00:00")
    assert info.value.code == "missing_offset"
    assert isinstance(info.value, ValueError)
    assert "ZoneInfo" in str(info.value)  # the fix in Python terms, not the core's
    assert "local time" not in str(info.value)
    with pytest.raises(hs.InputError) as info:
        hs.parse_instant(datetime(2026, 3, 9, 9, 0))
    assert info.value.code == "missing_offset"
    message = str(info.value)
    # Says how to fix it in Python: attach a timezone, or pass an offset string or epoch ms.
    assert "2026-03-09T09:00:00" in message
    assert "tzinfo=ZoneInfo(\"Asia/Shanghai\")" in message
    assert "+08:00" in message and "epoch milliseconds" in message
    assert "local time" not in message
    # The fix it suggests works.
    fixed = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert hs.parse_instant(fixed) == hs.parse_instant("2026-03-09T09:00:00+08:00")
    # Wherever an instant is read: a Board query, a calendar operation, a row of a table.
    board = hs.Board("three-rates", [{"unit": "u1", "group": "units"}])
    with pytest.raises(hs.InputError, match="ZoneInfo") as info:
        board.standings(datetime(2026, 3, 9, 9, 0))
    assert info.value.code == "missing_offset"
    with pytest.raises(hs.InputError, match="ZoneInfo"):
        hs.Calendar.prc().add_working_array([datetime(2026, 3, 9, 9, 0)], 1)
    # A cell of a data set is the ticket's problem (its id, event and field named; lenient
    # loading skips the ticket), as the same text in a string cell is (a data audit: the load
    # stopped, even in lenient mode, without naming the ticket).
    rows = [{"ticket_id": "T", "kind": "help", "received_at": datetime(2026, 3, 9, 9, 0)}]
    with pytest.raises(hs.DataError, match="no UTC offset") as data:
        hs.load_rows(rows, [])
    assert (data.value.code, data.value.ticket_id, data.value.field, data.value.row) == (
        "malformed_timestamp",
        "T",
        "received_at",
        0,
    )


def test_local_offset_reads_times_without_one():
    """With `local_offset`, text without an offset and naive datetimes are local time in it (a
    database export's DATETIME, or a spreadsheet's `2026/3/9 9:00`); values that carry their
    instant keep it."""
    want = hs.parse_instant("2026-03-09T09:00:00+08:00")
    local = ["2026-03-09T09:00:00", "2026-03-09 09:00", "2026/3/9 9:00", datetime(2026, 3, 9, 9, 0)]
    for value in local:
        assert hs.parse_instant(value, local_offset="+08:00") == want, value
        assert hs.parse_instant(value, local_offset="+09:00") == want - 3_600_000, value
    for value in ["2026-03-09T01:00:00Z", datetime(2026, 3, 9, 1, 0, tzinfo=timezone.utc), want]:
        assert hs.parse_instant(value, local_offset="-05:00") == want
    with pytest.raises(hs.InputError) as info:
        hs.parse_instant("2026-03-09 09:00", local_offset="8h")
    assert (info.value.code, info.value.field) == ("invalid_offset", "local_offset")
    assert "+08:00" in str(info.value)
    with pytest.raises(hs.HotlineScoreError) as error:
        hs.parse_instant("2026-03-09 9h", local_offset="+08:00")
    assert error.value.code == "invalid_instant"
    with pytest.raises(TypeError):
        hs.parse_instant(1.5, local_offset="+08:00")


def test_parse_amount_gives_the_canonical_form():
    assert hs.parse_amount("30m") == "30m"
    assert hs.parse_amount("120m") == "2h"
    assert hs.parse_amount("2wh") == "2wh"
    assert hs.parse_amount(" 3wd ") == "3wd"
    assert hs.parse_amount("24h") == "24h"
    with pytest.raises(hs.InputError) as info:
        hs.parse_amount("1.5h")
    assert info.value.code == "invalid_amount"


def test_wrong_type():
    with pytest.raises(TypeError):
        hs.parse_instant(1.5)


def test_numpy_datetime64_says_how_to_pass_it():
    np = pytest.importorskip("numpy")
    value = np.datetime64("2026-03-09T01:00:00.000")
    with pytest.raises(TypeError, match="numpy.datetime64 has no time zone") as info:
        hs.parse_instant(value)
    # Both ways the message gives work, and mean the same UTC instant.
    pd = pytest.importorskip("pandas")
    want = hs.parse_instant("2026-03-09T01:00:00Z")
    assert 'pd.Timestamp(value, tz="UTC")' in str(info.value)
    assert hs.parse_instant(pd.Timestamp(value, tz="UTC")) == want
    assert hs.parse_instant(int(value.astype("datetime64[ms]").astype("int64"))) == want


def test_a_datetime_with_microseconds_says_how_to_drop_them():
    # `datetime.now(tz)` has microseconds; instants are whole milliseconds, and an argument is
    # never rounded silently: the error says the Python fix, which then works.
    now = datetime(2026, 3, 9, 9, 0, 0, 850_098, tzinfo=ZoneInfo("Asia/Shanghai"))
    with pytest.raises(hs.InputError) as info:
        hs.Calendar().add_working(now, 3_600_000)
    assert info.value.code == "invalid_instant"
    assert "value.replace(microsecond=value.microsecond // 1000 * 1000)" in str(info.value)
    fixed = now.replace(microsecond=now.microsecond // 1000 * 1000)
    assert hs.parse_instant(fixed) == hs.parse_instant("2026-03-09T09:00:00.850+08:00")
    # Whole milliseconds written as microseconds are fine.
    assert hs.parse_instant(now.replace(microsecond=123_000)) % 1000 == 123
