"""Comparison of wards, and collection of other portals' standard reports.

Two ways to know a ward:
- local: an organisation of this portal that carries a ward code (org extra ``ward_code``,
  or its name/title matches ``schemas/wards.csv``); its report is computed live from the
  stored scores;
- peer: a report URL listed in ``ckanext.wards.peers``; ``collect`` fetches it.

Collection is deliberately narrow: only configured URLs, fetched by the safe fetcher
(``lib/fetch.py``: public addresses only unless allowed, a timeout on the whole response,
a size limit enforced while streaming), redirects followed only on the same host, JSON
Schema validation. A rejected report is logged with its reason and changes
nothing: the last accepted snapshot stays the one shown. Every accepted report (and
every local report ``snapshot_local`` takes) is stored as a dated snapshot, the trend.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import uuid
from typing import Any, Iterable, Optional

import yaml

from ckanext.wards import paths, report

log = logging.getLogger(__name__)

# The figures a comparison row carries, in page order: (key in the row, report source).
SHARE_COLUMNS = (
    ("csv", "shares.csv"),
    ("api", "shares.api"),
    ("machine_readable_strict", "shares.machine_readable_strict"),
    ("machine_readable_broad", "shares.machine_readable_broad"),
    ("open_licence", "shares.open_licence"),
    ("standard_conformance", "shares.standard_conformance"),
)


@functools.lru_cache(maxsize=None)
def reference_figures() -> dict[str, Any]:
    """National reference figures (``schemas/reference-figures.yaml``) for the charts."""
    with open(paths.schema_file("reference-figures.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


# --- local wards --------------------------------------------------------------------------

def local_wards() -> list[dict[str, Any]]:
    """The wards of this portal's organisations, by code: ``[{ward, org, org_ids}]``
    (``org`` names the ward's report; ``org_ids`` all add up, see ``report.group_wards``)."""
    import ckan.model as cm

    orgs = (cm.Session.query(cm.Group.id, cm.Group.name, cm.Group.title, cm.Group.extras)
            .filter(cm.Group.is_organization.is_(True), cm.Group.state == "active")
            .order_by(cm.Group.created, cm.Group.id).all())
    return report.group_wards(
        {"id": org_id, "name": name, "title": title, "ward_code": (extras or {}).get("ward_code")}
        for org_id, name, title, extras in orgs)


def local_reports(computed_at: Optional[str] = None, fresh: bool = False) -> list[dict[str, Any]]:
    """Reports of every local ward from one aggregate query for all of them (the report
    cache's, unless ``fresh``: snapshots are always computed anew)."""
    wards = local_wards()
    org_ids = [i for w in wards for i in w["org_ids"]]
    if fresh:
        figures, when = report.org_figures(org_ids), report.now_utc()
    else:
        figures, when = report.cached_org_figures(org_ids)
    when = computed_at or when
    base = report.site_url()
    return [report.build_report(w["ward"], report.add_figures([figures[i] for i in w["org_ids"]]), base,
                                computed_at=when, org_name=w["org"]["name"],
                                report_url=report.report_url_for(w["org"]["name"]))
            for w in wards]


# --- snapshots --------------------------------------------------------------------------

def _parse_time(value: str) -> dt.datetime:
    """RFC 3339 → naive UTC (the table's convention)."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def store_snapshot(doc: dict[str, Any], source: str, organization_id: Optional[str] = None,
                   commit: bool = True) -> bool:
    """Keep a report as a dated snapshot; False if that source already has one at that time."""
    from sqlalchemy.dialects.postgresql import insert
    import ckan.model as cm
    from ckanext.wards import model

    t = model.ReportSnapshot.__table__
    stmt = insert(t).values(
        id=str(uuid.uuid4()), ward_code=doc["ward"]["code"], source=source,
        organization_id=organization_id, computed_at=_parse_time(doc["computed_at"]),
        stored_at=dt.datetime.utcnow(), report=doc,
    ).on_conflict_do_nothing(constraint="wards_compare_snapshot_source_time")
    inserted = cm.Session.execute(stmt).rowcount > 0
    if commit:
        cm.Session.commit()
    return inserted


def snapshot_local(computed_at: Optional[str] = None) -> int:
    """Store today's report of every local ward (the trend of this portal's wards)."""
    names = {w["org"]["name"]: w["org"]["id"] for w in local_wards()}
    stored = 0
    for doc in local_reports(computed_at, fresh=True):
        stored += store_snapshot(doc, "local:" + names[doc["ward"]["organization"]],
                                 organization_id=names[doc["ward"]["organization"]], commit=False)
    import ckan.model as cm
    cm.Session.commit()
    return stored


def latest_snapshots(local: bool = False) -> list[dict[str, Any]]:
    """The newest snapshot of every source (peers only unless ``local``)."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model

    t = model.ReportSnapshot.__table__
    query = (sa.select(t.c.source, t.c.report, t.c.stored_at)
             .distinct(t.c.source).order_by(t.c.source, t.c.computed_at.desc()))
    if not local:
        query = query.where(~t.c.source.startswith("local:"))
    return [dict(r) for r in cm.Session.execute(query).mappings()]


