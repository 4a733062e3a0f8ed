"""The shared clock vectors (tests/vectors/clocks/*.json), as core/tests/clock_vectors.rs runs them:
assignments and their clocks evaluated at `as_of` (instants compared as instants, other fields
as JSON), and the per-unit counters of the period (every unlisted counter is 0)."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

import hotline_score as hs
from conftest import VECTORS, rust_json

FILES = sorted((VECTORS / "clocks").glob("*.json"))
CASES = [
    (path.name, case)
    for path in FILES
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
RUST = rust_json("clocks")
INSTANT_FIELDS = {"due", "finished", "start", "warning_at", "requested_at", "decided_at", "at"}
PARTIAL_COLUMNS: Optional[list[str]] = None


def same(field: str, got: Any, want: Any) -> bool:
    if field in INSTANT_FIELDS and isinstance(want, str) and isinstance(got, str):
        return hs.parse_instant(got) == hs.parse_instant(want)
    return bool(got == want)


def policy(spec: Any) -> hs.Policy:
    return hs.Policy.builtin(spec) if isinstance(spec, str) else hs.Policy.from_dict(spec)


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}:{c['name']}" for n, c in CASES])
def test_clock_vector(name: str, case: dict[str, Any]) -> None:
    ctx = f"{name}: {case['name']}"
    tickets = hs.load_json([case["ticket"]])
    units: list[dict[str, str]] = []
    for e in case["ticket"]["events"]:
        if "unit" in e and all(u["unit"] != e["unit"] for u in units):
            units.append({"unit": e["unit"], "group": "g"})
    ev = hs.Evaluator(units, policy=policy(case["policy"]))
    text = ev.evaluate(tickets, as_of=case["as_of"]).to_json()
    assert text == RUST[ctx], f"{ctx}: not the Rust core's bytes"
    got = json.loads(text)
    want = case["expected"]["assignments"]
    assert len(got) == len(want), ctx
    for g, w in zip(got, want):
        assert g["unit"] == w["unit"] and g["role"] == w["role"], ctx
        if "ended" in w:
            if w["ended"] is None:
                assert g["ended"] is None, ctx
            else:
                assert same("at", g["ended"]["at"], w["ended"]["at"]), ctx
                assert g["ended"]["reason"] == w["ended"]["reason"], ctx
        for clock, fields in w["clocks"].items():
            for field, value in fields.items():
                assert same(field, g["clocks"][clock].get(field), value), f"{ctx}: {clock}.{field}"
        if "extensions" in w:
            assert len(g["extensions"]) == len(w["extensions"]), ctx
            for ge, we in zip(g["extensions"], w["extensions"]):
                for field, value in we.items():
                    assert same(field, ge.get(field), value), f"{ctx}: extension {field}"
    if "counters" not in case["expected"]:
        return
    p = case["period"]
    period = hs.Period(p["start"], p["end"], p["label"])
    partial = ev.partial(
        tickets, period=period, as_of=case["as_of"], due_anchor=case.get("due_anchor", "due_date")
    )
    assert partial.to_json() == RUST[f"{ctx} / partial"], f"{ctx}: not the Rust core's bytes"
    rows = {r["unit"]: r for r in partial.to_table().to_pylist()}
    want_counters: dict[str, dict[str, dict[str, int]]] = case["expected"]["counters"]
    assert set(rows) <= set(want_counters), ctx
    for unit, roles in want_counters.items():
        row = rows.get(unit, {})
        for col, value in row.items():
            if col == "unit":
                continue
            role, counter = col.split("_", 1)
            expected = roles.get(role, {}).get(counter, 0)
            assert value == expected, f"{ctx}: {unit} {col}"
        for role, counters in roles.items():
            for counter, value in counters.items():
                assert row.get(f"{role}_{counter}", 0) == value, f"{ctx}: {unit} {role}_{counter}"


def test_vectors_found() -> None:
    assert len(CASES) >= 7


def test_every_rust_output_is_compared() -> None:
    """Every result the Rust runner pinned is one that test_clock_vector compares."""
    keys = {f"{n}: {c['name']}" for n, c in CASES}
    keys |= {f"{n}: {c['name']} / partial" for n, c in CASES if "counters" in c["expected"]}
    assert keys == set(RUST)
