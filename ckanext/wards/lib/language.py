"""The language our texts are shown in: every text of ours has ja and en."""
from __future__ import annotations

import functools
from typing import Callable, Optional


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


def restore_plural_rule() -> None:
    """``before_request``: the request's merged translations count with the plural rule of
    their locale. Flask-Babel merges every plugin's catalogue into one and keeps the plural
    rule of the last catalogue it loaded; a plugin without a file for the locale
    (ckanext-dcat has no ja) brings the English rule, and CKAN's Japanese plural messages
    ("{number} 件のデータセットが見つかりました") then fall back to the English msgid_plural.
    Whatever the plugin order, the rule is set back to that of CKAN's own catalogue."""
    try:
        from flask_babel import get_locale, get_translations
        locale = get_locale()
        if locale is None:
            return
        rule = plural_rule(str(locale))
        translations = get_translations()
        if rule is not None and getattr(translations, "plural", None) is not rule:
            translations.plural = rule
    except Exception:  # translations are a nicety: never break a request over them
        return


@functools.lru_cache(maxsize=64)
def plural_rule(locale: str) -> Optional[Callable[[int], int]]:
    """The plural rule (n → msgstr index) of CKAN's catalogue for ``locale``, None if CKAN
    has no catalogue for it."""
    import os
    import ckan
    from babel.support import Translations
    catalogue = Translations.load(os.path.join(os.path.dirname(ckan.__file__), "i18n"), [locale], "ckan")
    return catalogue.plural if isinstance(catalogue, Translations) else None
