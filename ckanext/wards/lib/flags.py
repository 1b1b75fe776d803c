"""Yes/no values: the words each reader accepts, and the one function that reads them."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckanext.wards.lib.text import fold

# What tk.asbool reads: request parameters and options.
PARAMETER_TRUE = ("true", "1", "yes", "on", "y", "t")
PARAMETER_FALSE = ("false", "0", "no", "off", "n", "f", "")
# Metadata may also say it in Japanese (はい/いいえ, 有/無, あり/なし); "api" means an
# API is available in the オープンデータ一覧 column.
METADATA_TRUE = ("true", "yes", "1", "on", "はい", "有", "あり", "api")
METADATA_FALSE = ("false", "no", "0", "off", "いいえ", "無", "なし", "")


def read_bool(value: Any, true: Iterable[str] = PARAMETER_TRUE,
              false: Iterable[str] = PARAMETER_FALSE) -> Optional[bool]:
    """True or False for a bool, an int 0/1 or one of the words; None for anything else
    (the caller says what was expected)."""
    if isinstance(value, bool):
        return value
    if value is None:
        value = ""
    if not isinstance(value, (str, int)):
        return None
    word = fold(value)
    if word in true:
        return True
    if word in false:
        return False
    return None


def truthy(value: Any) -> bool:
    """Lenient: True only for a true bool or a true word; anything else is False (for
    stored flags such as a resource's ``api``, which were validated on the way in)."""
    return read_bool(value, METADATA_TRUE, METADATA_FALSE) is True
