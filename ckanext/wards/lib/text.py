"""Text compared the way people mean it: full-width and half-width alike (ＣＳＶ = CSV),
case ignored, spaces folded."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")


def nfkc(value: Any) -> str:
    """NFKC-normalised (full-width digits and letters to ASCII), trimmed text."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def fold(value: Any, *, spaces: bool = True) -> str:
    """A comparison key: NFKC, case-folded, trimmed, runs of white space made one space
    (``spaces=False``: removed, so a column header ``施設 名称`` matches ``施設名称``)."""
    return _SPACES.sub(" " if spaces else "", nfkc(value)).casefold()
