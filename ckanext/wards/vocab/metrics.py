"""The metric vocabulary: every metric the portal publishes values of (the scores' own
metrics in ``schemas/metrics.yaml``, the DCAT totals and distribution figures in
``schemas/dcat/profile.yaml``, the ward report's in ``schemas/ward-report-metrics.yaml``)
as W3C DQV, with its IRI, datatype and ja/en texts.

Our metrics live under the portal itself, ``{ckan.site_url}/wards/metrics#<name>``: the
portal that computes a value defines what it means and serves the definition there
(``/wards/metrics.ttl``, the methodology page as HTML), so every IRI dereferences without
any namespace registered elsewhere. MQA metrics keep piveau's IRIs
(``https://piveau.eu/ns/voc#``) and are published as piveau's vocabulary types them
(``piveau_datatypes`` of profile.yaml): a boolean, or the HTTP status code a URL answered;
our vocabulary adds the points our methodology gives each of them.
"""
from __future__ import annotations

import functools
from typing import Any, Iterator, Optional

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

DQV = Namespace("http://www.w3.org/ns/dqv#")
PIVEAU = "https://piveau.eu/ns/voc#"
PATH = "/wards/metrics"
METHODOLOGY_PATH = "/wards/methodology"
# The property our vocabulary adds to every scored metric: its points when it passes.
MAX_POINTS = "maxPoints"

_DATATYPES = {"integer": XSD.integer, "double": XSD.double, "decimal": XSD.decimal,
              "boolean": XSD.boolean, "string": XSD.string}


def site_url() -> str:
    from ckanext.wards.lib.site import site_url as portal
    return portal()


def namespace(base: Optional[str] = None) -> str:
    """``{site_url}/wards/metrics#``: the namespace of our metrics on this portal."""
    return (site_url() if base is None else base.rstrip("/")) + PATH + "#"


def local_name(metric_id: str) -> str:
    """``wq:mqaPoints`` → ``mqaPoints``; a report metric id is already a local name."""
    prefix, sep, local = metric_id.partition(":")
    return local if sep and prefix == "wq" else metric_id


def is_piveau(metric_id: str) -> bool:
    return metric_id.startswith("pv:")


def metric_uri(metric_id: str, base: Optional[str] = None, ns: Optional[str] = None) -> URIRef:
    """The IRI of a metric id (``pv:…`` piveau's, ``wq:…`` and report ids ours); ``ns``, our
    namespace when the caller has it already (``namespace()`` reads the config)."""
    if is_piveau(metric_id):
        return _piveau_uri(metric_id)
    return _our_uri(ns or namespace(base), local_name(metric_id))


@functools.lru_cache(maxsize=1024)
def _piveau_uri(metric_id: str) -> URIRef:
    return URIRef(PIVEAU + metric_id.partition(":")[2])


@functools.lru_cache(maxsize=4096)
def _our_uri(ns: str, local: str) -> URIRef:
    return URIRef(ns + local)


def methodology_url(kind: Optional[str] = None, id: str = "", base: Optional[str] = None) -> str:
    """The methodology page, or one of its definitions (``scoring.methodology`` anchors)."""
    url = (site_url() if base is None else base.rstrip("/")) + METHODOLOGY_PATH
    if kind is None:
        return url
    from ckanext.wards.scoring.methodology import methodology_anchor
    return url + "#" + methodology_anchor(kind, id)


# --- datatypes ------------------------------------------------------------------------------

def _profile() -> dict[str, Any]:
    from ckanext.wards.dcat.uris import spec
    return spec()


def piveau_datatype(metric_id: str) -> str:
    """How piveau's vocabulary types an MQA metric's value: ``boolean`` (the check passed)
    or ``status_code`` (the HTTP status a URL answered, an integer)."""
    table = _profile()["piveau_datatypes"]
    return table.get(metric_id, table["default"])


