"""hotline_score: the scoring engine for China's 12345 government service hotlines.

Instants go in as timezone-aware ``datetime``, RFC 3339 strings with an offset, or integer
epoch milliseconds, and come out as epoch milliseconds (``int``); vectorised operations return
arrays in the shape they were given (list → list, pyarrow → ``timestamp[ms, tz]`` array,
polars → Series, pandas Series → pandas Series with its index). Durations are integer
milliseconds. Tabular results are :class:`Table` objects backed by Arrow memory
(``to_pyarrow()``, ``to_pandas()``, ``to_polars()``, ``to_pylist()``). Every error about a
value, a table or a file is a :class:`HotlineScoreError` with a ``code`` — also most arguments
of the wrong type, which the binding reads as values (``Board.restore(5)`` is an ``InputError``,
``load_json(5)`` a ``DataError``); some of the wrong Python type altogether (``None`` for a
table, a number for a file name) are Python's own ``TypeError``.
"""

from __future__ import annotations

from ._errors import (
    BoardError,
    CalendarError,
    DataError,
    FileError,
    HotlineScoreError,
    InputError,
    PolicyError,
    SchemeError,
)
from ._native import (
    ArrowArray,
    Assignments,
    Board,
    Calendar,
    Contributions,
    Evaluator,
    Formula,
    Metrics,
    Partial,
    Period,
    Policy,
    Report,
    Scheme,
    Scores,
    Table,
    Tickets,
    __version__,
    format_instant,
    load_json,
    load_rows,
    parse_amount,
    parse_instant,
    score,
    synthetic_city,
)

__all__ = [
    "ArrowArray",
    "Assignments",
    "Board",
    "BoardError",
    "Calendar",
    "CalendarError",
    "Contributions",
    "DataError",
    "Evaluator",
    "FileError",
    "Formula",
    "HotlineScoreError",
    "InputError",
    "Metrics",
    "Partial",
    "Period",
    "Policy",
    "PolicyError",
    "Report",
    "Scheme",
    "SchemeError",
    "Scores",
    "Table",
    "Tickets",
    "__version__",
    "format_instant",
    "load_json",
    "load_rows",
    "parse_amount",
    "parse_instant",
    "score",
    "synthetic_city",
]
