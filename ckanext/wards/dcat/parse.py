"""DCAT back into the shared schema: what the profile's ``parse_dataset`` adds to the
stock parse, so one ward's portal can harvest another's (and plain DCAT-AP 3 from any
portal still maps onto the shared fields).

IRIs become vocabulary ids (``uris.reverse_maps``), language-tagged literals become
``title``/``title_en`` and ``notes``/``notes_en``, the publisher's ``dct:identifier`` the
``publisher_code``, a distribution's access service ``is_api``, dct:accessRights the
access-right id and a distribution's dct:rights statement ``rights``/``rights_en``.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, RDFS, SKOS

from ckanext.wards.formats import classify as formats
from ckanext.wards.dcat.uris import CNT_ENCODING, reverse_maps
from ckanext.wards.lib.lists import as_texts, is_blank
from ckanext.wards.vocab import access_rights


def _literal_by_lang(g: Graph, subject, predicate) -> dict[Optional[str], str]:
    out: dict[Optional[str], str] = {}
    for o in g.objects(subject, predicate):
        if isinstance(o, Literal):
            out.setdefault(o.language, str(o))
    return out


def _japanese_first(texts: dict[Optional[str], str]) -> str:
    """The Japanese text, else the untagged one, else the first."""
    return texts.get("ja") or texts.get(None) or next(iter(texts.values()))


def parse_shared_fields(profile: Any, d: dict[str, Any], dataset_ref) -> dict[str, Any]:
    """The shared schema's fields of ``d`` (the stock profile's parse of ``dataset_ref``),
    read from ``profile.g``; ``profile`` is the calling profile (its contact and temporal
    readers are ckanext-dcat's)."""
    g = profile.g
    rev = reverse_maps()

    def pop_extra(key: str) -> Any:
        for extra in list(d.get("extras") or []):
            if extra["key"] == key:
                d["extras"].remove(extra)
                return extra["value"]
        return d.pop(key, None) if key in d else None

    for key, lang_key, predicate in (("title", "title_en", DCT.title), ("notes", "notes_en", DCT.description)):
        texts = _literal_by_lang(g, dataset_ref, predicate)
        if texts:
            d[key] = _japanese_first(texts)
            if texts.get("en") and d[key] != texts["en"]:
                d[lang_key] = texts["en"]
    d["tags"] = [{"name": str(k)} for k in g.objects(dataset_ref, DCAT.keyword)]
    for key, table in (("theme", "theme"), ("language", "language"), ("conforms_to", "standard")):
        values = as_texts(pop_extra(key))
        if values:
            d[key] = [rev[table].get(v, v) for v in values]
    _parse_access_rights(d, pop_extra("access_rights"))
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
        licence = _parse_distribution(g, rev, res)
        if licence:
            licences.append(licence)
    own = g.value(dataset_ref, DCT.license)
    if own is not None:
        licences.insert(0, rev["licence"].get(str(own), str(own)))
    if licences:
        d["license_id"] = licences[0]
        for res in d.get("resources") or []:
            if res.get("license") == d["license_id"]:
                res.pop("license")  # inherited, not an override
    return d


def _parse_access_rights(d: dict[str, Any], value: Any) -> None:
    """dct:accessRights (the stock parse: the IRI, or the statement's label) as the
    vocabulary id; text the vocabulary does not know is kept where migrate keeps such
    statements, so the harvested dataset validates and its statement is not lost."""
    if is_blank(value):
        return
    code = access_rights.code_of({access_rights.FIELD: value})
    if access_rights.uri_of(code):
        d[access_rights.FIELD] = code
    else:
        d.setdefault("extras", []).append({"key": access_rights.UNMAPPED, "value": str(value)})


def _parse_rights(g: Graph, ref, res: dict[str, Any]) -> None:
    """dct:rights: an IRI as ``rights``; a statement's labels as ``rights`` (Japanese, else
    untagged) and ``rights_en``."""
    res.pop("rights", None)  # the stock parse gives a blank node's id for a statement
    node = g.value(ref, DCT.rights)
    if isinstance(node, (URIRef, Literal)):  # a plain literal: some portals write one
        res["rights"] = str(node)
    elif node is not None:
        texts = _literal_by_lang(g, node, RDFS.label)
        if texts:
            res["rights"] = _japanese_first(texts)
            if texts.get("en") and texts["en"] != res["rights"]:
                res["rights_en"] = texts["en"]


def _parse_distribution(g: Graph, rev: dict[str, dict[str, str]], res: dict[str, Any]) -> Optional[str]:
    """The shared schema's resource fields of ``res``, in place; its licence id, if any."""
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
    if ref is not None:
        enc = next(g.objects(ref, CNT_ENCODING), None)
        if enc is not None:
            res["character_encoding"] = str(enc)
        res["is_api"] = (ref, DCAT.accessService, None) in g
        res.pop("access_services", None)  # is_api is the shared schema's field
        names = _literal_by_lang(g, ref, DCT.title)
        if names:
            res["name"] = _japanese_first(names)
        descriptions = _literal_by_lang(g, ref, DCT.description)
        if descriptions:
            res["description"] = _japanese_first(descriptions)
        _parse_rights(g, ref, res)
    if res.get("conforms_to"):
        # one standard per resource in the shared schema (the first one stated)
        values = [rev["standard"].get(v, v) for v in as_texts(res["conforms_to"])]
        if values:
            res["conforms_to"] = values[0]
        else:
            res.pop("conforms_to")
    return res.get("license") or None
