"""Dataset and resource scores: data.europa.eu's MQA (405 points) and our Japan dimension.

The metrics are data (``schemas/metrics.yaml``): id, dimension, scope, points, the name of
a check in ``CHECKS``, labels and fix hints. A check returns the share of the metric
that passes (0.0 … 1.0) or ``None`` when it could not be assessed (counted as 0 points
and flagged, as the MQA gives no points for what it cannot verify).

Scoring reads a dataset dict in the shared schema *or* CKAN's default schema: every
field is read with fallbacks (``extras``, legacy ckanext-dcat keys, ``metadata_modified``).

Pluggable parts (``register_hook``), so this module needs no other wards plugin:
- ``dcat_validator(pkg_dict) -> bool | None``: SHACL DCAT-AP compliance; registered by
  the wards_dcat plugin when it is enabled (``pv:dcatApCompliance``).
- ``standard_checker(pkg_dict, resource_dict) -> bool | None``: the schema plugin's
  conformance checker, run by the re-score job on one resource.
- ``rule_scorer(pkg_dict, resource_dict) -> float | None``: the government
  machine-readability rules score (0–100) of the resource's file.
Their results are stored (``model``) so bulk re-scoring never re-runs them.

For the ward report (compare helper): ``org_summary_rows(org_id)`` returns, per public
active dataset of an organisation, the stored has_csv / api_count / machine-readable
strict and broad / stars / open licence / conformance / rating (see its docstring).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any, Callable, Iterable, Optional

import yaml

from ckanext.wards import paths
from ckanext.wards.formats import classify as formats
from ckanext.wards.lib.text import fold
from ckanext.wards.vocab import loader as vocab

# --- data ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    with open(paths.schema_file("metrics.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def metrics() -> list[dict[str, Any]]:
    return spec()["metrics"]


@functools.lru_cache(maxsize=None)
def metric_by_id() -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in metrics()}


def is_mqa(metric: dict[str, Any]) -> bool:
    return spec()["dimensions"][metric["dimension"]]["part"] == "mqa"


@functools.lru_cache(maxsize=None)
def _plan() -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...], frozenset[str]]:
    """(distribution metrics, MQA distribution metrics, MQA metric ids), computed once."""
    dist = tuple(m for m in metrics() if m["scope"] == "distribution")
    return dist, tuple(m for m in dist if is_mqa(m)), frozenset(m["id"] for m in metrics() if is_mqa(m))


def max_points(part: str = "mqa") -> int:
    return sum(m["points"] for m in metrics() if (is_mqa(m) == (part == "mqa")))


_max_points = functools.lru_cache(maxsize=None)(max_points)


def rating(points: float) -> str:
    """MQA band id for MQA points: bad ≤ 120 < sufficient ≤ 220 < good ≤ 350 < excellent."""
    for band in spec()["bands"]:
        if points <= band["max"]:
            return band["id"]
    return spec()["bands"][-1]["id"]


def text(entry: dict[str, Any], key: str, lang: str = "en") -> str:
    """The ja/en text of a metric, band or dimension (``label`` or ``fix``)."""
    value = entry.get(key) or {}
    return value.get(lang) or value.get("en") or ""


def licence_table() -> dict[str, dict[str, Any]]:
    """Folded licence id, label or alias → entry of schemas/vocab/licenses.yaml (``open``,
    ``known``), matched as the schema's validator matches, so a dataset of any schema is
    scored by the licence our schema would store."""
    return vocab.term_lookup("licenses")


@functools.lru_cache(maxsize=None)
def _eu_licence_codes() -> frozenset[str]:
    import csv
    with open(paths.schema_file("vocab", "eu-licences.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return frozenset(v for row in rows for v in (row[0], row[1], row[2]) if v)


@functools.lru_cache(maxsize=None)
def _eu_access_rights() -> frozenset[str]:
    import csv
    with open(paths.schema_file("vocab", "eu-access-rights.csv"), encoding="utf-8") as f:
        return frozenset(v for row in csv.reader(f) for v in row if v)


# The schema's comparison key (NFKC, one space, case-folded), the keys of licence_table().
_fold = fold


# --- hooks ----------------------------------------------------------------------------------

HOOKS: dict[str, Optional[Callable[..., Any]]] = {
    "dcat_validator": None,
    "standard_checker": None,
    "rule_scorer": None,
}


def register_hook(name: str, fn: Optional[Callable[..., Any]]) -> None:
    """Plug in (or remove, with None) a validator; see the module docstring for names."""
    if name not in HOOKS:
        raise KeyError(f"unknown scoring hook {name!r}; known: {sorted(HOOKS)}")
    HOOKS[name] = fn


def run_hook(name: str, *args: Any) -> Any:
    fn = HOOKS.get(name)
    if fn is None:
        return None
    try:
        return fn(*args)
    except Exception:  # a broken validator must not stop scoring; it counts as unassessed
        import logging
        logging.getLogger(__name__).exception("scoring hook %s failed", name)
        return None


# --- reading fields with fallbacks ---------------------------------------------------------------


def field(data: dict[str, Any], *names: str) -> Any:
    """First non-empty value among ``names``, at top level or in ``extras``."""
    extras = data.get("extras") or {}
    if isinstance(extras, list):
        extras = {e.get("key"): e.get("value") for e in extras if isinstance(e, dict)}
    for name in names:
        for source in (data, extras):
            value = source.get(name)
            if value not in (None, "", [], {}):
                return value
    return None


def as_list(value: Any) -> list[Any]:
    """A list from a list, a JSON-encoded list (scheming extras) or a single value."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in "[{":
            try:
                value = json.loads(stripped)
            except ValueError:
                return [value]
        elif "," in stripped and not stripped.startswith("http"):
            return [v.strip() for v in stripped.split(",") if v.strip()]
        else:
            return [value]
    if isinstance(value, dict):
        return [value] if any(v not in (None, "", []) for v in value.values()) else []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "", {}, [])
                and not (isinstance(v, dict) and not any(x not in (None, "", []) for x in v.values()))]
    return [value]


