"""Policies, schemes, evaluation, partial/merge/finalize, scores as tables, explanations, warnings,
sanctions and the synthetic city — through the Python API."""

from __future__ import annotations

import decimal
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pyarrow as pa
import pytest

import hotline_score as hs

CITY, UNITS, AS_OF = hs.synthetic_city(days=30, tickets_per_day=150, units=20)
SCHEME = hs.Scheme.preset("sanmenxia")
EV = hs.Evaluator(UNITS)
PERIOD = SCHEME.period_at(AS_OF)


def test_synthetic_city() -> None:
    assert len(CITY) > 3000 and CITY.event_count > len(CITY)
    assert UNITS.column_names == ["unit", "group", "name"] and UNITS.num_rows == 20
    assert hs.format_instant(AS_OF) == "2026-01-31T00:00:00+08:00"
    again, _, _ = hs.synthetic_city(days=30, tickets_per_day=150, units=20)
    assert again.to_json() == CITY.to_json()  # seeded
    with pytest.raises(hs.DataError) as info:
        hs.synthetic_city(units=0)
    assert (info.value.code, info.value.field) == ("invalid_city_config", "units")


def test_policies() -> None:
    assert "henan" in hs.Policy.builtin_names()
    henan = hs.Policy.builtin("henan")
    assert henan.name == "henan"
    again = hs.Policy.from_json(henan.to_json())
    assert again.to_json() == henan.to_json()
    assert hs.Policy.from_dict(json.loads(henan.to_json())).name == "henan"
    toml = 'name = "demo"\n[[rules]]\nlimits.complete = "3wd"\n'
    assert hs.Policy.from_toml(toml).name == "demo"
    with pytest.raises(hs.PolicyError) as info:
        hs.Policy.from_toml('name = "demo"\n[[rules]]\nlimits.complete = "3 days"\n')
    err = info.value
    assert (err.code, err.line, err.column) == ("invalid_policy", 3, 19)
    with pytest.raises(hs.PolicyError) as info:
        hs.Policy.builtin("atlantis")
    assert info.value.code == "unknown_policy"


def test_policy_from_file(tmp_path: Path) -> None:
    toml = 'name = "demo"\n[[rules]]\nlimits.complete = "3wd"\n'
    path = tmp_path / "demo.toml"
    path.write_text(toml, encoding="utf-8")
    demo = hs.Policy.from_file(path)
    assert demo.name == "demo"
    assert demo.to_json() == hs.Policy.from_toml(toml).to_json()
    henan = hs.Policy.builtin("henan")
    as_json = tmp_path / "henan.json"
    as_json.write_text(henan.to_json(), encoding="utf-8")
    assert hs.Policy.from_file(str(as_json)).to_json() == henan.to_json()  # str paths too
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "demo"\n[[rules]]\nlimits.complete = "3 days"\n', encoding="utf-8")
    with pytest.raises(hs.PolicyError) as info:
        hs.Policy.from_file(bad)
    assert (info.value.code, info.value.line) == ("invalid_policy", 3)
    with pytest.raises(OSError):
        hs.Policy.from_file(tmp_path / "missing.toml")


def test_schemes(tmp_path: Path) -> None:
    assert set(hs.Scheme.preset_names()) >= {"sanmenxia", "lianyungang-2022", "three-rates"}
    assert SCHEME.name and len(SCHEME.hash) >= 16 and SCHEME.decimals == 2
    assert PERIOD.label == "2026-Q1"
    path = tmp_path / "s.json"
    path.write_text(SCHEME.canonical_json(), encoding="utf-8")
    assert hs.Scheme.from_file(path).hash == SCHEME.hash
    assert hs.Scheme.from_dict(json.loads(SCHEME.canonical_json())).hash == SCHEME.hash
    with pytest.raises(hs.SchemeError) as info:
        hs.Scheme.from_toml('name = "x"\nperiod = "fortnight"\n')
    err = info.value
    assert err.code == "scheme_invalid" and err.problems and err.line == err.problems[0]["line"]
    with pytest.raises(hs.SchemeError) as info:
        hs.Scheme.preset("nowhere")
    assert info.value.code == "unknown_preset"


