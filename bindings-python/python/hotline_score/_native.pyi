import datetime
import decimal
import os
from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Union, final

_InstantLike = Union[datetime.datetime, str, int]
_DateLike = Union[datetime.date, str]
_PathLike = Union[str, os.PathLike[str]]
_DayKind = Literal["workday", "weekend", "holiday", "in_lieu", "adjusted_workday"]
_DeadlineAt = Literal["end_of_office_hours", "midnight"]
_OnError = Literal["raise", "null"]
_Mode = Literal["strict", "lenient"]
# An Arrow table (any object with __arrow_c_stream__: pyarrow, polars, pandas >= 2.2 …) or a
# list of row dicts.
_TableLike = Any

__all__ = [
    "__version__",
    "parse_instant",
    "parse_amount",
    "format_instant",
    "Calendar",
    "Tickets",
    "load_rows",
    "load_json",
    "Policy",
    "Period",
    "Evaluator",
    "Partial",
    "Metrics",
    "Contributions",
    "Assignments",
    "Scheme",
    "Scores",
    "Report",
    "score",
    "synthetic_city",
    "Table",
    "ArrowArray",
    "Board",
    "Formula",
]

__version__: str

def parse_instant(value: _InstantLike, *, local_offset: Optional[str] = None) -> int: ...
def format_instant(ms: int, offset: Optional[str] = None) -> str: ...
def parse_amount(text: str) -> str: ...