def parse_date(value: Any) -> Optional[dt.datetime]:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not value or not isinstance(value, str):
        return None
    raw = value.strip().replace("Z", "")
    for candidate in (raw, raw[:19], raw[:10]):
        try:
            return dt.datetime.fromisoformat(candidate).replace(tzinfo=None)
        except ValueError:
            continue
    return None


def licence_id(pkg: dict[str, Any], res: Optional[dict[str, Any]] = None) -> Optional[str]:
    value = (res or {}).get("license") or field(pkg, "license_id", "license")
    if not value or _fold(value) in ("", "notspecified", "not-specified"):
        return None
    return str(value)


def licence_is_open(value: Optional[str]) -> bool:
    """Our vocabulary's ``open`` for its licences, CKAN's licence register for others."""
    if not value:
        return False
    entry = licence_table().get(_fold(value))
    if entry is not None:
        return bool(entry["open"])
    try:  # CKAN's own register (default schema portals, custom licence files)
        from ckan.model import Package
        licence = Package.get_license_register().get(value)
        return bool(licence and licence.isopen())
    except Exception:
        return False


def licence_is_known(value: Optional[str]) -> bool:
    """Our vocabulary's ``known`` for its licences; another licence is known when it is a
    code or URI of the EU licence authority table (schemas/vocab/eu-licences.csv)."""
    if not value:
        return False
    entry = licence_table().get(_fold(value))
    if entry is not None:
        return bool(entry.get("known"))
    code = value.rstrip("/").rsplit("/", 1)[-1]
    return value in _eu_licence_codes() or code.upper().replace("-", "_") in _eu_licence_codes()


# --- the dataset being scored ------------------------------------------------------------------


