"""A synthetic city scored end to end gives the Rust core's bytes
(tests/vectors/json/synthetic.json, written by core/tests/synthetic.rs)."""

from __future__ import annotations

import json

import hotline_score as hs
from conftest import rust_json


def test_a_small_city_scores_to_the_rust_bytes() -> None:
    rust = rust_json("synthetic")
    tickets, units, as_of = hs.synthetic_city(seed=7, days=14, units=12, tickets_per_day=60)
    for preset, text in rust.items():
        scores = hs.score(tickets, preset, as_of=as_of, units=units)
        assert scores.to_json() == text, f"{preset}: not the Rust core's bytes"
        # A real scoring, not an empty table: every unit ranked with components.
        doc = json.loads(text)
        assert len(doc["units"]) == 12 and all(u["components"] for u in doc["units"])
    assert set(rust) == {"sanmenxia"}