def test_one_call_score_equals_the_steps() -> None:
    scores = hs.score(CITY, SCHEME, as_of=AS_OF)
    assert scores.period == "2026-Q1" and len(scores) == 20
    partial = EV.partial(CITY, period=PERIOD, as_of=AS_OF)
    steps = SCHEME.score(UNITS, partial.finalize(), as_of=AS_OF)
    assert steps.to_json() == scores.to_json()
    assert scores.scheme_hash == SCHEME.hash
    doc = scores.to_python()
    assert doc["scheme_hash"] == SCHEME.hash and len(doc["units"]) == 20
    by_name = hs.score(CITY, "sanmenxia", as_of=AS_OF, policy="henan", calendar=hs.Calendar.prc())
    assert by_name.to_json() == scores.to_json()


def counters(partial: hs.Partial) -> Any:
    """A partial's counters (its JSON form without the scope)."""
    return json.loads(partial.to_json())["units"]


def test_sharded_partials_merge_exactly() -> None:
    ids = CITY.ids
    data = json.loads(CITY.to_json())
    half = len(ids) // 2
    a = hs.load_json(data[:half])
    b = hs.load_json(data[half:])
    whole = EV.partial(CITY, period=PERIOD, as_of=AS_OF)
    pa_ = EV.partial(a, period=PERIOD, as_of=AS_OF)
    pb = EV.partial(b, period=PERIOD, as_of=AS_OF)
    assert pa_.merge(pb).to_json() == whole.to_json() == pb.merge(pa_).to_json()
    table = whole.to_table().to_pyarrow()
    assert table.column_names[0] == "unit" and "lead_due" in table.column_names
    assert table.schema.field("lead_due").type == pa.int64()
    assert len(whole) == table.num_rows
    # The row form round-trips its counters (it carries no scope: SQL sums have none), and rows
    # of one unit add up (a SQL group-by can merge shards).
    back = hs.Partial.from_table(table, UNITS)
    assert counters(back) == counters(whole) and "scope" not in json.loads(back.to_json())
    stacked = pa.concat_tables([pa_.to_table().to_pyarrow(), pb.to_table().to_pyarrow()])
    assert counters(hs.Partial.from_table(stacked, UNITS)) == counters(whole)
    # A partial without a scope merges with any; the JSON form keeps the scope.
    assert back.merge(hs.Partial.from_table([], UNITS)).to_json() == back.to_json()
    assert hs.Partial.from_json(whole.to_json(), UNITS).to_json() == whole.to_json()
    # Shards computed for another as_of, period or due anchor are refused: their sum is no one
    # scope's counts (a shards audit: a shard ten days older merged silently).
    earlier = EV.partial(b, period=PERIOD, as_of=AS_OF - 3 * 86_400_000)
    with pytest.raises(hs.DataError) as info:
        pa_.merge(earlier)
    assert (info.value.code, info.value.field) == ("invalid_partial", "scope.as_of")
    anchored = EV.partial(b, period=PERIOD, as_of=AS_OF, due_anchor="due_or_closed")
    with pytest.raises(hs.DataError) as info:
        pa_.merge(anchored)
    assert (info.value.code, info.value.field) == ("invalid_partial", "scope.due_anchor")
    scores = SCHEME.score(UNITS, back.finalize(), as_of=AS_OF)
    assert scores.to_json() == hs.score(CITY, SCHEME, as_of=AS_OF).to_json()
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table(table.drop_columns(["lead_due"]), UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "lead_due")
    with pytest.raises(hs.DataError) as info2:
        hs.Partial.from_table(table.drop_columns(["unit"]), UNITS)
    assert info2.value.code == "missing_column"
    # SQL's SUM of a BIGINT (DuckDB, Postgres) is a DECIMAL(38, 0): read as the integers.
    summed = pa.table(
        {n: (c if n == "unit" else c.cast(pa.decimal128(38, 0))) for n, c in zip(table.column_names, table.columns)}
    )
    assert counters(hs.Partial.from_table(summed, UNITS)) == counters(whole)
    # A null cell (an outer join's) is refused, naming the row, column and unit; so is a null
    # unit, and a table that breaks a partition of SPEC §5 (edited by hand).
    due = table.column("lead_due").to_pylist()
    nulled = table.set_column(table.column_names.index("lead_due"), "lead_due", pa.array([None, *due[1:]], pa.int64()))
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table(nulled, UNITS)
    assert (info.value.code, info.value.field, info.value.row) == ("invalid_cell_type", "lead_due", 0)
    assert table.column("unit")[0].as_py() in str(info.value)
    ids = table.column("unit").to_pylist()
    no_unit = table.set_column(0, "unit", pa.array([None, *ids[1:]], pa.string()))
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table(no_unit, UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "unit")
    assert "row 0 has no unit id" in str(info.value)
    # A list of dicts: a column that is not the catalog's, in the first row, is named as such
    # (it was "row 1 has no `zzz`").
    extra = whole.to_table().to_pylist()
    extra[0]["zzz"] = 1
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table(extra, UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "zzz")
    assert "not a partial-state column" in str(info.value)
    edited = whole.to_table().to_pylist()
    row = next(r for r in edited if r["lead_due"] > 0)
    row["lead_closed_on_time"] = row["lead_due"] + 100
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_table(edited, UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "lead_due")
    assert f"unit {row['unit']}: due = {row['lead_due']}" in str(info.value)
    # The JSON form, from text or a dict.
    assert hs.Partial.from_json(whole.to_json(), UNITS).to_json() == whole.to_json()
    assert hs.Partial.from_json(json.loads(whole.to_json()), UNITS).finalize().to_json() == whole.finalize().to_json()
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_json('{"units": {"x": {"lead": {"due": -2, "overdue_open": -2}}}}', UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "lead_due")
    assert "unit x" in str(info.value)
    # A repeated key is refused (the JSON reader kept the last: the first unit's counts were lost).
    with pytest.raises(hs.DataError) as info:
        hs.Partial.from_json('{"units": {"x": {"lead": {"urged": 1}}, "x": {"lead": {"urged": 2}}}}', UNITS)
    assert (info.value.code, info.value.field) == ("invalid_partial", "x")
    assert 'duplicate key "x" at line 1, column 41' in str(info.value)


