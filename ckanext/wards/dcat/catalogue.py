"""The ``dcat:Catalog`` itself, beyond what the stock profile writes: its operator as
publisher (``ckanext.wards.dcat.catalog_publisher_*``), when it was first published, the
licence of its metadata, the wards' areas it covers and its theme taxonomy (DCAT-AP 3's
recommended catalogue properties, from settings and data the portal has)."""
from __future__ import annotations

import functools
from typing import Any, Optional

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, RDF, SKOS

from ckanext.wards.dcat.graphs import graph_memo
from ckanext.wards.dcat.uris import licence_uri, spatial_uri, spec

PUBLISHER_TYPE_BASE = "http://purl.org/adms/publishertype/"


def _option(name: str) -> str:
    from ckan.plugins import toolkit as tk
    return str(tk.config.get(f"ckanext.wards.dcat.{name}") or "").strip()


def publisher_code() -> Optional[str]:
    """``ckanext.wards.dcat.catalog_publisher_code`` when it is a valid code."""
    from ckanext.wards.vocab.wards import lg_code_ok
    code = _option("catalog_publisher_code")
    return code if lg_code_ok(code) else None


def add_operator(g: Graph):
    """The operator named by the ``catalog_publisher_*`` options as a foaf:Agent with its
    ADMS type; the site's title when no name is set (a catalogue always has a publisher,
    and it is never the catalogue's own IRI)."""
    from ckan.plugins import toolkit as tk
    uri = _option("catalog_publisher_uri")
    ref = URIRef(uri) if uri.startswith(("http://", "https://")) else BNode()
    g.add((ref, RDF.type, FOAF.Agent))
    name_ja, name_en = _option("catalog_publisher_name"), _option("catalog_publisher_name_en")
    if name_ja:
        g.add((ref, FOAF.name, Literal(name_ja, lang="ja")))
    if name_en:
        g.add((ref, FOAF.name, Literal(name_en, lang="en")))
    if not (name_ja or name_en):
        g.add((ref, FOAF.name, Literal(tk.config.get("ckan.site_title") or "CKAN")))
    homepage = _option("catalog_publisher_url")
    if homepage.startswith(("http://", "https://")):
        g.add((ref, FOAF.homepage, URIRef(homepage)))
        g.add((URIRef(homepage), RDF.type, FOAF.Document))
    email = _option("catalog_publisher_email")
    if "@" in email:
        g.add((ref, FOAF.mbox, URIRef("mailto:" + email.removeprefix("mailto:"))))
    name = _option("catalog_publisher_type") or "LocalAuthority"
    kind = URIRef(PUBLISHER_TYPE_BASE + name)
    g.add((ref, DCT.type, kind))
    add_concept(g, kind, spec()["publisher_type_labels"].get(name) or {"en": name})
    return ref


def add_concept(g: Graph, ref, labels: dict[str, str]) -> None:
    """A skos:Concept of someone else's vocabulary with our ja/en labels, once per graph
    (DCAT-AP's shapes want a prefLabel on every concept)."""
    memo = graph_memo(g)
    if ("concept", ref) in memo:
        return
    memo.add(("concept", ref))
    g.add((ref, RDF.type, SKOS.Concept))
    for lang, text in labels.items():
        g.add((ref, SKOS.prefLabel, Literal(text, lang=lang)))


def describe(profile, catalog_ref) -> None:
    """dct:issued, dct:license, dct:spatial and dcat:themeTaxonomy of the catalogue."""
    g = profile.g
    if (catalog_ref, DCT.issued, None) not in g:
        first = first_published()
        if first is not None:
            profile._add_date_triple(catalog_ref, DCT.issued, first.isoformat())
    licence = licence_uri(_option("catalog_licence"))
    if licence:
        g.add((catalog_ref, DCT.license, URIRef(licence)))
        add_licence_types(g, URIRef(licence), _option("catalog_licence"))
    for area in covered_areas():
        ref = URIRef(area["uri"])
        g.add((catalog_ref, DCT.spatial, ref))
        add_area(g, ref, area["ward"])
    scheme = URIRef(spec()["theme_scheme"])
    g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
    add_theme_scheme(g, scheme)


