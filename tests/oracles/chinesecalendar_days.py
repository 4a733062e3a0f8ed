#!/usr/bin/env python3
"""Generate tests/oracles/chinesecalendar_days.json: an independent oracle for the built-in PRC
calendar (core/data/prc.toml), made from the PyPI package `chinesecalendar`.

Every date 2017-01-01 … 2026-12-31 maps to one of:
  "work"    – a working day (ordinary weekday or make-up workday),
  "off"     – a rest day (weekend, statutory holiday, or a rest day chinesecalendar does not mark
              as in lieu),
  "in_lieu" – a rest day chinesecalendar marks as in lieu (调休: a rest day paid back by a
              make-up workday).

The fixture is only read by core/tests/calendar_oracle.rs; nothing in the runtime uses it.

Regenerate (needs network access to PyPI once):
    pip install chinesecalendar==1.11.0
    python3 tests/oracles/chinesecalendar_days.py
"""

import datetime
import json
import pathlib

import chinese_calendar

VERSION = "1.11.0"
FIRST = datetime.date(2017, 1, 1)
LAST = datetime.date(2026, 12, 31)


def main() -> None:
    assert chinese_calendar.__version__ == VERSION, chinese_calendar.__version__
    days = {}
    d = FIRST
    while d <= LAST:
        if chinese_calendar.is_workday(d):
            days[d.isoformat()] = "work"
        elif chinese_calendar.is_in_lieu(d):
            days[d.isoformat()] = "in_lieu"
        else:
            days[d.isoformat()] = "off"
        d += datetime.timedelta(days=1)
    out = {
        "source": f"PyPI chinesecalendar {VERSION} (is_workday, is_in_lieu)",
        "generator": "tests/oracles/chinesecalendar_days.py",
        "first": FIRST.isoformat(),
        "last": LAST.isoformat(),
        "days": days,
    }
    path = pathlib.Path(__file__).with_name("chinesecalendar_days.json")
    path.write_text(json.dumps(out, indent=0, sort_keys=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
