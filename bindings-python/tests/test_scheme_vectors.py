"""The shared scheme vectors (tests/vectors/scheme/*.json), as core/tests/scheme_vectors.rs runs
them: scores compared field by field on the serialized scorecards (the core's JSON), sanctions,
explanations, and every problem of an invalid scheme with its position."""

from __future__ import annotations

import json
from typing import Any

import pytest

import hotline_score as hs
from conftest import VECTORS, rust_json

FILES = sorted((VECTORS / "scheme").glob("*.json"))
CASES = [
    (path.name, case)
    for path in FILES
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
RUST = rust_json("scheme")


def load(case: dict[str, Any]) -> hs.Scheme:
    if "scheme_toml" in case:
        return hs.Scheme.from_toml(case["scheme_toml"])
    if "scheme_json_text" in case:
        return hs.Scheme.from_json(case["scheme_json_text"])
    scheme = case["scheme"]
    if isinstance(scheme, str):
        return hs.Scheme.preset(scheme)
    return hs.Scheme.from_json(json.dumps(scheme, indent=2, ensure_ascii=False))


def period(spec: dict[str, str]) -> hs.Period:
    return hs.Period(spec["start"], spec["end"], spec["label"])


def check_fields(ctx: str, want: dict[str, Any], got: dict[str, Any]) -> None:
    for k, v in want.items():
        if k in ("unit", "components"):
            continue
        assert k in got, f"{ctx}: no field {k}"
        assert got[k] == v, f"{ctx}: field {k}"


def check_scores(ctx: str, case: dict[str, Any], scores: hs.Scores) -> None:
    doc = json.loads(scores.to_json())
    cards = doc["units"]
    if "expected_order" in case:
        assert [c["unit"] for c in cards] == case["expected_order"], ctx
    for want in case.get("expected", []):
        card = next(c for c in cards if c["unit"] == want["unit"])
        check_fields(f"{ctx} / {want['unit']}", want, card)
        assert card["scheme_hash"] == doc["scheme_hash"]
        for ind, want_c in want.get("components", {}).items():
            comp = next(c for c in card["components"] if c["indicator"] == ind)
            check_fields(f"{ctx} / {want['unit']} / {ind}", want_c, comp)


def metrics_of(case: dict[str, Any]) -> dict[str, Any]:
    metrics: dict[str, Any] = json.loads(json.dumps(case.get("metrics") or {"units": {}}))
    units = metrics.setdefault("units", {})
    for c in case.get("contributions", []):
        row = units.setdefault(c["unit"], {"lead": {}, "assisting": {}})
        role = row.setdefault(c["role"], {})
        role[c["counter"]] = role.get(c["counter"], 0) + c["amount"]
    return metrics


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}:{c['name']}" for n, c in CASES])
def test_scheme_vector(name: str, case: dict[str, Any]) -> None:
    ctx = f"{name}: {case['name']}"
    if "expected_problems" in case:
        with pytest.raises(hs.SchemeError) as info:
            load(case)
        err = info.value
        assert err.code == "scheme_invalid"
        got = err.problems
        assert len(got) == len(case["expected_problems"]), ctx
        for want, g in zip(case["expected_problems"], got):
            check_fields(ctx, want, g)
            if "suggestion" not in want:
                assert g.get("suggestion") is None, ctx
        first = case["expected_problems"][0]
        assert (err.line, err.column) == (first["line"], first["column"])
        return
    scheme = load(case)
    units = case.get("units", [])
    if "expected_sanctions" in case:
        history = [
            scheme.score(units, p["metrics"], as_of=p["as_of"], period=period(p["period"]))
            for p in case["periods"]
        ]
        text = scheme.sanctions(history).to_json()
        assert text == RUST[ctx], f"{ctx}: not the Rust core's bytes"
        outcome = json.loads(text)
        for i, want_period in enumerate(case["expected_sanctions"]):
            got_units = outcome[i]["units"]
            assert len(got_units) == len(want_period), f"{ctx}: period {i}"
            for want in want_period:
                got = next(u for u in got_units if u["unit"] == want["unit"])
                check_fields(f"{ctx}: period {i}", want, got)
        return
    p = period(case["period"]) if "period" in case else None
    scores = scheme.score(units, metrics_of(case), as_of=case["as_of"], period=p)
    check_scores(ctx, case, scores)
    assert scores.to_json() == RUST[ctx], f"{ctx}: not the Rust core's bytes"
    if "expected_explanations" in case:
        text = scheme.explain(scores, case.get("contributions", [])).to_json()
        assert text == RUST[f"{ctx} / explanations"], f"{ctx}: not the Rust core's bytes"
        explained = json.loads(text)
        for want in case["expected_explanations"]:
            got = next(e for e in explained if e["unit"] == want["unit"])
            for ind, tickets in want["components"].items():
                comp = next(c for c in got["components"] if c["indicator"] == ind)
                assert comp["tickets"] == tickets, f"{ctx}: {want['unit']} / {ind}"
            if "ticket_counters" in want:
                assert got["ticket_counters"] == want["ticket_counters"], f"{ctx}: {want['unit']}"


def test_vectors_found() -> None:
    assert len(FILES) >= 8 and len(CASES) >= 20


def test_every_rust_output_is_compared() -> None:
    """Every result the Rust runner pinned is one that test_scheme_vector compares."""
    keys = set()
    for name, case in CASES:
        if "expected_problems" in case:
            continue
        keys.add(f"{name}: {case['name']}")
        if "expected_explanations" in case:
            keys.add(f"{name}: {case['name']} / explanations")
    assert keys == set(RUST)