def history(ward_code: Optional[str] = None) -> list[dict[str, Any]]:
    """Snapshots over time (oldest first): ward code, time and the main share values."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model

    t = model.ReportSnapshot.__table__
    # only the figures the trend shows, read inside PostgreSQL (years of daily snapshots
    # must not mean loading every full report)
    columns = [t.c.report["counts"]["datasets"].astext.label("datasets")]
    for key, source in SHARE_COLUMNS:
        share = t.c.report["shares"][source.split(".", 1)[1]]
        columns += [share["numerator"].astext.label(key + "_n"), share["denominator"].astext.label(key + "_d")]
    query = sa.select(t.c.ward_code, t.c.source, t.c.computed_at, *columns).order_by(t.c.computed_at)
    if ward_code:
        query = query.where(t.c.ward_code == ward_code)
    out = []
    for r in cm.Session.execute(query).mappings():
        point = {"ward_code": r["ward_code"], "source": r["source"],
                 "date": r["computed_at"].date().isoformat(), "datasets": int(r["datasets"])}
        for key, _source in SHARE_COLUMNS:
            point[key] = _pct({"numerator": int(r[key + "_n"]), "denominator": int(r[key + "_d"])})
        out.append(point)
    return out


def trends(ward_code: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
    """ward code → [{date, datasets, shares...}]; one point per day (the latest of it)."""
    by_ward: dict[str, dict[str, dict[str, Any]]] = {}
    for point in history(ward_code):
        by_ward.setdefault(point["ward_code"], {})[point["date"]] = point
    return {code: [days[d] for d in sorted(days)] for code, days in sorted(by_ward.items())}


# --- the comparison -------------------------------------------------------------------------

def _pct(share: Optional[dict[str, Any]]) -> Optional[float]:
    value = report.ratio(share)
    return None if value is None else round(100.0 * value, 1)


def stale_hours() -> int:
    import ckan.plugins.toolkit as tk
    return tk.asint(tk.config.get("ckanext.wards.compare.stale_hours") or 72)


def comparison_row(doc: dict[str, Any], kind: str, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """One ward's row on the comparison page (percentages rounded to 0.1)."""
    now = now or dt.datetime.utcnow()
    age = now - _parse_time(doc["computed_at"])
    ward = doc["ward"]
    row = {
        "code": ward["code"], "name_ja": ward["name_ja"], "name_en": ward["name_en"],
        "organization": ward.get("organization"), "kind": kind,
        "report_url": doc.get("report_url"), "portal_url": doc.get("portal_url"),
        "datasets": doc["counts"]["datasets"], "resources": doc["counts"]["resources"],
        "computed_at": doc["computed_at"], "age_hours": round(max(age.total_seconds(), 0) / 3600, 1),
        "stale": age.total_seconds() > 3600 * stale_hours(),
        "stars": [s["numerator"] for s in doc["star_levels"]],
        "ratings": {r["band"]: r["numerator"] for r in doc["ratings"]},
        "mqa_points_mean": (doc.get("quality") or {}).get("mqa_points_mean"),
    }
    for key, source in SHARE_COLUMNS:
        share = report.figure(doc, source) or {}
        row[key] = _pct(share)
        row[key + "_numerator"] = share.get("numerator")
        row[key + "_denominator"] = share.get("denominator")
    return row


def comparison() -> dict[str, Any]:
    """Every ward known here, local (live) and collected (latest snapshot), one row each,
    with the average over the wards shown and the national reference figures."""
    now = dt.datetime.utcnow()
    rows = [comparison_row(doc, "local", now) for doc in local_reports()]
    local_codes = {r["code"] for r in rows}
    for snap in latest_snapshots(local=False):
        doc = snap["report"]
        if doc["ward"]["code"] not in local_codes:  # this portal's own figures win
            rows.append(comparison_row(doc, "collected", now))
            local_codes.add(doc["ward"]["code"])
    rows.sort(key=lambda r: r["code"])
    return {"rows": rows, "averages": averages(rows), "national": reference_figures()["national"]}


def averages(rows: list[dict[str, Any]]) -> dict[str, Optional[float]]:
    """Unweighted mean over the wards shown (each ward counts once, as in the study)."""
    out: dict[str, Optional[float]] = {}
    for key in ["datasets", "resources"] + [k for k, _ in SHARE_COLUMNS]:
        values = [r[key] for r in rows if r.get(key) is not None]
        out[key] = round(sum(values) / len(values), 1) if values else None
    return out


