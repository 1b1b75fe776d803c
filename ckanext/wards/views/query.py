"""The query-string parameters of our pages, read with the actions' validators."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid

from ckanext.wards.logic import schema


def flag(name: str, default: bool = False) -> bool:
    """A true/false query-string parameter of a page; a 400 with a message if it is neither."""
    value = tk.request.args.get(name)
    if value is None:
        return default
    try:
        return schema.strict_bool(value)
    except Invalid as exc:
        return tk.abort(400, f"{name}: {exc.error}")
