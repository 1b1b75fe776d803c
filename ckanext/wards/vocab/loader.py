"""The one loader of the vocabularies in ``schemas/vocab/<name>.yaml`` (and of the standard
datasets, served by ``ckanext.wards.conformance.standards``): entries, their ids, the lookup of an id,
label or alias, and the canonical id of a value as the schema stores it.

Strict: an unknown vocabulary name is a ``KeyError`` and a missing file an ``OSError``, so a
typo never reads as an empty vocabulary."""
from __future__ import annotations

import functools
import re
from typing import Any, Optional

import yaml

from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.lib.lists import as_texts, is_blank
from ckanext.wards.lib.text import fold, nfkc
from ckanext.wards.paths import schema_file

# vocabulary name -> file under schemas/vocab/ (top-level key = the name)
VOCABULARIES = ("themes", "frequencies", "licenses", "languages", "encodings", "access_rights",
                "local_government_kinds")
STANDARDS = "standards"  # served by ckanext.wards.conformance.standards, not by a vocab file


@functools.lru_cache(maxsize=None)
def vocabulary_file(name: str) -> dict:
    """All of ``schemas/vocab/<name>.yaml``: the entries under ``name`` and any setting
    beside them (the frequencies' ``freshness_grace``)."""
    if name not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {name!r}")
    with open(schema_file("vocab", f"{name}.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def vocabulary(name: str) -> tuple[dict, ...]:
    """Entries ``{id, label: {ja, en}, aliases?, ...}`` of ``schemas/vocab/<name>.yaml``."""
    if name == STANDARDS:
        return tuple(_standard_entries())
    return tuple(vocabulary_file(name)[name])


def _standard_entries() -> list[dict]:
    # Lazy: the standards module is another concern and may be reloaded in tests.
    from ckanext.wards.conformance import standards
    return [
        {"id": s["id"], "label": {"ja": f"{s['number']} {s['name_ja']}",
                                  "en": f"{s['number']} {s['name_en']}"}}
        for s in standards.list_standards()
    ]


def vocabulary_ids(name: str) -> list[str]:
    return [str(e["id"]) for e in vocabulary(name)]


@functools.lru_cache(maxsize=None)
def term_lookup(name: str) -> dict[str, dict]:
    """Folded id / label / alias → vocabulary entry (the first entry wins on clashes)."""
    table: dict[str, dict] = {}
    for entry in vocabulary(name):
        keys = [entry["id"], *(entry.get("label") or {}).values(), *(entry.get("aliases") or [])]
        for key in keys:
            table.setdefault(fold(key), entry)
    return table


def find_term(name: str, value: Any) -> Optional[dict]:
    """The entry of vocabulary ``name`` that ``value`` names (its id, a label or an alias,
    folded), or None."""
    return term_lookup(name).get(fold(value))


def choices(name: str) -> list[dict]:
    """``[{"value", "label": {ja, en}}]`` for scheming's select/checkbox snippets."""
    return [{"value": str(e["id"]), "label": dict(e.get("label") or {"en": e["id"]})}
            for e in vocabulary(name)]


# English msgids (translated in i18n/ja); one per vocabulary so Japanese reads naturally.
_UNKNOWN_TERM = {
    "themes": "Unknown theme: {value}",
    "frequencies": "Unknown update frequency: {value}",
    "licenses": "Unknown licence: {value}. Use one of the licences in the list (e.g. CC-BY-4.0, PDL-1.0)",
    "languages": "Unknown language: {value}. Use an ISO 639-1 code such as ja or en",
    "encodings": "Unknown character encoding: {value}. Use e.g. UTF-8 or Shift_JIS",
    "access_rights": "Unknown access rights: {value}. Use one of the EU access rights (PUBLIC, RESTRICTED, NON_PUBLIC)",
    STANDARDS: "Unknown standard dataset: {value}",
}


def normalise_term(name: str, value: Any) -> str:
    """The canonical id of ``value`` in vocabulary ``name``; SchemaValueError if unknown."""
    if name == STANDARDS:
        from ckanext.wards.conformance import standards
        found = standards.get_standard(str(value))
        if found:
            return found["id"]
    else:
        found = find_term(name, value)
        if found:
            return str(found["id"])
    raise SchemaValueError(_UNKNOWN_TERM[name], value=value)


def term_items(value: Any) -> list[str]:
    """The values of a multi-valued vocabulary field, as text: ``lists.as_texts`` (a list, a
    JSON list, text split on , 、 ， ; ；), except that a null or empty item inside a list
    is kept as its text (``None``, ``[]``) so that it is reported as an unknown term, as the
    validator always did, rather than dropped."""
    if isinstance(value, (list, tuple)):
        return [text for item in value
                for text in (as_texts([item]) if isinstance(item, str) or not is_blank(item) else [str(item)])]
    return as_texts(value)


def normalise_terms(name: str, value: Any) -> list[str]:
    """A list of canonical ids from a list, a JSON list or a comma-separated string.

    Every unknown value is reported in one SchemaValueError."""
    out, unknown = [], []
    for item in term_items(value):
        try:
            terms = [normalise_term(name, item)]
        except SchemaValueError:
            terms = _compound_terms(name, item)
            if not terms:
                unknown.append(item)
                continue
        out += [term for term in terms if term not in out]
    if unknown:
        raise SchemaValueError(_UNKNOWN_TERM[name], value=", ".join(unknown))
    return out


def _compound_terms(name: str, value: Any) -> list[str]:
    """The terms of a compound label (子育て・教育 → SOCI, EDUC) split on the vocabulary's
    ``part_separators``; [] unless every part is a term."""
    separators = vocabulary_file(name).get("part_separators") if name in VOCABULARIES else None
    if not separators:
        return []
    parts = [p for p in re.split("[" + re.escape(separators) + "]", nfkc(value)) if p.strip()]
    if len(parts) < 2:
        return []
    try:
        return list(dict.fromkeys(normalise_term(name, part) for part in parts))
    except SchemaValueError:
        return []
