"""The ckanext-dcat profile of the shared vocabulary, DQV measurements, SHACL validation.

``WardsDCATAP3Profile`` (entry point ``wards_dcat_ap_3``) builds on ckanext-dcat's
``euro_dcat_ap_3`` (which already includes its scheming support). It works in three steps:

1. ``_prepared``: a copy of the dataset dict whose values are already URIs (EU file type,
   IANA media type, EU language/frequency authority, licence, theme, standard) and whose
   titles carry ja/en, so the stock profile writes DCAT-AP 3 from it unchanged.
2. The stock ``graph_from_dataset``.
3. ``_enrich``: what the stock profile cannot know: labels of themes and standards, the
   ward as publisher (全国地方公共団体コード), IMI core vocabulary terms beside DCAT ones,
   character encoding, API access services, and the stored scores as DQV.

``parse_dataset`` reverses the mapping, so a ward portal can harvest another one (and
plain DCAT-AP 3 still parses through the stock code).

Every table is data (``schemas/dcat/profile.yaml`` and the schema's vocabularies), read
once per process; shapes are parsed once per process too (``shapes_graph``).
"""
from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any, Iterable, Optional

import yaml
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import CleanedURIRef, URIRefOrLiteral
from ckanext.dcat.utils import resource_uri

from ckanext.wards import formats, paths

log = logging.getLogger(__name__)

DQV = Namespace("http://www.w3.org/ns/dqv#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA_PREFIXES = ("https://www.iana.org/assignments/media-types/",
                 "http://www.iana.org/assignments/media-types/")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


# --- data (read once) ----------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    with open(paths.schema_file("dcat", "profile.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


CNT_ENCODING = URIRef("http://www.w3.org/2011/content#characterEncoding")


def _load_vocab(name: str) -> list[dict[str, Any]]:
    """Entries of ``schemas/vocab/<name>`` (the schema helper's vocabularies) as a list of
    dicts with at least ``id``; [] if the file is not there (yet)."""
    path = paths.schema_file("vocab", name)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or []
    if isinstance(data, dict):
        for key in ("themes", "frequencies", "licenses", "licences", "items", "values", "choices"):
            if isinstance(data.get(key), (list, dict)):
                data = data[key]
                break
    if isinstance(data, dict):
        data = [dict(v, id=k) if isinstance(v, dict) else {"id": k, "label": v} for k, v in data.items()]
    out = []
    for entry in data:
        if isinstance(entry, dict):
            entry = dict(entry)
            entry.setdefault("id", entry.get("value") or entry.get("code"))
            if entry.get("id") is not None:
                entry["id"] = str(entry["id"])
                out.append(entry)
    return out


def _labels(entry: dict[str, Any]) -> dict[str, str]:
    """{lang: text} from the usual vocabulary layouts (label: {ja, en} / label_ja ...)."""
    out: dict[str, str] = {}
    for key in ("label", "labels", "title", "name"):
        value = entry.get(key)
        if isinstance(value, dict):
            out.update({k: str(v) for k, v in value.items() if v and k in ("ja", "en")})
        elif isinstance(value, str) and value:
            out.setdefault("ja" if _JAPANESE.search(value) else "en", value)
    for lang in ("ja", "en"):
        for key in (f"label_{lang}", f"name_{lang}", f"title_{lang}"):
            if entry.get(key):
                out.setdefault(lang, str(entry[key]))
    return out


def _uri_of(entry: dict[str, Any]) -> Optional[str]:
    for key in ("uri", "url", "eu_uri"):
        value = entry.get(key)
        if isinstance(value, str) and value.startswith("http"):
            return value
    return None


@functools.lru_cache(maxsize=None)
def themes() -> dict[str, dict[str, Any]]:
    """Theme id → {uri, labels}; ids not in the vocabulary get a URI under theme_base."""
    return {e["id"]: {"uri": _uri_of(e) or spec()["theme_base"] + e["id"], "labels": _labels(e)}
            for e in _load_vocab("themes.yaml")}


def theme_uri(theme_id: str) -> str:
    if theme_id.startswith("http"):
        return theme_id
    entry = themes().get(theme_id)
    return entry["uri"] if entry else spec()["theme_base"] + theme_id


@functools.lru_cache(maxsize=None)
def frequency_uris() -> dict[str, str]:
    table = {k: spec()["frequency_base"] + v for k, v in spec()["frequencies"].items()}
    for e in _load_vocab("frequencies.yaml"):
        if _uri_of(e):
            table[e["id"]] = _uri_of(e)
    return table


@functools.lru_cache(maxsize=None)
def licence_uris() -> dict[str, str]:
    table = dict(spec()["licences"])
    for e in _load_vocab("licenses.yaml"):
        uri = e.get("eu_uri") or _uri_of(e)
        if uri and e["id"] not in table:
            table[e["id"]] = uri
    return table


@functools.lru_cache(maxsize=None)
def language_uris() -> dict[str, str]:
    return {k: spec()["language_base"] + v for k, v in spec()["languages"].items()}


@functools.lru_cache(maxsize=None)
def standards() -> dict[str, dict[str, Any]]:
    """Standard dataset id → {uri, labels} (ckanext.wards.standards: the ``uri`` is what
    goes into dct:conformsTo)."""
    from ckanext.wards import standards as standard_defs
    out: dict[str, dict[str, Any]] = {}
    for e in standard_defs.list_standards():
        labels = {k: v for k, v in (("ja", e.get("name_ja")), ("en", e.get("name_en"))) if v}
        out[str(e["id"])] = {"uri": _uri_of(e) or spec()["standard_base"] + str(e["id"]),
                             "labels": labels}
    return out


