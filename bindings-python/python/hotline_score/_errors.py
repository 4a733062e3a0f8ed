"""Exception hierarchy of hotline_score, rooted at :class:`HotlineScoreError`.

Every exception carries the core's stable ``code`` and, where they apply, ``ticket_id``,
``event_index``, ``field`` (data errors) and ``line`` / ``column`` (file errors).
"""

from __future__ import annotations

from typing import Optional


class HotlineScoreError(Exception):
    """Root of every error raised by hotline_score."""

    code: str
    ticket_id: Optional[str]
    event_index: Optional[int]
    field: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = "unknown"
        self.ticket_id = None
        self.event_index = None
        self.field = None
        self.line = None
        self.column = None


class InputError(HotlineScoreError, ValueError):
    """A value at the API edge could not be read (timestamp, amount, period)."""


__all__ = ["HotlineScoreError", "InputError"]
