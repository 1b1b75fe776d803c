"""The stored scores as W3C DQV: typed ``dqv:QualityMeasurement``s on datasets and
distributions (``dqv:computedOn``, ``prov:generatedAtTime``), from the stored rows
(``wards_dataset_score``, ``wards_resource_score``, the link checker's statuses), and the
prefetch that loads a catalogue page's scores in two queries instead of two per dataset.

Which columns become which metric is data: ``dataset_totals``, ``distribution_figures``,
``piveau_datatypes`` and ``status_code_fields`` in ``schemas/dcat/profile.yaml``; metric
IRIs and datatypes come from the metric vocabulary (``vocab.metrics``).

A metric that was not assessed (``not_assessed`` of the stored score) is never published
as a ``dqv:value``: a harvester would read 0 as failed. As W3C DQV does for what is no
measurement (and data.europa.eu's MQA leaves out what it cannot measure), it becomes a
``dqv:QualityAnnotation`` (an ``oa:Annotation`` motivated by ``dqv:qualityAssessment``)
on the dataset, whose body says, in ja and en, which metric was not assessed and why; the
annotation's ``dct:subject`` is the metric and its ``dct:type`` the reason code's URI.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD, Namespace

from ckanext.dcat.utils import resource_uri

from ckanext.wards.dcat.graphs import graph_memo, graph_setting
from ckanext.wards.dcat.uris import DQV, spec
from ckanext.wards.vocab import metrics

log = logging.getLogger(__name__)

OA = Namespace("http://www.w3.org/ns/oa#")

_SCORE_CACHE_KEY = "_wards_dcat_scores"


# --- stored scores --------------------------------------------------------------------------------

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


def prefetch_for_catalogue(search_results: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_search``: on a request to one of ckanext-dcat's endpoints, the
    stored scores of the page's datasets in two queries instead of two per dataset."""
    try:
        from flask import has_request_context, request
        if has_request_context() and (request.endpoint or "").startswith("dcat."):
            prefetch_scores([r.get("id") for r in search_results.get("results") or []])
    except RuntimeError:
        pass
    return search_results


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


# --- measurements -------------------------------------------------------------------------------

def add_measurements(g: Graph, dataset: dict[str, Any], dataset_ref) -> None:
    """dqv:hasQualityMeasurement for every stored dataset metric, the totals and the
    per-distribution figures, each a typed dqv:QualityMeasurement computed on its dataset
    or distribution at the time of scoring, its value typed as its metric expects
    (``vocab.metrics``). An MQA metric's value is whether it passed (piveau's booleans),
    or, for the two status-code metrics, the HTTP status each distribution's URL answered;
    our points are on our own metrics (the Japan metrics, the totals)."""
    scores = stored_scores(dataset.get("id"))
    if not scores:
        return
    row = scores["dataset"]
    when = _datetime_literal(row.get("scored_at"))
    not_assessed = row.get("not_assessed") or {}
    summary = _summary_only(g)
    if not summary:
        from ckanext.wards.scoring import spec as metrics_spec
        by_id = metrics_spec.metric_by_id()
        status_fields = spec()["status_code_fields"]
        for metric_id, points in sorted((row.get("metrics") or {}).items()):
            if metric_id in not_assessed or metric_id in status_fields:
                continue  # no value: an annotation below says why; status codes per file
            if metrics.is_piveau(metric_id):
                metric = by_id.get(metric_id)
                if metric is None:
                    continue
                value = metrics.typed_value(metric_id, points >= metric["points"])
            else:
                value = metrics.typed_value(metric_id, points)
            _measurement(g, dataset_ref, metric_id, value, when)
        for metric_id, reason in sorted(not_assessed.items()):
            _not_assessed_annotation(g, dataset_ref, metric_id, reason)
    for total in spec()["dataset_totals"]:
        value = row.get(total["column"])
        if value is not None:
            _measurement(g, dataset_ref, total["metric"], metrics.typed_value(total["metric"], value), when)
    statuses = {} if summary else _link_statuses(dataset.get("resources") or [])
    for res in dataset.get("resources") or []:
        res_row = scores["resources"].get(res.get("id"))
        if not res_row:
            continue
        res_ref = URIRef(resource_uri(res))
        res_when = _datetime_literal(res_row.get("scored_at")) or when
        for figure in spec()["distribution_figures"]:
            value = res_row.get(figure["column"])
            if value is not None and _assessed(figure, res, res_row):
                _measurement(g, res_ref, figure["metric"], metrics.typed_value(figure["metric"], value), res_when)
        for metric_id, key in spec()["status_code_fields"].items():
            status = statuses.get(res.get(key) or "")
            if status is not None:
                _measurement(g, res_ref, metric_id, metrics.typed_value(metric_id, status[0]),
                             _datetime_literal(status[1]))


