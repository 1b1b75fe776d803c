"""Facts about a dataset that several checks, the engine's summary and the ward report
share: its licence (open, known), 5-star level, declared and checked conformance, last
modification and freshness against the declared frequency.

Every field is read with fallbacks (``extras``, legacy ckanext-dcat keys,
``metadata_modified``), so a dataset of the shared schema or of CKAN's default schema
is scored alike.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
from typing import Any, Optional

from ckanext.wards import paths
from ckanext.wards.dcat import uris  # the licence IRIs the DCAT output writes: what MQA scores
from ckanext.wards.vocab import loader
from ckanext.wards.lib.dates import read_datetime
from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_texts
from ckanext.wards.lib.text import fold
from ckanext.wards.scoring.subject import Subject

# --- licences -------------------------------------------------------------------------------


def licence_table() -> dict[str, dict[str, Any]]:
    """Folded licence id, label or alias → entry of schemas/vocab/licenses.yaml (``open``,
    ``known``), matched as the schema's validator matches, so a dataset of any schema is
    scored by the licence our schema would store."""
    return loader.term_lookup("licenses")


@functools.lru_cache(maxsize=None)
def eu_licence_iris() -> frozenset[str]:
    """The licence IRIs data.europa.eu knows (eu-licences.csv, the EU licence authority
    table): each licence's authority IRI and the address of the licence document it
    matches (http://creativecommons.org/licenses/by/4.0/ ...), as ``uris.iri_key``s: http
    or https, with or without the trailing slash."""
    with open(paths.schema_file("vocab", "eu-licences.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return frozenset(uris.iri_key(v) for row in rows for v in (row[0], row[2]) if v)


@functools.lru_cache(maxsize=None)
def eu_access_rights() -> frozenset[str]:
    """Every value of the EU access-right table (eu-access-rights.csv)."""
    with open(paths.schema_file("vocab", "eu-access-rights.csv"), encoding="utf-8") as f:
        return frozenset(v for row in csv.reader(f) for v in row if v)


def licence_id(pkg: dict[str, Any], res: Optional[dict[str, Any]] = None) -> Optional[str]:
    value = (res or {}).get("license") or field(pkg, "license_id", "license")
    if not value or fold(value) in ("", "notspecified", "not-specified"):
        return None
    return str(value)


def licence_is_open(value: Optional[str]) -> bool:
    """Our vocabulary's ``open`` for its licences, CKAN's licence register for others."""
    if not value:
        return False
    entry = licence_table().get(fold(value))
    if entry is not None:
        return bool(entry["open"])
    try:  # CKAN's own register (default schema portals, custom licence files)
        from ckan.model import Package
        licence = Package.get_license_register().get(value)
        return bool(licence and licence.isopen())
    except Exception:
        return False


def licence_iri(pkg: dict[str, Any], res: Optional[dict[str, Any]] = None) -> Optional[str]:
    """The dct:license IRI the DCAT output gives the resource (its own licence, else the
    dataset's: ``dcat.uris``, the profile's own lookup), None when the output cannot
    express the licence (other-closed, other-open, notspecified, an id with no address)."""
    return uris.licence_uri((res or {}).get("license")) or uris.dataset_licence_uri(pkg)


def licence_iri_is_known(iri: Optional[str]) -> bool:
    """pv:knownLicence as data.europa.eu gives it: the IRI is in the EU licence table.
    PDL 1.0 and 政府標準利用規約 are not (they count as open in the Japan dimension)."""
    return bool(iri) and uris.iri_key(iri) in eu_licence_iris()


def licence_is_known(value: Optional[str]) -> bool:
    """``licence_iri_is_known`` of the IRI the DCAT output writes for a licence id (or
    any spelling our vocabulary knows)."""
    return licence_iri_is_known(uris.licence_uri(value))


# --- formats and standards ------------------------------------------------------------------


def dataset_stars(s: Subject) -> int:
    """5-star level of the dataset: the best resource (licence is its own finding)."""
    return max((c["stars"] for c in s.classes), default=0)


def conformance(s: Subject) -> tuple[list[str], Optional[bool]]:
    """(declared standard ids, checker result over resources: True/False/None unchecked)."""
    declared = as_texts(field(s.pkg, "conforms_to"))
    for res in s.resources:
        declared += [x for x in as_texts(res.get("conforms_to")) if x not in declared]
    stored = [(r, s.resource_store(r)) for r in s.resources]
    results = [st.get("conformance_ok") for r, st in stored
               if st.get("conformance_ok") is not None and verdict_is_current(s, r, st)]
    checked = None if not results else any(results)
    return declared, checked


def verdict_is_current(s: Subject, res: dict[str, Any], stored: dict[str, Any]) -> bool:
    """A stored verdict counts only against the standard declared now (a changed
    ``conforms_to`` makes it not assessed until the file is checked again). A verdict
    without a standard id is another IWardsScoring plugin's: it stands."""
    from ckanext.wards.conformance import standards
    return stored.get("standard_id") is None or stored["standard_id"] == standards.declared_standard(res, s.pkg)


def known_standards(declared: list[str]) -> list[str]:
    """The declared ids that name a standard dataset the checker knows."""
    from ckanext.wards.conformance import standards
    return [x for x in declared if standards.get_standard(x)]


# --- dates and freshness --------------------------------------------------------------------


def modified_date(pkg: dict[str, Any]) -> Optional[dt.datetime]:
    """The declared modification date, else the newest resource change, else CKAN's."""
    declared = read_datetime(field(pkg, "modified"))
    if declared:
        return declared
    dates = [read_datetime(r.get("modified") or r.get("last_modified")) for r in pkg.get("resources") or []]
    dates = [d for d in dates if d]
    return max(dates) if dates else read_datetime(pkg.get("metadata_modified"))


def frequency_days(pkg: dict[str, Any]) -> tuple[bool, Optional[int]]:
    """(frequency declared and recognised, allowed days or None for no schedule)."""
    value = field(pkg, "frequency", "accrual_periodicity", "update_frequency")
    if isinstance(value, dict):
        value = value.get("id") or value.get("uri")
    if not value:
        return False, None
    # an id, label or alias of schemas/vocab/frequencies.yaml, or an EU frequency URI
    entry = loader.term_lookup("frequencies").get(fold(str(value).rstrip("/").rsplit("/", 1)[-1]))
    if entry is None:
        return False, None
    return True, entry["days"]


def freshness(pkg: dict[str, Any], now: dt.datetime) -> float:
    """1.0 if modified within the declared period (+ grace), else 0.0; no frequency → 0."""
    known, days = frequency_days(pkg)
    if not known:
        return 0.0
    if days is None:
        return 1.0  # irregular / never: cannot be late
    modified = modified_date(pkg)
    if modified is None:
        return 0.0
    grace = loader.vocabulary_file("frequencies")["freshness_grace"]
    return 1.0 if (now - modified) <= dt.timedelta(days=days * (1.0 + grace)) else 0.0
