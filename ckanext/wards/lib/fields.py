"""A field of a dataset, resource or organisation dict, read the same way everywhere:
at the top level or, where a portal runs CKAN's default schema, in ``extras`` (a list of
``{key, value}`` in action output, a dict in some harvested records)."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.wards.lib.lists import is_blank


def extras_dict(data: dict[str, Any]) -> dict[str, Any]:
    extras = data.get("extras") or {}
    if isinstance(extras, dict):
        return extras
    return {e.get("key"): e.get("value") for e in extras if isinstance(e, dict)}


def field(data: dict[str, Any], *names: str) -> Any:
    """The first non-blank value among ``names``, each looked up at the top level first,
    then in ``extras``; None when all are blank."""
    extras = extras_dict(data)
    for name in names:
        for source in (data, extras):
            value = source.get(name)
            if not is_blank(value):
                return value
    return None


def text_field(data: dict[str, Any], *names: str) -> Optional[str]:
    """``field`` as stripped text (None when blank)."""
    value = field(data, *names)
    return None if value is None else str(value).strip()
