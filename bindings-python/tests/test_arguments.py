"""Arguments the binding cannot use are typed errors naming the argument, never a bare
OverflowError / TypeError / OSError; single paths and dicts where lists are usual; partial
states from lists of dicts."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

import hotline_score as hs

CAL = hs.Calendar.prc()
T = "2026-03-02T09:00:00+08:00"


def refused(call: Callable[[], Any]) -> hs.InputError:
    with pytest.raises(hs.InputError) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: CAL.working_days_deadline(T, -1), "n"),
        (lambda: CAL.working_days_deadline(T, 2**32), "n"),
        (lambda: CAL.working_days_deadline_array([T], -1), "n"),
        (lambda: CAL.add_working(T, 2**63), "ms"),
        (lambda: CAL.sub_working(T, -(2**63) - 1), "ms"),
        (lambda: CAL.add_working(T, 1.5), "ms"),
        (lambda: CAL.add_working_days("2026-03-02", 2**70), "n"),
        (lambda: CAL.add_working_array([T], 2**63), "ms"),
        (lambda: CAL.add_working_array([T, T], [1, 2**63]), "ms[1]"),
        (lambda: CAL.sub_working_array([T], ["1h"]), "ms[0]"),
        (lambda: CAL.add_working_array([T], "3600000"), "ms"),
        (lambda: hs.synthetic_city(days=-1), "days"),
        (lambda: hs.synthetic_city(seed=2**64), "seed"),
        (lambda: hs.synthetic_city(units=-3), "units"),
        (lambda: hs.synthetic_city(tickets_per_day=True), "tickets_per_day"),
        (lambda: hs.synthetic_city(quality_spread="x"), "quality_spread"),
        (lambda: hs.format_instant(2**63), "ms"),
        (lambda: hs.format_instant("0"), "ms"),
        (lambda: hs.parse_instant(2**70), "instant"),
        (lambda: CAL.add_working(-(2**64), 1), "instant"),
    ],
)
def test_whole_numbers_out_of_range_are_input_errors(call: Callable[[], Any], field: str) -> None:
    err = refused(call)
    assert (err.code, err.field) == ("invalid_argument", field)
    assert f"`{field}`" in str(err)


def test_whole_numbers_in_range_still_work() -> None:
    assert CAL.working_days_deadline(T, 0) == CAL.working_days_deadline(T, False or 0)
    assert CAL.add_working_array([T, None], [3_600_000, None]) == [CAL.add_working(T, 3_600_000), None]
    assert CAL.add_working_array([T], 3_600_000) == [CAL.add_working(T, 3_600_000)]
    # A city's first day as a date or as its text: the same city.
    as_date = hs.synthetic_city(start=datetime.date(2026, 3, 2), days=1, tickets_per_day=5, units=3)
    as_text = hs.synthetic_city(start="2026-03-02", days=1, tickets_per_day=5, units=3)
    assert as_date[0].to_json() == as_text[0].to_json() and as_date[2] == as_text[2]
    tickets, units, _ = hs.synthetic_city(days=1, tickets_per_day=5, units=3)
    assert len(tickets) > 0 and units.num_rows == 3


@pytest.mark.parametrize(
    ("loader", "cls", "code"),
    [
        (hs.Policy.from_file, hs.PolicyError, "invalid_policy"),
        (hs.Scheme.from_file, hs.SchemeError, "scheme_invalid"),
        (hs.Calendar.from_file, hs.CalendarError, "invalid_calendar_data"),
    ],
)
def test_a_gbk_file_is_a_typed_error(tmp_path: Path, loader: Callable[[Path], Any], cls: type, code: str) -> None:
    path = tmp_path / "limits.toml"
    path.write_bytes('name = "河南"\n'.encode("gbk"))
    with pytest.raises(cls) as info:
        loader(path)
    err = info.value
    assert (err.code, err.line, err.column) == (code, 1, 9)
    assert "not UTF-8 text: re-save it as UTF-8" in str(err)
    assert "iconv -f gb18030 -t utf-8" in str(err)
    if cls is hs.SchemeError:
        assert [(p["code"], p["line"], p["column"]) for p in err.problems] == [("invalid_encoding", 1, 9)]


@pytest.mark.parametrize("loader", [hs.Policy.from_file, hs.Scheme.from_file, hs.Calendar.from_file])
def test_a_file_that_cannot_be_read_is_a_file_error_and_an_os_error(tmp_path: Path, loader: Callable[[Path], Any]) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(hs.FileError) as info:
        loader(missing)
    err = info.value
    assert isinstance(err, OSError) and isinstance(err, hs.HotlineScoreError)
    assert (err.code, err.field) == ("cannot_read", "path")
    assert str(err) == f"cannot read {missing}: No such file or directory (os error 2)"
    directory = tmp_path / "directory.toml"
    directory.mkdir()
    with pytest.raises(OSError, match="cannot read"):
        loader(directory)


def test_calendar_data_files_one_path_or_many_and_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": 1, "notices": []}), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[[notices]]\nbogus = 1\n", encoding="utf-8")
    base = hs.Calendar(prc=False, template={"weekdays": ["09:00-17:00"]}, coverage=["2026-01-01", "2026-12-31"])
    for files in (str(good), good, [good], [str(good)]):
        cal = hs.Calendar(
            prc=False, template={"weekdays": ["09:00-17:00"]}, coverage=["2026-01-01", "2026-12-31"], data_files=files
        )
        assert cal.add_working(T, 3_600_000) == base.add_working(T, 3_600_000)
    for files in (str(bad), [good, bad]):
        with pytest.raises(hs.CalendarError) as info:
            hs.Calendar(data_files=files)
        assert info.value.code == "unknown_calendar_key"
        assert str(info.value).startswith(f"{bad}: ")
    err = refused(lambda: hs.Calendar(data_files=5))
    assert (err.code, err.field) == ("invalid_option", "data_files")


def test_calendar_data_one_dict_or_many() -> None:
    data = {"format": 1, "notices": []}
    kw: dict[str, Any] = dict(prc=False, template={"weekdays": ["09:00-17:00"]}, coverage=["2026-01-01", "2026-12-31"])
    assert hs.Calendar(data=data, **kw).add_working(T, 1) == hs.Calendar(data=[data], **kw).add_working(T, 1)


def test_partial_from_a_list_of_dicts() -> None:
    city, units, as_of = hs.synthetic_city(days=5, tickets_per_day=30, units=5)
    period = hs.Scheme.preset("sanmenxia").period_at(as_of)
    partial = hs.Evaluator(units).partial(city, period=period, as_of=as_of)
    rows = partial.to_table().to_pylist()
    # The row form carries the counters, not the scope.
    units_of = lambda p: json.loads(p.to_json())["units"]  # noqa: E731
    assert units_of(hs.Partial.from_table(rows, units)) == units_of(partial)
    # Rows of one unit add up.
    zero = [{**r, **{k: 0 for k in r if k != "unit"}} for r in rows]
    assert units_of(hs.Partial.from_table(rows + zero, units)) == units_of(partial)
    # A None or missing counter is refused, not read as 0 (an outer join leaves None where counts
    # were; a shards audit). Whole decimals (Postgres' SUM) are the integers they are.
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table([rows[0], {**rows[1], "lead_due": None}], units)
    assert (info.value.code, info.value.field, info.value.row) == ("invalid_cell_type", "lead_due", 1)
    missing = {k: v for k, v in rows[1].items() if k != "lead_due"}
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table([rows[0], missing], units)
    assert (info.value.code, info.value.field, info.value.row) == ("missing_column", "lead_due", 1)
    decimals = [{k: (v if k == "unit" else Decimal(v)) for k, v in r.items()} for r in rows]
    assert units_of(hs.Partial.from_table(decimals, units)) == units_of(partial)
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table([{**rows[0], "lead_due": Decimal("1.5")}], units)
    assert (info.value.code, info.value.field) == ("invalid_cell_type", "lead_due")
    # An empty shard's list of dicts is an empty partial.
    assert len(hs.Partial.from_table([], units)) == 0
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table([{**rows[0], "lead_due": "3"}], units)
    assert (info.value.code, info.value.field, info.value.row) == ("invalid_cell_type", "lead_due", 0)
    err = refused(lambda: hs.Partial.from_table("unit,lead_due", units))
    assert (err.code, err.field) == ("invalid_table", "partial")


def test_a_bad_date_argument_is_an_input_error_in_every_form() -> None:
    # A string that is no date was the core's CalendarError, a datetime the binding's
    # InputError: `except hs.InputError` missed the string (an audit).
    import datetime as dt

    for value in ["2026-02-30", dt.datetime(2026, 2, 1), "2026-02-01..2026-02-03", 20260201]:
        err = refused(lambda: CAL.day_kind(value))
        assert (err.code, err.field) == ("invalid_date", "date"), value