def _link_statuses(resources: list[dict[str, Any]]) -> dict[str, tuple[int, Any]]:
    """URL → (HTTP status, checked at) from the link checker's rows. Only real HTTP
    answers: the checker's own codes for a failed connection or a bad URL (1000 and up)
    are no status a server gave, so they are not published as one."""
    urls = {u for r in resources for u in (r.get("url"), r.get("download_url")) if u}
    if not urls:
        return {}
    try:
        import sqlalchemy as sa
        import ckan.model as cm
        from ckanext.wards import model
        t = model.LinkCheck.__table__
        rows = cm.Session.execute(sa.select(t.c.url, t.c.status, t.c.checked_at).where(t.c.url.in_(urls)))
        return {url: (status, checked) for url, status, checked in rows
                if status is not None and 100 <= status < 1000}
    except Exception:  # the link-check table may not exist (wards_scoring not migrated)
        log.debug("no link statuses", exc_info=True)
        import ckan.model as cm
        cm.Session.rollback()
        return {}


def _assessed(figure: dict[str, Any], res: dict[str, Any], res_row: dict[str, Any]) -> bool:
    """Whether a distribution figure was assessed (not assessed is never published as a
    value): a format match needs a declared and a detected (sniffed or URL) file type."""
    if figure.get("only_when_assessed") == "format_match":
        from ckanext.wards.formats import classify as formats
        c = formats.classify(res, res_row.get("sniffed_code"))
        return bool(c["declared_code"] and c["detected_code"])
    return True


def _summary_only(g: Graph) -> bool:
    """On catalogue pages, unless ``ckanext.wards.dcat.catalog_measurements = all``, only
    the totals and the distribution figures: the per-metric breakdown (34 more
    measurements a dataset) is on ``/dataset/<id>.<format>``."""
    if "catalog" not in graph_memo(g):
        return False
    from ckan.plugins import toolkit as tk
    return graph_setting(g, "catalog_measurements",
                         lambda: tk.config.get("ckanext.wards.dcat.catalog_measurements") or "summary") != "all"


def _measurement(g: Graph, subject, metric_id: str, value: Literal, when=None) -> None:
    """One dqv:QualityMeasurement as the W3C note writes it: typed, dqv:computedOn its
    dataset or distribution (the inverse of dqv:hasQualityMeasurement, stated so a query
    of either direction finds it), the metric, the typed value and the time of scoring.
    A blank node: Turtle and JSON-LD writers inline it."""
    ns = graph_setting(g, "metric_namespace", metrics.namespace)
    metric = metrics.metric_uri(metric_id, ns=ns)
    node = BNode()
    g.add((subject, DQV.hasQualityMeasurement, node))
    g.add((node, RDF.type, DQV.QualityMeasurement))
    g.add((node, DQV.computedOn, subject))
    g.add((node, DQV.isMeasurementOf, metric))
    g.add((node, DQV.value, value))
    if when is not None:
        g.add((node, PROV.generatedAtTime, when))
    seen = graph_memo(g)
    if metric not in seen:
        seen.add(metric)
        g.add((metric, RDF.type, DQV.Metric))
        g.add((metric, DQV.expectedDataType, value.datatype))


def _not_assessed_annotation(g: Graph, subject, metric_id: str, reason: str) -> None:
    """A dqv:QualityAnnotation saying that ``metric_id`` was not assessed, and why."""
    from ckanext.wards.scoring import spec as metrics_spec, states
    metric = metrics_spec.metric_by_id().get(metric_id) or {}
    node, body = BNode(), BNode()
    g.add((subject, DQV.hasQualityAnnotation, node))
    g.add((node, RDF.type, DQV.QualityAnnotation))
    g.add((node, OA.hasTarget, subject))
    g.add((node, OA.motivatedBy, DQV.qualityAssessment))
    g.add((node, DCTERMS.subject, metrics.metric_uri(metric_id)))
    g.add((node, DCTERMS.type, metrics.metric_uri(f"wq:notAssessed-{reason}")))
    g.add((node, OA.hasBody, body))
    g.add((body, RDF.type, OA.TextualBody))
    g.add((body, DCTERMS.format, Literal("text/plain")))
    for lang, words in (("en", "not assessed"), ("ja", "未評価")):
        label = metrics_spec.text(metric, "label", lang) or metric_id
        why = states.reason_texts(reason, lang)["reason_label"]
        g.add((body, RDF.value, Literal(f"{label}: {words} ({why})", lang=lang)))


def _datetime_literal(value: Any) -> Optional[Literal]:
    return Literal(value.isoformat(), datatype=XSD.dateTime) if value is not None else None