def standard_uri(standard_id: str) -> str:
    if standard_id.startswith("http"):
        return standard_id
    entry = standards().get(standard_id)
    return entry["uri"] if entry else spec()["standard_base"] + standard_id


@functools.lru_cache(maxsize=None)
def _reverse_maps() -> dict[str, dict[str, str]]:
    """URI → id for every vocabulary, for parse_dataset (both IANA URI schemes)."""
    return {
        "theme": {theme_uri(k): k for k in themes()} | _PrefixStripper(spec()["theme_base"]),
        "frequency": {v: k for k, v in frequency_uris().items()},
        "licence": {_uri_of(e): e["id"] for e in _load_vocab("licenses.yaml") if _uri_of(e)}
        | {v: k for k, v in licence_uris().items()},
        "language": {v: k for k, v in language_uris().items()},
        "standard": {v["uri"]: k for k, v in standards().items()},
    }


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


@functools.lru_cache(maxsize=None)
def metric_uri(metric_id: str) -> URIRef:
    prefix, _, local = metric_id.partition(":")
    base = spec()["metric_prefixes"].get(prefix)
    if base is None:
        from ckanext.wards import report
        base, local = report.METRIC_NS, metric_id
    return URIRef(base + local)


# --- small value helpers ----------------------------------------------------------------------

def _as_list(value: Any) -> list[Any]:
    if value in (None, "", [], {}):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return [v for v in json.loads(text) if v not in (None, "")]
            except ValueError:
                pass
        if text.startswith("{"):
            try:
                return [json.loads(text)]
            except ValueError:
                pass
        return [v.strip() for v in text.split(",") if v.strip()] if "," in text and not text.startswith("http") else [text]
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "", {})]
    return [value]


def _field(data: dict[str, Any], key: str) -> Any:
    """A field at top level or in extras (default-schema portals keep custom fields there)."""
    if data.get(key) not in (None, ""):
        return data[key]
    for extra in data.get("extras") or ():
        if isinstance(extra, dict) and extra.get("key") == key:
            return extra.get("value")
    return None


def _lang_of(text: str) -> Optional[str]:
    """'ja' for text with kana/kanji, else no tag: we never guess English."""
    return "ja" if _JAPANESE.search(text or "") else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def iana_uri(media_type: Optional[str]) -> Optional[str]:
    mt = formats.normalise_media_type(media_type)
    return formats.IANA_MEDIA_TYPE + mt if mt and "/" in mt else None


# --- the ward as publisher ---------------------------------------------------------------------

