import datetime
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
    "format_instant",
    "Calendar",
    "Table",
    "ArrowArray",
    "Tickets",
    "load_rows",
    "load_json",
]

__version__: str

def parse_instant(value: _InstantLike) -> int: ...
def format_instant(ms: int) -> str: ...

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
    """A compiled working-time calendar (SPEC §2)."""

    def __new__(
        cls,
        *,
        prc: bool = True,
        template: Optional[Mapping[str, Any]] = None,
        dated_templates: Optional[Sequence[Any]] = None,
        data: Optional[Sequence[Mapping[str, Any]]] = None,
        data_files: Optional[Sequence[_PathLike]] = None,
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
    # Vectorised forms: a sequence gives a list (epoch ms / ms, None where absent); an Arrow
    # array or column gives a pyarrow array (polars input: a polars Series) of
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
    def to_json(self) -> str: ...

def load_rows(
    tickets: _TableLike,
    events: _TableLike,
    units: Optional[_TableLike] = None,
    *,
    mode: _Mode = "strict",
) -> Tickets: ...
def load_json(
    source: Union[str, Sequence[Mapping[str, Any]]],
    units: Optional[_TableLike] = None,
    *,
    mode: _Mode = "strict",
) -> Tickets: ...
