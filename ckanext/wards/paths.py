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


def package_reference(path: Path) -> str:
    """``ckanext.wards:<path>`` of a file, relative to the package directory.

    Scheming joins the part after the colon to the module's directory, so a relative
    path works wherever ``schemas/`` is: ``../../schemas/...`` in a checkout or an
    editable install, ``_data/schemas/...`` in a wheel."""
    import os
    return f"ckanext.wards:{os.path.relpath(path, _PACKAGE_DIR)}"


def default_schema_reference() -> str:
    """Our dataset schema as ``wards_schema`` sets ``scheming.dataset_schemas`` when the ini
    names none."""
    return package_reference(schema_file("wards_dataset.yaml"))  # schema.dataset.SCHEMA_FILE