def publisher_for(dataset: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The ward that publishes a dataset: its ``publisher_code``, else its organisation's
    ward (``report.ward_of``, the rule the comparison follows). A dataset names a ward
    (wards.csv or one of this portal's) as publisher only from that ward's organisations:
    anyone may create an organisation and a dataset that claims Chiyoda's code."""
    from ckanext.wards import report
    org = dataset.get("organization") if isinstance(dataset.get("organization"), dict) else None
    org_ward = report.ward_of(org) if org else None
    code = str(_field(dataset, "publisher_code") or "").strip()
    if code and org is not None and report.is_ward_code(code) and (org_ward or {}).get("lg_code") != code:
        code = ""
    ward = report.ward_by_code(code) if code else None
    if ward is None and code:
        name = (org or {}).get("title") or (org or {}).get("name") or code
        ward = {"lg_code": code, "name_ja": name, "name_en_conventional": "", "website": ""}
    ward = ward or org_ward
    if ward is None:
        return None
    names = {"ja": ward.get("name_ja")}
    if ward.get("name_en_conventional"):
        names["en"] = ward["name_en_conventional"]
    return {
        "uri": spec()["publisher_uri"].format(code=ward["lg_code"]),
        "name": ward.get("name_ja") or ward["lg_code"],
        "name_translated": {k: v for k, v in names.items() if v},
        "url": ward.get("website") or "",
        "identifier": ward["lg_code"],
        "type": spec()["publisher_type"]["uri"],
    }


# --- stored scores --------------------------------------------------------------------------------

_SCORE_CACHE_KEY = "_wards_dcat_scores"


def prefetch_scores(package_ids: list[str]) -> None:
    """Load the stored scores of a page of datasets in two queries (catalogue endpoint),
    kept for the current request only."""
    try:
        import flask
        if not flask.has_request_context():
            return
        flask.g.setdefault(_SCORE_CACHE_KEY, {}).update(_load_scores(package_ids))
    except Exception:  # scores are an addition: never break the catalogue
        log.exception("could not prefetch stored scores")


def _load_scores(package_ids: list[str]) -> dict[str, Optional[dict[str, Any]]]:
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model
    ids = [i for i in package_ids if i]
    out: dict[str, Optional[dict[str, Any]]] = {i: None for i in ids}
    if not ids:
        return out
    ds = model.DatasetScore.__table__
    for row in cm.Session.execute(sa.select(ds).where(ds.c.package_id.in_(ids))).mappings():
        out[row["package_id"]] = {"dataset": dict(row), "resources": {}}
    rs = model.ResourceScore.__table__
    for row in cm.Session.execute(sa.select(rs).where(rs.c.package_id.in_(ids))).mappings():
        entry = out.get(row["package_id"])
        if entry is not None:
            entry["resources"][row["resource_id"]] = dict(row)
    return out


def stored_scores(package_id: Optional[str]) -> Optional[dict[str, Any]]:
    """{"dataset": DatasetScore row, "resources": {id: ResourceScore row}} or None."""
    if not package_id:
        return None
    try:
        import flask
        cache = flask.g.get(_SCORE_CACHE_KEY) if flask.has_request_context() else None
    except Exception:
        cache = None
    if cache is not None and package_id in cache:
        return cache[package_id]
    try:
        return _load_scores([package_id])[package_id]
    except Exception:  # the scoring tables may not exist (wards_scoring not migrated)
        log.debug("no stored scores for %s", package_id, exc_info=True)
        try:
            import ckan.model as cm
            cm.Session.rollback()
        except Exception:
            pass
        return None


# --- the profile ----------------------------------------------------------------------------------

_SCHEMAS: dict[str, Optional[dict[str, Any]]] = {}


def _scheming_schema(dataset_type: str) -> Optional[dict[str, Any]]:
    """The scheming schema of a dataset type, asked once per process (None without scheming)."""
    if dataset_type not in _SCHEMAS:
        from ckan.plugins import toolkit as tk
        try:
            schema = tk.get_action("scheming_dataset_schema_show")({}, {"type": dataset_type})
        except KeyError:  # scheming not loaded
            return None
        except tk.ObjectNotFound:
            raise tk.ObjectNotFound(f"Unknown dataset schema: {dataset_type}")
        _SCHEMAS[dataset_type] = schema
    return _SCHEMAS[dataset_type]

class WardsDCATAP3Profile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 for the shared vocabulary: URIs from vocabularies, ja/en literals, the ward
    as publisher, IMI terms beside DCAT, DQV measurements of the stored scores."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        # The stock constructor asks scheming for the schema on every instance, i.e. for
        # every dataset of a catalogue page; the schema is fixed per process.
        self.g = graph
        self.compatibility_mode = compatibility_mode
        from ckan.plugins import toolkit as tk
        self._default_lang = tk.config.get("ckan.locale_default", "en")
        self._default_locale_lang = None
        self._dataset_schema = _scheming_schema(dataset_type)
        self._form_languages = (self._dataset_schema or {}).get("form_languages")

    # --- serialising

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        prepared = _prepared(dataset_dict)
        super().graph_from_dataset(prepared, dataset_ref)
        self._enrich(dataset_dict, prepared, dataset_ref)

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        _bind_prefixes(g)
        _graph_memo(g).add("catalog")  # the datasets that follow are on a catalogue page
        # DCAT-AP 3: dct:language is an IRI, dct:description and dct:publisher are mandatory.
        for lang in list(g.objects(catalog_ref, DCT.language)):
            if isinstance(lang, Literal):
                g.remove((catalog_ref, DCT.language, lang))
                uri = language_uris().get(str(lang).split("_")[0].lower())
                if uri:
                    g.add((catalog_ref, DCT.language, URIRef(uri)))
                    g.add((URIRef(uri), RDF.type, DCT.LinguisticSystem))
        for page in g.objects(catalog_ref, FOAF.homepage):
            g.add((page, RDF.type, FOAF.Document))
        if (catalog_ref, DCT.description, None) not in g:
            title = next(g.objects(catalog_ref, DCT.title), None)
            if title is not None:
                g.add((catalog_ref, DCT.description, Literal(str(title))))
        if (catalog_ref, DCT.publisher, None) not in g:
            from ckan.plugins import toolkit as tk
            from ckanext.wards import report
            code = report.portal_ward_code()
            publisher = publisher_for({"publisher_code": code}) if code else None
            if publisher:
                ref = self._add_ward(publisher)
            else:
                ref = URIRef(str(catalog_ref))
                g.add((ref, RDF.type, FOAF.Agent))
                g.add((ref, FOAF.name, Literal(tk.config.get("ckan.site_title") or str(catalog_ref))))
            g.add((catalog_ref, DCT.publisher, ref))

    def _enrich(self, original: dict[str, Any], prepared: dict[str, Any], dataset_ref) -> None:
        g = self.g
        _bind_prefixes(g)
        # dcat:theme: concepts with their labels (DCAT-AP: skos:Concept with a prefLabel)
        scheme = URIRef(spec()["theme_scheme"])
        for theme_id in _as_list(_field(original, "theme")):
            ref = URIRef(theme_uri(str(theme_id)))
            memo = _graph_memo(g)
            if ref in memo:
                continue
            memo.add(ref)
            g.add((ref, RDF.type, SKOS.Concept))
            g.add((ref, SKOS.inScheme, scheme))
            labels = (themes().get(str(theme_id)) or {}).get("labels") or {"en": str(theme_id)}
            for lang, text in labels.items():
                g.add((ref, SKOS.prefLabel, Literal(text, lang=lang)))
        # dct:conformsTo: the standard's names
        for standard_id in _as_list(_field(original, "conforms_to")):
            ref = URIRef(standard_uri(str(standard_id)))
            memo = _graph_memo(g)
            if ref in memo:
                continue
            memo.add(ref)
            for lang, text in ((standards().get(str(standard_id)) or {}).get("labels") or {}).items():
                g.add((ref, DCT.title, Literal(text, lang=lang)))
        # DCAT 3 allows dct:license on any dcat:Resource: the dataset's own licence, so a
        # harvester can tell it from a distribution's override (DCAT-AP keeps it per file).
        links = prepared["wards_links"]
        if prepared.get("wards_licence_uri"):
            links = links + [(DCT.license, prepared["wards_licence_uri"], DCT.LicenseDocument)]
        self._add_links(dataset_ref, links)
        self._enrich_publisher(dataset_ref)
        self._enrich_contacts(dataset_ref)
        self._enrich_spatial(dataset_ref)
        self._enrich_distributions(prepared, dataset_ref)
        self._add_quality(original, dataset_ref)

    def _add_links(self, subject, links: list[tuple[URIRef, str, URIRef]]) -> None:
        """(predicate, IRI, class) links to vocabulary terms, each term typed once per graph.

        The stock code would write these too, but it cleans every IRI value with twenty-odd
        string replacements (and types a licence "UnknownIPR", its own TODO); ours come
        from our vocabularies, already clean, and repeat on every dataset of a page."""
        g, memo = self.g, _graph_memo(self.g)
        for predicate, iri, cls in links:
            ref = _vocabulary_ref(iri)
            g.add((subject, predicate, ref))
            if isinstance(ref, URIRef) and (ref, cls) not in memo:
                memo.add((ref, cls))
                g.add((ref, RDF.type, cls))

    def _add_agents(self, dataset_ref, dataset_dict, agent_key, rdf_predicate, first_only=False):
        """The ward as publisher is described once per graph (a catalogue page has a hundred
        datasets from the same few wards); any other agent the stock way."""
        if agent_key == "publisher" and dataset_dict.get("wards_publisher"):
            self.g.add((dataset_ref, rdf_predicate, self._add_ward(dataset_dict["wards_publisher"])))
            return
        super()._add_agents(dataset_ref, dataset_dict, agent_key, rdf_predicate, first_only)

    def _add_ward(self, publisher: dict[str, Any]):
        """The ward as foaf:Agent + IMI 組織型 (used for the catalogue's publisher)."""
        g = self.g
        ref = URIRef(publisher["uri"])
        if ref in _graph_memo(g):
            return ref
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, RDF.type, FOAF.Organization))
        for lang, text in publisher["name_translated"].items():
            g.add((ref, FOAF.name, Literal(text, lang=lang)))
        g.add((ref, DCT.identifier, Literal(publisher["identifier"])))
        if publisher.get("url"):
            g.add((ref, FOAF.homepage, URIRef(publisher["url"])))
        g.add((ref, DCT.type, URIRef(publisher["type"])))
        self._enrich_publisher_node(ref)
        return ref

    def _enrich_publisher(self, dataset_ref) -> None:
        for ref in list(self.g.objects(dataset_ref, DCT.publisher)):
            self._enrich_publisher_node(ref)

    def _enrich_publisher_node(self, ref) -> None:
        """IMI 組織型 with its 全国地方公共団体コード as ID型; the publisher type as a concept."""
        g, ic = self.g, _imi()
        memo = _graph_memo(g)
        if ref in memo:
            return  # already described in this graph (catalogue pages share publishers)
        memo.add(ref)
        g.add((ref, RDF.type, ic["組織型"]))
        for name in g.objects(ref, FOAF.name):
            g.add((ref, ic["表記"], name))
        for code in g.objects(ref, DCT.identifier):
            node = BNode()
            scheme = BNode()
            g.add((ref, ic["ID"], node))
            g.add((node, RDF.type, ic["ID型"]))
            g.add((node, ic["識別値"], Literal(str(code))))
            g.add((node, ic["体系"], scheme))
            g.add((scheme, RDF.type, ic["ID体系型"]))
            for lang, text in spec()["lg_code_scheme"]["label"].items():
                g.add((scheme, ic["表記"], Literal(text, lang=lang)))
        for kind in g.objects(ref, DCT.type):
            if isinstance(kind, URIRef) and str(kind) == spec()["publisher_type"]["uri"] \
                    and (kind, RDF.type, SKOS.Concept) not in g:
                g.add((kind, RDF.type, SKOS.Concept))
                for lang, text in spec()["publisher_type"]["label"].items():
                    g.add((kind, SKOS.prefLabel, Literal(text, lang=lang)))

    def _enrich_contacts(self, dataset_ref) -> None:
        """vCard contact points also typed IMI 連絡先型 with its e-mail and web site."""
        g, ic = self.g, _imi()
        for ref in g.objects(dataset_ref, DCAT.contactPoint):
            g.add((ref, RDF.type, ic["連絡先型"]))
            for name in g.objects(ref, VCARD.fn):
                g.add((ref, ic["表記"], name))
            for mail in g.objects(ref, VCARD.hasEmail):
                g.add((ref, ic["Eメールアドレス"], Literal(str(mail).replace("mailto:", ""))))
            for url in g.objects(ref, VCARD.hasURL):
                g.add((ref, ic["Webサイト"], Literal(str(url), datatype=XSD.anyURI)))

    def _enrich_spatial(self, dataset_ref) -> None:
        g, ic = self.g, _imi()
        for ref in g.objects(dataset_ref, DCT.spatial):
            g.add((ref, RDF.type, ic["場所型"]))
            for label in g.objects(ref, SKOS.prefLabel):
                g.add((ref, ic["表記"], label))

    def _enrich_distributions(self, prepared: dict[str, Any], dataset_ref) -> None:
        g = self.g
        for res in prepared.get("resources") or []:
            ref = URIRef(resource_uri(res))
            self._add_links(ref, res["wards_links"])
            # DCAT-AP 3: dcat:accessURL is mandatory; an upload has only its download URL.
            if (ref, DCAT.accessURL, None) not in g:
                url = res.get("access_url") or res.get("download_url") or res.get("url")
                if url:
                    g.add((ref, DCAT.accessURL, CleanedURIRef(url)))
            # DCAT-AP 3 ranges: without RDFS inference an IRI must say it is an rdfs:Resource
            # (the stock profile types access_url/download_url but not the url fallback).
            for predicate in (DCAT.accessURL, DCAT.downloadURL):
                for url in g.objects(ref, predicate):
                    g.add((url, RDF.type, RDFS.Resource))
            if res.get("character_encoding"):
                g.add((ref, CNT_ENCODING, Literal(str(res["character_encoding"]))))
            if _truthy(res.get("is_api")):
                service = URIRef(str(ref) + "#service")
                endpoint = res.get("access_url") or res.get("url") or res.get("download_url")
                g.add((ref, DCAT.accessService, service))
                g.add((service, RDF.type, DCAT.DataService))
                g.add((service, DCT.title, Literal(res.get("name") or endpoint or str(ref),
                                                   lang=_lang_of(res.get("name") or ""))))
                if endpoint:
                    g.add((service, DCAT.endpointURL, CleanedURIRef(endpoint)))
                    g.add((CleanedURIRef(endpoint), RDF.type, RDFS.Resource))
                g.add((service, DCAT.servesDataset, dataset_ref))

    def _add_quality(self, original: dict[str, Any], dataset_ref) -> None:
        """dqv:hasQualityMeasurement for every stored dataset metric, the totals and the
        per-distribution figures; values are exactly the stored ones. The time of scoring
        (prov:generatedAtTime) is on the dataset's total measurements; its per-metric and
        per-distribution measurements come from the same scoring run."""
        scores = stored_scores(original.get("id"))
        if not scores:
            return
        row = scores["dataset"]
        when = _datetime_literal(row.get("scored_at"))
        if not self._summary_only():
            for metric_id, points in sorted((row.get("metrics") or {}).items()):
                self._measurement(dataset_ref, metric_id, _typed(points, "integer"))
        for total in spec()["dataset_totals"]:
            value = row.get(total["column"])
            if value is not None:
                self._measurement(dataset_ref, total["metric"], _typed(value, total["datatype"]), when)
        for res in original.get("resources") or []:
            res_row = scores["resources"].get(res.get("id"))
            if not res_row:
                continue
            res_ref = URIRef(resource_uri(res))
            for figure in spec()["distribution_figures"]:
                value = res_row.get(figure["column"])
                if value is not None:
                    self._measurement(res_ref, figure["metric"], _typed(value, figure["datatype"]))

    def _summary_only(self) -> bool:
        """On catalogue pages, unless ``ckanext.wards.dcat.catalog_measurements = all``, only
        the totals and the distribution figures: the per-metric breakdown (34 more
        measurements a dataset) is on ``/dataset/<id>.<format>``."""
        if "catalog" not in _graph_memo(self.g):
            return False
        from ckan.plugins import toolkit as tk
        return (tk.config.get("ckanext.wards.dcat.catalog_measurements") or "summary") != "all"

    def _measurement(self, subject, metric_id: str, value: Literal, when=None) -> None:
        """One dqv:QualityMeasurement, a blank node (inlined by Turtle/JSON-LD writers).

        It hangs off its dataset or distribution by dqv:hasQualityMeasurement, the DQV
        link for DCAT subjects, whose range is dqv:QualityMeasurement: neither the type
        nor the inverse dqv:computedOn is repeated (on a catalogue page they would be a
        sixth of all triples and say nothing new)."""
        g = self.g
        metric = metric_uri(metric_id)
        node = BNode()
        g.add((subject, DQV.hasQualityMeasurement, node))
        g.add((node, DQV.isMeasurementOf, metric))
        g.add((node, DQV.value, value))
        if when is not None:
            g.add((node, PROV.generatedAtTime, when))
        seen = _graph_memo(g)
        if metric not in seen:
            seen.add(metric)
            g.add((metric, RDF.type, DQV.Metric))

    # --- parsing

    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        return _parse_shared_fields(self, dataset_dict, dataset_ref)