def test_score_tables_are_exact_decimals() -> None:
    scores = hs.score(CITY, SCHEME, as_of=AS_OF)
    table = scores.to_table().to_pyarrow()
    assert table.column_names == ["unit", "name", "group", "total", "full_marks", "rank", "group_size", "grade"]
    assert table.schema.field("total").type == pa.decimal128(38, 2)
    doc = scores.to_python()
    assert [str(x) for x in table.column("total").to_pylist()] == [u["total"] for u in doc["units"]]
    rows = scores.to_table().to_pylist()
    assert isinstance(rows[0]["total"], decimal.Decimal)
    comps = scores.components().to_pandas()
    first = doc["units"][0]["components"][0]
    assert str(comps["points"][0]) == first["points"]
    assert comps["indicator"][0] == first["indicator"]
    assert scores.components().to_polars().height == sum(len(u["components"]) for u in doc["units"])
    # A decimal of 26 digits (an external metric) keeps its digits in the tables: it was read at
    # a scale it could not reach, ten times too small.
    unit = doc["units"][0]["unit"]
    big = "12345678901234567890123456"
    metrics = EV.partial(CITY, period=PERIOD, as_of=AS_OF).finalize(external={unit: {"praise": big}})
    exact = SCHEME.score(UNITS, metrics, as_of=AS_OF)
    row = next(r for r in exact.components().to_pylist() if r["unit"] == unit and r["indicator"] == "praise")
    assert row["value"] == decimal.Decimal(big)


