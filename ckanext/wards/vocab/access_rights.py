"""Access rights of a dataset (``access_rights``, dct:accessRights), one reading for the
page, the scores and the DCAT output: the stored value as a term of
``schemas/vocab/access_rights.yaml`` (the EU access-right table), else the vocabulary's
``default`` (PUBLIC) when the dataset stores none.

A dataset created before the field existed stores nothing; it is public on the portal, so
it is shown, scored and published as PUBLIC rather than losing 15 MQA points for a field
its steward never saw. A stored value outside the vocabulary (free text harvested from a
default-schema portal) is kept as it is: published as a literal rights statement and not
counted as vocabulary-aligned.
"""
from __future__ import annotations

import functools
from typing import Any, Optional

from ckanext.wards.lib.fields import text_field
from ckanext.wards.lib.text import fold
from ckanext.wards.vocab import loader

FIELD = "access_rights"
VOCABULARY = "access_rights"


@functools.lru_cache(maxsize=None)
def default_code() -> str:
    return str(loader.vocabulary_file(VOCABULARY)["default"])


# where ``ckan wards migrate`` parks a legacy statement the vocabulary does not know
UNMAPPED = "wards_unmapped_" + FIELD


def stored(pkg: dict[str, Any]) -> Optional[str]:
    """What the dataset itself states (top level or extras, or the legacy statement
    migrate parked), as text; None if nothing."""
    return text_field(pkg, FIELD, UNMAPPED)


def code_of(pkg: dict[str, Any]) -> str:
    """The dataset's access rights: the vocabulary id of what it stores (an id, label,
    alias or EU IRI), the stored text itself when the vocabulary does not know it, else
    the default."""
    value = stored(pkg)
    if value is None:
        return default_code()
    entry = _entry(value)
    return str(entry["id"]) if entry else value


def uri_of(code: Optional[str]) -> Optional[str]:
    """The EU IRI of an access-right id (or of any spelling the vocabulary knows); None
    for text outside it."""
    entry = _entry(code) if code else None
    return str(entry["uri"]) if entry else None


@functools.lru_cache(maxsize=1024)
def _entry(value: str) -> Optional[dict]:
    # scoring asks this for every dataset of a re-score run: a handful of distinct values
    return loader.term_lookup(VOCABULARY).get(fold(value))


def with_default(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``pkg_dict`` with the default access rights when it stores none (in place): what
    package_show answers, so the dataset page and the edit form (whose select then starts
    on it, and whose save stores it) show what the scores and the DCAT output use."""
    if stored(pkg_dict) is None:
        pkg_dict[FIELD] = default_code()
    return pkg_dict
