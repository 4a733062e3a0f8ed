"""DataFrames as analysts hold them: filtered pandas frames (their index is not data), records
from ``to_dict("records")`` with pandas' missing markers, values no JSON form has, integer
categoricals, uint64 ids and polars' all-null columns."""

from __future__ import annotations

import decimal
import json
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import hotline_score as hs

RECEIVED = "2026-03-02T09:00:00+08:00"
TICKETS = pd.DataFrame(
    {"ticket_id": ["T1", "T2", "T3", "T4"], "kind": ["help"] * 4, "received_at": [RECEIVED] * 4}
)
EVENTS = pd.DataFrame(
    {
        "ticket_id": ["T1", "T1", "T1", "T1"],
        "at": [
            "2026-03-02T09:20:00+08:00",
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T11:00:00+08:00",
            "2026-03-02T12:00:00+08:00",
        ],
        "type": ["dispatched", "signed", "replied", "called_back"],
        "unit": ["u1", "u1", "u1", None],
        "satisfaction": [None, None, None, "satisfied"],
    }
)
UNITS = pd.DataFrame({"unit": ["u1", "u2"], "group": ["counties", "counties"]})


def attributes(tickets: hs.Tickets) -> list[dict[str, str]]:
    return [t["attributes"] for t in json.loads(tickets.to_json())]


# --- 1. pandas' index is not data -------------------------------------------------------------


def test_a_filtered_frames_index_is_not_an_attribute() -> None:
    filtered = TICKETS[TICKETS.ticket_id != "T2"]
    assert "__index_level_0__" in pa.table(filtered).column_names  # what pandas exports
    loaded = hs.load_rows(filtered, [])
    assert loaded.ids == ["T1", "T3", "T4"]
    assert attributes(loaded) == [{}, {}, {}]


def test_filtered_events_and_units_frames_load() -> None:
    events = EVENTS[EVENTS.type != "replied"]
    units = UNITS[UNITS.unit != "u2"]
    want = hs.load_rows(TICKETS, EVENTS[EVENTS.type != "replied"].reset_index(drop=True), [
        {"unit": "u1", "group": "counties"}
    ])
    got = hs.load_rows(TICKETS, events, units)
    assert got.to_json() == want.to_json()
    assert got.event_count == 3
    # Evaluator and Board read units tables the same way.
    assert hs.Evaluator(units).evaluate(got, as_of=RECEIVED).to_json() == (
        hs.Evaluator([{"unit": "u1", "group": "counties"}]).evaluate(got, as_of=RECEIVED).to_json()
    )
    board = hs.Board("sanmenxia", units)
    assert board.units().to_pylist() == [{"unit": "u1", "group": "counties", "name": ""}]


def test_a_named_index_is_the_column_it_names() -> None:
    indexed = TICKETS.set_index("ticket_id")
    assert hs.load_rows(indexed, []).to_json() == hs.load_rows(TICKETS, []).to_json()
    events = EVENTS.set_index("ticket_id")
    assert hs.load_rows(TICKETS, events).to_json() == hs.load_rows(TICKETS, EVENTS).to_json()


def test_a_column_that_only_looks_like_an_index_is_not_dropped_by_accident() -> None:
    # Only pandas' own pattern `__index_level_<n>__` is skipped.
    frame = TICKETS.assign(__index_level_x__="a")
    assert attributes(hs.load_rows(frame, []))[0] == {"__index_level_x__": "a"}


# --- 3 / 4. lists of dicts: missing markers are absent, other values are typed errors ----------


def test_records_with_pandas_missing_markers_load_like_the_frame() -> None:
    records = EVENTS.to_dict("records")
    # pandas writes NaN (pandas 3: for missing strings too) for the missing cells.
    assert any(isinstance(v, float) for r in records for v in r.values())
    want = hs.load_rows(TICKETS, EVENTS).to_json()
    assert hs.load_rows(TICKETS.to_dict("records"), records).to_json() == want
    marked = [{**r, "unit": pd.NA if r["unit"] is None else r["unit"]} for r in EVENTS.to_dict("records")]
    marked[3]["unit"] = pd.NA
    marked[0]["satisfaction"] = pd.NaT
    marked[1]["satisfaction"] = float("nan")
    assert hs.load_rows(TICKETS, marked).to_json() == want


def test_json_forms_read_missing_markers_as_absent() -> None:
    base = {"id": "T1", "kind": "help", "received_at": RECEIVED}
    want = hs.load_json([base]).to_json()
    for missing in (None, pd.NA, pd.NaT, float("nan"), np.float64("nan")):
        assert hs.load_json([{**base, "channel": missing}]).to_json() == want


