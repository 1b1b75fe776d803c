"""A value as a list: the one reader for every multi-valued field (themes, keywords,
contact points, standards), whether it comes as a list, as JSON text (scheming keeps
lists as JSON in extras) or as text separated by commas or Japanese commas."""
from __future__ import annotations

import json
import re
from typing import Any

# , 、 ， ; ； separate values in free text (population、health is two values).
SEPARATORS = re.compile(r"\s*[,、，;；]\s*")


def is_blank(value: Any) -> bool:
    """None, blank text, an empty list, or a dict with nothing but blanks in it."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    return False


def _kept(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def as_list(value: Any) -> list[Any]:
    """The non-blank items of ``value``, text items stripped.

    - a list or tuple: its items;
    - text ``[...]``: the JSON list (text that is not valid JSON is read as text);
    - text ``{...}``: the JSON object as one item;
    - text starting ``http://`` or ``https://``: one URL, never split;
    - other text: split on , 、 ， ; ；
    - a dict: one item; any other value: one item.
    """
    if is_blank(value):
        return []
    if isinstance(value, (list, tuple)):
        return [_kept(v) for v in value if not is_blank(v)]
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return [_kept(v) for v in parsed if not is_blank(v)]
            if isinstance(parsed, dict):
                return [] if is_blank(parsed) else [parsed]
        if text.lower().startswith(("http://", "https://")):
            return [text]
        return [part for part in SEPARATORS.split(text) if part]
    return [value]


def as_texts(value: Any) -> list[str]:
    """``as_list`` with every item as text (for vocabulary terms, keywords, codes)."""
    return [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
            if isinstance(item, (dict, list)) else str(item) for item in as_list(value)]
