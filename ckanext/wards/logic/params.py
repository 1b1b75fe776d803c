"""navl schemas for the parameters of our actions, and the one call that applies them.

Every action validates its ``data_dict`` here first, so a wrong type, a NUL byte, a lone
surrogate or an unknown word is a ``ValidationError`` (409 through the API, with a ja/en
message) before any database or Solr query sees it.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid

TRUE_WORDS = ("true", "1", "yes", "on", "y", "t")  # what tk.asbool reads as true
FALSE_WORDS = ("false", "0", "no", "off", "n", "f", "")
MAX_TEXT = 1000


def text(value: Any, context=None) -> Any:
    """A string Postgres and Solr can take: no NUL, no lone surrogate, bounded length."""
    if value is None:
        return value
    if not isinstance(value, str):
        raise Invalid(tk._("Must be a text value"))
    if "\x00" in value or len(value) > MAX_TEXT:
        raise Invalid(tk._("Must be a text value of at most {limit} characters, without NUL").format(
            limit=MAX_TEXT))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(tk._("Must be valid Unicode text"))
    return value


def strict_bool(value: Any, context=None) -> bool:
    """true/false (also 1/0, yes/no, on/off, empty = false); anything else is an error,
    not a silent false."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(tk._("Must be true or false"))


def whole_number(low: int, high: int) -> Callable[[Any, Any], int]:
    """A whole number in [low, high] (a numeric string, an int or a whole float)."""
    def validator(value: Any, context=None) -> int:
        number = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            number = int(value.strip())
        if number is None or not low <= number <= high:
            raise Invalid(tk._("Must be a whole number from {low} to {high}").format(low=low, high=high))
        return number
    return validator


def _missing():
    return tk.get_validator("ignore_missing")


def _required():
    return tk.get_validator("not_empty")


def identifier_schema(key: str = "id") -> dict[str, list]:
    return {key: [_required(), text]}


def scorecard_schema() -> dict[str, list]:
    return {"organization": [_required(), text], "include_private": [_missing(), strict_bool],
            "rating": [_missing(), text], "q": [_missing(), text], "sort": [_missing(), text],
            "desc": [_missing(), strict_bool], "lang": [_missing(), text]}


def dataset_score_schema() -> dict[str, list]:
    return {"id": [_required(), text], "lang": [_missing(), text]}


def standard_check_schema() -> dict[str, list]:
    return {"id": [_required(), text], "standard": [_missing(), text],
            "max_examples": [_missing(), whole_number(1, 200)]}


def catalogue_schema(max_page: int) -> dict[str, list]:
    return {"page": [_missing(), whole_number(1, max_page)], "q": [_missing(), text],
            "fq": [_missing(), text], "modified_since": [_missing(), text],
            "format": [_missing(), text], "id": [_missing(), text]}


def import_schema() -> dict[str, list]:
    return {"update": [_missing(), strict_bool], "dry_run": [_missing(), strict_bool]}


def validated(schema: dict[str, list], data_dict: dict, context=None) -> dict:
    """``data_dict`` with the schema's keys checked and converted (other keys kept as they
    are); ValidationError listing every bad key otherwise. ``None`` counts as absent."""
    given = {k: v for k, v in data_dict.items() if k in schema and v is not None}
    data, errors = tk.navl_validate(given, schema, context or {})
    if errors:
        raise tk.ValidationError(errors)
    return {**data_dict, **data}


def query_flag(name: str, default: bool = False) -> bool:
    """A true/false query-string parameter of a page; a 400 with a message if it is neither."""
    value = tk.request.args.get(name)
    if value is None:
        return default
    try:
        return strict_bool(value)
    except Invalid as exc:
        return tk.abort(400, f"{name}: {exc.error}")