@pytest.mark.parametrize("value", [b"bytes", object(), {1, 2}, float("inf"), 2**70])
def test_a_value_without_a_json_form_is_a_typed_error_naming_key_and_ticket(value: Any) -> None:
    ticket = {"id": "T7", "kind": "help", "received_at": RECEIVED, "channel": "web"}
    bad = {**ticket, "events": [{"at": RECEIVED, "type": "dispatched", "unit": value}]}
    with pytest.raises(hs.InputError) as info:
        hs.load_json([ticket, bad])
    err = info.value
    assert (err.code, err.ticket_id, err.event_index, err.field, err.row) == (
        "invalid_json_value",
        "T7",
        0,
        "unit",
        1,
    )
    assert '`source[1]["events"][0]["unit"]`' in str(err)
    assert repr(value) not in str(err).replace("infinite", "")


def test_json_forms_read_decimals_dates_and_numpy_scalars() -> None:
    t = pd.Timestamp("2026-03-02 09:00", tz="Asia/Shanghai")
    ticket = {"id": np.int64(7), "kind": "help", "received_at": t.to_pydatetime()}
    assert json.loads(hs.load_json([ticket]).to_json())[0]["id"] == "7"
    assert json.loads(hs.load_json([{**ticket, "received_at": t}]).to_json())[0]["received_at"] == RECEIVED
    units = [{"unit": "u1", "group": "counties"}]
    partial = hs.Evaluator(units).partial(hs.load_json([]), period=hs.Period(RECEIVED, "2026-03-03T00:00:00+08:00", "day"), as_of=RECEIVED)
    metrics = partial.finalize({"u1": {"praise": decimal.Decimal("2.5")}})
    assert json.loads(metrics.to_json())["external"] == {"u1": {"praise": "2.5"}}


def test_a_nan_in_a_configuration_dict_is_a_typed_error() -> None:
    with pytest.raises(hs.InputError) as info:
        hs.Calendar(template={"weekdays": float("nan")})
    assert (info.value.code, info.value.field) == ("invalid_json_value", "weekdays")
    assert "`template[\"weekdays\"]`" in str(info.value)
    with pytest.raises(hs.HotlineScoreError):
        hs.Calendar(template={"weekdays": [b"09:00-12:00"]})


# --- 2. uint64 beyond int64 --------------------------------------------------------------------

BIG = 2**64 - 1


def test_uint64_ids_and_attributes_keep_every_digit() -> None:
    tickets = pa.table(
        {
            "ticket_id": pa.array([BIG], pa.uint64()),
            "kind": ["help"],
            "received_at": [RECEIVED],
            "code": pa.array([BIG], pa.uint64()),
        }
    )
    events = pa.table(
        {
            "ticket_id": pa.array([BIG], pa.uint64()),
            "at": ["2026-03-02T09:20:00+08:00"],
            "type": ["dispatched"],
            "unit": ["u1"],
            "event_id": pa.array([BIG], pa.uint64()),
        }
    )
    [ticket] = json.loads(hs.load_rows(tickets, events).to_json())
    assert ticket["id"] == str(BIG)
    assert ticket["attributes"] == {"code": str(BIG)}
    assert ticket["events"][0]["event_id"] == str(BIG)
    # Lists of dicts and the units table (read column-wise) agree.
    rows = [{"ticket_id": BIG, "kind": "help", "received_at": RECEIVED, "code": BIG}]
    assert json.loads(hs.load_rows(rows, []).to_json())[0]["attributes"] == {"code": str(BIG)}
    units = pa.table({"unit": pa.array([BIG], pa.uint64()), "group": ["units"]})
    by_number = events.set_column(3, "unit", pa.array([BIG], pa.uint64()))
    loaded = hs.load_rows(tickets, by_number, units)
    assert json.loads(loaded.to_json())[0]["events"][0]["unit"] == str(BIG)
    assert hs.Evaluator(units).evaluate(loaded, as_of="2026-03-02T10:00:00+08:00").to_table().num_rows == 1


def test_a_uint64_instant_out_of_range_is_the_cores_error_naming_the_ticket() -> None:
    tickets = pa.table({"ticket_id": ["T1"], "kind": ["help"], "received_at": pa.array([BIG], pa.uint64())})
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(tickets, [])
    err = info.value
    assert (err.code, err.ticket_id, err.field, err.row) == ("malformed_timestamp", "T1", "received_at", 0)
    events = pa.table(
        {"ticket_id": ["T1"], "at": pa.array([BIG], pa.uint64()), "type": ["dispatched"], "unit": ["u1"]}
    )
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(TICKETS, events)
    assert (info.value.code, info.value.ticket_id, info.value.field) == ("malformed_timestamp", "T1", "at")


# --- 7. categoricals of integers ----------------------------------------------------------------