def expected_datatype(metric_id: str) -> str:
    """The datatype name (integer, double, decimal, boolean, string) of a metric's values."""
    if is_piveau(metric_id):
        return "integer" if piveau_datatype(metric_id) == "status_code" else "boolean"
    entry = _published_figures().get(local_name(metric_id))
    if entry and entry.get("datatype"):
        return entry["datatype"]
    report = _report_metrics().get(metric_id)
    if report:
        return "integer" if report["kind"] == "count" else "decimal"
    return "integer"  # the points of one of metrics.yaml's own metrics


def typed_value(metric_id: str, value: Any) -> Literal:
    """A value as the Literal of the metric's expected datatype."""
    return _typed(value, expected_datatype(metric_id))


@functools.lru_cache(maxsize=4096)
def _typed(value: Any, datatype: str) -> Literal:
    """Typed literals are immutable: the few distinct score values are built once."""
    if datatype == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if datatype == "double":
        return Literal(float(value), datatype=XSD.double)
    if datatype == "decimal":
        return Literal(str(value), datatype=XSD.decimal)
    if datatype == "boolean":
        return Literal(bool(value), datatype=XSD.boolean)
    return Literal(str(value), datatype=XSD.string)


# --- the definitions ------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _published_figures() -> dict[str, dict[str, Any]]:
    """profile.yaml's dataset totals and distribution figures, by local name."""
    spec = _profile()
    return {local_name(e["metric"]): e for e in spec["dataset_totals"] + spec["distribution_figures"]}


@functools.lru_cache(maxsize=None)
def _report_metrics() -> dict[str, dict[str, Any]]:
    from ckanext.wards.report.measurements import metric_spec
    return {m["id"]: m for m in metric_spec()["metrics"]}


def _texts(entry: dict[str, Any], key: str) -> dict[str, str]:
    return {lang: str(text) for lang, text in (entry.get(key) or {}).items() if text and lang in ("ja", "en")}


def _scored_definition(metric: dict[str, Any], max_points: int) -> dict[str, str]:
    """What a scored metric measures, from metrics.yaml's texts: when it passes, and its
    points (a plugin's metric without ``passes`` says how to pass, its fix)."""
    passes = _texts(metric, "passes") or _texts(metric, "fix")
    points = metric["points"]
    return {
        "en": f"Passes when: {passes.get('en', '')} {points} of {max_points} points.".strip(),
        "ja": f"合格の条件：{passes.get('ja', '')} 配点{points}点（{max_points}点中）。".strip(),
    }


