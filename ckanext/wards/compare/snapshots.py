"""Dated snapshots of standard ward reports (table ``wards_compare_snapshot``): every report
accepted from a peer and every local report ``snapshot_local`` takes. The newest snapshot
of a source is what the comparison shows for a collected ward; all of them are the trend."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

from ckanext.wards.report import document
from ckanext.wards.report.figures import DATASET_SHARES
from ckanext.wards.report.measurements import percent
from ckanext.wards.vocab import organizations


def store_snapshot(doc: dict[str, Any], source: str, organization_id: Optional[str] = None,
                   commit: bool = True) -> bool:
    """Keep a report as a dated snapshot; False if that source already has one at that time.
    ``ValueError`` when its ``computed_at`` is no time."""
    from sqlalchemy.dialects.postgresql import insert
    import ckan.model as cm
    from ckanext.wards import model

    t = model.ReportSnapshot.__table__
    stmt = insert(t).values(
        id=str(uuid.uuid4()), ward_code=doc["ward"]["code"], source=source,
        organization_id=organization_id, computed_at=document.computed_time(doc),
        stored_at=dt.datetime.utcnow(), report=doc,
    ).on_conflict_do_nothing(constraint="wards_compare_snapshot_source_time")
    inserted = cm.Session.execute(stmt).rowcount > 0
    if commit:
        cm.Session.commit()
    return inserted


def snapshot_local(computed_at: Optional[str] = None) -> int:
    """Store today's report of every local ward (the trend of this portal's wards)."""
    import ckan.model as cm

    names = {w["org"]["name"]: w["org"]["id"] for w in organizations.local_wards()}
    stored = 0
    for doc in document.local_reports(computed_at, fresh=True):
        stored += store_snapshot(doc, "local:" + names[doc["ward"]["organization"]],
                                 organization_id=names[doc["ward"]["organization"]], commit=False)
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
    """Snapshots over time (oldest first): ward code, time and the dataset shares in per cent."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model

    t = model.ReportSnapshot.__table__
    # only the figures the trend shows, read inside PostgreSQL (years of daily snapshots
    # must not mean loading every full report)
    columns = [t.c.report["counts"]["datasets"].astext.label("datasets")]
    for key in DATASET_SHARES:
        share = t.c.report["shares"][key]
        columns += [share["numerator"].astext.label(key + "_n"), share["denominator"].astext.label(key + "_d")]
    query = sa.select(t.c.ward_code, t.c.source, t.c.computed_at, *columns).order_by(t.c.computed_at)
    if ward_code:
        query = query.where(t.c.ward_code == ward_code)
    out = []
    for r in cm.Session.execute(query).mappings():
        point = {"ward_code": r["ward_code"], "source": r["source"],
                 "date": r["computed_at"].date().isoformat(), "datasets": int(r["datasets"])}
        for key in DATASET_SHARES:
            point[key] = percent({"numerator": int(r[key + "_n"]), "denominator": int(r[key + "_d"])})
        out.append(point)
    return out


def trends(ward_code: Optional[str] = None) -> dict[str, list[dict[str, Any]]]:
    """ward code → [{date, datasets, shares...}]; one point per day (the latest of it)."""
    by_ward: dict[str, dict[str, dict[str, Any]]] = {}
    for point in history(ward_code):
        by_ward.setdefault(point["ward_code"], {})[point["date"]] = point
    return {code: [days[d] for d in sorted(days)] for code, days in sorted(by_ward.items())}