class Subject:
    """One dataset prepared for the checks: resources classified once, stored results."""

    def __init__(self, pkg: dict[str, Any], link_status: Optional[dict[str, int]] = None,
                 stored: Optional[dict[str, dict[str, Any]]] = None,
                 dcat_compliant: Optional[bool] = None, now: Optional[dt.datetime] = None):
        self.pkg = pkg
        self.resources = [r for r in (pkg.get("resources") or []) if r.get("state", "active") == "active"]
        self.link_status = link_status or {}
        self.stored = stored or {}
        self.dcat_compliant = dcat_compliant
        self.now = now or dt.datetime.utcnow()
        self.classes = [formats.classify(r, (self.stored.get(r.get("id")) or {}).get("sniffed_code"))
                        for r in self.resources]

    def resource_store(self, res: dict[str, Any]) -> dict[str, Any]:
        return self.stored.get(res.get("id")) or {}


def download_url(res: dict[str, Any]) -> Optional[str]:
    """dcat:downloadURL: the explicit field, or the file itself for uploads."""
    if res.get("download_url"):
        return res["download_url"]
    if res.get("url_type") == "upload" and res.get("url"):
        return res["url"]
    return None


def access_url(res: dict[str, Any]) -> Optional[str]:
    return res.get("access_url") or res.get("url") or None


def status_ok(status: Optional[int]) -> Optional[bool]:
    """Only 2xx counts (Norway's rule, see quality-anchors §1.5); None = never checked."""
    if status is None:
        return None
    return 200 <= int(status) < 300


def _url_check(subject: Subject, url: Optional[str]) -> Optional[float]:
    if not url:
        return 0.0
    ok = status_ok(subject.link_status.get(url))
    return None if ok is None else float(ok)