@final
class Table:
    """A table of results in Arrow memory."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def to_pyarrow(self) -> Any: ...
    def to_pandas(self) -> Any: ...
    def to_polars(self) -> Any: ...
    def to_pylist(self) -> list[dict[str, Any]]: ...
    def column(self, name: str) -> list[Any]: ...

@final
class ArrowArray:
    """One Arrow array, readable by pyarrow.array(...) and polars.Series(...)."""

    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...
    def __len__(self) -> int: ...
    def to_pylist(self) -> list[Any]: ...

@final
class Calendar:
    """A compiled working-time calendar (SPEC §2).

    ``template`` is the weekly template: working intervals (``"09:00-12:00"``; an interval may
    end at ``"24:00"``) per group of days or single day, single days applying after the groups:
    ``{"weekdays": ["09:00-12:00", "13:30-17:30"]}``. Keys: ``every_day``, ``weekdays``
    (Monday to Friday), ``weekend``, ``mon`` … ``sun``, and ``adjusted_workday`` (the hours of a
    make-up workday on a weekday the template does not work; default: the first working
    weekday's). Any other key is an ``unknown_calendar_key`` error. ``dated_templates``: pairs
    ``(from_date, template)`` or dicts ``{"from": date, "template": {...}}``.
    """

    def __new__(
        cls,
        *,
        prc: bool = True,
        template: Optional[Mapping[str, Any]] = None,
        dated_templates: Optional[Sequence[Any]] = None,
        data: Optional[Union[str, Mapping[str, Any], Sequence[Union[str, Mapping[str, Any]]]]] = None,
        data_files: Optional[Union[_PathLike, Sequence[_PathLike]]] = None,
        as_known_on: Optional[_DateLike] = None,
        ignore_adjusted_workdays: bool = False,
        coverage: Optional[Sequence[_DateLike]] = None,
        predict: Union[bool, _DateLike, None] = None,
        offset: str = "+08:00",
        whole_day: bool = False,
    ) -> Calendar: ...
    @staticmethod
    def prc() -> Calendar: ...
    @staticmethod
    def from_file(
        path: _PathLike,
        *,
        prc: bool = False,
        template: Optional[Mapping[str, Any]] = None,
        as_known_on: Optional[_DateLike] = None,
        ignore_adjusted_workdays: bool = False,
        coverage: Optional[Sequence[_DateLike]] = None,
        predict: Union[bool, _DateLike, None] = None,
        offset: str = "+08:00",
    ) -> Calendar: ...
    @staticmethod
    def from_dict(
        data: Mapping[str, Any],
        *,
        prc: bool = False,
        template: Optional[Mapping[str, Any]] = None,
        as_known_on: Optional[_DateLike] = None,
        ignore_adjusted_workdays: bool = False,
        coverage: Optional[Sequence[_DateLike]] = None,
        predict: Union[bool, _DateLike, None] = None,
        offset: str = "+08:00",
    ) -> Calendar: ...
    def whole_day(self) -> Calendar: ...
    @property
    def offset(self) -> str: ...
    @property
    def first_date(self) -> datetime.date: ...
    @property
    def last_date(self) -> datetime.date: ...
    @property
    def predicted_from(self) -> Optional[datetime.date]: ...
    def is_predicted(self, date: _DateLike) -> bool: ...
    def uses_prediction(self, a: _InstantLike, b: _InstantLike) -> bool: ...
    def working_between(self, a: _InstantLike, b: _InstantLike) -> int: ...
    def add_working(self, t: _InstantLike, ms: int) -> int: ...
    def sub_working(self, t: _InstantLike, ms: int) -> int: ...
    def next_working_instant(self, t: _InstantLike) -> int: ...
    def day_kind(self, date: _DateLike) -> _DayKind: ...
    def is_workday(self, date: _DateLike) -> bool: ...
    def add_working_days(self, date: _DateLike, n: int) -> datetime.date: ...
    def working_days_between(self, a: _DateLike, b: _DateLike) -> int: ...
    def working_days_deadline(
        self,
        start: _InstantLike,
        n: int,
        *,
        count_start_day: bool = False,
        deadline_at: _DeadlineAt = "end_of_office_hours",
    ) -> int: ...
    # Vectorised forms: a sequence gives a list (epoch ms / ms, None where absent: None, NaT,
    # NA, NaN); an Arrow array or column gives a pyarrow array (polars input: a polars Series;
    # a pandas Series: a pandas Series with its index and name) of
    # timestamp[ms, tz=<offset>] (instants) or int64 (durations).
    def working_between_array(self, a: Any, b: Any, *, errors: _OnError = "raise") -> Any: ...
    def add_working_array(self, t: Any, ms: Any, *, errors: _OnError = "raise") -> Any: ...
    def sub_working_array(self, t: Any, ms: Any, *, errors: _OnError = "raise") -> Any: ...
    def next_working_instant_array(self, t: Any, *, errors: _OnError = "raise") -> Any: ...
    def working_days_deadline_array(
        self,
        start: Any,
        n: int,
        *,
        count_start_day: bool = False,
        deadline_at: _DeadlineAt = "end_of_office_hours",
        errors: _OnError = "raise",
    ) -> Any: ...

@final
class Tickets:
    """Validated tickets, and the diagnostics of those skipped in lenient mode."""

    def __len__(self) -> int: ...
    @property
    def ids(self) -> list[str]: ...
    @property
    def event_count(self) -> int: ...
    @property
    def diagnostics(self) -> Table: ...
    def to_tables(self) -> Tuple[Table, Table]: ...
    def to_json(self) -> str: ...

def load_rows(
    tickets: _TableLike,
    events: _TableLike,
    units: Optional[_TableLike] = None,
    *,
    mode: _Mode = "strict",
    local_offset: Optional[str] = None,
) -> Tickets: ...
def load_json(
    source: Union[str, Sequence[Mapping[str, Any]]],
    units: Optional[_TableLike] = None,
    *,
    mode: _Mode = "strict",
) -> Tickets: ...

@final
class Policy:
    """A time-limit policy (SPEC §4)."""

    @staticmethod
    def builtin(name: str) -> Policy: ...
    @staticmethod
    def builtin_names() -> list[str]: ...
    @staticmethod
    def from_toml(text: str) -> Policy: ...
    @staticmethod
    def from_json(text: str) -> Policy: ...
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Policy: ...
    @staticmethod
    def from_file(path: _PathLike) -> Policy: ...
    @property
    def name(self) -> str: ...
    def to_json(self) -> str: ...

@final
class Period:
    """An assessment period [start, end) in epoch milliseconds."""

    def __new__(cls, start: _InstantLike, end: _InstantLike, label: str) -> Period: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...

_DueAnchor = Literal["due_date", "due_or_closed"]
# What loading whole tickets reports: counts of outcomes, and the refusals (exceptions, not raised).
_IngestOutcome = dict[str, Any]
# One item's outcome: {"status": "accepted" | "duplicate"} or {"status": "rejected", "error": exc}.
_ItemOutcome = dict[str, Any]

@final
class Evaluator:
    """Calendar × policy × units, prepared once for any number of evaluations."""

    def __new__(
        cls,
        units: _TableLike,
        *,
        calendar: Optional[Calendar] = None,
        policy: Union[Policy, str, None] = None,
    ) -> Evaluator: ...
    @property
    def units(self) -> Table: ...
    def partial(
        self,
        tickets: Tickets,
        *,
        period: Period,
        as_of: _InstantLike,
        due_anchor: _DueAnchor = "due_date",
    ) -> Partial: ...
    def contributions(
        self,
        tickets: Tickets,
        unit: str,
        *,
        period: Period,
        as_of: _InstantLike,
        due_anchor: _DueAnchor = "due_date",
    ) -> Contributions: ...
    def evaluate(self, tickets: Tickets, *, as_of: _InstantLike) -> Assignments: ...
    def open_assignments(self, tickets: Tickets, as_of: _InstantLike) -> Report: ...

@final
class Partial:
    """Mergeable per-unit integer counters (SPEC §5): shard by ticket, merge in any order."""

    def merge(self, other: Partial) -> Partial:
        """This state plus ``other``; partials of another period, ``as_of`` or due anchor raise ``DataError`` (``invalid_partial``, field ``scope.<what>``). A partial read from a table has no scope and merges with any."""
    def finalize(
        self,
        external: Optional[Mapping[str, Mapping[str, Any]]] = None,
        adjustments: Optional[Sequence[Mapping[str, Any]]] = None,
    ) -> Metrics: ...
    def to_table(self) -> Table: ...
    @staticmethod
    def from_table(table: _TableLike, units: _TableLike) -> Partial: ...
    @staticmethod
    def from_json(data: Union[str, Mapping[str, Any]], units: _TableLike) -> Partial: ...
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...

@final
class Metrics:
    """A per-unit metrics table: what schemes score."""

    @staticmethod
    def from_dict(data: Union[str, Mapping[str, Any]]) -> Metrics: ...
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...

@final
class Assignments:
    """Every assignment of a set of tickets evaluated at one instant, with its five clocks."""

    def __len__(self) -> int: ...
    def to_table(self) -> Table: ...
    def extensions(self) -> Table: ...
    def to_json(self) -> str: ...
    def to_python(self) -> Any: ...

@final
class Contributions:
    """Per-ticket contributions to counters."""

    @staticmethod
    def from_list(rows: Sequence[Mapping[str, Any]]) -> Contributions: ...
    def to_table(self) -> Table: ...
    def __len__(self) -> int: ...

@final
class Report:
    """A serialized core result: exact JSON bytes, or the parsed value."""

    def to_json(self) -> str: ...
    def to_python(self) -> Any: ...

@final
class Scheme:
    """A scoring scheme (SPEC §6)."""

    @staticmethod
    def preset(name: str) -> Scheme: ...
    @staticmethod
    def preset_names() -> list[str]: ...
    @staticmethod
    def from_toml(text: str) -> Scheme: ...
    @staticmethod
    def from_json(text: str) -> Scheme: ...
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Scheme: ...
    @staticmethod
    def from_file(path: _PathLike) -> Scheme: ...
    @property
    def name(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def suspicious_values(self) -> list[dict[str, Any]]: ...
    @property
    def decimals(self) -> int: ...
    def canonical_json(self) -> str: ...
    def period_at(self, as_of: _InstantLike) -> Period: ...
    def warning_start(self, period: Period) -> Optional[int]: ...
    def score(
        self,
        units: _TableLike,
        metrics: Union[Metrics, Mapping[str, Any], str],
        *,
        as_of: _InstantLike,
        period: Optional[Period] = None,
    ) -> Scores: ...
    def explain(
        self,
        scores: Scores,
        contributions: Union[Contributions, Sequence[Mapping[str, Any]]],
        *,
        units: Optional[Sequence[str]] = None,
    ) -> Report: ...
    def explain_tickets(
        self,
        evaluator: Evaluator,
        tickets: Tickets,
        scores: Scores,
        *,
        period: Period,
        as_of: _InstantLike,
        due_anchor: _DueAnchor = "due_date",
        units: Optional[Sequence[str]] = None,
    ) -> Report: ...
    def sanctions(self, history: Sequence[Scores]) -> Report: ...
    def period_warnings(
        self,
        evaluator: Evaluator,
        tickets: Tickets,
        *,
        as_of: _InstantLike,
        period: Optional[Period] = None,
    ) -> Report:
        """Period warnings at `as_of`, scored with the `due_date` anchor and no external
        metrics (a board's warnings use the board's own: `Board.warnings`)."""

@final
class Scores:
    """The scores of every unit for one period."""

    @staticmethod
    def from_json(data: Union[str, Mapping[str, Any]]) -> Scores:
        """Scores saved with ``to_json()`` (text or its parsed dict), for ``Scheme.sanctions`` or explanations in a later process."""
    def to_json(self) -> str: ...
    def to_python(self) -> Any: ...
    @property
    def scheme_hash(self) -> str: ...
    @property
    def period(self) -> str: ...
    def __len__(self) -> int: ...
    def to_table(self) -> Table: ...
    def adjustments(self) -> Table: ...
    def components(self) -> Table: ...

def score(
    tickets: Tickets,
    scheme: Union[Scheme, str],
    *,
    as_of: _InstantLike,
    units: Optional[_TableLike] = None,
    calendar: Optional[Calendar] = None,
    policy: Union[Policy, str, None] = None,
    period: Optional[Period] = None,
    due_anchor: _DueAnchor = "due_date",
    external: Optional[Mapping[str, Mapping[str, Any]]] = None,
    adjustments: Optional[Sequence[Mapping[str, Any]]] = None,
) -> Scores: ...
def synthetic_city(
    *,
    seed: int = 12345,
    start: _DateLike = "2026-01-01",
    days: int = 90,
    units: int = 60,
    tickets_per_day: int = 900,
    quality_spread: float = 0.6,
) -> Tuple[Tickets, Table, int]: ...

@final
class Board:
    """The real-time scoreboard (SPEC §8): ingest events, query at any ``as_of``. Safe to share
    between threads: calls serialize on the board's lock."""

    def __new__(
        cls,
        scheme: Union[Scheme, str],
        units: _TableLike,
        *,
        calendar: Optional[Calendar] = None,
        policy: Union[Policy, str, None] = None,
        due_anchor: _DueAnchor = "due_date",
    ) -> Board:
        """A board for one scheme, units table, calendar (default PRC) and policy (default henan)."""
    @staticmethod
    def restore(
        snapshot: Union[bytes, bytearray, memoryview, str],
        scheme: Union[Scheme, str],
        units: _TableLike,
        *,
        calendar: Optional[Calendar] = None,
        policy: Union[Policy, str, None] = None,
        due_anchor: _DueAnchor = "due_date",
    ) -> Board:
        """A board restored from ``snapshot()`` bytes (or a ``bytearray``/``memoryview`` of them) or
        ``snapshot_json()`` text, same configuration; anything else is ``InputError``
        ``invalid_argument`` with ``field="snapshot"``.

        The calendar may extend the snapshot's (next year's data added, ``predict=True``): every
        date the snapshot's calendar knew from data must keep its working time (dates it only
        predicted may change: next year's published notice). The units table may
        rename, reorder and add units: every unit of the snapshot's must be there, in its group.
        """
    def register(self, header: Mapping[str, Any]) -> Literal["accepted", "duplicate"]:
        """Registers a ticket header (``id, kind, urgency, channel, received_at, attributes``)."""
    def ingest(self, ticket_id: str | int, event: Mapping[str, Any]) -> Literal["accepted", "duplicate"]:
        """Ingests one event (JSON form) of a registered ticket (its id a str, or a whole number as its digits); a refusal raises, changing nothing."""
    def ingest_batch(self, inputs: Sequence[Mapping[str, Any]]) -> list[_ItemOutcome]:
        """Ingests ``{"input": "ticket", …}`` / ``{"input": "event", "ticket_id", "event"}`` items in order: one outcome per item (an item that cannot be read is rejected with its error; the others go on). Events the rules between events refused, and events of a ticket whose header comes later in the batch, are tried again at the end, a ticket's together (out of order, or valid only together); those still refused carry the reason that holds at the end."""
    def ingest_ticket(self, ticket: Mapping[str, Any]) -> list[_ItemOutcome]:
        """Registers one ticket (the JSON form of ``load_json``) and ingests its events as ``ingest_batch`` does: one outcome per item."""
    def ingest_tickets(self, tickets: Tickets) -> _IngestOutcome:
        """Ingests whole tickets: each header, then its events; the counts are of items (headers and events), each its own transaction."""
    def set_external(
        self, period: Period, unit: str, name: str, value: Union[decimal.Decimal, int, str]
    ) -> None:
        """Sets external metric ``name`` (declared by the scheme) of ``unit`` for ``period``."""
    def add_adjustment(self, period: Period, adjustment: Mapping[str, Any]) -> None:
        """Adds a manual adjustment (``{unit, metric, amount, reason, approver}``) to ``period``."""
    def period_at(self, as_of: _InstantLike) -> Period:
        """The scheme's period containing ``as_of``."""
    def metrics(self, as_of: _InstantLike, *, period: Optional[Period] = None) -> Metrics:
        """The per-unit metrics table at ``as_of`` (default period: the one containing it)."""
    def scores(self, as_of: _InstantLike, *, period: Optional[Period] = None) -> Scores:
        """Every unit's scorecard at ``as_of`` (default period: the one containing it)."""
    def standings(self, as_of: _InstantLike, *, period: Optional[Period] = None) -> Report:
        """Standings per group at ``as_of`` (default period: the one containing it)."""
    def scorecard(self, unit: str, as_of: _InstantLike, *, period: Optional[Period] = None) -> Report:
        """One unit's scorecard and explanation at ``as_of`` (default period: the one containing it)."""
    def deadline_statuses(self, unit: str, as_of: _InstantLike) -> Report:
        """Deadline statuses (normal / yellow / red) of one unit's running clocks at ``as_of``."""
    def warnings(self, as_of: _InstantLike, *, period: Optional[Period] = None) -> Report:
        """Period warnings at ``as_of`` (default period: the one containing it); empty outside the window;
        ``scheme_lacks`` when the scheme has no ``[warnings]``."""
    def close_period(self, period: Period, as_of: _InstantLike) -> Report:
        """Closes ``period`` at ``as_of``: its scores join the history the sanctions read. Periods close in
        order and without gaps: after the first, a period starts where the last one ended."""
    def history(self) -> list[Scores]:
        """The frozen scores of the closed periods, oldest first."""
    def sanctions(self) -> Report:
        """The sanctions ladder over the closed periods."""
    def stats(self) -> Report:
        """Counts of what the board holds."""
    def scheme(self) -> Scheme:
        """The scheme the board scores with."""
    def evaluator(self) -> Evaluator:
        """The board's calendar, policy and units, for batch evaluation of its tickets."""
    def units(self) -> Table:
        """The units table (``unit, group, name``)."""
    @property
    def due_anchor(self) -> _DueAnchor:
        """The period anchor of due-anchored counters."""
    def ticket(self, ticket_id: str | int) -> Optional[Report]:
        """One ticket as the board holds it (JSON form), or ``None`` if not registered."""
    def tickets(self) -> Tickets:
        """Every ticket, in registration order, with the board's units table."""
    @property
    def latest_event(self) -> Optional[int]:
        """The latest event instant ingested (epoch ms), or ``None``."""
    @property
    def closed_through(self) -> Optional[int]:
        """End of the last closed period (epoch ms; earlier events are refused), or ``None``."""
    def snapshot(self) -> bytes:
        """The whole state as bytes."""
    def snapshot_json(self) -> str:
        """The whole state as JSON."""

@final
class Formula:
    """A formula of the scheme language (SPEC §6.1), compiled against a vocabulary."""

    def __new__(
        cls,
        source: str,
        names: dict[str, Literal["number", "bool"]],
        *,
        result: Literal["number", "bool"] = "number",
    ) -> Formula: ...
    def eval(self, values: dict[str, Any]) -> Union[decimal.Decimal, bool, None]: ...
    @property
    def source(self) -> str: ...
