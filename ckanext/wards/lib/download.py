"""Headers of every file download: a file name no request value can turn into another
type of file (``probe-rfd.bat``) or break out of the header with.

The name keeps its last extension (chosen by our code); everything before it is reduced to
letters, digits, ``-`` and ``_`` (dots too become ``_``, so no second extension survives).
``filename`` is ASCII; ``filename*`` (RFC 6266/5987) keeps Japanese letters.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_STEM = 100
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_UNICODE_UNSAFE = re.compile(r"[^\w-]+")


def safe_filename(name: str, *, ascii_only: bool = True) -> str:
    stem, dot, extension = str(name).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:8]
    stem = unicodedata.normalize("NFKC", stem)
    stem = (_ASCII_UNSAFE if ascii_only else _UNICODE_UNSAFE).sub("_", stem).strip("_")[:MAX_STEM]
    stem = stem or "download"
    return f"{stem}.{extension}" if extension else stem


def content_disposition(name: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    plain = safe_filename(name)
    wide = safe_filename(name, ascii_only=False)
    if wide == plain:
        return f'{kind}; filename="{plain}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(wide, safe='')}"


def headers(name: str, content_type: str, *, inline: bool = False) -> dict[str, str]:
    """Content-Type and Content-Disposition of one download."""
    return {"Content-Type": content_type, "Content-Disposition": content_disposition(name, inline=inline)}
