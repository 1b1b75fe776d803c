"""``WardsDCATAP3Profile`` (entry point ``wards_dcat_ap_3``): DCAT-AP 3 for the shared
vocabulary, on top of ckanext-dcat's ``euro_dcat_ap_3`` (which already includes its
scheming support). Serialising works in three steps:

1. ``prepare.prepared``: a copy of the dataset dict whose values are already URIs and
   whose titles carry ja/en, so the stock profile writes DCAT-AP 3 from it unchanged.
2. The stock ``graph_from_dataset``.
3. ``_enrich``: what the stock profile cannot know: labels of themes and standards, the
   ward as publisher (全国地方公共団体コード), IMI core vocabulary terms beside DCAT ones,
   character encoding, API access services, and the stored scores as DQV
   (``quality.add_measurements``).

``parse_dataset`` reverses the mapping (``parse.parse_shared_fields``), so a ward portal
can harvest another one (and plain DCAT-AP 3 still parses through the stock code).
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import CleanedURIRef
from ckanext.dcat.utils import resource_uri

from ckanext.wards.dcat import catalogue
from ckanext.wards.dcat.graphs import (bind_prefixes, graph_memo, graph_setting, has_ip_literal, restore_ip_literals,
                                       vocabulary_ref)
from ckanext.wards.dcat.parse import parse_shared_fields
from ckanext.wards.dcat.prepare import lang_of, prepared, publisher_for
from ckanext.wards.dcat.quality import add_measurements
from ckanext.wards.dcat.uris import (CNT_ENCODING, VCARD, dataset_licence_uri, imi, language_uris, spec,
                                     standard_uri, standards, theme_uri, themes)
from ckanext.wards.lib.fields import field
from ckanext.wards.lib.flags import truthy
from ckanext.wards.lib.lists import as_list

_SCHEMAS: dict[str, Optional[dict[str, Any]]] = {}
DCATAP = Namespace("http://data.europa.eu/r5r/")


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


def _urls_of(dataset: dict[str, Any], dataset_ref) -> Iterator[Any]:
    """The addresses the stock code cleans into IRIs (where an IPv6 host gets mangled)."""
    yield str(dataset_ref)
    yield dataset.get("url")
    for res in dataset.get("resources") or []:
        yield from (res.get("url"), res.get("access_url"), res.get("download_url"))
    for contact in as_list(field(dataset, "contact")):
        if isinstance(contact, dict):
            yield contact.get("url")


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
        ready = prepared(dataset_dict)
        super().graph_from_dataset(ready, dataset_ref)
        self._enrich(dataset_dict, ready, dataset_ref)
        if has_ip_literal(_urls_of(dataset_dict, dataset_ref)):
            restore_ip_literals(self.g)

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        if has_ip_literal([str(catalog_ref)]):
            restore_ip_literals(g)
        bind_prefixes(g)
        graph_memo(g).add("catalog")  # the datasets that follow are on a catalogue page
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
            g.add((catalog_ref, DCT.publisher, self._catalog_publisher()))
        catalogue.describe(self, catalog_ref)

    def _catalog_publisher(self):
        """The portal's operator (``ckanext.wards.dcat.catalog_publisher_*``): a local
        government by its code, else the named organisation; never the catalogue itself."""
        from ckanext.wards.vocab import organizations
        code = catalogue.publisher_code() or organizations.portal_ward_code()
        publisher = publisher_for({"publisher_code": code}) if code else None
        if publisher:
            return self._add_ward(publisher)
        return catalogue.add_operator(self.g)

    def _enrich(self, original: dict[str, Any], ready: dict[str, Any], dataset_ref) -> None:
        g = self.g
        bind_prefixes(g)
        # dcat:theme: concepts with their labels (DCAT-AP: skos:Concept with a prefLabel)
        scheme = URIRef(spec()["theme_scheme"])
        for theme_id, ref in self._new_terms(original, "theme", theme_uri):
            g.add((ref, RDF.type, SKOS.Concept))
            if str(ref).startswith(str(scheme)):  # the EU's concept, in the EU's scheme
                g.add((ref, SKOS.inScheme, scheme))
                catalogue.add_theme_scheme(g, scheme)
            labels = (themes().get(theme_id) or {}).get("labels") or {"en": theme_id}
            for lang, text in labels.items():
                g.add((ref, SKOS.prefLabel, Literal(text, lang=lang)))
        # dct:conformsTo: the standard's names
        for standard_id, ref in self._new_terms(original, "conforms_to", standard_uri):
            for lang, text in ((standards().get(standard_id) or {}).get("labels") or {}).items():
                g.add((ref, DCT.title, Literal(text, lang=lang)))
        # DCAT 3 allows dct:license on any dcat:Resource: the dataset's own licence, so a
        # harvester can tell it from a distribution's override (DCAT-AP keeps it per file).
        links = ready["wards_links"]
        if ready.get("wards_licence_uri"):
            links = links + [(DCT.license, ready["wards_licence_uri"], DCT.LicenseDocument)]
        self._add_links(dataset_ref, links)
        unaddressed = self._unaddressed_licence(original)
        if unaddressed is not None:
            g.add((dataset_ref, DCT.license, unaddressed))
        self._enrich_publisher(dataset_ref)
        self._enrich_contacts(dataset_ref)
        self._enrich_spatial(dataset_ref)
        self._enrich_distributions(ready, dataset_ref, unaddressed)
        add_measurements(g, original, dataset_ref)

    def _unaddressed_licence(self, dataset: dict[str, Any]):
        """A licence the schema knows but that has no IRI (CLOSED, OTHER-OPEN) as the page
        the portal serves for it (``/wards/licences/<id>``), a dct:LicenseDocument with its
        ja/en label and ADMS type; None for any other licence (an IRI is written as a link)
        and for "not specified"."""
        from ckanext.wards.vocab import loader
        if not dataset.get("license_id") or dataset_licence_uri(dataset):
            return None
        entry = loader.find_term("licenses", dataset["license_id"])
        if not entry or entry["id"] not in spec()["licences_without_iri"]:
            return None
        node = URIRef(catalogue.licence_page_uri(entry["id"]))
        memo = graph_memo(self.g)
        if ("licence-node", node) not in memo:
            memo.add(("licence-node", node))
            self.g.add((node, RDF.type, DCT.LicenseDocument))
            for lang, text in (entry.get("label") or {}).items():
                self.g.add((node, RDFS.label, Literal(text, lang=lang)))
        catalogue.add_licence_types(self.g, node, entry["id"])
        return node

    def _new_terms(self, dataset: dict[str, Any], key: str, to_uri) -> Iterator[tuple[str, URIRef]]:
        """(id, IRI) of the dataset's ``key`` values not yet described in this graph."""
        memo = graph_memo(self.g)
        for value in as_list(field(dataset, key)):
            term_id = str(value)
            ref = URIRef(to_uri(term_id))
            if ref not in memo:
                memo.add(ref)
                yield term_id, ref

    def _add_links(self, subject, links: list[tuple[URIRef, str, URIRef]]) -> None:
        """(predicate, IRI, class) links to vocabulary terms, each term typed once per graph.

        The stock code would write these too, but it cleans every IRI value with twenty-odd
        string replacements (and types a licence "UnknownIPR", its own TODO); ours come
        from our vocabularies, already clean, and repeat on every dataset of a page."""
        g, memo = self.g, graph_memo(self.g)
        for predicate, iri, cls in links:
            ref = vocabulary_ref(iri)
            g.add((subject, predicate, ref))
            if isinstance(ref, URIRef) and (ref, cls) not in memo:
                memo.add((ref, cls))
                g.add((ref, RDF.type, cls))
                if cls == DCT.LicenseDocument:
                    catalogue.add_licence_types(g, ref, None)

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
        ref = URIRef(publisher["uri"]) if publisher.get("uri") else BNode()
        if ref in graph_memo(g):
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
        g, ic = self.g, imi()
        memo = graph_memo(g)
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

    def _also_imi(self, dataset_ref, predicate, imi_class: str, label) -> list:
        """The nodes ``dataset_ref`` links by ``predicate``, also typed IMI ``imi_class``,
        their ``label`` values also as IMI 表記."""
        g, ic = self.g, imi()
        nodes = list(g.objects(dataset_ref, predicate))
        for ref in nodes:
            g.add((ref, RDF.type, ic[imi_class]))
            for text in list(g.objects(ref, label)):
                g.add((ref, ic["表記"], text))
        return nodes

    def _enrich_contacts(self, dataset_ref) -> None:
        """vCard contact points also typed IMI 連絡先型 with its e-mail and web site."""
        g, ic = self.g, imi()
        for ref in self._also_imi(dataset_ref, DCAT.contactPoint, "連絡先型", VCARD.fn):
            for mail in g.objects(ref, VCARD.hasEmail):
                g.add((ref, ic["Eメールアドレス"], Literal(str(mail).replace("mailto:", ""))))
            for url in g.objects(ref, VCARD.hasURL):
                g.add((ref, ic["Webサイト"], Literal(str(url), datatype=XSD.anyURI)))

    def _enrich_spatial(self, dataset_ref) -> None:
        """Places also typed IMI 場所型; a ward's area (e-Stat's Standard Area Code IRI)
        with its ja/en names and its 全国地方公共団体コード."""
        from ckanext.wards.dcat.uris import ward_of_area
        for ref in self._also_imi(dataset_ref, DCT.spatial, "場所型", SKOS.prefLabel):
            ward = ward_of_area(str(ref)) if isinstance(ref, URIRef) else None
            if ward:
                for label in list(self.g.objects(ref, SKOS.prefLabel)):
                    if isinstance(label, Literal) and not label.language:
                        self.g.remove((ref, SKOS.prefLabel, label))  # the name, tagged below
                catalogue.add_area(self.g, ref, ward)

    def _enrich_distributions(self, ready: dict[str, Any], dataset_ref, unaddressed_licence=None) -> None:
        g = self.g
        availability = graph_setting(g, "availability", catalogue.planned_availability)
        for res in ready.get("resources") or []:
            ref = URIRef(resource_uri(res))
            self._add_links(ref, res["wards_links"])
            if unaddressed_licence is not None and (ref, DCT.license, None) not in g:
                g.add((ref, DCT.license, unaddressed_licence))
            # DCAT-AP recommends a description: the file's name and format stand in
            if (ref, DCT.description, None) not in g:
                text = res.get("wards_description")
                if text:
                    g.add((ref, DCT.description, Literal(text, lang=lang_of(text))))
            if availability is not None:
                g.add((ref, DCATAP.availability, availability[0]))
                catalogue.add_concept(g, availability[0], availability[1])
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
            if truthy(res.get("is_api")):
                service = URIRef(str(ref) + "#service")
                endpoint = res.get("access_url") or res.get("url") or res.get("download_url")
                g.add((ref, DCAT.accessService, service))
                g.add((service, RDF.type, DCAT.DataService))
                g.add((service, DCT.title, Literal(res.get("name") or endpoint or str(ref),
                                                   lang=lang_of(res.get("name") or ""))))
                if endpoint:
                    g.add((service, DCAT.endpointURL, CleanedURIRef(endpoint)))
                    g.add((CleanedURIRef(endpoint), RDF.type, RDFS.Resource))
                g.add((service, DCAT.servesDataset, dataset_ref))
                # what a reader of the service alone needs: who runs it, whom to ask, what
                # it is about (the dataset's own values)
                for predicate in (DCT.publisher, DCAT.contactPoint, DCAT.theme, DCAT.keyword,
                                  DCT.license, DCT.accessRights):
                    for value in list(g.objects(dataset_ref, predicate)):
                        g.add((service, predicate, value))

    # --- parsing

    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        return parse_shared_fields(self, dataset_dict, dataset_ref)