# Checks: (subject, resource index or None) → share passed, or None if not assessed.
Check = Callable[[Subject, Optional[int]], Optional[float]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn
    return register


@check("has_keywords")
def _has_keywords(s, i):
    return float(bool(as_list(field(s.pkg, "tags", "tag_string", "keywords", "keyword"))))


@check("has_theme")
def _has_theme(s, i):
    groups = [g for g in as_list(s.pkg.get("groups")) if not (isinstance(g, dict) and g.get("is_organization"))]
    return float(bool(as_list(field(s.pkg, "theme", "themes")) or groups))


@check("has_spatial")
def _has_spatial(s, i):
    return float(bool(as_list(field(s.pkg, "spatial_coverage", "spatial", "spatial_uri", "spatial_text"))))


@check("has_temporal")
def _has_temporal(s, i):
    return float(bool(as_list(field(s.pkg, "temporal_coverage", "temporal_start", "temporal_end"))))


@check("access_url_ok")
def _access_url_ok(s, i):
    return _url_check(s, access_url(s.resources[i]))


@check("has_download_url")
def _has_download_url(s, i):
    return float(bool(download_url(s.resources[i])))


@check("download_url_ok")
def _download_url_ok(s, i):
    return _url_check(s, download_url(s.resources[i]))


@check("has_format")
def _has_format(s, i):
    return float(bool((s.resources[i].get("format") or "").strip()))


@check("has_media_type")
def _has_media_type(s, i):
    res = s.resources[i]
    fmt = res.get("format") or ""
    return float(bool(res.get("mimetype")) or ("/" in fmt and formats.code_from_media_type(fmt) is not None))


@check("format_media_type_in_vocabulary")
def _in_vocabulary(s, i):
    c = s.classes[i]
    media_ok = c["media_type_in_vocabulary"] or (
        formats.normalise_media_type(s.resources[i].get("format")) in formats.iana_media_types())
    return float(c["format_in_vocabulary"] and media_ok)


@check("non_proprietary")
def _non_proprietary(s, i):
    return float(s.classes[i]["mqa_non_proprietary"])


@check("machine_interpretable")
def _machine_interpretable(s, i):
    return float(s.classes[i]["mqa_machine_readable"])


@check("dcat_ap_compliant")
def _dcat_ap(s, i):
    return None if s.dcat_compliant is None else float(bool(s.dcat_compliant))


@check("has_licence")
def _has_licence(s, i):
    return float(bool(licence_id(s.pkg, s.resources[i])))


@check("known_licence")
def _known_licence(s, i):
    return float(licence_is_known(licence_id(s.pkg, s.resources[i])))


@check("has_access_rights")
def _has_access_rights(s, i):
    return float(bool(field(s.pkg, "access_rights")))


@check("access_rights_in_vocabulary")
def _access_rights_vocab(s, i):
    value = field(s.pkg, "access_rights")
    return float(bool(value) and str(value).strip() in _eu_access_rights())


@check("has_contact")
def _has_contact(s, i):
    contacts = [c for c in as_list(field(s.pkg, "contact", "contact_point"))
                if not isinstance(c, dict) or c.get("name") or c.get("email")]
    legacy = field(s.pkg, "maintainer", "maintainer_email", "author", "author_email",
                   "contact_name", "contact_email", "contact_uri")
    return float(bool(contacts or legacy))


@check("has_publisher")
def _has_publisher(s, i):
    # ckanext-dcat falls back to the organisation for dct:publisher
    return float(bool(field(s.pkg, "publisher", "publisher_name", "publisher_uri", "owner_org", "organization")))


@check("has_rights")
def _has_rights(s, i):
    return float(bool(s.resources[i].get("rights")))


@check("has_byte_size")
def _has_byte_size(s, i):
    size = s.resources[i].get("size")
    try:
        return float(size not in (None, "") and int(size) >= 0)
    except (TypeError, ValueError):
        return 0.0


@check("has_issued")
def _has_issued(s, i):
    # ckanext-dcat emits dct:issued from `issued`, falling back to CKAN's `created`
    res = s.resources[i]
    return float(bool(res.get("issued") or res.get("created")))


@check("has_modified")
def _has_modified(s, i):
    res = s.resources[i]
    return float(bool(res.get("modified") or res.get("last_modified") or res.get("metadata_modified")))


@check("five_stars")
def _five_stars(s, i):
    return dataset_stars(s) / 5.0


@check("machine_readable_jp")
def _machine_readable_jp(s, i):
    if any(c["machine_readable_strict"] for c in s.classes):
        return 1.0
    return 0.5 if any(c["machine_readable_broad"] for c in s.classes) else 0.0


@check("standard_conformance")
def _standard_conformance(s, i):
    declared, checked = conformance(s)
    if not declared:
        return 0.0
    if checked is None:
        return 0.5  # declared, file not (yet) checked
    return 1.0 if checked else 0.2


@check("readability_rules")
def _readability_rules(s, i):
    scores = [st.get("rules_score") for st in (s.resource_store(r) for r in s.resources)
              if st.get("rules_score") is not None]
    if not scores:
        return None
    return max(0.0, min(1.0, max(scores) / 100.0))


@check("open_licence")
def _open_licence(s, i):
    return float(licence_is_open(licence_id(s.pkg)))


@check("fresh")
def _fresh(s, i):
    return freshness(s.pkg, s.now)


@check("format_matches")
def _format_matches(s, i):
    c = s.classes[i]
    if not c["detected_code"] or not c["declared_code"]:
        return None
    return 0.0 if c["format_mismatch"] else 1.0


# --- derived facts used by the checks, the index and the ward report -------------------------


def dataset_stars(s: Subject) -> int:
    """5-star level of the dataset: the best resource (licence is its own finding)."""
    return max((c["stars"] for c in s.classes), default=0)


def conformance(s: Subject) -> tuple[list[str], Optional[bool]]:
    """(declared standard ids, checker result over resources: True/False/None unchecked)."""
    declared = [str(x) for x in as_list(field(s.pkg, "conforms_to"))]
    for res in s.resources:
        declared += [str(x) for x in as_list(res.get("conforms_to")) if str(x) not in declared]
    results = [st.get("conformance_ok") for st in (s.resource_store(r) for r in s.resources)
               if st.get("conformance_ok") is not None]
    checked = None if not results else any(results)
    return declared, checked


def modified_date(pkg: dict[str, Any]) -> Optional[dt.datetime]:
    """The declared modification date, else the newest resource change, else CKAN's."""
    declared = parse_date(field(pkg, "modified"))
    if declared:
        return declared
    dates = [parse_date(r.get("modified") or r.get("last_modified")) for r in pkg.get("resources") or []]
    dates = [d for d in dates if d]
    return max(dates) if dates else parse_date(pkg.get("metadata_modified"))


def frequency_days(pkg: dict[str, Any]) -> tuple[bool, Optional[int]]:
    """(frequency declared and recognised, allowed days or None for no schedule)."""
    value = field(pkg, "frequency", "accrual_periodicity", "update_frequency")
    if isinstance(value, dict):
        value = value.get("id") or value.get("uri")
    if not value:
        return False, None
    # an id, label or alias of schemas/vocab/frequencies.yaml, or an EU frequency URI
    entry = vocab.term_lookup("frequencies").get(_fold(str(value).rstrip("/").rsplit("/", 1)[-1]))
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
    grace = vocab.vocabulary_file("frequencies")["freshness_grace"]
    return 1.0 if (now - modified) <= dt.timedelta(days=days * (1.0 + grace)) else 0.0


# --- scoring ----------------------------------------------------------------------------------


def score_dataset(pkg: dict[str, Any], link_status: Optional[dict[str, int]] = None,
                  stored: Optional[dict[str, dict[str, Any]]] = None,
                  dcat_compliant: Optional[bool] = None,
                  now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """Every metric of one dataset dict (package_show shape, either schema).

    ``link_status``: URL → last HTTP status (link checker); ``stored``: resource id →
    stored hook results (``sniffed_code``, ``conformance_ok``, ``rules_score``);
    ``dcat_compliant``: the SHACL result, if known.
    """
    s = Subject(pkg, link_status, stored, dcat_compliant, now)
    n = len(s.resources)
    dist_metrics, mqa_dist_metrics, mqa_ids = _plan()
    # Distribution metrics, per resource
    per_res: list[dict[str, Optional[float]]] = [
        {m["id"]: CHECKS[m["check"]](s, i) for m in dist_metrics} for i in range(n)]

    def res_mqa_points(i: int) -> float:
        return sum((per_res[i][m["id"]] or 0.0) * m["points"] for m in mqa_dist_metrics)

    best = max(range(n), key=res_mqa_points) if n else None

    results = []
    for m in metrics():
        mqa_metric = m["id"] in mqa_ids
        if m["scope"] == "dataset":
            share = CHECKS[m["check"]](s, None)
            assessed = share is not None
        elif n == 0:
            share, assessed = 0.0, True
        elif mqa_metric:  # MQA: the best distribution counts
            share = per_res[best][m["id"]]
            assessed = share is not None
        else:  # Japan: share of resources passing
            values = [per_res[i][m["id"]] for i in range(n) if per_res[i][m["id"]] is not None]
            share = (sum(values) / len(values)) if values else None
            assessed = share is not None
        points = int(round((share or 0.0) * m["points"]))
        passing = [per_res[i][m["id"]] for i in range(n)] if m["scope"] == "distribution" else None
        results.append({
            "id": m["id"], "dimension": m["dimension"], "points": points, "max": m["points"],
            "assessed": assessed, "passed": points == m["points"],
            "resources_passing": (sum(1 for v in passing if v) if passing is not None else None),
        })

    mqa = sum(r["points"] for r in results if r["id"] in mqa_ids)
    japan = sum(r["points"] for r in results if r["id"] not in mqa_ids)
    dimensions: dict[str, int] = {}
    for r in results:
        dimensions[r["dimension"]] = dimensions.get(r["dimension"], 0) + r["points"]
    fixes = sorted(({"id": r["id"], "points_gained": r["max"] - r["points"],
                     "field": metric_by_id()[r["id"]].get("field") or "",
                     "assessed": r["assessed"]}
                    for r in results if r["points"] < r["max"]),
                   key=lambda f: (-f["points_gained"], f["id"]))
    declared, checked = conformance(s)
    org = pkg.get("organization")
    return {
        "package_id": pkg.get("id"),
        "name": pkg.get("name"),
        "title": pkg.get("title") or pkg.get("name"),
        "owner_org": pkg.get("owner_org") or (org.get("id") if isinstance(org, dict) else None),
        "private": bool(pkg.get("private")),
        "mqa_points": mqa,
        "mqa_max": _max_points("mqa"),
        "rating": rating(mqa),
        "japan_points": japan,
        "japan_max": _max_points("japan"),
        "dimensions": dimensions,
        "metrics": results,
        "fixes": fixes,
        "stars": dataset_stars(s),
        "machine_readable_strict": any(c["machine_readable_strict"] for c in s.classes),
        "machine_readable_broad": any(c["machine_readable_broad"] for c in s.classes),
        "has_csv": any(c["is_csv"] for c in s.classes),
        "api_count": sum(1 for c in s.classes if c["is_api"]),
        "open_licence": licence_is_open(licence_id(pkg)),
        "conforms_to": declared,
        "conformance_ok": checked,
        "dcat_compliant": dcat_compliant,
        "resource_count": n,
        "resources": [dict(c, id=r.get("id"), name=r.get("name") or r.get("url"),
                           metrics={k: v for k, v in per_res[i].items()})
                      for i, (r, c) in enumerate(zip(s.resources, s.classes))],
    }


def score_resource(resource: dict[str, Any], pkg: Optional[dict[str, Any]] = None,
                   link_status: Optional[dict[str, int]] = None,
                   stored: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Classification and distribution checks of one resource (``wards_resource_score``)."""
    pkg = dict(pkg or {}, resources=[resource])
    s = Subject(pkg, link_status, {resource.get("id"): stored or {}})
    checks = []
    for m in metrics():
        if m["scope"] != "distribution":
            continue
        share = CHECKS[m["check"]](s, 0)
        checks.append({"id": m["id"], "dimension": m["dimension"], "max": m["points"],
                       "assessed": share is not None,
                       "points": int(round((share or 0.0) * m["points"]))})
    return dict(s.classes[0], id=resource.get("id"), checks=checks,
                access_url_status=(link_status or {}).get(access_url(resource) or ""),
                download_url_status=(link_status or {}).get(download_url(resource) or ""))


def ranked_fixes(score: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """Fix hints with texts, most points gained first."""
    out = []
    for f in score.get("fixes") or []:
        m = metric_by_id()[f["id"]]
        out.append(dict(f, label=text(m, "label", lang), fix=text(m, "fix", lang)))
    return out


# --- stored scores (fast paths over the model) ---------------------------------------------------


def org_summary_rows(org_id: str, include_private: bool = False) -> list[dict[str, Any]]:
    """Stored scores of an organisation's active datasets (public only unless asked).

    For the ward report: one dict per dataset with ``package_id``, ``name``, ``title``,
    ``private``, ``has_csv`` (bool), ``api_count`` (int; DataStore-active resources,
    API/service formats), ``has_api`` (bool), ``machine_readable_strict``,
    ``machine_readable_broad`` (bool), ``stars`` (0–5, best resource), ``open_licence``
    (bool), ``conforms_to`` (list of declared standard ids), ``conformance_ok``
    (checker result: True/False/None = not checked), ``standard_conformant`` (declared
    and not failed by the checker: ``model.standard_conformant``, the rule the ward report
    counts), ``mqa_points``, ``rating`` (bad/sufficient/good/
    excellent), ``japan_points``, ``resource_count``, ``scored_at``.
    ``org_id`` may be the organisation's id or name. Datasets never scored are missing:
    run ``ckan wards score --org X`` (or ``rescore(org_id=...)``) first.
    """
    from ckanext.wards import model
    return model.org_rows(org_id, include_private=include_private)


def rescore(package_ids: Optional[Iterable[str]] = None, org_id: Optional[str] = None,
            all_datasets: bool = False, validate_dcat: bool = False) -> int:
    """Bulk re-score straight from the database, bulk upsert; returns datasets scored."""
    from ckanext.wards import bulk
    return bulk.rescore(package_ids=package_ids, org_id=org_id, all_datasets=all_datasets,
                        validate_dcat=validate_dcat)