def first_published():
    """The creation time of the oldest public active dataset (the catalogue's dct:issued)."""
    import sqlalchemy as sa
    import ckan.model as cm
    t = cm.Package.__table__
    return cm.Session.execute(sa.select(sa.func.min(t.c.metadata_created)).where(
        t.c.state == "active", t.c.private.is_(False), t.c.type == "dataset")).scalar()


def covered_areas() -> list[dict[str, Any]]:
    """The areas of the wards this portal's organisations belong to (e-Stat SAC IRIs)."""
    from ckanext.wards.vocab import organizations
    out = []
    for entry in organizations.local_wards():
        uri = spatial_uri(entry["ward"]["lg_code"])
        if uri:
            out.append({"uri": uri, "ward": entry["ward"]})
    return out


def add_area(g: Graph, ref: URIRef, ward: dict[str, Any]) -> None:
    """A ward's area (e-Stat's Standard Area Code resource) as dct:Location with its names
    and 全国地方公共団体コード, once per graph."""
    memo = graph_memo(g)
    if ("area", ref) in memo:
        return
    memo.add(("area", ref))
    g.add((ref, RDF.type, DCT.Location))
    if ward.get("name_ja"):
        g.add((ref, SKOS.prefLabel, Literal(ward["name_ja"], lang="ja")))
    if ward.get("name_en_conventional"):
        g.add((ref, SKOS.prefLabel, Literal(ward["name_en_conventional"], lang="en")))
    g.add((ref, DCT.identifier, Literal(ward["lg_code"])))


def add_theme_scheme(g: Graph, scheme: URIRef) -> None:
    memo = graph_memo(g)
    if ("scheme", scheme) in memo:
        return
    memo.add(("scheme", scheme))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang, text in spec()["theme_scheme_label"].items():
        g.add((scheme, DCT.title, Literal(text, lang=lang)))


def add_licence_types(g: Graph, ref: URIRef, licence_id: Optional[str]) -> None:
    """dct:type of a licence document: its ADMS licence types (``licence_types`` of
    profile.yaml, by licence id or IRI), each a skos:Concept, once per graph."""
    memo = graph_memo(g)
    if ("licence-type", ref) in memo:
        return
    memo.add(("licence-type", ref))
    for kind in licence_types(licence_id, str(ref)):
        node = URIRef(spec()["licence_type_base"] + kind)
        g.add((ref, DCT.type, node))
        add_concept(g, node, spec()["licence_type_labels"].get(kind) or {"en": kind})


def licence_types(licence_id: Optional[str], iri: str) -> list[str]:
    from ckanext.wards.vocab import loader
    table = spec()["licence_types"]
    entry = loader.find_term("licenses", licence_id)
    if entry and entry["id"] in table:
        return table[entry["id"]]
    if licence_id in table:
        return table[licence_id]
    from ckanext.wards.dcat.uris import iri_key
    return _licence_types_by_iri().get(iri_key(iri), [])


@functools.lru_cache(maxsize=None)
def _licence_types_by_iri() -> dict[str, list[str]]:
    from ckanext.wards.dcat.uris import iri_key, licence_uris
    table = spec()["licence_types"]
    return {iri_key(uri): table[lid] for lid, uri in licence_uris().items() if lid in table}


def planned_availability() -> Optional[tuple[URIRef, dict[str, str]]]:
    """``ckanext.wards.dcat.distribution_availability`` as the EU planned-availability IRI
    and its labels."""
    code = _option("distribution_availability").upper()
    if not code:
        return None
    return URIRef(spec()["availability_base"] + code), spec()["availability_labels"].get(code) or {"en": code}


def licence_page_uri(licence_id: str) -> str:
    """The IRI the portal serves for a licence that has none of its own (CLOSED, ...)."""
    from ckanext.wards.lib.site import site_url
    return spec()["licence_page"].format(site_url=site_url(), id=licence_id)
