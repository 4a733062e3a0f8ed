"""The shared formula vectors (tests/vectors/formula/*.json), as core/tests/formula_vectors.rs runs
them: evaluation results compared numerically, and every compile problem with its position."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

import hotline_score as hs
from conftest import load_vectors

EVAL = load_vectors("formula", "eval.json")
ERRORS = load_vectors("formula", "errors.json")


def source(case: dict[str, Any]) -> str:
    if "formula" in case:
        return str(case["formula"])
    return "".join(text * times for text, times in case["formula_parts"])


@pytest.mark.parametrize("case", EVAL["cases"], ids=lambda c: c["name"])
def test_eval_vector(case: dict[str, Any]) -> None:
    types = case.get("types", {})
    names = {
        n: types.get(n, "bool" if isinstance(v, bool) else "number") for n, v in case["slots"].items()
    }
    f = hs.Formula(source(case), names, result=case["result"])
    got = f.eval(case["slots"])
    want = case["expected"]
    if isinstance(want, str):
        assert isinstance(got, decimal.Decimal) and got == decimal.Decimal(want), case["name"]
    else:
        assert got is want or got == want, case["name"]
        assert type(got) is type(want), case["name"]


@pytest.mark.parametrize("case", ERRORS["cases"], ids=lambda c: c["name"])
def test_error_vector(case: dict[str, Any]) -> None:
    with pytest.raises(hs.SchemeError) as info:
        hs.Formula(source(case), ERRORS["names"], result=case["result"])
    err = info.value
    assert err.code == "formula_invalid"
    got = [(p["code"], p["line"], p["column"], p["suggestion"]) for p in err.problems]
    want = [(p["code"], p["line"], p["column"], p.get("suggestion")) for p in case["problems"]]
    assert got == want
    assert all(p["message"] for p in err.problems)
    assert (err.line, err.column) == want[0][1:3]


def test_formula_api() -> None:
    f = hs.Formula("closed_on_time / due", {"closed_on_time": "number", "due": "number"})
    assert f.source == "closed_on_time / due"
    assert f.eval({"closed_on_time": 3593, "due": "4000"}) == decimal.Decimal("0.89825")
    assert f.eval({"closed_on_time": 1, "due": 0}) is None  # division by zero is no data
    assert f.eval({"due": 1}) is None
    with pytest.raises(hs.InputError):
        f.eval({"closed_on_time": 0.5, "due": 1})
    # Decimals as Python prints them (exponents included) are read exactly; a digit that would
    # have to be rounded away is refused, as in Rust and Node.
    assert f.eval({"closed_on_time": decimal.Decimal("1E+3"), "due": "4E+3"}) == decimal.Decimal("0.25")
    with pytest.raises(hs.InputError) as err:
        f.eval({"closed_on_time": "0.12345678901234567890123456789", "due": 1})
    assert err.value.code == "invalid_value"
    with pytest.raises(hs.InputError):
        hs.Formula("1", {}, result="text")