@functools.lru_cache(maxsize=4096)
def _vocabulary_ref(iri: str):
    """The cleaned IRI, or (as the stock code does) a literal if no IRI can be written."""
    return URIRefOrLiteral(iri)


@functools.lru_cache(maxsize=4096)
def _typed(value: Any, datatype: str) -> Literal:
    """Typed literals are immutable: the few distinct score values are built once."""
    if datatype == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if datatype == "boolean":
        return Literal(bool(value), datatype=XSD.boolean)
    return Literal(str(value), datatype=XSD.string)


def _datetime_literal(value: Any) -> Optional[Literal]:
    return Literal(value.isoformat(), datatype=XSD.dateTime) if value is not None else None


def _graph_memo(g: Graph) -> set:
    """Nodes already described in this graph (a catalogue page shares metrics, themes and
    publishers between datasets); cheaper than asking the store every time."""
    memo = g.__dict__.get("_wards_described")
    if memo is None:
        memo = g.__dict__["_wards_described"] = set()
    return memo


def _bind_prefixes(g: Graph) -> None:
    """Prefixes for our namespaces: shorter output, and rdflib's writers find a prefix for
    every metric URI instead of failing (and retrying) on each one."""
    memo = _graph_memo(g)
    if "prefixes" in memo:
        return
    memo.add("prefixes")
    g.bind("dqv", DQV)
    g.bind("ic", _imi())
    g.bind("prov", PROV)
    g.bind("cnt", Namespace("http://www.w3.org/2011/content#"))
    for prefix, namespace in spec()["metric_prefixes"].items():
        g.bind(prefix, Namespace(namespace))


