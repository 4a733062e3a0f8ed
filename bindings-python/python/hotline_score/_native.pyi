from datetime import datetime
from typing import Union

InstantLike = Union[datetime, str, int]

__version__: str

def parse_instant(value: InstantLike) -> int: ...
def format_instant(ms: int) -> str: ...