def test_explanations_and_contributions() -> None:
    scores = hs.score(CITY, SCHEME, as_of=AS_OF)
    unit = scores.to_python()["units"][-1]["unit"]
    contributions = EV.contributions(CITY, unit, period=PERIOD, as_of=AS_OF)
    assert len(contributions) > 0
    # A unit not in the units table (a typo) is refused, not explained as having no tickets.
    with pytest.raises(hs.DataError) as info:
        EV.contributions(CITY, unit[:-1], period=PERIOD, as_of=AS_OF)
    assert (info.value.code, info.value.field) == ("no_such_unit", "unit")
    assert f"did you mean {unit!r}" in str(info.value).replace('"', "'")
    table = contributions.to_table()
    assert table.column_names == ["ticket_id", "unit", "role", "counter", "amount"]
    explained = SCHEME.explain(scores, contributions).to_python()
    mine = next(e for e in explained if e["unit"] == unit)
    lost = [c for c in mine["components"] if c["tickets"]]
    assert lost and all(t in CITY.ids for c in lost for t in c["tickets"])
    again = SCHEME.explain(scores, table.to_pylist())
    assert json.loads(again.to_json()) == explained
    # Only the unit asked about: its entry of the whole, from its contributions or the tickets.
    (only,) = SCHEME.explain(scores, contributions, units=[unit]).to_python()
    assert only == mine
    direct = SCHEME.explain_tickets(EV, CITY, scores, period=PERIOD, as_of=AS_OF, units=[unit])
    assert direct.to_python() == [mine]
    with pytest.raises(hs.SchemeError) as info:
        SCHEME.explain(scores, contributions, units=[unit, "nobody"])
    assert (info.value.code, info.value.field) == ("unit_not_scored", "units")
    for bad in (unit, [unit, 7], 7):
        with pytest.raises(hs.InputError) as info:
            SCHEME.explain(scores, contributions, units=bad)  # type: ignore[arg-type]
        assert (info.value.code, info.value.field) == ("invalid_option", "units")
    other = hs.Scheme.preset("three-rates")
    with pytest.raises(hs.SchemeError) as info:
        other.explain(scores, contributions)
    assert info.value.code == "scheme_mismatch"


def test_explain_tickets_is_explain_of_every_units_contributions() -> None:
    """``explain_tickets`` (straight from the tickets, on every core) gives what ``explain``
    gives with the contributions of every unit, byte for byte; other schemes' scores are
    refused."""
    scores = hs.score(CITY, SCHEME, as_of=AS_OF)
    units = [u["unit"] for u in scores.to_python()["units"]]
    every = [
        row
        for unit in units
        for row in EV.contributions(CITY, unit, period=PERIOD, as_of=AS_OF).to_table().to_pylist()
    ]
    want = SCHEME.explain(scores, every).to_json()
    got = SCHEME.explain_tickets(EV, CITY, scores, period=PERIOD, as_of=AS_OF)
    assert got.to_json() == want
    explained = got.to_python()
    assert len(explained) == len(units)
    assert sum(1 for e in explained for c in e["components"] if c["tickets"]) > len(units)
    with pytest.raises(hs.SchemeError) as info:
        hs.Scheme.preset("three-rates").explain_tickets(EV, CITY, scores, period=PERIOD, as_of=AS_OF)
    assert info.value.code == "scheme_mismatch"
    # Scores explained in another scope than their own are refused (an explanations audit).
    with pytest.raises(hs.HotlineScoreError) as other:
        SCHEME.explain_tickets(EV, CITY, scores, period=PERIOD, as_of=AS_OF - 86_400_000)
    assert other.value.code == "invalid_period"