def _dimensions(parts: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """(local name, labels, definitions) of the dimensions of ours that ``parts`` use."""
    from ckanext.wards.scoring import spec as scoring_spec
    if "scores" in parts or "figures" in parts:
        for dim_id, dim in scoring_spec.spec()["dimensions"].items():
            yield dim_id, _texts(dim, "label"), _texts(dim, "definition")
    from ckanext.wards.report.measurements import metric_spec
    for dim in metric_spec()["dimensions"]:
        yield dim["id"], _texts(dim, "label"), _texts(dim, "definition")


PARTS = ("scores", "figures", "report")


def graph(base: Optional[str] = None, parts: tuple[str, ...] = PARTS) -> Graph:
    """Every metric and dimension of ours as dqv:Metric / dqv:Dimension (ja/en labels and
    definitions, the expected datatype, the methodology page), and the MQA metrics we score
    with their points in our methodology. ``parts``: the scores' metrics (metrics.yaml),
    the DCAT totals and figures, the ward report's metrics (the report's Turtle carries
    only its own)."""
    from ckanext.wards.scoring import spec as scoring_spec
    ns = Namespace(namespace(base))
    g = Graph()
    for prefix, name in (("dqv", DQV), ("skos", SKOS), ("wm", ns), ("pv", Namespace(PIVEAU)),
                         ("dct", DCTERMS), ("owl", OWL)):
        g.bind(prefix, name)
    vocabulary = URIRef(str(ns).rstrip("#"))
    g.add((vocabulary, RDF.type, OWL.Ontology))
    g.add((vocabulary, DCTERMS.title, Literal("ckanext-wards quality metrics", lang="en")))
    g.add((vocabulary, DCTERMS.title, Literal("ckanext-wards 品質指標", lang="ja")))
    g.add((vocabulary, RDFS.seeAlso, URIRef(methodology_url(base=base))))
    g.add((ns[MAX_POINTS], RDF.type, OWL.DatatypeProperty))
    g.add((ns[MAX_POINTS], RDFS.range, XSD.integer))
    g.add((ns[MAX_POINTS], SKOS.prefLabel, Literal("points when the check passes", lang="en")))
    g.add((ns[MAX_POINTS], SKOS.prefLabel, Literal("満たしたときの配点", lang="ja")))
    for name, labels, definitions in _dimensions(parts):
        node = ns[name]
        g.add((node, RDF.type, DQV.Dimension))
        g.add((node, RDFS.isDefinedBy, vocabulary))
        _add_texts(g, node, labels, definitions)
        g.add((node, RDFS.seeAlso, URIRef(methodology_url("dimension", name, base))))

    def metric(node: URIRef, metric_id: str, dimension: Optional[str], labels, definitions):
        g.add((node, RDF.type, DQV.Metric))
        g.add((node, DQV.expectedDataType, _DATATYPES[expected_datatype(metric_id)]))
        if dimension:
            g.add((node, DQV.inDimension, ns[dimension]))
        _add_texts(g, node, labels, definitions)
        if not is_piveau(metric_id):
            g.add((node, RDFS.isDefinedBy, vocabulary))

    from ckanext.wards.scoring import extensions
    maxima = scoring_spec.plan(extensions.plugins()).max_points
    for m in scoring_spec.metrics() if "scores" in parts else ():
        node = metric_uri(m["id"], base)
        part_max = maxima["mqa" if is_piveau(m["id"]) else "japan"]
        metric(node, m["id"], m["dimension"], _texts(m, "label"), _scored_definition(m, part_max))
        g.add((node, ns[MAX_POINTS], Literal(int(m["points"]), datatype=XSD.integer)))
        g.add((node, RDFS.seeAlso, URIRef(methodology_url("metric", m["id"], base))))
        if is_piveau(m["id"]):
            g.add((node, RDFS.isDefinedBy, URIRef(PIVEAU.rstrip("#"))))
    for name, entry in _published_figures().items() if "figures" in parts else ():
        node = metric_uri(name, base)
        metric(node, name, entry.get("dimension"), _texts(entry, "label"), _texts(entry, "definition"))
        kind, _, anchor_id = entry["anchor"].partition(":")
        g.add((node, RDFS.seeAlso, URIRef(methodology_url(kind, anchor_id, base))))
    for m in _report_metrics().values() if "report" in parts else ():
        node = metric_uri(m["id"], base)
        metric(node, m["id"], m["dimension"], _texts(m, "label"), _texts(m, "definition"))
        g.add((node, RDFS.seeAlso, URIRef(methodology_url("report", m["id"], base))))
    # the reasons a check was not assessed (dct:type of the profile's quality annotations)
    reasons = scoring_spec.spec().get("not_assessed_reasons") if "scores" in parts else None
    for reason, entry in (reasons or {}).items():
        node = metric_uri(f"wq:notAssessed-{reason}", base)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDFS.isDefinedBy, vocabulary))
        _add_texts(g, node, _texts(entry, "label"), {})
    for prop, texts in (("numerator", {"en": "numerator of a share", "ja": "割合の分子"}),
                        ("denominator", {"en": "denominator of a share", "ja": "割合の分母"})):
        g.add((ns[prop], RDF.type, OWL.DatatypeProperty))
        g.add((ns[prop], RDFS.range, XSD.integer))
        _add_texts(g, ns[prop], texts, {})
    return g


def _add_texts(g: Graph, node, labels: dict[str, str], definitions: dict[str, str]) -> None:
    for lang, text in labels.items():
        g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    for lang, text in definitions.items():
        g.add((node, SKOS.definition, Literal(text, lang=lang)))
