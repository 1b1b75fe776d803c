"""Dates as portals write them: ISO 8601, ``2024/4/1``, ``2024年4月1日`` and Japanese eras
(``令和6年4月1日``, ``R6.4.1``, ``令和元年5月1日``), full-width digits included.

The one reader behind the metadata validators (which want errors), the scores (which
want a day or nothing), the file checker (cells) and the snapshots (RFC 3339 times)."""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, NamedTuple, Optional

import yaml

from ckanext.wards.lib.text import nfkc
from ckanext.wards.paths import schema_file


class Era(NamedTuple):
    name: str                # 令和
    letter: str              # R
    start: dt.date           # its first day
    end: Optional[dt.date]   # the next era's first day; None for the current era


class OutsideEraError(ValueError):
    """A day that exists but not in the era it is written in (平成31年5月1日)."""

    def __init__(self, era: Era):
        super().__init__(f"outside the {era.name} era")
        self.era = era


@functools.lru_cache(maxsize=None)
def eras() -> dict[str, Era]:
    """Each era under its name and its initial (``令和`` and ``R``)."""
    # Kept with the file checker's value types, so metadata and cells convert eras with one table.
    with open(schema_file("standard-datasets", "_types.yaml"), encoding="utf-8") as f:
        rows = sorted(yaml.safe_load(f)["eras"], key=lambda row: row["start"])
    ends = [row["start"] for row in rows[1:]] + [None]
    by_key = {}
    for row, end in zip(rows, ends):
        era = Era(row["name"], row["letter"], row["start"], end)
        by_key[era.name] = by_key[era.letter] = era
    return by_key


@functools.lru_cache(maxsize=None)
def _full_date_re() -> re.Pattern:
    era_keys = "|".join(map(re.escape, eras()))
    return re.compile(
        rf"^(?:(?P<era>{era_keys})\s*(?P<era_year>元|\d{{1,2}})|(?P<year>\d{{4}}))\s*(?:年|[./-])\s*"
        r"(?P<month>\d{1,2})\s*(?:月|[./-])\s*(?P<day>\d{1,2})\s*日?$", re.IGNORECASE)


def _era_year(era: Era, written: str) -> int:
    year_in_era = 1 if written == "元" else int(written)
    if year_in_era < 1:
        raise ValueError(f"{era.name} has no year 0")
    return era.start.year + year_in_era - 1


def read_full_date(text: str) -> Optional[dt.date]:
    """The day written in NFKC-normalised ``text`` as ``令和6年4月1日``, ``R6.4.1``,
    ``r06.04.01``, ``令和元年5月1日`` (元年 = year 1), ``2024/4/1``, ``2024-04-01`` or
    ``2024年4月1日``; ``None`` when ``text`` is not written so. Raises ``OutsideEraError``
    for a day outside its era and ``ValueError`` for a day that does not exist (2月30日,
    令和0年)."""
    match = _full_date_re().match(text)
    if not match:
        return None
    month, day = int(match["month"]), int(match["day"])
    if match["year"]:
        return dt.date(int(match["year"]), month, day)
    era = eras()[match["era"].upper()]
    date = dt.date(_era_year(era, match["era_year"]), month, day)
    if date < era.start or (era.end and date >= era.end):
        raise OutsideEraError(era)
    return date


@functools.lru_cache(maxsize=None)
def _fiscal_year_re() -> re.Pattern:
    era_keys = "|".join(map(re.escape, eras()))
    return re.compile(rf"^(?:(?P<era>{era_keys})\s*(?P<era_year>元|\d{{1,2}})|(?P<year>\d{{4}}))\s*年度$",
                      re.IGNORECASE)


def fiscal_year(value: Any) -> Optional[tuple[dt.date, dt.date]]:
    """(first day, last day) of a Japanese fiscal year written ``令和5年度``, ``R5年度`` or
    ``2023年度`` (1 April to 31 March); None when ``value`` is not written so."""
    match = _fiscal_year_re().match(nfkc(value))
    if not match:
        return None
    if match["year"]:
        year = int(match["year"])
    else:
        year = _era_year(eras()[match["era"].upper()], match["era_year"])
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def to_utc_naive(value: dt.datetime) -> dt.datetime:
    """A time with an offset as naive UTC (how our tables and CKAN store times); a naive
    time is taken as it is."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def read_datetime(value: Any) -> Optional[dt.datetime]:
    """A point in time as naive UTC, or None when ``value`` is not a date.

    Reads datetime and date objects, ISO 8601 (``Z`` and offsets converted to UTC,
    fractions kept) and every form ``read_full_date`` reads (as midnight). Lenient: a day
    that does not exist or lies outside its era is None, never an error."""
    if isinstance(value, dt.datetime):
        return to_utc_naive(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = nfkc(value)
    if not text:
        return None
    try:
        day = read_full_date(text)
    except ValueError:
        return None
    if day:
        return dt.datetime(day.year, day.month, day.day)
    try:
        return to_utc_naive(dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        return None


def read_date(value: Any) -> Optional[dt.date]:
    """The day of ``read_datetime`` (None when there is none)."""
    moment = read_datetime(value)
    return moment.date() if moment else None
