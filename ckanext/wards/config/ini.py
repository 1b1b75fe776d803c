"""What the operator wrote, as opposed to what CKAN filled in."""
from __future__ import annotations

import os
from typing import Any, Mapping


def set_explicitly(config: Mapping[str, Any], option: str) -> bool:
    """Whether the operator set ``option`` (ini file or CKAN's environment variable, e.g.
    ``CKANEXT__DCAT__RDF__PROFILES``).

    By the time plugins see the config, CKAN has filled undeclared values with the
    declared defaults, so the ini file itself is read (with CKAN's own loader, which
    follows ``use = config:...`` chains). When that cannot be told, True: leave the
    value alone."""
    if os.environ.get(option.upper().replace(".", "__")):
        return True
    path = config.get("__file__")
    if not path or not os.path.exists(path):
        return True
    try:
        from ckan.cli import CKANConfigLoader
        return option in CKANConfigLoader(path).get_config()
    except Exception:
        return True
