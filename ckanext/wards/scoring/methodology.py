"""What the methodology page (``/wards/methodology``) shows, read from the data that the
scores and the ward report are computed from: ``schemas/metrics.yaml`` (through
``scoring.spec`` and ``scoring.states``), ``schemas/ward-report-metrics.yaml`` (through
``report.measurements``) and the format classes (``formats.classify``). Nothing here restates
a metric, a point or a format list; a change of the data changes the page.

``methodology_anchor`` builds the page's fragment ids, which other pages (column headers,
the metric vocabulary) link to: keep them stable.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ckanext.wards.formats import classify
from ckanext.wards.report import measurements
from ckanext.wards.scoring import spec, states

# Anchors of one entry of the data: "<kind>-<id>".
KINDS = ("metric", "dimension", "band", "report")
# Anchors of a concept the page explains once (kind "concept", the id is the anchor).
CONCEPTS = ("mqa", "japan-score", "bands", "not-assessed", "machine-readable-strict",
            "machine-readable-broad", "api", "standard-conformance", "ward-code", "report-age")
# The part of metrics.yaml → its concept anchor.
PART_ANCHORS = {"mqa": "mqa", "japan": "japan-score"}

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def methodology_anchor(kind: str, id: str = "") -> str:
    """The fragment id (no '#') of a definition on the methodology page:
    ``metric-pv-keywordAvailability`` for ``("metric", "pv:keywordAvailability")``, ``api``
    for ``("concept", "api")``. ValueError for an unknown kind or concept."""
    if kind == "concept":
        if id not in CONCEPTS:
            raise ValueError(f"no concept {id!r} on the methodology page")
        return id
    if kind not in KINDS or not id:
        raise ValueError(f"no anchor kind {kind!r} with id {id!r}")
    # ':' of a metric id (and anything else a fragment should not hold) becomes '-'
    return f"{kind}-{_UNSAFE.sub('-', id)}"


def content(lang: str) -> dict[str, Any]:
    """Everything the page shows, in one language (``ja`` or ``en``)."""
    return {"parts": parts(lang), "bands": bands(lang), "reasons": reasons(lang),
            "report": report_dimensions(lang), "formats": format_classes(),
            "methodology": spec.spec().get("methodology", "")}


def parts(lang: str) -> list[dict[str, Any]]:
    """The two totals (MQA, Japan), each with its dimensions and their metrics."""
    every = spec.metrics()
    out = []
    for part, texts in (spec.spec().get("parts") or {}).items():
        dims = []
        for dim_id, dim in spec.spec()["dimensions"].items():
            if dim["part"] != part:
                continue
            ms = [metric_entry(m, lang) for m in every if m["dimension"] == dim_id]
            dims.append({"id": dim_id, "anchor": methodology_anchor("dimension", dim_id),
                         "label": spec.text(dim, "label", lang), "metrics": ms,
                         "points": sum(m["points"] for m in ms)})
        out.append({"id": part, "anchor": PART_ANCHORS.get(part, part),
                    "label": spec.text(texts, "label", lang),
                    "description": spec.text(texts, "description", lang),
                    "max_points": spec.max_points(part), "dimensions": dims})
    return out


def metric_entry(metric: dict[str, Any], lang: str) -> dict[str, Any]:
    """One metric as the page shows it (plugins' metrics may lack ``passes``/``note``)."""
    return {"id": metric["id"], "anchor": methodology_anchor("metric", metric["id"]),
            "label": spec.text(metric, "label", lang), "points": metric["points"],
            "dimension": metric["dimension"], "scope": metric["scope"],
            "mqa": spec.is_mqa(metric), "field": metric.get("field") or "",
            "passes": spec.text(metric, "passes", lang), "fix": spec.text(metric, "fix", lang),
            "note": spec.text(metric, "note", lang),
            "reasons": [{"code": code, **states.reason_texts(code, lang)}
                        for code in metric.get("reasons") or ()]}


def bands(lang: str) -> list[dict[str, Any]]:
    """The rating bands with their range of MQA points: above ``low`` (None for the first),
    up to and including ``max``."""
    out, low = [], None
    for band in spec.spec()["bands"]:
        out.append({"id": band["id"], "anchor": methodology_anchor("band", band["id"]),
                    "label": spec.text(band, "label", lang), "low": low, "max": band["max"]})
        low = band["max"]
    return out


def reasons(lang: str) -> list[dict[str, Any]]:
    """Every not-assessed reason code with its text and the command that assesses it."""
    return [{"code": code, **states.reason_texts(code, lang)} for code in states.reasons()]


def report_dimensions(lang: str) -> list[dict[str, Any]]:
    """The ward report's metrics, by their dimension."""
    doc = measurements.metric_spec()
    out = []
    for dim in doc["dimensions"]:
        ms = [{"id": m["id"], "anchor": methodology_anchor("report", m["id"]),
               # a concept's anchor sits on its report metric (ValueError for an unknown one)
               "concept": methodology_anchor("concept", m["concept"]) if m.get("concept") else None,
               "kind": m["kind"],
               "label": measurements.label(m, lang), "definition": spec.text(m, "definition", lang)}
              for m in doc["metrics"] if m["dimension"] == dim["id"]]
        out.append({"id": dim["id"], "anchor": methodology_anchor("dimension", dim["id"]),
                    "label": measurements.label(dim, lang), "metrics": ms})
    return out


def format_classes() -> dict[str, list[str]]:
    """The EU file-type codes behind strict and broad machine readability and "API"."""
    sets = classify.classes()
    api = sorted(code for code, entry in classify.file_types().items() if entry.get("api"))
    return {"strict": sorted(sets["jp_machine_readable_strict"]),
            "broad_extra": sorted(sets["jp_machine_readable_broad_extra"]), "api": api}


def short_definition(kind: str, id: str, lang: str) -> Optional[str]:
    """A tooltip's text: the first sentence of an entry's definition (a metric: what
    passes; a concept: its part's description or its report metric's definition), or its
    label; None when the data defines no such entry (the caller words it)."""
    if kind == "metric":
        metric = spec.metric_by_id().get(id)
        if metric is None:
            return None
        return first_sentence(spec.text(metric, "passes", lang) or spec.text(metric, "label", lang))
    if kind == "report":
        metric = next((m for m in measurements.metric_spec()["metrics"] if m["id"] == id), None)
        if metric is None:
            return None
        return first_sentence(spec.text(metric, "definition", lang) or measurements.label(metric, lang))
    if kind == "dimension":
        dim = spec.spec()["dimensions"].get(id)
        return spec.text(dim, "label", lang) if dim else None
    if kind == "band":
        band = next((b for b in spec.spec()["bands"] if b["id"] == id), None)
        return spec.text(band, "label", lang) if band else None
    if kind == "concept":
        part = next((p for p, anchor in PART_ANCHORS.items() if anchor == id), None)
        if part:
            return first_sentence(spec.text((spec.spec().get("parts") or {}).get(part) or {}, "description", lang)) or None
        metric = next((m for m in measurements.metric_spec()["metrics"] if m.get("concept") == id), None)
        return short_definition("report", metric["id"], lang) if metric else None
    return None


# "。", or "." before a space that does not close an abbreviation such as "e.g."
_SENTENCE_END = re.compile(r"。|(?<!\.\w)[.!?](?=\s)")


def first_sentence(text: str) -> str:
    text = text.strip()
    end = _SENTENCE_END.search(text)
    return text[:end.end()] if end else text
