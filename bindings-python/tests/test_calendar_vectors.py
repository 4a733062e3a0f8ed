"""The shared calendar vectors (tests/vectors/calendar/cases.json), as core/tests/calendar_vectors.rs
runs them: instants compare as instants, everything else as JSON values; errors by code and,
for out_of_coverage, the date named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import hotline_score as hs
from conftest import ROOT, load_vectors

DOC = load_vectors("calendar", "cases.json")


def build(spec: dict[str, Any]) -> hs.Calendar:
    return hs.Calendar(
        prc=spec.get("prc", False),
        template=spec.get("template"),
        dated_templates=spec.get("dated_templates"),
        data=spec.get("data"),
        data_files=[ROOT / f for f in spec.get("data_files", [])],
        as_known_on=spec.get("as_known_on"),
        ignore_adjusted_workdays=spec.get("ignore_adjusted_workdays", False),
        coverage=spec.get("coverage"),
        predict=spec.get("predict_through"),
        whole_day=spec.get("whole_day", False),
    )


CALENDARS = {name: build(spec) for name, spec in DOC["calendars"].items()}


def run(cal: hs.Calendar, case: dict[str, Any]) -> Any:
    op = case["op"]
    if op == "add_working":
        return cal.add_working(case["t"], case["ms"])
    if op == "sub_working":
        return cal.sub_working(case["t"], case["ms"])
    if op == "working_between":
        return cal.working_between(case["a"], case["b"])
    if op == "next_working_instant":
        return cal.next_working_instant(case["t"])
    if op == "day_kind":
        return cal.day_kind(case["date"])
    if op == "is_workday":
        return cal.is_workday(case["date"])
    if op == "add_working_days":
        return cal.add_working_days(case["date"], case["n"]).isoformat()
    if op == "working_days_between":
        return cal.working_days_between(case["a"], case["b"])
    if op == "working_days_deadline":
        return cal.working_days_deadline(
            case["start"],
            case["n"],
            count_start_day=case.get("count_start_day", False),
            deadline_at=case.get("deadline_at", "end_of_office_hours"),
        )
    if op == "uses_prediction":
        return cal.uses_prediction(case["a"], case["b"])
    raise AssertionError(f"unknown op {op}")


INSTANT_OPS = {"add_working", "sub_working", "next_working_instant", "working_days_deadline"}


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: f"{c['case']}-{c['op']}")
def test_calendar_vector(case: dict[str, Any]) -> None:
    cal = CALENDARS[case["calendar"]]
    if "error" in case:
        with pytest.raises(hs.HotlineScoreError) as info:
            run(cal, case)
        assert info.value.code == case["error"]["code"]
        if "date" in case["error"]:
            assert info.value.date == case["error"]["date"]
        return
    got = run(cal, case)
    want = case["expect"]
    if case["op"] in INSTANT_OPS:
        assert got == hs.parse_instant(want)
    else:
        assert got == want


def test_every_golden_case_is_run() -> None:
    ids = {c["case"].rstrip("abcdefghijklmnopqrstuvwxyz") for c in DOC["cases"]}
    assert {str(n) for n in range(1, 23)} <= ids
    assert len(DOC["cases"]) >= 40
    assert isinstance(CALENDARS["C1"].first_date, dt.date)
