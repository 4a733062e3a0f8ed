"""hotline_score: the scoring engine for China's 12345 government service hotlines."""

from __future__ import annotations

from ._errors import HotlineScoreError, InputError
from ._native import __version__, format_instant, parse_instant

__all__ = [
    "HotlineScoreError",
    "InputError",
    "__version__",
    "format_instant",
    "parse_instant",
]