def test_integer_categoricals_read_like_integer_columns() -> None:
    one = pd.DataFrame({"ticket_id": ["T1"], "kind": ["help"], "received_at": [RECEIVED]})
    events = pd.DataFrame(
        {"ticket_id": ["T1"], "at": ["2026-03-02T09:20:00+08:00"], "type": ["dispatched"], "unit": pd.Categorical([7])}
    )
    plain = events.assign(unit=[7])
    assert hs.load_rows(one, events).to_json() == hs.load_rows(one, plain).to_json()
    assert json.loads(hs.load_rows(one, events).to_json())[0]["events"][0]["unit"] == "7"
    # The tickets table (streamed) and the units table (column-wise) as well.
    tickets = one.assign(ticket_id=pd.Categorical([1]), district=pd.Categorical([310]))
    [t] = json.loads(hs.load_rows(tickets, []).to_json())
    assert (t["id"], t["attributes"]) == ("1", {"district": "310"})
    units = pd.DataFrame({"unit": pd.Categorical([7]), "group": ["units"]})
    assert hs.Board("three-rates", units).units().to_pylist()[0]["unit"] == "7"


def test_a_categorical_of_an_unusable_type_names_its_type() -> None:
    events = pd.DataFrame(
        {"ticket_id": ["T1"], "at": ["2026-03-02T09:20:00+08:00"], "type": ["dispatched"], "unit": pd.Categorical([7.5])}
    )
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(TICKETS, events)
    assert (info.value.code, info.value.field) == ("invalid_column_type", "unit")
    assert "Dictionary" in str(info.value) and "Float64" in str(info.value)
    # Strings only where the column takes strings only.
    typed = events.assign(unit=["u1"], type=pd.Categorical([3]))
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(TICKETS, typed)
    assert (info.value.code, info.value.field) == ("invalid_column_type", "type")


# --- 9. polars' all-null columns -----------------------------------------------------------------


def test_polars_null_columns_load() -> None:
    tickets = pl.DataFrame(
        {"ticket_id": ["T1"], "kind": ["help"], "received_at": [RECEIVED], "district": [None]}
    )
    assert tickets.schema["district"] == pl.Null
    loaded = hs.load_rows(tickets, [])
    assert loaded.to_json() == hs.load_rows(tickets.to_arrow(), []).to_json()
    assert attributes(loaded) == [{}]
    events = pl.DataFrame(
        {
            "ticket_id": ["T1"],
            "at": ["2026-03-02T09:20:00+08:00"],
            "type": ["dispatched"],
            "unit": ["u1"],
            "role": [None],
            "event_id": [None],
        }
    )
    assert hs.load_rows(tickets, events).event_count == 1
    units = pl.DataFrame({"unit": ["u1"], "group": ["units"], "name": [None]})
    assert hs.Board("three-rates", units).units().to_pylist() == [{"unit": "u1", "group": "units", "name": ""}]
    nulls = hs.Calendar.prc().working_between_array(pl.Series([None, None]), pl.Series([None, None]))
    assert nulls.to_list() == [None, None]


def test_empty_columns_pandas_made_float_read_as_absent() -> None:
    # `pd.read_csv` of an export whose `approved`, `amount` (no extension events), `channel` or
    # attribute cells are all empty gives float64 columns of NaN: they carry no value and load
    # as absent cells, as polars' null columns do.
    empty = [np.nan] * len(EVENTS)
    events = EVENTS.assign(approved=empty, amount=empty, event_id=empty)
    tickets = TICKETS.assign(channel=[np.nan] * 4, district=[np.nan] * 4)
    assert events["approved"].dtype == np.float64
    want = hs.load_rows(TICKETS, EVENTS, UNITS).to_json()
    assert hs.load_rows(tickets, events, UNITS).to_json() == want
    assert hs.load_rows(pa.Table.from_pandas(tickets), pa.Table.from_pandas(events), UNITS).to_json() == want
    assert attributes(hs.load_rows(tickets, events, UNITS)) == [{}] * 4


def test_microsecond_timestamps_read_the_same_as_a_column_and_as_text() -> None:
    # A frame with microsecond timestamps loads (floored to the millisecond); so does the same
    # frame after `to_csv` / `read_csv`, where they are text (they were refused there).
    at = pd.Series(pd.to_datetime(EVENTS["at"])) + pd.Timedelta(microseconds=123456)
    events = EVENTS.assign(at=at)
    typed = hs.load_rows(TICKETS, events, UNITS).to_json()
    as_text = hs.load_rows(TICKETS, events.assign(at=at.map(lambda t: t.isoformat())), UNITS)
    assert "09:20:00.123456+08:00" in events.assign(at=at.map(lambda t: t.isoformat()))["at"][0]
    assert as_text.to_json() == typed
    assert "09:20:00.123+08:00" in typed


def test_a_float_column_with_values_says_how_to_keep_them() -> None:
    # 0/1 flags with an empty cell become 1.0 / 0.0 / NaN: refused (never guessed), with the fix.
    events = EVENTS.assign(passed=[np.nan, np.nan, 1.0, np.nan])
    with pytest.raises(hs.DataError) as info:
        hs.load_rows(TICKETS, events, UNITS)
    err = info.value
    assert (err.code, err.field) == ("invalid_column_type", "passed")
    assert "dtype=str" in str(err) and '.astype("boolean")' in str(err)
