"""Shared test helpers: the repository's conformance vectors, located relative to this file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def load_vectors(area: str, name: str) -> Any:
    """The parsed JSON of ``tests/vectors/<area>/<name>``."""
    with open(VECTORS / area / name, encoding="utf-8") as f:
        return json.load(f)


def rust_json(name: str) -> dict[str, str]:
    """The Rust core's JSON text for the results of the vectors, by key
    (``tests/vectors/json/<name>.json``, format: that directory's README)."""
    with open(VECTORS / "json" / f"{name}.json", encoding="utf-8") as f:
        outputs: dict[str, str] = json.load(f)["outputs"]
        return outputs
