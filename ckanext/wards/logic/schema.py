"""navl schemas for the parameters of our actions, the validators they use, and the one
call that applies them.

Every action validates its ``data_dict`` here first, so a wrong type, a NUL byte, a lone
surrogate or an unknown word is a ``ValidationError`` (409 through the API, with a ja/en
message) before any database or Solr query sees it.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid

from ckanext.wards.lib import flags

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
    """true/false (also 1/0, yes/no, on/off, y/n, t/f, empty = false: ``lib.flags``'
    parameter words); anything else is an error, not a silent false."""
    result = flags.read_bool(value)
    if result is None:
        raise Invalid(tk._("Must be true or false"))
    return result


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


MAX_PROFILES = 10


def installed_profiles() -> list[str]:
    """The names of the RDF profiles installed (ckanext-dcat's ``ckan.rdf.profiles``)."""
    from importlib.metadata import entry_points
    return sorted({ep.name for ep in entry_points(group="ckan.rdf.profiles")})


def rdf_profiles(value: Any, context=None) -> Any:
    """Profile names (a list, or text separated by commas): each an installed profile,
    repeats dropped; no name at all (``?profiles=,``) is no choice (the default profiles)."""
    if value is None:
        return value
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise Invalid(tk._("Must be a list of profile names"))
    names = list(dict.fromkeys(text(i).strip() for i in items if i.strip()))
    if len(names) > MAX_PROFILES:
        raise Invalid(tk._("At most {limit} profiles").format(limit=MAX_PROFILES))
    known = installed_profiles()
    unknown = [n for n in names if n not in known]
    if unknown:
        shown = ", ".join(n[:40] + ("…" if len(n) > 40 else "") for n in unknown[:3])
        raise Invalid(tk._("Unknown RDF profile: {names}. Use one of: {known}").format(
            names=shown, known=", ".join(known)))
    return names or None


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
            "format": [_missing(), text], "id": [_missing(), text],
            "profiles": [_missing(), rdf_profiles]}


def one_of(allowed: Callable[[], list[str]]) -> Callable[[Any, Any], str]:
    """One of a list of words (read when validating, so data files decide)."""
    def validator(value: Any, context=None) -> str:
        value = text(value)
        words = allowed()
        if value not in words:
            raise Invalid(tk._("Must be one of: {words}").format(words=", ".join(words)))
        return value
    return validator


def list_of(item: Callable[[Any, Any], Any], limit: int = 20) -> Callable[[Any, Any], list]:
    """A list (or text separated by commas) of values each valid for ``item``."""
    def validator(value: Any, context=None) -> list:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) > limit:
            raise Invalid(tk._("Must be a list of at most {limit} values").format(limit=limit))
        return list(dict.fromkeys(item(i, context) for i in items if not isinstance(i, str) or i.strip()))
    return validator


def compare_schema() -> dict[str, list]:
    from ckanext.wards.compare import selection
    return {"prefecture": [_missing(), one_of(selection.prefecture_codes)],
            "kind": [_missing(), list_of(one_of(lambda: selection.kind_ids() + [selection.ALL_KINDS]))],
            "page": [_missing(), whole_number(1, 100000)],
            "per_page": [_missing(), whole_number(1, selection.MAX_PER_PAGE)],
            "similar_to": [_missing(), text]}


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
