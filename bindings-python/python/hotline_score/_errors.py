"""Exception hierarchy of hotline_score, rooted at :class:`HotlineScoreError`.

Every exception carries the core's stable ``code`` and, where they apply, ``ticket_id``,
``event_index``, ``field`` (data errors), ``row`` (0-based row of the input table),
``line`` / ``column`` (file errors) and ``date`` (calendar coverage errors, ``YYYY-MM-DD``).
Attributes that do not apply are ``None``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class HotlineScoreError(Exception):
    """Root of every error raised by hotline_score."""

    code: str
    ticket_id: Optional[str]
    event_index: Optional[int]
    field: Optional[str]
    line: Optional[int]
    column: Optional[int]
    row: Optional[int]
    date: Optional[str]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = "unknown"
        self.ticket_id = None
        self.event_index = None
        self.field = None
        self.line = None
        self.column = None
        self.row = None
        self.date = None


class InputError(HotlineScoreError, ValueError):
    """A value at the API edge could not be read (timestamp, amount, period, argument)."""


class CalendarError(HotlineScoreError, ValueError):
    """A calendar could not be built or did not cover a date (``out_of_coverage``, and
    ``clock_failed`` for a ticket's clock that needed it: see ``date``)."""


class DataError(HotlineScoreError, ValueError):
    """Tickets, events or units that break the rules of SPEC §3 (or a table with a missing or
    mistyped column, or partial-state rows, ``invalid_partial``): ``ticket_id``,
    ``event_index``, ``field`` and ``row`` say where."""


class PolicyError(HotlineScoreError, ValueError):
    """A time-limit policy that could not be read (``invalid_policy``, ``unknown_policy``)."""


class SchemeError(HotlineScoreError, ValueError):
    """A scoring scheme that could not be read or applied. For ``scheme_invalid``, ``line`` /
    ``column`` / ``field`` locate the first problem and ``problems`` lists every one (dicts with
    ``code, message, line, column, key`` and an optional ``suggestion``; a :class:`Formula`'s
    ``formula_invalid`` problems have no ``key``: read it with ``p.get("key")``)."""

    problems: List[Dict[str, Any]]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problems = []


class BoardError(HotlineScoreError):
    """An operation of the real-time board that was refused."""


class FileError(HotlineScoreError, OSError):
    """A scheme, policy or calendar data file that could not be opened or read
    (``cannot_read``: missing, a directory, no permission); also an ``OSError``. ``field`` is
    ``"path"``; the message names the file."""


__all__ = [
    "BoardError",
    "CalendarError",
    "DataError",
    "FileError",
    "HotlineScoreError",
    "InputError",
    "PolicyError",
    "SchemeError",
]