@functools.lru_cache(maxsize=None)
def _imi() -> Namespace:
    return Namespace(spec()["imi_namespace"])


# --- step 1: the dict the stock profile serialises ------------------------------------------------

def _translated(ja: Any, en: Any) -> Optional[dict[str, str]]:
    """title/notes are Japanese by contract; title_en/notes_en English."""
    out = {}
    if ja:
        out["ja"] = str(ja)
    if en:
        out["en"] = str(en)
    return out or None


LEGACY_CONTACT_FIELDS = ("contact_uri", "contact_name", "contact_email", "maintainer", "maintainer_email",
                         "author", "author_email")


def _prepared(dataset: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``dataset`` with values the stock profile writes as proper DCAT-AP 3."""
    d = dict(dataset)
    # ja/en literals: the stock profile writes *_translated dicts with language tags
    title_en, notes_en = _field(dataset, "title_en"), _field(dataset, "notes_en")
    if dataset.get("title"):
        d["title_translated"] = _translated(dataset.get("title"), title_en)
    if dataset.get("notes") or notes_en:
        d["notes_translated"] = _translated(dataset.get("notes"), notes_en)
    elif dataset.get("title"):  # dct:description is mandatory in DCAT-AP 3: the title stands in
        d["notes_translated"] = _translated(dataset.get("title"), title_en)
    tags = [t["name"] if isinstance(t, dict) else str(t) for t in dataset.get("tags") or []]
    if tags:  # keywords in kana/kanji are tagged @ja, the others left untagged
        by_lang: dict[Optional[str], list[str]] = {}
        for tag in tags:
            by_lang.setdefault(_lang_of(tag), []).append(tag)
        d["tags_translated"] = by_lang
    d["url"] = dataset.get("url") or _field(dataset, "landing_page") or None
    # vocabularies → URIs, written by _enrich (see _add_links), not by the stock code
    languages = [language_uris().get(str(code).lower(), code) for code in _as_list(_field(dataset, "language"))]
    d["theme"] = [theme_uri(str(t)) for t in _as_list(_field(dataset, "theme"))] or None
    freq = _field(dataset, "frequency")
    freq = frequency_uris().get(freq, freq if freq.startswith("http") else None) \
        if isinstance(freq, str) and freq else None
    standards_ = [standard_uri(str(s)) for s in _as_list(_field(dataset, "conforms_to"))]
    d["wards_links"] = ([(DCT.language, str(c), DCT.LinguisticSystem) for c in languages if str(c).startswith("http")]
                        + [(DCT.conformsTo, uri, DCT.Standard) for uri in standards_]
                        + ([(DCT.accrualPeriodicity, freq, DCT.Frequency)] if freq else []))
    d["language"] = d["conforms_to"] = d["frequency"] = None
    for key in ("contact", "spatial_coverage", "temporal_coverage"):
        value = _field(dataset, key)
        if isinstance(value, str):
            d[key] = _as_list(value)
    if d.get("contact"):
        # the stock profile writes one more contact point from these (maintainer, else
        # author): beside the shared schema's contact, a migrated dataset had two
        for key in LEGACY_CONTACT_FIELDS:
            d[key] = None
    publisher = publisher_for(dataset)
    if publisher:
        d["publisher"] = [publisher]  # the stock code then skips its organisation fallback
        d["wards_publisher"] = publisher  # and _add_agents writes the ward
    licence = licence_uri(dataset.get("license_id"), dataset.get("license_url"))
    d["wards_licence_uri"] = licence
    d["resources"] = [_prepared_resource(r, licence, standards_) for r in dataset.get("resources") or []]
    # None (not a missing key) so the stock profile does not fall back to raw extras
    return d


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
    from ckanext.wards.lib.text import fold
    from ckanext.wards.vocab.loader import term_lookup
    key = fold(licence_id)
    entry = term_lookup("licenses").get(key)
    if entry and entry["id"] in table:
        return table[entry["id"]]
    uri = _folded_licence_uris().get(key)
    if uri:
        return uri
    return licence_url if licence_url and licence_url.startswith("http") else None


@functools.lru_cache(maxsize=None)
def _folded_licence_uris() -> dict[str, str]:
    from ckanext.wards.lib.text import fold
    return {fold(key): uri for key, uri in licence_uris().items()}


def _prepared_resource(res: dict[str, Any], dataset_licence: Optional[str],
                       dataset_standards: list[str]) -> dict[str, Any]:
    r = dict(res)
    code = formats.code_from_label(res.get("format")) or formats.code_from_media_type(res.get("mimetype")) \
        if res.get("format") or res.get("mimetype") else None
    if code:
        r["format"] = formats.EU_FILE_TYPE + code
    elif res.get("format") and not str(res["format"]).startswith("http") and "/" not in str(res["format"]):
        r["format"] = None  # a label outside the EU table: not a valid dct:format IRI
    mimetype = iana_uri(res.get("mimetype")) or (iana_uri(res.get("format")) if "/" in str(res.get("format") or "") else None)
    r["mimetype"] = mimetype
    licence = licence_uri(res.get("license")) or dataset_licence
    own = [standard_uri(str(s)) for s in _as_list(res.get("conforms_to"))]
    links = [(DCT.license, licence, DCT.LicenseDocument)] if licence else []
    links += [(DCT.conformsTo, uri, DCT.Standard) for uri in own or dataset_standards]
    if code or not r.get("format"):  # our IRIs (the stock code's format/media type rules need both)
        links += [(DCT["format"], r["format"], DCT.MediaTypeOrExtent)] if r.get("format") else []
        links += [(DCAT.mediaType, mimetype, DCT.MediaType)] if mimetype else []
        r["format"] = r["mimetype"] = None
    r["wards_links"] = links
    r["license"] = r["conforms_to"] = None
    if res.get("name"):
        lang = _lang_of(res["name"])
        if lang:
            r["name_translated"] = {lang: res["name"]}
    if res.get("description"):
        lang = _lang_of(res["description"])
        if lang:
            r["description_translated"] = {lang: res["description"]}
    return r


# --- parsing back into the shared schema ----------------------------------------------------------

def _literal_by_lang(g: Graph, subject, predicate) -> dict[Optional[str], str]:
    out: dict[Optional[str], str] = {}
    for o in g.objects(subject, predicate):
        if isinstance(o, Literal):
            out.setdefault(o.language, str(o))
    return out


def _parse_shared_fields(profile: Any, d: dict[str, Any], dataset_ref) -> dict[str, Any]:
    g = profile.g
    rev = _reverse_maps()

    def pop_extra(key: str) -> Any:
        for extra in list(d.get("extras") or []):
            if extra["key"] == key:
                d["extras"].remove(extra)
                return extra["value"]
        return d.pop(key, None) if key in d else None

    def as_values(value: Any) -> list[str]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        return [str(v) for v in (value or [])]

    titles = _literal_by_lang(g, dataset_ref, DCT.title)
    notes = _literal_by_lang(g, dataset_ref, DCT.description)
    if titles:
        d["title"] = titles.get("ja") or titles.get(None) or next(iter(titles.values()))
        if titles.get("en") and d["title"] != titles["en"]:
            d["title_en"] = titles["en"]
    if notes:
        d["notes"] = notes.get("ja") or notes.get(None) or next(iter(notes.values()))
        if notes.get("en") and d["notes"] != notes["en"]:
            d["notes_en"] = notes["en"]
    d["tags"] = [{"name": str(k)} for k in g.objects(dataset_ref, DCAT.keyword)]
    for key, table in (("theme", "theme"), ("language", "language"), ("conforms_to", "standard")):
        values = as_values(pop_extra(key))
        if values:
            d[key] = [rev[table].get(v, v) for v in values]
    freq = pop_extra("frequency")
    if freq:
        d["frequency"] = rev["frequency"].get(freq, freq)
    for key in ("issued", "modified"):
        value = pop_extra(key)
        if value:
            d[key] = value
    # repeating subfields of the shared schema, whether or not a scheming schema is loaded
    contacts = [{k: v for k, v in c.items() if k in ("name", "email", "url") and v}
                for c in profile._contact_details(dataset_ref, DCAT.contactPoint)]
    if contacts:
        d["contact"] = contacts
    spatial = []
    for ref in g.objects(dataset_ref, DCT.spatial):
        item = {"uri": str(ref)} if isinstance(ref, URIRef) else {}
        label = g.value(ref, SKOS.prefLabel)
        if label is not None:
            item["text"] = str(label)
        if item:
            spatial.append(item)
    if spatial:
        d["spatial_coverage"] = spatial
    temporal = profile._temporal_coverage_details(dataset_ref)
    if temporal:
        d["temporal_coverage"] = temporal
    legacy = ("contact_", "spatial_", "temporal_", "publisher_")
    d["extras"] = [e for e in d.get("extras") or [] if not e["key"].startswith(legacy) and e["key"] != "spatial"]
    # the ward: publisher_code from the publisher's dct:identifier
    for publisher in g.objects(dataset_ref, DCT.publisher):
        code = next((str(i) for i in g.objects(publisher, DCT.identifier)), "")
        if re.fullmatch(r"\d{6}", code):
            d["publisher_code"] = code
    licences = []
    for res in d.get("resources") or []:
        ref = URIRef(res["distribution_ref"]) if res.get("distribution_ref") else None
        if res.get("format", "").startswith(formats.EU_FILE_TYPE):
            res["format"] = res["format"][len(formats.EU_FILE_TYPE):]
        elif ref is not None:
            fmt = next(g.objects(ref, DCT["format"]), None)
            if isinstance(fmt, URIRef) and str(fmt).startswith(formats.EU_FILE_TYPE):
                res["format"] = str(fmt)[len(formats.EU_FILE_TYPE):]
        mt = res.get("mimetype")
        if mt:
            res["mimetype"] = formats.normalise_media_type(mt)
        if res.get("license"):
            res["license"] = rev["licence"].get(res["license"], res["license"])
            licences.append(res["license"])
        if ref is not None:
            enc = next(g.objects(ref, CNT_ENCODING), None)
            if enc is not None:
                res["character_encoding"] = str(enc)
            res["is_api"] = (ref, DCAT.accessService, None) in g
            res.pop("access_services", None)  # is_api is the shared schema's field
            names = _literal_by_lang(g, ref, DCT.title)
            if names:
                res["name"] = names.get("ja") or names.get(None) or next(iter(names.values()))
            descriptions = _literal_by_lang(g, ref, DCT.description)
            if descriptions:
                res["description"] = descriptions.get("ja") or descriptions.get(None) or next(iter(descriptions.values()))
        if res.get("conforms_to"):
            # one standard per resource in the shared schema (the first one stated)
            values = [rev["standard"].get(v, v) for v in as_values(res["conforms_to"])]
            res["conforms_to"] = values[0]
    own = g.value(dataset_ref, DCT.license)
    if own is not None:
        licences.insert(0, rev["licence"].get(str(own), str(own)))
    if licences:
        d["license_id"] = licences[0]
        for res in d.get("resources") or []:
            if res.get("license") == d["license_id"]:
                res.pop("license")  # inherited, not an override
    return d



# --- SHACL ----------------------------------------------------------------------------------------

OFFICIAL_SHAPES = "dcat-ap-3.0.0-shacl-shapes.ttl"
WARDS_SHAPES = "wards-dcat-ap-3-shapes.ttl"


def shapes_files() -> list[str]:
    """Default shapes: ours and the official DCAT-AP 3.0.0 ones (schemas/shacl/)."""
    return [str(paths.schema_file("shacl", WARDS_SHAPES)), str(paths.schema_file("shacl", OFFICIAL_SHAPES))]


@functools.lru_cache(maxsize=8)
def shapes_graph(files: tuple[str, ...]) -> Graph:
    """The shapes, parsed once per process (pyshacl is the slow part, parsing the next)."""
    g = Graph()
    for path in files:
        g.parse(path, format="turtle")
    return g


def dataset_graph(dataset_dict: dict[str, Any], profiles: Optional[list[str]] = None) -> Graph:
    from ckanext.dcat.processors import RDFSerializer
    serializer = RDFSerializer(profiles=profiles or ["wards_dcat_ap_3"])
    serializer.graph_from_dataset(dataset_dict)
    return serializer.g


def validate_graph(data: Graph, files: Optional[list[str]] = None) -> list[dict[str, Any]]:
    """SHACL results (violations and warnings) of a graph as plain dicts; [] if it conforms.

    ``messages`` holds the shape's own ja/en sh:message texts (ours have them);
    ``message`` is the English one, or pyshacl's generated text."""
    import pyshacl
    shapes = shapes_graph(tuple(files or shapes_files()))
    conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                allow_warnings=True)
    if conforms:
        return []
    SH = Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages: dict[str, str] = {}  # the shape's own sh:message, by language tag
        generated = ""  # pyshacl's untagged English message
        for message in results.objects(result, SH.resultMessage):
            lang = getattr(message, "language", None)
            if lang:
                messages.setdefault(lang, str(message))
            else:
                generated = str(message)
        out.append({
            "focus": str(results.value(result, SH.focusNode)),
            "path": str(results.value(result, SH.resultPath) or ""),
            "value": str(results.value(result, SH.value) or ""),
            "severity": str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            "component": str(results.value(result, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
            "message": messages.get("en") or generated,
            "messages": messages,
            "shape": str(results.value(result, SH.sourceShape) or ""),
        })
    return sorted(out, key=lambda v: (v["severity"], v["focus"], v["path"], v["message"]))


@functools.lru_cache(maxsize=None)
def result_texts() -> dict[str, Any]:
    with open(paths.schema_file("shacl", "messages.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def describe(result: dict[str, Any], lang: str = "en") -> str:
    """One line for a SHACL result in ja or en: the shape's own message in that language,
    else our wording of the constraint plus pyshacl's original (English) message."""
    texts = result_texts()
    own = result.get("messages", {}).get(lang)
    if own:
        text = own
    else:
        kind = texts.get(result.get("component")) or texts["_default"]
        text = kind.get(lang) or kind["en"]
        if lang != "en" or result.get("message") and result["message"] != text:
            text = f"{text} ({result.get('message')})"
    labels = texts["_labels"]
    parts = [f"[{result['severity']}]", f"{labels['focus'][lang]}: <{result['focus']}>"]
    if result.get("path"):
        parts.append(f"{labels['property'][lang]}: <{result['path']}>")
    if result.get("value"):
        parts.append(f"{labels['value'][lang]}: {result['value']}")
    return " ".join(parts) + " — " + text


def validate_datasets(dataset_id: Optional[str] = None, files: Optional[list[str]] = None,
                      ) -> Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(dataset, results) for one dataset or every public active dataset, as the public
    catalogue shows them (``ckan wards validate-dcat``)."""
    from ckan.plugins import toolkit as tk
    context = {"ignore_auth": True}
    if dataset_id:
        pkg = tk.get_action("package_show")(context, {"id": dataset_id})
        yield pkg, validate_dataset(pkg, files)
        return
    start, rows = 0, 100
    while True:
        page = tk.get_action("package_search")(
            context, {"q": "*:*", "rows": rows, "start": start, "sort": "name asc",
                      "include_private": False, "fq": "+dataset_type:dataset"})
        for pkg in page["results"]:
            yield pkg, validate_dataset(pkg, files)
        start += rows
        if start >= page["count"] or not page["results"]:
            break


def validate_dataset(dataset_dict: dict[str, Any], files: Optional[list[str]] = None) -> list[dict[str, Any]]:
    return validate_graph(dataset_graph(dataset_dict), files)


def dcat_validator(dataset_dict: dict[str, Any]) -> Optional[bool]:
    """The scoring hook (``pv:dcatApCompliance``): True when the dataset's DCAT-AP 3 output
    has no SHACL violation against our shapes and the official DCAT-AP 3.0.0 shapes."""
    return not any(v["severity"] == "Violation" for v in validate_dataset(dataset_dict))
