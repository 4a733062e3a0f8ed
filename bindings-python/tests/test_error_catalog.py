"""The bad-input catalog (tests/vectors/errors/*.json), as core/tests/error_catalog.rs runs it:
every entry raises the HotlineScoreError subclass of its code's family, with the same `code`
and the same context attributes."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Optional

import pyarrow as pa
import pytest

import hotline_score as hs
from conftest import VECTORS

DIR = VECTORS / "errors"
CONTEXT = ("ticket_id", "event_index", "field", "line", "column", "row", "date")
ENTRIES = sorted(DIR.glob("*.json"))

# The exception class of each family of codes (core/src/error.rs sections; ticket codes are
# data errors).
FAMILY: dict[str, type[hs.HotlineScoreError]] = {
    **dict.fromkeys(
        ["invalid_instant", "missing_offset", "instant_out_of_range", "invalid_period", "invalid_amount"],
        hs.InputError,
    ),
    **dict.fromkeys(
        [
            "out_of_coverage",
            "no_working_time",
            "invalid_calendar",
            "invalid_date",
            "invalid_time_of_day",
            "interval_ends_before_start",
            "overlapping_intervals",
            "unknown_calendar_key",
            "invalid_calendar_data",
            "conflicting_date_rules",
            "clock_failed",
        ],
        hs.CalendarError,
    ),
    **dict.fromkeys(
        [
            "invalid_ticket_json",
            "duplicate_unit",
            "invalid_unit_row",
            "invalid_city_config",
            "no_such_unit",
            "invalid_partial",
        ],
        hs.DataError,
    ),
    **dict.fromkeys(["invalid_policy", "unknown_policy"], hs.PolicyError),
    **dict.fromkeys(
        [
            "scheme_invalid",
            "unknown_preset",
            "unit_group_unknown",
            "metrics_for_unknown_unit",
            "unknown_external_metric",
            "invalid_adjustment",
            "scheme_lacks",
            "scheme_mismatch",
            "unit_not_scored",
        ],
        hs.SchemeError,
    ),
    "cannot_read": hs.FileError,
}


def family(code: str) -> type[hs.HotlineScoreError]:
    if code.startswith("board_"):
        return hs.BoardError
    return FAMILY.get(code, hs.DataError)


def calendar(spec: Optional[dict[str, Any]], tmp: str) -> hs.Calendar:
    if spec is None:
        return hs.Calendar.prc()
    files = []
    for key, ext in (("data_toml", "toml"), ("data_json", "json")):
        if key in spec:
            path = os.path.join(tmp, f"data.{ext}")
            Path(path).write_text(spec[key], encoding="utf-8")
            files.append(path)
    return hs.Calendar(
        prc=spec.get("prc", False),
        template=spec.get("template"),
        coverage=spec.get("coverage"),
        data_files=files or None,
    )


def period(p: dict[str, Any]) -> hs.Period:
    return hs.Period(p["start"], p["end"], p["label"])


def score_metrics(i: dict[str, Any]) -> hs.Scores:
    scheme = hs.Scheme.preset(i["scheme"])
    p = period(i["period"]) if "period" in i else None
    return scheme.score(i["units"], i["metrics"], as_of=i["as_of"], period=p)


def board(i: dict[str, Any], tmp: str) -> hs.Board:
    b = hs.Board(
        i["scheme"], i["units"], calendar=calendar(i.get("calendar"), tmp), policy=i.get("policy")
    )
    for step in i["steps"]:
        ((op, arg),) = step.items()
        if op == "register":
            b.register(arg)
        elif op == "ingest":
            b.ingest(arg["ticket_id"], arg["event"])
        elif op == "close_period":
            b.close_period(period(arg["period"]), arg["as_of"])
        elif op == "scorecard":
            b.scorecard(arg["unit"], arg["as_of"])
        elif op == "deadline_statuses":
            b.deadline_statuses(arg["unit"], arg["as_of"])
        else:
            raise AssertionError(f"unknown board step {op}")
    return b


def calendar_op(i: dict[str, Any], tmp: str) -> Any:
    cal = calendar(i, tmp)
    call = i.get("call")
    if call is None:
        return cal
    method = call["method"]
    if method == "add_working_days":
        return cal.add_working_days(call["date"], call["n"])
    if method == "add_working":
        return cal.add_working(call["t"], call["ms"])
    if method == "working_between":
        return cal.working_between(call["a"], call["b"])
    raise AssertionError(f"unknown calendar method {method}")


def config_file(i: dict[str, Any], tmp: str) -> Any:
    path = Path(tmp) / i["name"]
    if "bytes_base64" in i:
        path.write_bytes(base64.b64decode(i["bytes_base64"]))
    loaders: dict[str, Callable[[Path], Any]] = {
        "scheme": hs.Scheme.from_file,
        "policy": hs.Policy.from_file,
        "calendar_data": hs.Calendar.from_file,
    }
    return loaders[i["kind"]](path)


def partial_table(i: dict[str, Any]) -> pa.Table:
    cols = i["columns"]
    assert cols[0] == "unit"
    data: dict[str, Any] = {"unit": pa.array([r[0] for r in i["rows"]], pa.string())}
    for k, name in enumerate(cols[1:], start=1):
        data[name] = pa.array([r[k] for r in i["rows"]], pa.int64())
    return pa.table(data)


def score_op(i: dict[str, Any], tmp: str) -> hs.Scores:
    tickets = hs.load_json(json.dumps(i["tickets"]))
    p = period(i["period"]) if "period" in i else None
    return hs.score(
        tickets,
        i["scheme"],
        as_of=i["as_of"],
        units=i["units"],
        calendar=calendar(i.get("calendar"), tmp),
        policy=i.get("policy"),
        period=p,
    )


def restore(i: dict[str, Any], tmp: str) -> hs.Board:
    if "from" in i:
        snapshot = board(i["from"], tmp).snapshot()
    else:
        snapshot = base64.b64decode(i["snapshot_base64"])
    return hs.Board.restore(
        snapshot, i["scheme"], i["units"], calendar=calendar(i.get("calendar"), tmp), policy=i.get("policy")
    )


OPERATIONS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "parse_instant": lambda i, t: hs.parse_instant(i["value"]),
    "parse_amount": lambda i, t: hs.parse_amount(i["text"]),
    "calendar": calendar_op,
    "load_tickets_json": lambda i, t: hs.load_json(
        i["text"] if "text" in i else json.dumps(i["tickets"]), i.get("units")
    ),
    "load_rows": lambda i, t: hs.load_rows(i["tickets"], i["events"], i.get("units")),
    "policy_from_toml": lambda i, t: hs.Policy.from_toml(i["text"]),
    "policy_from_json": lambda i, t: hs.Policy.from_json(i["text"]),
    "policy_builtin": lambda i, t: hs.Policy.builtin(i["name"]),
    "scheme_from_toml": lambda i, t: hs.Scheme.from_toml(i["text"]),
    "scheme_from_json": lambda i, t: hs.Scheme.from_json(i["text"]),
    "scheme_preset": lambda i, t: hs.Scheme.preset(i["name"]),
    "config_file": config_file,
    "score_metrics": lambda i, t: score_metrics(i),
    "sanctions": lambda i, t: hs.Scheme.preset(i["scheme"]).sanctions(
        [score_metrics(h) for h in i["history"]]
    ),
    "explain": lambda i, t: hs.Scheme.preset(i["scheme"]).explain(
        score_metrics(i), [], units=i["explain_units"]
    ),
    "score": score_op,
    "contributions": lambda i, t: hs.Evaluator(i["units"]).contributions(
        hs.load_json(json.dumps(i["tickets"])), i["unit"], period=period(i["period"]), as_of=i["as_of"]
    ),
    "partial_from_rows": lambda i, t: hs.Partial.from_table(partial_table(i), []),
    "synthetic_city": lambda i, t: hs.synthetic_city(**i),
    "board": board,
    "board_restore": restore,
}


def expand(v: Any) -> Any:
    """Expands every array element `{"$repeat": n, "item": x}` into n copies of x, and
    `{"$repeat": n, "items": [x, y]}` into n copies of x, y (README)."""
    if isinstance(v, list):
        out: list[Any] = []
        for item in v:
            if isinstance(item, dict) and "$repeat" in item:
                one = item["items"] if "items" in item else [item["item"]]
                out.extend(expand(x) for _ in range(item["$repeat"]) for x in one)
            else:
                out.append(expand(item))
        return out
    if isinstance(v, dict):
        return {k: expand(x) for k, x in v.items()}
    return v


@pytest.mark.parametrize("path", ENTRIES, ids=lambda p: p.stem)
def test_entry(path: Path) -> None:
    entry = expand(json.loads(path.read_text(encoding="utf-8")))
    if "only" in entry:
        assert "python" not in entry["only"] and entry["operation"] == "board_builder"
        pytest.skip("Rust-only entry (see the catalog README)")
    want = entry["error"]
    with tempfile.TemporaryDirectory() as tmp:
        with pytest.raises(hs.HotlineScoreError) as info:
            OPERATIONS[entry["operation"]](entry["input"], tmp)
    err = info.value
    got = {"code": err.code, **{k: getattr(err, k) for k in CONTEXT}}
    assert got == want, str(err)
    assert type(err) is family(err.code), type(err)
    assert str(err)


def test_catalog_is_large_enough() -> None:
    assert len(ENTRIES) >= 60
