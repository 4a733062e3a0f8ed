"""Calendar API: constructors, every operation, vectorised forms and the invariants of SPEC §2.3
(hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotline_score as hs

CST = dt.timezone(dt.timedelta(hours=8))
HOUR = 3_600_000
CAL = hs.Calendar.prc()


def ms(text: str) -> int:
    return hs.parse_instant(text)


def test_prc_defaults() -> None:
    cal = hs.Calendar()
    assert cal.offset == "+08:00"
    assert cal.first_date == dt.date(2017, 1, 1)
    assert cal.last_date == dt.date(2026, 12, 31)
    assert cal.predicted_from is None
    assert "2017-01-01..2026-12-31" in repr(cal)


def test_operations() -> None:
    fri = dt.datetime(2026, 2, 13, 16, 30, tzinfo=CST)
    due = CAL.add_working(fri, 2 * HOUR)
    assert hs.format_instant(due) == "2026-02-14T10:00:00+08:00"  # make-up Saturday
    assert hs.format_instant(due, "+00:00") == hs.format_instant(due, "Z") == "2026-02-14T02:00:00Z"
    assert hs.format_instant(due + 5, "-05:00") == "2026-02-13T21:00:00.005-05:00"
    assert CAL.working_between(fri, due) == 2 * HOUR
    assert CAL.working_between(due, fri) == -2 * HOUR
    assert CAL.sub_working(due, 2 * HOUR) == ms("2026-02-13T16:30:00+08:00")
    assert CAL.add_working(fri, 0) == hs.parse_instant(fri)
    assert CAL.next_working_instant("2026-02-13T12:30:00+08:00") == ms("2026-02-13T13:30:00+08:00")
    assert CAL.day_kind(dt.date(2026, 2, 17)) == "holiday"
    assert CAL.day_kind("2026-02-20") == "in_lieu"
    assert CAL.day_kind("2026-02-14") == "adjusted_workday"
    assert CAL.day_kind("2026-03-07") == "weekend"
    assert CAL.day_kind("2026-03-09") == "workday"
    assert CAL.is_workday("2026-02-14") and not CAL.is_workday("2026-02-15")
    assert CAL.add_working_days("2026-02-14", 1) == dt.date(2026, 2, 24)
    assert CAL.add_working_days(dt.date(2026, 2, 24), -1) == dt.date(2026, 2, 14)
    assert CAL.working_days_between("2026-01-01", "2027-01-01") == 248
    sat = "2026-02-14T17:00:00+08:00"
    assert CAL.working_days_deadline(sat, 1) == ms("2026-02-24T17:30:00+08:00")
    fri10 = "2026-02-13T10:00:00+08:00"
    got = CAL.working_days_deadline(fri10, 1, count_start_day=True, deadline_at="midnight")
    assert got == ms("2026-02-14T00:00:00+08:00")
    with pytest.raises(hs.InputError) as info:
        CAL.working_days_deadline(fri10, 1, deadline_at="noon")
    assert info.value.field == "deadline_at"


def test_whole_day_clock() -> None:
    clock = CAL.whole_day()
    due = clock.add_working("2026-03-06T15:00:00+08:00", 24 * HOUR)
    assert due == ms("2026-03-09T15:00:00+08:00")


def test_versions_as_known_on() -> None:
    before = hs.Calendar(as_known_on="2019-03-21")
    after = hs.Calendar(as_known_on=dt.date(2019, 3, 22))
    assert before.is_workday("2019-05-02") is True
    assert after.is_workday("2019-05-02") is False


def test_template_offset_coverage_and_predict() -> None:
    cal = hs.Calendar(
        prc=False,
        template={"every_day": ["00:00-24:00"]},
        coverage=("2026-01-01", "2026-12-31"),
        offset="+00:00",
    )
    assert cal.offset == "+00:00"
    assert cal.working_between("2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z") == 24 * HOUR
    predicted = hs.Calendar(predict=True)
    assert predicted.predicted_from == dt.date(2027, 1, 1)
    assert predicted.is_predicted("2027-03-01")
    t = "2026-12-31T17:00:00+08:00"
    out = predicted.add_working(t, 2 * HOUR)
    assert predicted.uses_prediction(t, out)
    through = hs.Calendar(predict=dt.date(2027, 6, 30))
    assert through.last_date == dt.date(2027, 6, 30)
    assert hs.Calendar(ignore_adjusted_workdays=True).day_kind("2026-02-14") == "weekend"


def test_dated_templates_as_pairs_or_dicts() -> None:
    summer = {"weekdays": ["08:00-12:00", "15:00-18:00"]}
    a = hs.Calendar(dated_templates=[("2026-06-01", summer)])
    b = hs.Calendar(dated_templates=[{"from": "2026-06-01", "template": summer}])
    t = "2026-06-01T12:00:00+08:00"
    assert a.next_working_instant(t) == b.next_working_instant(t) == ms("2026-06-01T15:00:00+08:00")


def test_data_from_file_and_dict(tmp_path: Path) -> None:
    data = {
        "notices": [
            {
                "year": 2027,
                "holidays": [
                    {"name": "New Year's Day", "statutory": ["2027-01-01"], "off": ["2027-01-01"]}
                ],
            }
        ]
    }
    layered = hs.Calendar.from_dict(data, prc=True)
    assert layered.day_kind("2027-01-01") == "holiday"
    assert layered.day_kind("2026-10-01") == "holiday"
    alone = hs.Calendar.from_dict(data)
    assert alone.first_date == dt.date(2027, 1, 1)
    path = tmp_path / "cal.toml"
    path.write_text(
        '[[notices]]\nyear = 2027\n[[notices.holidays]]\nname = "x"\noff = ["2027-01-04"]\n',
        encoding="utf-8",
    )
    from_file = hs.Calendar.from_file(path)
    assert from_file.day_kind("2027-01-04") == "in_lieu"
    assert hs.Calendar.from_file(str(path), prc=True).is_workday("2026-02-14")
    # A data file's text (TOML, or JSON) is data too, alone or in a list with dicts.
    text = path.read_text(encoding="utf-8")
    from_text = hs.Calendar(prc=False, data=text)
    assert (from_text.first_date, from_text.day_kind("2027-01-04")) == (dt.date(2027, 1, 1), "in_lieu")
    both = hs.Calendar(data=[json.dumps(data), text])
    assert both.day_kind("2027-01-01") == "holiday" and both.day_kind("2027-01-04") == "in_lieu"
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar(data="[[notices]]\nyear = 2027\nyeer = 1\n")
    assert (info.value.code, info.value.field, info.value.line) == ("unknown_calendar_key", "yeer", 3)


def test_calendar_errors_carry_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[notices]]\nyear = 2027\nyeer = 1\n", encoding="utf-8")
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar.from_file(bad)
    err = info.value
    assert err.code == "unknown_calendar_key"
    assert (err.field, err.line) == ("yeer", 3)
    assert err.column == 1
    with pytest.raises(hs.CalendarError) as info:
        hs.Calendar(template={"mon": ["09:00-12:00", "11:00-13:00"]})
    assert info.value.code == "overlapping_intervals"
    with pytest.raises(hs.CalendarError) as info:
        CAL.day_kind("2027-01-04")
    assert (info.value.code, info.value.date) == ("out_of_coverage", "2027-01-04")
    with pytest.raises(hs.InputError) as info:
        CAL.day_kind(dt.datetime(2026, 1, 1, tzinfo=CST))
    assert info.value.code == "invalid_date"
    with pytest.raises(hs.InputError):
        hs.Calendar(offset="8")
    with pytest.raises(TypeError):
        hs.Calendar.from_dict("cal.toml")


# --- vectorised ---------------------------------------------------------------------------

T0 = ms("2026-02-13T16:30:00+08:00")


def test_vectorised_lists() -> None:
    got = CAL.add_working_array([T0, None, "2026-02-13T16:30:00+08:00"], 2 * HOUR)
    assert got == [CAL.add_working(T0, 2 * HOUR), None, CAL.add_working(T0, 2 * HOUR)]
    assert CAL.sub_working_array([T0], [HOUR]) == [CAL.sub_working(T0, HOUR)]
    assert CAL.working_between_array([T0], [T0 + HOUR]) == [CAL.working_between(T0, T0 + HOUR)]
    assert CAL.next_working_instant_array([T0 + 2 * HOUR]) == [CAL.next_working_instant(T0 + 2 * HOUR)]
    assert CAL.working_days_deadline_array([T0], 3) == [CAL.working_days_deadline(T0, 3)]


def test_vectorised_pyarrow_and_polars() -> None:
    ts = pa.array([T0, T0 + HOUR, None], pa.timestamp("ms", tz="Asia/Shanghai"))
    out = CAL.add_working_array(ts, 2 * HOUR)
    assert isinstance(out, pa.Array)
    # In the input's zone: the result compares with the column it came from.
    assert out.type == pa.timestamp("ms", tz="Asia/Shanghai")
    assert out.cast(pa.int64()).to_pylist() == [
        CAL.add_working(T0, 2 * HOUR),
        CAL.add_working(T0 + HOUR, 2 * HOUR),
        None,
    ]
    chunked = pa.chunked_array([pa.array([T0], pa.int64()), pa.array([T0 + HOUR], pa.int64())])
    between = CAL.working_between_array(chunked, pa.array([T0 + HOUR, T0 + 2 * HOUR]))
    assert between.type == pa.int64()
    assert between.to_pylist() == [CAL.working_between(T0, T0 + HOUR), CAL.working_between(T0 + HOUR, T0 + 2 * HOUR)]
    series = pl.Series("t", [dt.datetime(2026, 2, 13, 16, 30, tzinfo=CST)])
    res = CAL.add_working_array(series, 2 * HOUR)
    assert isinstance(res, pl.Series)
    assert res.dt.epoch("ms").to_list() == [CAL.add_working(T0, 2 * HOUR)]
    # polars compares datetimes of one zone only: the result keeps the input's (a fixed +08:00
    # zone was a SchemaError against an Asia/Shanghai column; a Python audit).
    frame = pl.DataFrame({"t": series.dt.convert_time_zone("Asia/Shanghai")})
    later = frame.with_columns(due=CAL.add_working_array(frame["t"], 2 * HOUR)).filter(pl.col("due") > pl.col("t"))
    assert later.height == 1
    # Text has no zone: the calendar's offset.
    assert CAL.add_working_array(pa.array(["2026-02-13T16:30:00+08:00"]), HOUR).type == pa.timestamp("ms", tz="+08:00")
    strings = pa.array(["2026-02-13T16:30:00+08:00"])
    assert CAL.next_working_instant_array(strings).cast(pa.int64()).to_pylist() == [
        CAL.next_working_instant(T0)
    ]


def test_vectorised_pandas_series_and_missing_values() -> None:
    import numpy as np
    import pandas as pd

    # A pandas Series gives a pandas Series, its index and name kept and its zone too (the
    # input's): stored in a frame, the column is still zone-aware (a pyarrow array lost the zone
    # there) and compares with the input's column.
    df = pd.DataFrame({"t": pd.to_datetime([T0, T0 + HOUR], unit="ms", utc=True)}, index=[10, 20])
    df["due"] = CAL.add_working_array(df["t"], 2 * HOUR)
    assert str(df["due"].dtype) == "datetime64[ms, UTC]"
    assert bool((df["due"] > df["t"]).all())
    assert df.index.tolist() == [10, 20]
    want = [CAL.add_working(T0, 2 * HOUR), CAL.add_working(T0 + HOUR, 2 * HOUR)]
    assert [int(x.timestamp() * 1000) for x in df["due"]] == want
    between = CAL.working_between_array(df["t"], df["due"])
    assert isinstance(between, pd.Series) and between.name == "t"
    assert between.tolist() == [2 * HOUR, 2 * HOUR]
    # Durations are integers, a null one pandas' NA (not float64 and NaN).
    with_nat = pd.Series([df["t"].iloc[0], pd.NaT], name="t")
    gaps = CAL.working_between_array(with_nat, with_nat)
    assert str(gaps.dtype) == "Int64" and gaps.tolist() == [0, pd.NA]
    # In a sequence, pandas' and numpy's missing values are nulls, as None is.
    missing = [T0, None, pd.NaT, pd.NA, float("nan"), np.float32("nan"), np.datetime64("NaT")]
    assert CAL.add_working_array(missing, 1) == [CAL.add_working(T0, 1)] + [None] * 6
    # Amounts are integers: a numpy array of them is read as a sequence (it was taken for one
    # int and refused), a timestamp column refused (it was read as milliseconds since 1970; a
    # calendar audit), as `add_working` refuses a datetime.
    pair = [T0, T0 + HOUR]
    # Instants as an integer column are epoch ms: epoch seconds are refused there too, as an
    # `int` is (a review: an Arrow int array was read as 1970); a timestamp column is typed.
    for seconds in (pa.array([T0 // 1000]), pd.Series([T0 // 1000])):
        with pytest.raises(hs.InputError, match="as epoch seconds"):
            CAL.add_working_array(seconds, HOUR)
    stamps = pa.array([T0 // 1000], pa.timestamp("s", tz="UTC"))
    assert CAL.add_working_array(stamps, HOUR).to_pylist()[0].timestamp() * 1000 == CAL.add_working(T0, HOUR)
    assert CAL.add_working_array(pair, np.array(HOUR)) == [CAL.add_working(t, HOUR) for t in pair]
    assert CAL.add_working_array(pair, pd.Series([np.nan, np.nan])) == [None, None]
    assert CAL.add_working_array(pair, np.array([HOUR, 2 * HOUR])) == [
        CAL.add_working(T0, HOUR),
        CAL.add_working(T0 + HOUR, 2 * HOUR),
    ]
    for stamps in (pd.Series(pd.to_datetime([HOUR, HOUR], unit="ms", utc=True)), pa.array([HOUR, HOUR], pa.timestamp("s", tz="UTC"))):
        with pytest.raises(hs.InputError) as info:
            CAL.add_working_array(pair, stamps)
        assert info.value.code == "invalid_column_type" and "integers" in str(info.value)


def test_vectorised_sub_millisecond_instants_are_refused_as_scalars_are() -> None:
    # An instant argument with digits below the millisecond is refused, whatever its form (a
    # cross-language audit: timestamp[us] and polars arrays were floored without a word).
    exact = dt.datetime(2026, 2, 13, 16, 30, 0, 123000, tzinfo=CST)
    fine = CAL.add_working_array(pa.array([exact, exact], pa.timestamp("us", tz="Asia/Shanghai")), HOUR)
    assert fine.cast(pa.int64()).to_pylist() == [CAL.add_working(exact, HOUR)] * 2
    odd = exact.replace(microsecond=123456)
    with pytest.raises(hs.InputError) as scalar:
        CAL.add_working(odd, HOUR)
    for array in (
        pa.array([exact, odd], pa.timestamp("us", tz="Asia/Shanghai")),
        pa.array([exact, odd], pa.timestamp("ns", tz="UTC")),
        pl.Series("t", [exact, odd]),
        [exact, odd],
    ):
        with pytest.raises(hs.InputError) as info:
            CAL.add_working_array(array, HOUR)
        assert info.value.code == scalar.value.code == "invalid_instant"
        if not isinstance(array, list):
            assert (info.value.field, info.value.row) == ("t", 1), str(info.value)


def test_vectorised_errors() -> None:
    far = 10**12
    with pytest.raises(hs.CalendarError) as info:
        CAL.add_working_array([T0], far)
    assert info.value.code == "out_of_coverage"
    assert CAL.add_working_array([T0, T0], [far, HOUR], errors="null") == [None, CAL.add_working(T0, HOUR)]
    with pytest.raises(hs.InputError) as info:
        CAL.add_working_array([T0], [1, 2])
    assert info.value.code == "length_mismatch"
    naive = pa.array([0], pa.timestamp("ms"))
    with pytest.raises(hs.InputError) as info:
        CAL.add_working_array(naive, 1)
    assert info.value.code == "invalid_column_type"
    assert "tz_localize" in str(info.value)
    with pytest.raises(hs.InputError):
        CAL.add_working_array(pa.array([1.5]), 1)
    with pytest.raises(hs.InputError):
        CAL.add_working_array([T0], 1, errors="ignore")
    with pytest.raises(TypeError):
        CAL.add_working_array("2026-02-13T16:30:00+08:00", 1)


# --- invariants (SPEC §2.3) ---------------------------------------------------------------

LO = ms("2017-04-01T00:00:00+08:00")
HI = ms("2026-10-01T00:00:00+08:00")
instants = st.integers(min_value=LO, max_value=HI)
amounts = st.integers(min_value=0, max_value=300 * HOUR)
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(instants, amounts)
def test_add_then_between_is_identity(t: int, d: int) -> None:
    due = CAL.add_working(t, d)
    assert due >= t
    assert CAL.working_between(t, due) == d
    # The earliest such instant: one millisecond less is not enough.
    if d > 0:
        assert CAL.working_between(t, due - 1) < d


@SETTINGS
@given(instants, amounts)
def test_sub_then_between_is_identity(t: int, d: int) -> None:
    start = CAL.sub_working(t, d)
    assert start <= t
    assert CAL.working_between(start, t) == d
    assert CAL.add_working(start, d) <= t


@SETTINGS
@given(instants, instants, amounts, amounts)
def test_add_is_monotonic(t1: int, t2: int, d1: int, d2: int) -> None:
    a, b = sorted((t1, t2))
    lo, hi = sorted((d1, d2))
    assert CAL.add_working(a, lo) <= CAL.add_working(b, lo)
    assert CAL.add_working(a, lo) <= CAL.add_working(a, hi)


@SETTINGS
@given(instants, instants)
def test_between_is_antisymmetric_and_additive(a: int, b: int) -> None:
    m = (a + b) // 2
    assert CAL.working_between(a, b) == -CAL.working_between(b, a)
    assert CAL.working_between(a, b) == CAL.working_between(a, m) + CAL.working_between(m, b)


@settings(max_examples=50, deadline=None)
@given(st.lists(instants, min_size=1, max_size=20), amounts)
def test_vectorised_equals_scalar(ts: list[int], d: int) -> None:
    assert CAL.add_working_array(ts, d) == [CAL.add_working(t, d) for t in ts]
    arr = CAL.add_working_array(pa.array(ts, pa.int64()), d)
    assert arr.cast(pa.int64()).to_pylist() == [CAL.add_working(t, d) for t in ts]


# --- working days (SPEC §2.3; docs/CALENDAR_CASES.md: "N working days" counts from the day after the
# start day and ends at 17:30 of the N-th working day) ---------------------------------------

DAY = dt.timedelta(days=1)
# Far enough inside the built-in coverage (2017–2026) for ±60 working days either way.
dates = st.dates(min_value=dt.date(2017, 4, 1), max_value=dt.date(2026, 8, 31))
day_counts = st.integers(min_value=-60, max_value=60)
positive_counts = st.integers(min_value=1, max_value=60)


@SETTINGS
@given(dates, day_counts)
def test_add_working_days_then_between_is_identity(d: dt.date, n: int) -> None:
    e = CAL.add_working_days(d, n)
    if n == 0:
        assert e == d
        return
    # The start day is not counted: forward, the days in (d, e]; backward, those in [e, d).
    assert CAL.is_workday(e)
    if n > 0:
        assert e > d and CAL.working_days_between(d + DAY, e + DAY) == n
    else:
        assert e < d and CAL.working_days_between(d, e) == n


@SETTINGS
@given(dates, positive_counts)
def test_add_working_days_round_trips_from_a_workday(d: dt.date, n: int) -> None:
    start = CAL.add_working_days(d, 1)  # a working day
    assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start
    assert CAL.add_working_days(CAL.add_working_days(start, -n), n) == start


@SETTINGS
@given(dates, dates, day_counts, day_counts)
def test_add_working_days_is_monotonic(d1: dt.date, d2: dt.date, n1: int, n2: int) -> None:
    a, b = sorted((d1, d2))
    lo, hi = sorted((n1, n2))
    assert CAL.add_working_days(a, lo) <= CAL.add_working_days(b, lo)
    if lo < hi:
        assert CAL.add_working_days(a, lo) < CAL.add_working_days(a, hi)


@SETTINGS
@given(dates, dates, dates)
def test_working_days_between_counts_workdays(a: dt.date, b: dt.date, c: dt.date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    ab, bc = CAL.working_days_between(a, b), CAL.working_days_between(b, c)
    assert ab + bc == CAL.working_days_between(a, c)
    assert CAL.working_days_between(a, a + DAY) == int(CAL.is_workday(a))


@SETTINGS
@given(instants, positive_counts)
def test_working_days_deadline_ends_the_nth_working_day(t: int, n: int) -> None:
    due = CAL.working_days_deadline(t, n)
    start_day = dt.datetime.fromtimestamp(t / 1000, CST).date()
    last_day = CAL.add_working_days(start_day, n)
    # Default: the end of office hours (17:30 in the PRC calendar) of the N-th working day after
    # the start day.
    assert due == ms(f"{last_day.isoformat()}T17:30:00+08:00")
    midnight = CAL.working_days_deadline(t, n, deadline_at="midnight")
    assert midnight == ms(f"{(last_day + DAY).isoformat()}T00:00:00+08:00")
    assert CAL.working_between(due, midnight) == 0  # nothing left of that working day
    # 含本数: a start during a working day (before 17:30) is day 1, so the deadline is one
    # working day earlier; a start after office hours counts from the next working day.
    counted = CAL.working_days_deadline(t, n, count_start_day=True)
    if CAL.is_workday(start_day) and t < ms(f"{start_day.isoformat()}T17:30:00+08:00"):
        if n > 1:
            assert counted == CAL.working_days_deadline(t, n - 1)
        else:  # day 1 is the start day itself
            assert counted == ms(f"{start_day.isoformat()}T17:30:00+08:00")
    else:
        assert counted == due


@SETTINGS
@given(instants, instants, positive_counts)
def test_working_days_deadline_is_monotonic(t1: int, t2: int, n: int) -> None:
    a, b = sorted((t1, t2))
    assert CAL.working_days_deadline(a, n) <= CAL.working_days_deadline(b, n)
    # Each further working day adds exactly one working day of office hours (7 h in the PRC
    # calendar).
    day_n, day_n1 = CAL.working_days_deadline(a, n), CAL.working_days_deadline(a, n + 1)
    assert CAL.working_between(day_n, day_n1) == 7 * HOUR
    assert CAL.working_days_deadline(a, 0) == a


@settings(max_examples=50, deadline=None)
@given(
    st.lists(instants, min_size=1, max_size=20),
    positive_counts,
    st.booleans(),
    st.sampled_from(["end_of_office_hours", "midnight"]),
)
def test_working_days_deadline_vectorised_equals_scalar(
    ts: list[int], n: int, count: bool, at: str
) -> None:
    opts = {"count_start_day": count, "deadline_at": at}
    want = [CAL.working_days_deadline(t, n, **opts) for t in ts]
    assert CAL.working_days_deadline_array(ts, n, **opts) == want
    arr = CAL.working_days_deadline_array(pa.array(ts, pa.int64()), n, **opts)
    assert arr.cast(pa.int64()).to_pylist() == want