def test_contributions_from_list() -> None:
    rows = [
        {"ticket_id": "T1", "unit": "u1", "role": "lead", "counter": "due", "amount": 1},
        {"ticket_id": "T1", "unit": "u1", "role": "lead", "counter": "overdue_open", "amount": 1},
        {"ticket_id": "T2", "unit": "u2", "role": "assisting", "counter": "signed_late", "amount": 2},
    ]
    made = hs.Contributions.from_list(rows)
    assert len(made) == 3
    assert made.to_table().to_pylist() == rows
    # The table form of real contributions reads back to the same explanations.
    scores = hs.score(CITY, SCHEME, as_of=AS_OF)
    unit = scores.to_python()["units"][0]["unit"]
    contributions = EV.contributions(CITY, unit, period=PERIOD, as_of=AS_OF)
    again = hs.Contributions.from_list(contributions.to_table().to_pylist())
    assert len(again) == len(contributions) > 0
    assert SCHEME.explain(scores, again).to_json() == SCHEME.explain(scores, contributions).to_json()
    with pytest.raises(hs.InputError) as info:
        hs.Contributions.from_list([{**rows[0], "counter": "bribes"}])
    assert (info.value.code, info.value.field) == ("invalid_contributions", "contributions")


def test_evaluate_and_open_assignments() -> None:
    one = hs.load_json([json.loads(CITY.to_json())[0]])
    assignments = EV.evaluate(one, as_of=AS_OF).to_python()
    assert assignments and set(assignments[0]["clocks"]) == {
        "sign",
        "contact",
        "reply",
        "complete",
        "return_window",
    }
    early = hs.parse_instant("2026-01-10T00:00:00+08:00")
    open_now = EV.open_assignments(CITY, early).to_python()
    assert open_now and all("ticket_id" in o for o in open_now)



CLOCKS = ["sign", "contact", "reply", "complete", "return_window"]


def _ms(text: str | None) -> int | None:
    return None if text is None else hs.parse_instant(text)


