"""The language our texts are shown in: every text of ours has ja and en."""
from __future__ import annotations

from typing import Optional


def page_language(requested: Optional[str] = None) -> str:
    """``ja`` or ``en``: ``requested`` if given, else the request's language; ``en`` outside a
    request (CLI, jobs) and for any language but Japanese."""
    lang = requested
    if not lang:
        try:
            import ckan.plugins.toolkit as tk
            lang = tk.h.lang()
        except Exception:  # outside a request
            lang = "en"
    return "ja" if str(lang).startswith("ja") else "en"
