"""Where the data directories (``schemas/``, ``i18n/``) are at run time.

In a checkout or an editable install they sit at the repository's top level; in a
wheel, ``setup.py`` copies them to ``ckanext/wards/_data/``.
"""
from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"ckanext-wards data directory {name!r} not found; the package is incomplete "
        f"(looked in {_PACKAGE_DIR / '_data'} and {_PACKAGE_DIR.parent.parent})"
    )


def schemas_dir() -> Path:
    return data_dir("schemas")


def i18n_dir() -> Path:
    return data_dir("i18n")


def schema_file(*parts: str) -> Path:
    """A file under ``schemas/``, e.g. ``schema_file("vocab", "themes.yaml")``."""
    return schemas_dir().joinpath(*parts)


def default_schema_reference() -> str:
    """``ckanext.wards:<path>`` of our dataset schema, relative to the package directory
    (what ``wards_schema`` sets ``scheming.dataset_schemas`` to when the ini names none).

    Scheming joins the part after the colon to the module's directory, so a relative
    path works wherever ``schemas/`` is: ``../../schemas/...`` in a checkout or an
    editable install, ``_data/schemas/...`` in a wheel."""
    import os
    package_dir = os.path.dirname(os.path.abspath(__file__))
    return f"ckanext.wards:{os.path.relpath(schema_file('wards_dataset.yaml'), package_dir)}"