def _assignment_rows(assignments: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows ``Assignments.to_table()`` and ``extensions()`` should hold, from the JSON."""
    rows, records = [], []
    for a in assignments:
        key = {k: a[k] for k in ("ticket_id", "unit", "role", "event_index")}
        ended = a["ended"] or {}
        row = {**key, "dispatched_at": _ms(a["dispatched_at"])}
        row |= {"ended_at": _ms(ended.get("at")), "end_reason": ended.get("reason")}
        for c in CLOCKS:
            s = a["clocks"][c]
            limit = s["limit"] or {}
            row |= {f"{c}_limit": limit.get("amount"), f"{c}_basis": limit.get("clock")}
            row |= {f"{c}_{k}": _ms(s[k]) for k in ("start", "due", "finished")}
            row |= {f"{c}_outcome": s["outcome"], f"{c}_status": s["status"]}
            row |= {f"{c}_warning_at": _ms(s["warning_at"]), f"{c}_paused": s["paused"]}
            row[f"{c}_paused_ms"] = s["paused_ms"]
        row["extensions"] = len(a["extensions"])
        rows.append(row)
        for e in a["extensions"]:
            records.append(
                {
                    **key,
                    "requested_at": _ms(e["requested_at"]),
                    "decided_at": _ms(e["decided_at"]),
                    **{k: e[k] for k in ("amount", "approved", "applied", "refusal")},
                }
            )
    return rows, records


def test_evaluate_table_cells_are_the_json_values() -> None:
    """Every cell of ``evaluate(...).to_table()`` and ``.extensions()`` is the assignment's JSON
    value, from owned tickets and from a loaded batch alike, at the end of the data and mid-way
    (running clocks, statuses, pauses)."""
    owned = hs.load_json(CITY.to_json(), UNITS)
    batch = hs.load_rows(*CITY.to_tables(), UNITS)
    seen: dict[str, set] = {"status": set(), "refusal": set(), "end_reason": set(), "basis": set()}
    for as_of in (AS_OF, AS_OF - 12 * 86_400_000):
        evaluated = EV.evaluate(owned, as_of=as_of)
        rows, records = _assignment_rows(json.loads(evaluated.to_json()))
        assert len(evaluated) == len(rows) > 0
        assert evaluated.to_table().to_pylist() == rows
        assert evaluated.extensions().to_pylist() == records
        from_batch = EV.evaluate(batch, as_of=as_of)
        assert from_batch.to_json() == evaluated.to_json()
        assert from_batch.to_table().to_pylist() == rows
        assert from_batch.extensions().to_pylist() == records
        seen["status"] |= {r[f"{c}_status"] for r in rows for c in CLOCKS}
        seen["refusal"] |= {r["refusal"] for r in records}
        seen["end_reason"] |= {r["end_reason"] for r in rows}
        seen["basis"] |= {r[f"{c}_basis"] for r in rows for c in CLOCKS}
        assert any(r[f"{c}_paused_ms"] for r in rows for c in CLOCKS)
    # The data reaches every kind of value the dictionary columns hold.
    assert seen["status"] >= {None, "normal", "yellow", "red"}
    assert None in seen["refusal"] and len(seen["refusal"]) > 1
    assert seen["end_reason"] >= {None, "returned"}
    assert len(seen["basis"]) >= 3
    table = EV.evaluate(batch, as_of=AS_OF).to_table().to_pyarrow()
    assert table.schema.field("complete_outcome").type == pa.dictionary(pa.int8(), pa.string())
    assert table.schema.field("complete_due").type == pa.timestamp("ms", tz="+08:00")
    frame = table.to_pandas()
    assert str(frame["complete_outcome"].dtype) == "category"

def test_warnings_and_sanctions() -> None:
    city, units, as_of = hs.synthetic_city(days=70, tickets_per_day=80)
    ev = hs.Evaluator(units)
    warnings = SCHEME.period_warnings(ev, city, as_of=as_of).to_python()
    assert len(warnings) >= 9
    assert all(w["rescuable"] is not None for w in warnings)
    before = SCHEME.period_warnings(ev, city, as_of=as_of - 86_400_000).to_python()
    assert before == []
    scores = hs.score(city, SCHEME, as_of=as_of)
    outcome = SCHEME.sanctions([scores]).to_python()
    assert len(outcome) == 1 and len(outcome[0]["units"]) == units.num_rows
    # Scores saved as JSON (last quarter's, in another process) come back for the ladder.
    saved = hs.Scores.from_json(scores.to_json())
    assert saved.to_json() == scores.to_json() and len(saved) == len(scores)
    assert SCHEME.sanctions([saved]).to_python() == outcome
    assert hs.Scores.from_json(scores.to_python()).to_json() == scores.to_json()
    assert saved.to_table().to_pyarrow().schema.field("total").type == pa.decimal128(38, 2)
    with pytest.raises(hs.InputError) as bad:
        hs.Scores.from_json('{"units": []}')
    assert (bad.value.code, bad.value.field) == ("invalid_argument", "scores")
    with pytest.raises(hs.SchemeError) as info:
        hs.Scheme.preset("three-rates").period_warnings(ev, city, as_of=as_of)
    assert (info.value.code, info.value.field) == ("scheme_lacks", "warnings")


def test_metrics_and_period_inputs() -> None:
    scheme = hs.Scheme.preset("lianyungang-2022")
    units = [{"unit": "haizhou", "group": "districts", "name": "海州区"}]
    metrics = {"units": {"haizhou": {"lead": {"due": 4000, "closed_on_time": 3593}, "assisting": {}}}}
    scores = scheme.score(units, metrics, as_of="2022-07-01T00:00:00+08:00")
    comp = scores.to_python()["units"][0]["components"][0]
    assert (comp["value"], comp["points"]) == ("89.825", "14.83")
    m = hs.Metrics.from_dict(metrics)
    assert len(m) == 1 and json.loads(m.to_json())["units"]["haizhou"]["lead"]["due"] == 4000
    # A bad counter names its unit and role (it named the metric alone; a shards audit).
    with pytest.raises(hs.HotlineScoreError) as bad:
        hs.Metrics.from_dict({"units": {"haizhou": {"assisting": {"due": -2}}}})
    assert bad.value.code == "invalid_metrics"
    assert 'unit haizhou, assisting: metric "due" is -2' in str(bad.value)
    p = hs.Period("2022-06-01T00:00:00+08:00", "2022-07-01T00:00:00+08:00", "2022-06")
    assert (p.label, p.end - p.start) == ("2022-06", 30 * 86_400_000)
    assert scheme.score(units, m, as_of=p.end, period=p).period == "2022-06"
    with pytest.raises(hs.InputError) as info:
        hs.Period(p.end, p.start, "backwards")
    assert info.value.code == "invalid_period"
    with pytest.raises(hs.SchemeError) as info:
        scheme.score([{"unit": "x", "group": "moon"}], {"units": {}}, as_of=p.end)
    assert info.value.code == "unit_group_unknown"
    with pytest.raises(hs.InputError):
        hs.score(hs.load_json("[]"), scheme, as_of=p.end)


def test_an_evaluator_refuses_a_units_table_loading_would_refuse() -> None:
    with pytest.raises(hs.DataError) as info:
        hs.Evaluator([{"unit": "u1", "group": "a"}, {"unit": "u1", "group": "b"}])
    assert (info.value.code, info.value.row) == ("duplicate_unit", 1)
    with pytest.raises(hs.DataError) as info:
        hs.Evaluator([{"unit": "", "group": "a"}])
    assert info.value.code == "invalid_unit_row"


def test_suspicious_values_are_reported_with_their_place() -> None:
    text = (
        'schema_version = 1\nperiod = "month"\n[[groups]]\nid = "g"\nfull_marks = 10\n'
        '[[indicators]]\nid = "x"\nname = "X"\npoints = 10\n'
        'value = { ratio = { num = "closed_on_time", den = "due" } }\n'
        "rule = { linear_below_target = { target = 0.95, slope = 1 } }\n"
    )
    [doubt] = hs.Scheme.from_toml(text).suspicious_values
    assert (doubt["code"], doubt["line"], doubt["column"]) == ("suspicious_value", 11, 43)
    assert doubt["key"] == "indicators[0].rule.linear_below_target.target"
    assert hs.Scheme.preset("sanmenxia").suspicious_values == []


def test_a_deadline_past_the_calendar_data_says_how_to_go_on() -> None:
    tickets = hs.load_json(
        '[{"id": "T1", "kind": "help", "received_at": "2026-12-29T09:00:00+08:00", "events": ['
        '{"at": "2026-12-29T09:30:00+08:00", "type": "dispatched", "unit": "u1"}]}]'
    )
    units = [{"unit": "u1", "group": "units"}]
    with pytest.raises(hs.CalendarError) as info:
        hs.score(tickets, "three-rates", as_of="2026-12-31T12:00:00+08:00", units=units)
    assert (info.value.code, info.value.ticket_id, info.value.date) == ("clock_failed", "T1", "2027-01-01")
    assert "hs.Calendar(predict=True)" in str(info.value)
    scores = hs.score(
        tickets, "three-rates", as_of="2026-12-31T12:00:00+08:00", units=units, calendar=hs.Calendar(predict=True)
    )
    assert scores.to_python()["units"][0]["unit"] == "u1"


def test_manual_adjustments_score_as_their_sums_with_reasons_and_approvers() -> None:
    # 人工加减分: each adjustment adds its amount to its unit's external metric, and the
    # scorecard and the explanation list it with its reason and approver.
    unit = UNITS.to_pylist()[0]["unit"]
    adjustments = [
        {"unit": unit, "metric": "manual_bonus", "amount": "1.5", "reason": "防汛值守", "approver": "热线办"},
        {"unit": unit, "metric": "manual_bonus", "amount": decimal.Decimal("0.5"), "reason": "表彰", "approver": "热线办"},
        {"unit": unit, "metric": "manual_deduction", "amount": 1, "reason": "虚假办结", "approver": "督查科"},
    ]
    adjusted = hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=adjustments)
    summed = hs.score(CITY, SCHEME, as_of=AS_OF, external={unit: {"manual_bonus": "2.0", "manual_deduction": 1}})
    a, s = adjusted.to_python(), summed.to_python()
    for x in (a, s):
        for card in x["units"]:
            card.pop("adjustments", None)
    assert a == s
    card = next(c for c in json.loads(adjusted.to_json())["units"] if c["unit"] == unit)
    assert card["external"] == {"manual_bonus": "2.0", "manual_deduction": "1"}
    assert [x["reason"] for x in card["adjustments"]] == ["防汛值守", "表彰", "虚假办结"]
    # As a table for DataFrames: one row per adjustment, amounts exact.
    table = adjusted.adjustments()
    assert table.column_names == ["unit", "metric", "amount", "reason", "approver"]
    assert table.to_pylist()[:2] == [
        {"unit": unit, "metric": "manual_bonus", "amount": decimal.Decimal("1.5"), "reason": "防汛值守", "approver": "热线办"},
        {"unit": unit, "metric": "manual_bonus", "amount": decimal.Decimal("0.5"), "reason": "表彰", "approver": "热线办"},
    ]
    assert len(summed.adjustments()) == 0
    # The same through finalize, and through a metrics table given as a dict.
    metrics = EV.partial(CITY, period=PERIOD, as_of=AS_OF).finalize(adjustments=adjustments)
    assert SCHEME.score(UNITS, metrics, as_of=AS_OF).to_json() == adjusted.to_json()
    again = hs.Metrics.from_dict(json.loads(metrics.to_json()))
    assert again.to_json() == metrics.to_json()
    contributions = EV.contributions(CITY, unit, period=PERIOD, as_of=AS_OF)
    (explained,) = SCHEME.explain(adjusted, contributions, units=[unit]).to_python()
    bonus = next(c for c in explained["components"] if c["indicator"] == "manual_bonus")
    assert [x["amount"] for x in bonus["adjustments"]] == ["1.5", "0.5"]
    # Errors: no approver (when scoring), a float amount, another shape.
    with pytest.raises(hs.SchemeError) as info:
        hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=[{**adjustments[0], "approver": ""}])
    assert (info.value.code, info.value.field) == ("invalid_adjustment", "adjustments[0].approver")
    with pytest.raises(hs.InputError) as info:
        hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=[{**adjustments[0], "amount": 0.5}])
    assert (info.value.code, info.value.field) == ("invalid_value", "adjustments[0].amount")
    # Any mapping, any sequence: a float is refused (a read-only mapping, a tuple).
    for given in ([MappingProxyType({**adjustments[0], "amount": 0.1 + 0.2})], ({**adjustments[0], "amount": 0.5},)):
        with pytest.raises(hs.InputError) as info:
            hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=given)
        assert (info.value.code, info.value.field) == ("invalid_value", "adjustments[0].amount")
    with pytest.raises(hs.InputError) as info:
        hs.Metrics.from_dict({"units": {}, "adjustments": ({**adjustments[0], "amount": 0.5},)})
    assert (info.value.code, info.value.field) == ("invalid_value", "adjustments[0].amount")
    # Amounts too far apart in size for one 38-digit decimal column are listed as their text.
    wide = [{**adjustments[0], "amount": "1e20"}, {**adjustments[0], "amount": "1e-28"}]
    amounts = hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=wide).adjustments().column("amount")
    assert amounts == ["100000000000000000000", "0.0000000000000000000000000001"]
    with pytest.raises(hs.InputError) as info:
        hs.score(CITY, SCHEME, as_of=AS_OF, adjustments=[{**adjustments[0], "by": "x"}])
    assert (info.value.code, info.value.field) == ("invalid_external", "adjustments[0]")


def test_warning_start() -> None:
    # sanmenxia warns 20 days before the quarter ends; a scheme without warnings gives None.
    q1 = hs.Period("2026-01-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00", "2026-Q1")
    assert SCHEME.warning_start(q1) == q1.end - 20 * 86_400_000
    # A period shorter than the lead: warnings from its start.
    week = hs.Period("2026-03-02T00:00:00+08:00", "2026-03-09T00:00:00+08:00", "w")
    assert SCHEME.warning_start(week) == week.start
    assert hs.Scheme.preset("three-rates").warning_start(q1) is None  # no [warnings] section


def test_evaluator_units() -> None:
    # The units table the evaluator was built with, as a table (Node: `evaluator.units`).
    assert EV.units.to_pylist() == UNITS.to_pylist()