COMPARISON_CSV_COLUMNS = (
    ["code", "name_ja", "name_en", "organization", "kind", "datasets", "resources"]
    + [c for key, _ in SHARE_COLUMNS for c in (key, key + "_numerator", key + "_denominator")]
    + ["stars_0", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5",
       "rating_bad", "rating_sufficient", "rating_good", "rating_excellent", "rating_unscored",
       "mqa_points_mean", "computed_at", "age_hours", "report_url"]
)


def comparison_csv(rows: list[dict[str, Any]]) -> str:
    from ckanext.wards.lib import csvout

    def flat(r: dict[str, Any]) -> list[Any]:
        values = dict(r)
        values.update({f"stars_{i}": n for i, n in enumerate(r["stars"])})
        values.update({f"rating_{b}": r["ratings"].get(b, 0) for b in report.RATING_BANDS})
        return [values.get(c) for c in COMPARISON_CSV_COLUMNS]
    return csvout.write(COMPARISON_CSV_COLUMNS, (flat(r) for r in rows))


# --- collection from peers -------------------------------------------------------------------

class Rejected(Exception):
    """A peer's response that is not kept; the message is the logged reason."""


def peer_urls() -> list[str]:
    from ckan.plugins import toolkit as tk
    value = tk.config.get("ckanext.wards.peers") or []
    if isinstance(value, str):
        value = value.split()
    return [u for u in value if u]


# Operators read these in ``ckan wards collect`` and the log; users never see them.
_REJECTION_TEXT = {
    "bad_url": "not an http(s) URL",
    "bad_scheme": "not an http(s) URL",
    "timeout": "timed out",
    "too_large": "too large",
    "redirect_refused": "redirect to another host refused",
    "refused_address": "address refused",
    "bad_port": "port refused",
    "unreachable": "connection failed",
    "dns_failed": "host name not found",
    "bad_response": "not an HTTP response",
    "too_many_redirects": "too many redirects",
}


def fetch_report(url: str, timeout: float, max_bytes: int, max_redirects: int = 3) -> dict[str, Any]:
    """GET one configured report URL through the safe fetcher; the parsed JSON or ``Rejected``.

    ``timeout`` bounds the whole exchange (a server trickling bytes is cut off too);
    redirects are followed only on the configured URL's scheme, host and port."""
    from ckanext.wards.lib import fetch

    try:
        response = fetch.fetch(url, headers={"Accept": "application/json",
                                             "User-Agent": "ckanext-wards collect"},
                               timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                               accept=(200,), redirect_rule=fetch.same_origin_only)
    except fetch.FetchError as err:
        if err.reason == "http_status":
            raise Rejected(f"HTTP status {err.status}")
        if err.reason == "timeout":
            raise Rejected(f"timed out after {timeout:g} s")
        if err.reason in ("bad_url", "bad_scheme"):
            raise Rejected(f"not an http(s) URL: {url}")
        raise Rejected(f"{_REJECTION_TEXT[err.reason]}: {err.detail}")
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Rejected("not JSON (UTF-8)")


def collect(urls: Optional[Iterable[str]] = None, timeout: Optional[float] = None,
            max_bytes: Optional[int] = None, include_local: bool = True) -> list[dict[str, Any]]:
    """Fetch every configured peer report, keep the valid ones as snapshots, and (by default)
    snapshot this portal's own wards too. Returns one outcome per source:
    {source, status: stored|unchanged|rejected, reason, ward_code}."""
    from ckan.plugins import toolkit as tk

    urls = list(urls) if urls is not None else peer_urls()
    timeout = float(timeout if timeout is not None else tk.config.get("ckanext.wards.collect.timeout") or 10)
    max_bytes = int(max_bytes if max_bytes is not None else tk.config.get("ckanext.wards.collect.max_bytes") or 2000000)
    outcomes = []
    for url in urls:
        try:
            doc = fetch_report(url, timeout, max_bytes)
            errors = report.validation_errors(doc)
            if errors:
                raise Rejected("invalid report: " + "; ".join(errors[:5]))
        except Rejected as err:
            log.warning("wards collect: rejected %s: %s (the last good report is kept)", url, err)
            outcomes.append({"source": url, "status": "rejected", "reason": str(err), "ward_code": None})
            continue
        stored = store_snapshot(doc, url)
        log.info("wards collect: %s %s (%s)", "stored" if stored else "unchanged", url, doc["ward"]["code"])
        outcomes.append({"source": url, "status": "stored" if stored else "unchanged", "reason": "",
                         "ward_code": doc["ward"]["code"]})
    if include_local:
        n = snapshot_local()
        outcomes.append({"source": "local", "status": "stored", "reason": f"{n} local ward reports",
                         "ward_code": None})
    return outcomes


def collect_job() -> None:
    """Background job (``ckan jobs``): the same as ``ckan wards collect``."""
    collect()


def enqueue_collect() -> None:
    from ckan.plugins import toolkit as tk
    tk.enqueue_job(collect_job, title="wards collect", rq_kwargs={"timeout": 600})
