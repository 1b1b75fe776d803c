"""SHACL validation of the profile's output with pyshacl: our shapes and the official
DCAT-AP 3.0.0 shapes (``schemas/shacl/``), results as plain dicts with ja/en texts.

Used by ``ckan wards validate-dcat`` (``validate_datasets``, ``describe``) and, through
``dcat_validator``, by the scoring plugin's DCAT-AP compliance metric
(``pv:dcatApCompliance``). Shapes are parsed once per process (``shapes_graph``).
"""
from __future__ import annotations

import functools
from typing import Any, Iterable, Optional

import yaml
from rdflib import Graph
from rdflib.namespace import RDF

from ckanext.wards import paths
from ckanext.wards.dcat.uris import SH

OFFICIAL_SHAPES = "dcat-ap-3.0.0-shacl-shapes.ttl"
WARDS_SHAPES = "wards-dcat-ap-3-shapes.ttl"
# The release's class-range shapes and its recommended-property shapes (sh:Warning).
RANGE_SHAPES = "dcat-ap-3.0.0-shacl-range.ttl"
RECOMMENDED_SHAPES = "dcat-ap-3.0.0-shacl-recommended.ttl"


def shapes_files(full: bool = False) -> list[str]:
    """Default shapes: ours and the official DCAT-AP 3.0.0 ones (schemas/shacl/), which
    decide the DCAT-AP compliance metric; ``full`` adds the release's range and recommended
    shapes (``ckan wards validate-dcat --full``, the tests of the whole catalogue)."""
    names = [WARDS_SHAPES, OFFICIAL_SHAPES] + ([RANGE_SHAPES, RECOMMENDED_SHAPES] if full else [])
    return [str(paths.schema_file("shacl", name)) for name in names]


@functools.lru_cache(maxsize=8)
def shapes_graph(files: tuple[str, ...]) -> Graph:
    """The shapes, parsed once per process (pyshacl is the slow part, parsing the next)."""
    g = Graph()
    for path in files:
        g.parse(path, format="turtle")
    return g


def dataset_graph(dataset_dict: dict[str, Any], profiles: Optional[list[str]] = None) -> Graph:
    """The graph ckanext-dcat's serializer builds for one dataset (our profile by default)."""
    from ckanext.dcat.processors import RDFSerializer
    from ckanext.wards.dcat.serializer import WARDS_PROFILE
    serializer = RDFSerializer(profiles=profiles or [WARDS_PROFILE])
    serializer.graph_from_dataset(dataset_dict)
    return serializer.g


def validate_graph(data: Graph, files: Optional[list[str]] = None) -> list[dict[str, Any]]:
    """SHACL results (violations and warnings) of a graph as plain dicts; [] if there are none.

    ``messages`` holds the shape's own ja/en sh:message texts (ours have them);
    ``message`` is the English one, or pyshacl's generated text."""
    import pyshacl
    shapes = shapes_graph(tuple(files or shapes_files()))
    # allow_warnings: warnings alone still "conform", but they are in the results graph
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                 allow_warnings=True)
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
    """``schemas/shacl/messages.yaml``: ja/en wording of each constraint and report label."""
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


def dcat_validator_many(dataset_dicts: list[dict[str, Any]]) -> dict[str, Optional[bool]]:
    """``dcat_validator`` of many datasets with one pyshacl run (bulk paths such as the
    demo: pyshacl's cost is mostly per run, not per node). The datasets' graphs are
    merged; a result is charged to every dataset whose own graph has its focus node, so
    each dataset gets the verdict it would get alone (blank nodes stay per dataset)."""
    if not dataset_dicts:
        return {}
    merged = Graph()
    owners: dict[Any, list[str]] = {}
    for pkg in dataset_dicts:
        g = dataset_graph(pkg)
        for node in set(g.subjects()) | set(g.objects()):
            owners.setdefault(node, []).append(pkg["id"])
        merged += g
    from rdflib import BNode, Literal, URIRef
    failed: set[str] = set()
    for v in validate_graph(merged):
        if v["severity"] != "Violation":
            continue
        focus = v["focus"]
        for node in (URIRef(focus), BNode(focus), Literal(focus)):
            failed.update(owners.get(node, ()))
    return {pkg["id"]: pkg["id"] not in failed for pkg in dataset_dicts}
