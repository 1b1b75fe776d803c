"""The IRIs the profile writes and reads back: namespaces, vocabulary terms (themes,
frequencies, licences, languages, standard datasets, IANA media types), metrics and the
ward as publisher.

Every table is data: ``schemas/dcat/profile.yaml`` (bases, fixed tables, the publisher's
IRI pattern) and the schema's vocabularies (``ckanext.wards.vocab.loader.vocabulary``), read
once per process; the standard datasets' IRIs are the portal's own pages, so their table is
kept per ``ckan.site_url``.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Optional
from urllib.parse import quote

import yaml
from rdflib import Namespace, URIRef

from ckanext.wards import paths
from ckanext.wards.formats import classify as formats
from ckanext.wards.vocab import loader
from ckanext.wards.lib.site import site_url
from ckanext.wards.lib.text import fold

DQV = Namespace("http://www.w3.org/ns/dqv#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CNT = Namespace("http://www.w3.org/2011/content#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CNT_ENCODING = CNT.characterEncoding


@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    """``schemas/dcat/profile.yaml``."""
    with open(paths.schema_file("dcat", "profile.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def imi() -> Namespace:
    """共通語彙基盤 (IMI) core vocabulary."""
    return Namespace(spec()["imi_namespace"])


def publisher_uri(lg_code: Any) -> Optional[str]:
    """The ward's IRI on this portal (``/wards/lg/<code>``), from a valid 全国地方公共団体コード
    only: anything else (a peer's text, a code with a wrong check digit) gives None."""
    from ckanext.wards.vocab.wards import lg_code_ok
    if not lg_code_ok(lg_code):
        return None
    from ckanext.wards.lib.site import site_url
    return spec()["publisher_uri"].format(site_url=site_url(), code=lg_code)


def spatial_uri(lg_code: Any) -> Optional[str]:
    """e-Stat's Standard Area Code LOD IRI of a municipality's area (``C13101-19700401``),
    from a valid 全国地方公共団体コード only."""
    from ckanext.wards.vocab.wards import lg_code_ok
    if not lg_code_ok(lg_code):
        return None
    since = spec()["spatial_since"].get(lg_code[:5]) or spec()["spatial_since_default"]
    return spec()["spatial_uri"].format(code5=lg_code[:5], since=since)


@functools.lru_cache(maxsize=None)
def _areas() -> dict[str, dict[str, Any]]:
    from ckanext.wards.vocab.wards import wards
    return {spatial_uri(w["lg_code"]): w for w in wards()}


def ward_of_area(iri: str) -> Optional[dict[str, Any]]:
    """The ward whose e-Stat Standard Area Code IRI ``iri`` is, if any."""
    return _areas().get(iri)


# --- vocabulary entries ---------------------------------------------------------------------

def _labels(entry: dict[str, Any]) -> dict[str, str]:
    """{lang: text} of a vocabulary entry (``label: {ja, en}``)."""
    return {k: str(v) for k, v in (entry.get("label") or {}).items() if v and k in ("ja", "en")}


def _uri_of(entry: dict[str, Any]) -> Optional[str]:
    for key in ("uri", "url", "eu_uri"):
        value = entry.get(key)
        if isinstance(value, str) and value.startswith("http"):
            return value
    return None


def _vocabulary(name: str) -> list[tuple[str, dict[str, Any]]]:
    """(id, entry) of the schema's vocabulary ``name``; a missing file is an error (the
    package is incomplete), not an empty vocabulary."""
    return [(str(e["id"]), e) for e in loader.vocabulary(name)]


def _term_uri(table: Callable[[], dict[str, dict[str, Any]]], base: str, term_id: str) -> str:
    """An IRI as it is, the vocabulary's IRI of an id, else ``<base><id>``."""
    if term_id.startswith("http"):
        return term_id
    entry = table().get(term_id)
    return entry["uri"] if entry else spec()[base] + term_id


@functools.lru_cache(maxsize=None)
def themes() -> dict[str, dict[str, Any]]:
    """Theme id → {uri, labels}; ids not in the vocabulary get a URI under theme_base."""
    return {id_: {"uri": _uri_of(e) or spec()["theme_base"] + id_, "labels": _labels(e)}
            for id_, e in _vocabulary("themes")}


def theme_uri(theme_id: str) -> str:
    return _term_uri(themes, "theme_base", theme_id)


@functools.lru_cache(maxsize=None)
def _standard_labels() -> dict[str, dict[str, str]]:
    from ckanext.wards.conformance import standards as standard_defs
    return {str(e["id"]): {k: v for k, v in (("ja", e.get("name_ja")), ("en", e.get("name_en"))) if v}
            for e in standard_defs.list_standards()}


@functools.lru_cache(maxsize=8)
def _standard_table(site: str) -> dict[str, dict[str, Any]]:
    base = site + spec()["standard_path"]
    return {id_: {"uri": base + id_, "labels": labels} for id_, labels in _standard_labels().items()}


def standards() -> dict[str, dict[str, Any]]:
    """Standard dataset id → {uri, labels}: the ``uri`` (what goes into dct:conformsTo) is
    the portal's page of the standard, so the table is keyed on the current site_url."""
    return _standard_table(site_url())


def standard_uri(standard_id: str) -> str:
    """``<site_url>/wards/standards/<id>``: the page this portal serves for the standard.
    A number, slug or older IRI of a known standard gives its id's IRI; an IRI we do not
    know is kept; any other text is escaped into the path (its page answers 404)."""
    from ckanext.wards.conformance import standards as standard_defs
    std = standard_defs.get_standard(standard_id)
    if std:
        return standards()[std["id"]]["uri"]
    if standard_id.startswith("http"):
        return standard_id
    return site_url() + spec()["standard_path"] + quote(standard_id, safe="")


@functools.lru_cache(maxsize=None)
def frequency_uris() -> dict[str, str]:
    table = {k: spec()["frequency_base"] + v for k, v in spec()["frequencies"].items()}
    for id_, e in _vocabulary("frequencies"):
        if _uri_of(e):
            table[id_] = _uri_of(e)
    return table


@functools.lru_cache(maxsize=None)
def language_uris() -> dict[str, str]:
    return {k: spec()["language_base"] + v for k, v in spec()["languages"].items()}


@functools.lru_cache(maxsize=None)
def licence_uris() -> dict[str, str]:
    table = dict(spec()["licences"])
    for id_, e in _vocabulary("licenses"):
        uri = e.get("eu_uri") or _uri_of(e)
        if uri and id_ not in table:
            table[id_] = uri
    return table


@functools.lru_cache(maxsize=None)
def _folded_licence_uris() -> dict[str, str]:
    return {fold(key): uri for key, uri in licence_uris().items()}


def licence_uri(licence_id: Optional[str], licence_url: Optional[str] = None) -> Optional[str]:
    if not licence_id or licence_id in ("notspecified", "NOT-SPECIFIED"):
        return None
    if licence_id.startswith("http"):
        return licence_id
    table = licence_uris()
    if licence_id in table:
        return table[licence_id]
    # aliases (cc-by, japanese-20, ...) through the licence vocabulary, then ids in another
    # case (odc-pddl: a CKAN licence id outside our vocabulary)
    key = fold(licence_id)
    entry = loader.term_lookup("licenses").get(key)
    if entry and entry["id"] in table:
        return table[entry["id"]]
    uri = _folded_licence_uris().get(key)
    if uri:
        return uri
    return licence_url if licence_url and licence_url.startswith("http") else None


def iri_key(iri: Any) -> str:
    """An IRI as compared with a table's: trimmed, the scheme and host in lower case,
    ``https`` read as ``http`` and without a trailing slash. Licence documents are cited
    both ways (the EU table lists http://creativecommons.org/..., our vocabulary and
    harvested records often https://...); they name the same licence."""
    text = str(iri or "").strip().rstrip("/")
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    scheme = scheme.lower()
    host, slash, path = rest.partition("/")
    return f"{'http' if scheme == 'https' else scheme}://{host.lower()}{slash}{path}"


def dataset_licence_uri(dataset: dict[str, Any]) -> Optional[str]:
    """The dataset's licence IRI (its distributions' unless they state their own)."""
    return licence_uri(dataset.get("license_id"), dataset.get("license_url"))


def iana_uri(media_type: Optional[str]) -> Optional[str]:
    mt = formats.normalise_media_type(media_type)
    return formats.IANA_MEDIA_TYPE + mt if mt and "/" in mt else None


def metric_uri(metric_id: str) -> URIRef:
    """A metric's IRI (``vocab.metrics``: piveau's for pv:, this portal's for ours)."""
    from ckanext.wards.vocab import metrics
    return metrics.metric_uri(metric_id)


# --- IRI → id, for parsing ----------------------------------------------------------------------

class _PrefixStripper(dict):
    """A reverse map that also turns <base><id> back into <id> (ids without a vocabulary URI)."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def __or__(self, other):
        merged = _PrefixStripper(self.base)
        merged.update(self)
        merged.update(other)
        return merged

    __ror__ = __or__

    def get(self, key, default=None):
        if key in self:
            return self[key]
        if isinstance(key, str) and key.startswith(self.base):
            return key[len(self.base):]
        return default


class _LicencePages(dict):
    """IRI → licence id that also reads the page a ward portal serves for a licence without
    an IRI of its own (``<any portal>/wards/licences/CLOSED``, ``licences_without_iri``)."""

    def get(self, key, default=None):
        if key in self:
            return self[key]
        head, sep, licence_id = str(key or "").rpartition("/wards/licences/")
        if sep and head.startswith(("http://", "https://")) and licence_id in spec()["licences_without_iri"]:
            return licence_id
        return default


class _StandardIRIs(dict):
    """IRI → standard id: the older IRIs of every standard, and any portal's
    ``<site>/wards/standards/<id>`` of a known id (this portal's whatever its site_url, and
    another ward portal's when harvesting), so the map needs no site_url."""

    def __init__(self, ids: list[str]):
        super().__init__((pattern.format(id=id_), id_)
                         for pattern in spec()["legacy_standard_iris"] for id_ in ids)
        self.ids = frozenset(ids)
        self.served = re.compile(r"https?://[^/?#]+(?:/[^?#]*)?" + re.escape(spec()["standard_path"])
                                 + r"(?P<id>[^/?#]+)/?")

    def __missing__(self, key):
        match = self.served.fullmatch(key) if isinstance(key, str) else None
        if match and match["id"] in self.ids:
            return match["id"]
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


@functools.lru_cache(maxsize=None)
def reverse_maps() -> dict[str, dict[str, str]]:
    """URI → id for every vocabulary, for parse_dataset (both IANA URI schemes)."""
    return {
        "theme": {theme_uri(k): k for k in themes()} | _PrefixStripper(spec()["theme_base"]),
        "frequency": {v: k for k, v in frequency_uris().items()},
        "licence": _LicencePages({_uri_of(e): id_ for id_, e in _vocabulary("licenses") if _uri_of(e)}
                                 | {v: k for k, v in licence_uris().items()}),
        "language": {v: k for k, v in language_uris().items()},
        "standard": _StandardIRIs(list(_standard_labels())),
    }
