"""Single values of the shared schema, normalised: a value in, the stored value out, or a
``SchemaValueError`` with an English message id (translated by the CKAN validators in
``ckanext.wards.logic.validators``). The JSON Schema import and ``migrate`` call them
directly. Vocabulary terms and local government codes are in ``ckanext.wards.vocab``."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from ckanext.wards.lib.dates import OutsideEraError, read_full_date
from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.lib.flags import METADATA_FALSE, METADATA_TRUE, read_bool
from ckanext.wards.lib.text import nfkc

__all__ = ["SchemaValueError", "parse_date", "normalise_url", "normalise_byte_size", "MAX_BYTE_SIZE",
           "normalise_media_type", "normalise_bool"]

_YEAR_MONTH_RE = re.compile(r"^(?P<year>\d{4})(?:\s*(?:年|[./-])\s*(?P<month>\d{1,2})\s*月?)?$")


def parse_date(value: Any) -> str:
    """ISO 8601 text for a date given as ISO, ``2024/4/1``, ``2024年4月1日``, ``令和6年4月1日``,
    ``R6.4.1``, ``令和元年5月1日`` (full-width digits too; read by ``lib.dates``). Full
    timestamps are kept (normalised by ``datetime.fromisoformat``); ``2024`` and
    ``2024-04`` stay as they are. Unlike ``lib.dates.read_date`` it says what is wrong."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = nfkc(value)
    if not text:
        raise SchemaValueError("A date is required")
    try:
        date = read_full_date(text)
    except OutsideEraError as error:
        raise SchemaValueError("{value} is outside the {era} era", value=value, era=error.era.name) from None
    except ValueError:
        raise _bad_date(value) from None
    if date:
        return date.isoformat()
    match = _YEAR_MONTH_RE.match(text)
    if match:
        if match["month"] is None:
            return match["year"]
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _bad_date(value)
        return f"{match['year']}-{month:02d}"
    if "T" in text or " " in text:
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    raise _bad_date(value)


def _bad_date(value: Any) -> SchemaValueError:
    return SchemaValueError(
        "{value} is not a date: use YYYY-MM-DD (e.g. 2024-04-01) or a Japanese era date "
        "(e.g. 令和6年4月1日)", value=value)


def normalise_url(value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise SchemaValueError("{value} is not a web address: it must start with http:// or https://",
                               value=value)
    return text


# CKAN stores a resource's size as a PostgreSQL bigint: a larger number is a 500 and a broken session
MAX_BYTE_SIZE = 2**63 - 1


def normalise_byte_size(value: Any) -> int:
    text = nfkc(value).replace(",", "")
    if not re.fullmatch(r"[0-9]+", text):
        raise SchemaValueError("{value} is not a size in bytes: use a whole number (e.g. 2048)", value=value)
    if int(text) > MAX_BYTE_SIZE:
        raise SchemaValueError("{value} is too large for a size in bytes (at most {max})",
                               value=value, max=MAX_BYTE_SIZE)
    return int(text)


def normalise_media_type(value: Any) -> str:
    text = nfkc(value).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?", text):
        raise SchemaValueError("{value} is not a media type: use type/subtype (e.g. text/csv)", value=value)
    return text


def normalise_bool(value: Any) -> bool:
    """A yes/no of the metadata (``lib.flags``' METADATA words: true/false, はい/いいえ, 有/無,
    あり/なし, api ...)."""
    flag = read_bool(value, METADATA_TRUE, METADATA_FALSE)
    if flag is None:
        raise SchemaValueError("{value} is not yes or no", value=value)
    return flag
