"""Synthetic demo data: the 23 wards as organisations, with datasets sized on the study.

``load(seed, wards, scale, user)``:
1. one organisation per ward (real code and names from ``schemas/wards.csv``, extra
   ``ward_code``) through ``organization_create``;
2. its datasets and resources written in bulk straight into CKAN's tables (multi-row
   INSERTs: thousands of package_create calls would take an hour), in the shared schema
   (scheming fields are package extras, lists JSON-encoded as scheming stores them);
3. scores for all of them with the scoring plugin's bulk function;
4. one indexing pass through CKAN's own ``index_package`` (so every
   ``before_dataset_index`` plugin runs), with the Solr adds sent in batches;
5. monthly report snapshots back in time (marked ``"demo_history": true``) and today's.

Everything random comes from ``random.Random(seed)``: the same seed gives the same
datasets, ids included. A ward whose organisation is already marked as demo-loaded is
skipped, so running it twice is harmless. Sizes and mixes are data
(``schemas/demo/ward-demo.yaml``); nothing here is real ward data.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import math
import random
import time
import uuid
from typing import Any, Callable, Iterable, Optional

import yaml

from ckanext.wards import paths
from ckanext.wards.vocab import wards as ward_list
from ckanext.wards.compare import snapshots
from ckanext.wards.report import document, measurements
from ckanext.wards.vocab import organizations

log = logging.getLogger(__name__)

DEMO_MARK = "wards_demo"
INSERT_BATCH = 2000


@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    with open(paths.schema_file("demo", "ward-demo.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


# --- sizes -------------------------------------------------------------------------------

def ward_sizes(n_wards: int, rng: random.Random, scale: float = 1.0) -> list[int]:
    """Dataset counts per ward: spread like the study (min 98, max 567, mean 286 for 23
    wards), then multiplied by ``scale``."""
    s = spec()["datasets"]
    lo, hi, mean = s["min"], s["max"], s["mean"]
    if n_wards == 1:
        sizes = [mean]
    else:
        # the smallest and largest ward are fixed; the others log-uniform in between,
        # then the middle ones are shifted so the mean is the study's
        inner = [math.exp(rng.uniform(math.log(lo), math.log(hi))) for _ in range(n_wards - 2)]
        sizes = [lo, hi] + inner
        if n_wards > 2:
            target_inner = mean * n_wards - lo - hi
            factor = target_inner / sum(inner)
            sizes = [lo, hi] + [min(hi, max(lo, x * factor)) for x in inner]
        rng.shuffle(sizes)
    return [max(1, round(x * scale)) for x in sizes]


def _weighted(rng: random.Random, items: list[dict[str, Any]], weights: list[float]) -> dict[str, Any]:
    return rng.choices(items, weights=weights, k=1)[0]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- synthetic records ---------------------------------------------------------------------

def make_datasets(ward: dict[str, str], org_id: str, count: int, rng: random.Random,
                  maturity: float, user_id: Optional[str], now: dt.datetime
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]]]:
    """(package rows, resource rows, (package id, tag name) pairs) of one ward.

    ``maturity`` (about 0.5–1.5) multiplies the weight of machine-readable formats."""
    s = spec()
    formats = s["formats"]
    weights = [f["weight"] * (maturity if f["mr"] else 1.0) for f in formats]
    licences = s["licences"]
    freq = s["frequencies"]
    packages, resources, tags = [], [], []
    for i in range(count):
        topic = s["topics"][rng.randrange(len(s["topics"]))]
        year = 2015 + rng.randrange(11)
        pkg_id = _uuid(rng)
        name = f"{ward['slug']}-{i + 1:05d}"
        created = now - dt.timedelta(days=rng.randrange(30, 3000))
        modified = created + dt.timedelta(days=rng.randrange(0, max(1, (now - created).days)))
        extras = {
            "title_en": f"{topic['en']} {year} ({ward['name_en_conventional']})",
            "notes_en": f"Synthetic demo dataset: {topic['en']} of {ward['name_en_conventional']}, {year}.",
            "publisher_code": ward["lg_code"],
            "theme": json.dumps(topic.get("themes") or []),
            "language": json.dumps(["ja"]),
            "issued": created.date().isoformat(),
            "modified": modified.date().isoformat(),
            "frequency": freq[rng.randrange(len(freq))],
            "spatial_coverage": json.dumps([{"uri": "", "text": ward["prefecture_ja"] + ward["name_ja"]}], ensure_ascii=False),
            "temporal_coverage": json.dumps([{"start": f"{year}-04-01", "end": f"{year + 1}-03-31"}]),
            "contact": json.dumps([{"name": f"{ward['name_ja']}情報政策課", "email": f"opendata@{ward['slug']}.example.jp",
                                    "url": ward["website"]}], ensure_ascii=False),
        }
        if topic.get("standard") and rng.random() < s["standard_declared"]:
            extras["conforms_to"] = json.dumps([topic["standard"]])
        packages.append({
            "id": pkg_id, "name": name, "type": "dataset", "state": "active",
            "title": f"{topic['ja']}（{year}年度）",
            "notes": f"{ward['name_ja']}の{topic['ja']}（{year}年度）。デモ用の合成データです。",
            "license_id": _weighted(rng, licences, [x["weight"] for x in licences])["id"],
            "owner_org": org_id, "private": rng.random() < 0.04, "creator_user_id": user_id,
            "metadata_created": created, "metadata_modified": modified,
            "url": ward["website"], "extras": extras, "version": None,
            "author": None, "author_email": None, "maintainer": None, "maintainer_email": None,
        })
        tags.append((pkg_id, "demo"))
        tags.append((pkg_id, topic["ja"]))
        n_res = rng.choice(s["resources_per_dataset"])
        for pos in range(n_res):
            fmt = _weighted(rng, formats, weights)
            res_id = _uuid(rng)
            if fmt.get("api"):
                url = f"{ward['website'].rstrip('/')}/api/v1/{name}?format=json"
            else:
                url = f"{ward['website'].rstrip('/')}/opendata/{name}-{pos + 1}.{fmt['ext']}"
            res_extras = {"character_encoding": "UTF-8" if rng.random() < 0.7 else "Shift_JIS"}
            if fmt.get("api"):
                res_extras["is_api"] = "true"
                res_extras["access_url"] = url
            else:
                res_extras["download_url"] = url
            resources.append({
                "id": res_id, "package_id": pkg_id, "url": url, "format": fmt["format"],
                "mimetype": fmt["mimetype"], "name": f"{topic['ja']} {year} ({fmt['format']})",
                "description": "", "position": pos, "state": "active",
                "size": None if fmt.get("api") else rng.randrange(2_000, 5_000_000),
                "created": created, "last_modified": modified, "metadata_modified": modified,
                "url_type": None, "resource_type": None, "extras": json.dumps(res_extras, ensure_ascii=False),
            })
    return packages, resources, tags


# --- writing -------------------------------------------------------------------------------

def _insert(table, rows: list[dict[str, Any]]) -> None:
    import ckan.model as cm
    for start in range(0, len(rows), INSERT_BATCH):
        cm.Session.execute(table.insert(), rows[start:start + INSERT_BATCH])


def _write_tags(pairs: list[tuple[str, str]], rng: random.Random) -> None:
    import sqlalchemy as sa
    import ckan.model as cm
    tag_t, ptag_t = cm.tag_table, cm.package_tag_table
    names = sorted({name for _pid, name in pairs})
    existing = dict(cm.Session.execute(
        sa.select(tag_t.c.name, tag_t.c.id).where(tag_t.c.name.in_(names), tag_t.c.vocabulary_id.is_(None))).all())
    new = [{"id": _uuid(rng), "name": n, "vocabulary_id": None} for n in names if n not in existing]
    _insert(tag_t, new)
    existing.update({t["name"]: t["id"] for t in new})
    _insert(ptag_t, [{"id": _uuid(rng), "package_id": pid, "tag_id": existing[name], "state": "active"}
                     for pid, name in pairs])


def _ensure_org(ward: dict[str, str], user: str) -> tuple[dict[str, Any], bool]:
    """(organisation dict, already loaded?) for a ward, created if missing."""
    from ckan.plugins import toolkit as tk
    import ckan.model as cm
    group = cm.Group.get(ward["slug"])
    if group is not None:
        loaded = (group.extras or {}).get(DEMO_MARK) == "1" \
            or cm.Package.get(f"{ward['slug']}-00001") is not None
        return {"id": group.id, "name": group.name}, loaded
    org = tk.get_action("organization_create")({"user": user, "ignore_auth": True}, {
        "name": ward["slug"], "title": ward["name_ja"],
        "description": f"{ward['name_ja']}（{ward['name_en_conventional']}）のオープンデータ（デモ用の合成データ）",
        "extras": [{"key": "ward_code", "value": ward["lg_code"]},
                   {"key": "title_en", "value": ward["name_en_conventional"]}],
    })
    return {"id": org["id"], "name": org["name"]}, False


def _mark_loaded(org_id: str) -> None:
    import ckan.model as cm
    group = cm.Group.get(org_id)
    extras = dict(group.extras or {})
    extras[DEMO_MARK] = "1"
    group.extras = extras
    cm.Session.commit()


# --- indexing --------------------------------------------------------------------------------

class _BatchingConnection:
    """A pysolr connection whose ``add`` buffers documents and sends them in batches."""

    def __init__(self, conn, batch: int = 500):
        self._conn = conn
        self._batch = batch
        self._docs: list[dict[str, Any]] = []

    def add(self, docs, commit=False, **kwargs):
        self._docs.extend(docs)
        if len(self._docs) >= self._batch:
            self.flush()

    def flush(self):
        if self._docs:
            self._conn.add(docs=self._docs, commit=False)
            self._docs = []

    def __getattr__(self, name):
        return getattr(self._conn, name)


@contextlib.contextmanager
def _batched_solr_adds(batch: int = 500):
    """CKAN's ``index_package`` opens a connection and adds one document per call; during a
    bulk load we hand it one shared connection that batches the adds (same documents)."""
    from ckan.lib.search import common, index
    conn = _BatchingConnection(common.make_connection(), batch)
    original = index.make_connection
    index.make_connection = lambda *a, **k: conn
    try:
        yield conn
        conn.flush()
    finally:
        index.make_connection = original


def index_packages(package_ids: list[str], progress: Optional[Callable[[str], None]] = None) -> None:
    """Index datasets in one pass: dicts read from the database in batches (the scoring
    plugin's bulk reader), then CKAN's own ``index_package`` with batched Solr adds."""
    import ckan.model as cm
    from ckan.lib.search import index_for, commit
    from ckanext.wards.scoring import datasets
    from ckanext.wards.vocab import licences

    orgs = {g.id: g for g in cm.Session.query(cm.Group).filter(cm.Group.is_organization.is_(True))}
    indexer = index_for(cm.Package)
    started = time.perf_counter()
    with _batched_solr_adds():
        for start in range(0, len(package_ids), 1000):
            for pkg in datasets.load_datasets(package_ids[start:start + 1000]):
                org = orgs.get(pkg.get("owner_org"))
                pkg["organization"] = {"id": org.id, "name": org.name, "title": org.title} if org else None
                pkg["metadata_created"] = pkg["metadata_created"].isoformat()
                pkg["metadata_modified"] = pkg["metadata_modified"].isoformat()
                pkg["num_resources"] = len(pkg["resources"])
                pkg["num_tags"] = len(pkg["tags"])
                pkg.update(licences.licence_fields(pkg.get("license_id")))
                for res in pkg["resources"]:
                    for key in ("created", "last_modified", "metadata_modified"):
                        if isinstance(res.get(key), dt.datetime):
                            res[key] = res[key].isoformat()
                pkg["with_custom_schema"] = dict(pkg)
                indexer.index_package(pkg, defer_commit=True)
            if progress:
                progress(f"indexed {min(start + 1000, len(package_ids))}/{len(package_ids)} "
                         f"({time.perf_counter() - started:.0f} s)")
    commit()


# --- history -------------------------------------------------------------------------------

def past_report(doc: dict[str, Any], months_back: int, rng: random.Random) -> dict[str, Any]:
    """A plausible earlier report: fewer datasets (the study's yearly growth) and lower
    machine-readable shares; counts stay consistent (numerator ≤ denominator, sums)."""
    h = spec()["history"]
    f = (1 + h["yearly_growth"]) ** (-months_back / 12)
    gain = h["share_gain_points"] / 100 * months_back / 12
    datasets = max(1, round(doc["counts"]["datasets"] * f))
    resources = max(datasets, round(doc["counts"]["resources"] * f))
    out = json.loads(json.dumps(doc))
    out["counts"] = {"datasets": datasets, "resources": resources}
    for key, bound in (("tabular_resources_checked", resources), ("standards_declared", datasets)):
        if key in doc["counts"]:  # the file checks' counts (report schema 1.1)
            out["counts"][key] = min(bound, round(doc["counts"][key] * f))
    for key, share in out["shares"].items():
        den = out["counts"][document.UNIT_COUNTS[share["unit"]]]
        r = measurements.ratio(share) or 0.0
        if key.startswith(("machine_readable", "resources_machine", "csv", "api", "standard")):
            r = max(0.0, r - gain * rng.uniform(0.6, 1.4))
        share.update(numerator=min(den, round(den * r)), denominator=den)
    for group in ("star_levels", "ratings"):
        items = out[group]
        old_total = sum(i["numerator"] for i in items) or 1
        target = datasets if group == "ratings" else min(datasets, round(old_total * f))
        scaled = [math.floor(i["numerator"] * target / old_total) for i in items]
        scaled[max(range(len(items)), key=lambda k: items[k]["numerator"])] += target - sum(scaled)
        for item, n in zip(items, scaled):
            item.update(numerator=n, denominator=datasets)
    when = document.computed_time(doc) - dt.timedelta(days=30 * months_back)
    out["computed_at"] = when.replace(microsecond=0).isoformat() + "Z"
    out["demo_history"] = True
    return out


def store_history(rng: random.Random, org_ids: Iterable[str]) -> int:
    """Monthly snapshots back in time for the given local wards, and today's."""
    import ckan.model as cm
    wanted = set(org_ids)
    names = {w["org"]["name"]: w["org"]["id"] for w in organizations.local_wards()}
    stored = 0
    for doc in document.local_reports(fresh=True):
        org_id = names[doc["ward"]["organization"]]
        if org_id not in wanted:
            continue
        for months_back in range(spec()["history"]["months"], 0, -1):
            past = past_report(doc, months_back, rng)
            errors = document.validation_errors(past)
            if errors:  # never store what a peer would reject
                raise ValueError(f"synthetic history is invalid: {errors}")
            stored += snapshots.store_snapshot(past, "local:" + org_id, organization_id=org_id, commit=False)
        stored += snapshots.store_snapshot(doc, "local:" + org_id, organization_id=org_id, commit=False)
    cm.Session.commit()
    return stored


# --- the command -------------------------------------------------------------------------------

def load(seed: int = 23, n_wards: int = 23, scale: float = 1.0, user: Optional[str] = None,
         progress: Optional[Callable[[str], None]] = None, per_ward: Optional[int] = None,
         index: bool = True) -> dict[str, Any]:
    """Create the demo wards (see the module docstring); returns what was done.

    ``per_ward`` gives every ward the same dataset count (benchmarks); ``index=False``
    leaves the search index to the caller."""
    import ckan.model as cm
    from ckan.plugins import toolkit as tk
    from ckanext.wards.scoring import bulk

    say = progress or (lambda msg: log.info(msg))
    started = time.perf_counter()
    rng = random.Random(seed)
    if user is None:
        user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    user_obj = cm.User.get(user)
    if user_obj is None:
        raise ValueError(f"user not found: {user}")
    wards = list(ward_list.wards())[:n_wards]
    sizes = ward_sizes(len(wards), rng, scale) if per_ward is None else [per_ward] * len(wards)
    now = dt.datetime.utcnow().replace(microsecond=0)
    new_ids: list[str] = []
    loaded_orgs: list[str] = []
    skipped = []
    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    for ward, size in zip(wards, sizes):
        ward_rng = random.Random(f"{seed}:{ward['lg_code']}")  # independent of --wards
        maturity = ward_rng.uniform(0.45, 1.6)
        org, already = _ensure_org(ward, user)
        if already:
            skipped.append(ward["slug"])
            continue
        packages, resources, tags = make_datasets(ward, org["id"], size, ward_rng, maturity, user_obj.id, now)
        _insert(cm.package_table, packages)
        _insert(cm.resource_table, resources)
        _write_tags(tags, ward_rng)
        cm.Session.commit()
        new_ids.extend(p["id"] for p in packages)
        loaded_orgs.append(org["id"])
        say(f"{ward['slug']}: {len(packages)} datasets, {len(resources)} resources")
    phases["write"] = time.perf_counter() - t0
    if new_ids:
        t = time.perf_counter()
        scored = bulk.rescore(package_ids=new_ids)
        phases["score"] = time.perf_counter() - t
        say(f"scored {scored} datasets ({phases['score']:.0f} s)")
        if index:
            t = time.perf_counter()
            index_packages(new_ids, progress=say)
            phases["index"] = time.perf_counter() - t
            say(f"indexed {len(new_ids)} datasets ({phases['index']:.0f} s)")
        t = time.perf_counter()
        snaps = store_history(random.Random(f"{seed}:history"), loaded_orgs)
        phases["history"] = time.perf_counter() - t
        say(f"stored {snaps} report snapshots")
        for org_id in loaded_orgs:
            _mark_loaded(org_id)
    return {"wards": len(loaded_orgs), "skipped": skipped, "datasets": len(new_ids), "package_ids": new_ids,
            "seconds": round(time.perf_counter() - started, 1),
            "phases": {k: round(v, 2) for k, v in phases.items()}}
