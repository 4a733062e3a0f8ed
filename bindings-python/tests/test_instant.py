from datetime import datetime, timedelta, timezone

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
    with pytest.raises(hs.InputError) as info:
        hs.parse_instant(datetime(2026, 3, 9, 9, 0))
    assert info.value.code == "missing_offset"
    assert "+08:00" in str(info.value)


def test_wrong_type():
    with pytest.raises(TypeError):
        hs.parse_instant(1.5)
