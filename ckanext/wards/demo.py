"""Synthetic demo data: the 23 wards as organisations, with datasets sized on the study.

``load(seed, wards, scale, user)``:
1. one organisation per ward (real code and names from ``schemas/wards.csv``, extra
   ``ward_code``) through ``organization_create``;
2. its datasets and resources written in bulk straight into CKAN's tables (multi-row
   INSERTs: thousands of package_create calls would take an hour), in the shared schema
   (scheming fields are package extras, lists JSON-encoded as scheming stores them); the
   files of its uploads (``demo_files``) written into CKAN's storage, with the defects
   of real ward files; how careful a ward is comes from one drawn number (its diligence);
3. the checks in bulk (``run_checks``: file checks, the portal's own link statuses, the
   DCAT-AP checks, here or in background jobs), then scores with the bulk re-score;
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

from ckanext.wards import demo_files, paths
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

def _mix(pair: Any, q: float) -> float:
    """An ``[at quality 0, at quality 1]`` pair of ward-demo.yaml at quality ``q``."""
    if isinstance(pair, (int, float)):
        return float(pair)
    return float(pair[0]) + (float(pair[1]) - float(pair[0])) * q


def draw_diligence(rng: random.Random) -> float:
    """A ward's diligence, 0-1, from the Beta distribution of ward-demo.yaml."""
    d = spec()["diligence"]
    return rng.betavariate(d["alpha"], d["beta"])


def dataset_quality(diligence: float, rng: random.Random) -> float:
    return min(1.0, max(0.0, rng.gauss(diligence, spec()["diligence"]["dataset_sd"])))


def make_datasets(ward: dict[str, str], org_id: str, count: int, rng: random.Random,
                  diligence: float, user_id: Optional[str], now: dt.datetime,
                  site_url: str = "http://127.0.0.1:5000"
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]], dict[str, bytes]]:
    """(package rows, resource rows, (package id, tag name) pairs, resource id → file bytes)
    of one ward. ``diligence`` (0-1, ``draw_diligence``) sets the ward's mix: each
    dataset's quality is drawn around it, and every probability of ward-demo.yaml follows
    from that quality. Uploads are the files; links point at the portal (``site_url``)."""
    s = spec()
    formats = s["formats"]
    licences = s["licences"]
    meta, fspec = s["metadata"], s["files"]
    freq = s["frequencies"]
    site = site_url.rstrip("/")
    packages, resources, tags = [], [], []
    files: dict[str, bytes] = {}
    for i in range(count):
        q = dataset_quality(diligence, rng)

        def has(key: str) -> bool:
            return rng.random() < _mix(meta[key], q)
        topic = s["topics"][rng.randrange(len(s["topics"]))]
        year = 2015 + rng.randrange(11)
        pkg_id = _uuid(rng)
        name = f"{ward['slug']}-{i + 1:05d}"
        created = now - dt.timedelta(days=rng.randrange(30, 3000))
        frequency = freq[rng.randrange(len(freq))] if has("frequency") else None
        if has("up_to_date"):
            modified = now - dt.timedelta(days=rng.randrange(0, 28))
        else:
            modified = created + dt.timedelta(days=rng.randrange(0, max(1, (now - created).days) // 3 + 1))
        modified = max(created, min(modified, now))
        extras = {
            "title_en": f"{topic['en']} {year} ({ward['name_en_conventional']})",
            "notes_en": f"Synthetic demo dataset: {topic['en']} of {ward['name_en_conventional']}, {year}.",
            "publisher_code": ward["lg_code"],
            "language": json.dumps(["ja"]),
            "issued": created.date().isoformat(),
            "modified": modified.date().isoformat(),
        }
        if has("theme"):
            extras["theme"] = json.dumps(topic.get("themes") or [])
        if frequency:
            extras["frequency"] = frequency
        if has("spatial"):
            extras["spatial_coverage"] = json.dumps([{"uri": "", "text": ward["prefecture_ja"] + ward["name_ja"]}],
                                                    ensure_ascii=False)
        if has("temporal"):
            extras["temporal_coverage"] = json.dumps([{"start": f"{year}-04-01", "end": f"{year + 1}-03-31"}])
        if has("contact"):
            extras["contact"] = json.dumps([{"name": f"{ward['name_ja']}情報政策課",
                                             "email": f"opendata@{ward['slug']}.example.jp",
                                             "url": ward["website"]}], ensure_ascii=False)
        if has("access_rights"):
            extras["access_rights"] = ACCESS_PUBLIC
        standard = topic.get("standard") if topic.get("standard") and rng.random() < s["standard_declared"] else None
        if standard:
            extras["conforms_to"] = json.dumps([standard])
        licence = _weighted(rng, licences, [x["weight"] for x in licences])["id"] if has("licence") else "notspecified"
        packages.append({
            "id": pkg_id, "name": name, "type": "dataset", "state": "active",
            "title": f"{topic['ja']}（{year}年度）",
            "notes": f"{ward['name_ja']}の{topic['ja']}（{year}年度）。デモ用の合成データです。",
            "license_id": licence,
            "owner_org": org_id, "private": rng.random() < 0.04, "creator_user_id": user_id,
            "metadata_created": created, "metadata_modified": modified,
            "url": ward["website"], "extras": extras, "version": None,
            "author": None, "author_email": None, "maintainer": None, "maintainer_email": None,
        })
        tags.append((pkg_id, "demo"))
        tags.append((pkg_id, topic["ja"]))
        weights = [_mix(f["weight"], q) for f in formats]
        n_res = rng.choice(s["resources_per_dataset"])
        exact = bool(standard) and rng.random() < _mix(fspec["exact_standard"], q)
        for pos in range(n_res):
            fmt = _weighted(rng, formats, weights)
            res_id = _uuid(rng)
            res_extras: dict[str, Any] = {}
            row = {
                "id": res_id, "package_id": pkg_id, "format": fmt["format"] if has("format") else "",
                "mimetype": fmt["mimetype"] if has("mimetype") else None,
                "name": f"{topic['ja']} {year} ({fmt['format']})",
                "description": "", "position": pos, "state": "active", "size": None,
                "created": created, "last_modified": modified, "metadata_modified": modified,
                "url_type": None, "resource_type": None,
            }
            if has("rights"):
                res_extras["rights"] = RIGHTS_TEXT
            if fmt.get("link") == "api":
                url = f"{site}/api/3/action/package_show?id={name}"
                res_extras.update(is_api="true", access_url=url)
            elif fmt.get("link") == "html":
                url = f"{site}/dataset/{name}"
            elif rng.random() < _mix(fspec["dead_link"], q):
                # the file was removed from the portal: the link answers 404 (and it
                # is given as a page link, not as a download URL)
                url = f"{site}/opendata/{name}-{pos + 1}.{fmt['ext']}"
            else:
                filename = f"{name}-{pos + 1}.{fmt['ext']}"
                content, encoding = resource_file(fmt, topic, standard if exact else None, ward, year, q, rng)
                files[res_id] = content
                url = filename  # CKAN stores an upload's file name; its URL is built on read
                # CKAN's uploader sets the media type of every upload
                row.update(url_type="upload", size=len(content), mimetype=fmt["mimetype"])
                if encoding:
                    label = ENCODINGS[encoding]
                    if rng.random() < _mix(fspec["wrong_encoding_label"], q):
                        label = "UTF-8" if label == "Shift_JIS" else "Shift_JIS"
                    res_extras["character_encoding"] = label
            row["url"] = url
            row["extras"] = json.dumps(res_extras, ensure_ascii=False)
            resources.append(row)
    return packages, resources, tags, files


ACCESS_PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
RIGHTS_TEXT = "出典を記載すれば、複製・改変・再配布を含め自由に利用できます。"
ENCODINGS = demo_files.ENCODINGS


def resource_file(fmt: dict[str, Any], topic: dict[str, Any], standard: Optional[str],
                  ward: dict[str, str], year: int, q: float, rng: random.Random) -> tuple[bytes, Optional[str]]:
    """(bytes, text encoding or None) of one upload, with defects drawn from ``q``."""
    fspec = spec()["files"]
    kind = fmt["file"]
    if kind == "pdf":
        return demo_files.pdf_bytes(f"{topic['en']} {year} - {ward['name_en_conventional']}"), None
    if kind == "png":
        return demo_files.png_bytes(rng), None
    columns, _layout = demo_files.table_columns(standard, topic.get("columns"))
    rows = int(round(_mix(fspec["rows"], rng.random())))
    header, body = demo_files.table(columns, rows, rng, ward, year)
    if kind == "json":
        return demo_files.json_bytes(header, body), "utf-8"
    if kind == "xml":
        return demo_files.xml_bytes(header, body), "utf-8"
    if kind == "geojson":
        return demo_files.geojson_bytes(header, body, rng), "utf-8"
    n_defects = _poisson(rng, _mix(fspec["defects_per_table"], q))
    names = list(fspec["defects"])
    weights = [fspec["defects"][k] for k in names]
    defects = sorted({rng.choices(names, weights=weights, k=1)[0] for _ in range(n_defects)})
    records = demo_files.with_defects(header, body, defects, rng, f"{topic['ja']}（{year}年度）", columns)
    if kind == "xlsx":
        return demo_files.xlsx_bytes(records), None
    enc = list(fspec["encodings"])
    encoding = rng.choices(enc, weights=[_mix(fspec["encodings"][e], q) for e in enc], k=1)[0]
    content = demo_files.csv_bytes(records, encoding)
    if kind == "zip":
        return demo_files.zip_bytes(f"{topic['en'].replace(' ', '_')}_{year}.csv", content), None
    return content, encoding


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


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


# --- files and checks ------------------------------------------------------------------------

def write_files(resources: list[dict[str, Any]], files: dict[str, bytes]) -> int:
    """Put each upload's bytes where CKAN's uploader keeps it
    (``get_resource_uploader(res).get_path(id)``: storage_path/resources/<id[0:3]>/<id[3:6]>/<id[6:]>);
    returns the bytes written."""
    import os
    from ckan.lib import uploader
    total = 0
    for res in resources:
        content = files.get(res["id"])
        if content is None:
            continue
        upload = uploader.get_resource_uploader(dict(res))
        path = upload.get_path(res["id"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # written aside, then renamed: a reader (a file check of a parallel run sharing
        # the storage) never sees half a file
        tmp = f"{path}.{os.getpid()}.part"
        with open(tmp, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
        total += len(content)
    return total


def own_link_statuses(pkgs: list[dict[str, Any]], site_url: str) -> dict[str, int]:
    """URL → HTTP status of the demo's links, all served by this portal.

    The portal is not running while the demo loads (dev/serve starts it afterwards), so the
    demo does not HEAD its own URLs: it records what the portal answers for them, which it
    knows because it wrote them: an upload's download URL serves the file it just stored
    (200 when the file is in storage, else 404), a dataset page and the package_show API
    of a dataset it created answer 200, and ``/opendata/...`` (its dead links) is no route
    of CKAN's (404). A private dataset's URLs answer 404 to the (anonymous) link checker.
    The stack tests ask the app for a sample of each kind and compare. Links elsewhere are
    left to the link checker."""
    import os
    from ckan.lib import uploader
    from ckanext.wards.scoring.subject import access_url, download_url
    site = site_url.rstrip("/")
    names = {p["name"] for p in pkgs if not p.get("private")}
    out: dict[str, int] = {}
    for pkg in pkgs:
        for res in pkg["resources"]:
            for url in {access_url(res), download_url(res)} - {None}:
                if not url.startswith(site + "/"):
                    continue
                path = url[len(site):]
                if pkg.get("private"):
                    out[url] = 404
                elif res.get("url_type") == "upload":
                    stored = uploader.get_resource_uploader(dict(res)).get_path(res["id"])
                    out[url] = 200 if os.path.exists(stored) else 404
                elif path.startswith("/opendata/"):
                    out[url] = 404
                elif path.startswith("/dataset/") and path[len("/dataset/"):] in names:
                    out[url] = 200
                elif path.startswith("/api/3/action/package_show?id=") and path.split("=", 1)[1] in names:
                    out[url] = 200
    return out


DCAT_MODES = ("inline", "queue", "skip")
DCAT_JOB_BATCH = 200


def run_checks(package_ids: list[str], progress: Optional[Callable[[str], None]] = None,
               dcat: str = "inline") -> dict[str, int]:
    """The checks a portal runs on its datasets, in bulk (no job per resource): the file
    checks, the link statuses of the portal's own URLs, the DCAT-AP checks. Their results
    are stored where the scores read them; the caller re-scores.

    ``dcat``: ``inline`` runs the DCAT-AP checks here; ``queue`` leaves them to background
    jobs of ``DCAT_JOB_BATCH`` datasets each (pyshacl takes about 0.1 s per dataset, so a
    full demo's 6,500 datasets would hold dev/serve's start for over ten minutes; until
    its job ran a dataset's DCAT-AP metric is not assessed); ``skip`` runs none."""
    from ckan.plugins import toolkit as tk
    from ckanext.wards.scoring import datasets, store
    say = progress or (lambda msg: log.info(msg))
    site_url = tk.config.get("ckan.site_url") or ""
    links = 0
    for start in range(0, len(package_ids), 1000):
        pkgs = datasets.load_datasets(package_ids[start:start + 1000])
        statuses = own_link_statuses(pkgs, site_url)
        store.store_link_results(statuses)
        links += len(statuses)
    files = check_files(package_ids, say)
    checked = 0
    if dcat == "inline":
        checked = check_dcat(package_ids, say)
    elif dcat == "queue":
        for start in range(0, len(package_ids), DCAT_JOB_BATCH):
            tk.enqueue_job(dcat_job, [package_ids[start:start + DCAT_JOB_BATCH]],
                           title=f"wards demo DCAT-AP checks {start + 1}-{start + DCAT_JOB_BATCH}")
        say(f"queued the DCAT-AP checks of {len(package_ids)} datasets "
            f"({-(-len(package_ids) // DCAT_JOB_BATCH)} background jobs)")
    return {"files": files, "links": links, "dcat": checked}


def dcat_job(package_ids: list[str]) -> int:
    """Background job: the DCAT-AP checks of a batch of demo datasets, stored with their
    scores, then the batch re-indexed (the search index carries the scores)."""
    done = check_dcat(package_ids, lambda msg: log.info(msg))
    index_packages(package_ids)
    return done


def check_files(package_ids: list[str], say: Callable[[str], None]) -> int:
    """The file checks of the demo's datasets in bulk (``check-files`` without the DCAT-AP
    checks, which ``run_checks`` runs or queues itself); the number of files read."""
    from ckanext.wards.scoring import filechecks

    def progress(done: int, total: int, summary: dict[str, Any]) -> None:
        say(f"file checks {done}/{total} datasets, {summary['checked']} files checked")

    return int(filechecks.check_packages(package_ids, force=False, progress=progress,
                                         validate_dcat=False)["checked"])


def check_dcat(package_ids: list[str], say: Callable[[str], None], batch: int = 200) -> int:
    """The DCAT-AP (SHACL) check of every dataset, stored with its score: with wards_dcat
    loaded, one pyshacl run per batch of datasets (``shacl.dcat_validator_many``, the
    verdict each would get alone); another IWardsScoring dataset assessment runs per
    dataset (``bulk.rescore(validate_dcat=True)``)."""
    import ckan.plugins as p
    from ckan.plugins import toolkit as tk
    from ckanext.wards.scoring import bulk, extensions
    if not extensions.assesses("wards_assess_dataset"):
        return 0
    started = time.perf_counter()
    if not p.plugin_loaded("wards_dcat"):
        bulk.rescore(package_ids=package_ids, validate_dcat=True)
        return len(package_ids)
    from ckanext.wards.dcat import shacl
    show = tk.get_action("package_show")
    for start in range(0, len(package_ids), batch):
        ids = package_ids[start:start + batch]
        dicts = [show({"ignore_auth": True}, {"id": pid}) for pid in ids]
        bulk.score_batch(ids, dcat_overrides=shacl.dcat_validator_many(dicts))
        say(f"DCAT checks {min(start + batch, len(package_ids))}/{len(package_ids)} "
            f"({time.perf_counter() - started:.0f} s)")
    return len(package_ids)


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
         index: bool = True, dcat: str = "inline") -> dict[str, Any]:
    """Create the demo wards (see the module docstring); returns what was done.

    ``per_ward`` gives every ward the same dataset count (benchmarks); ``index=False``
    leaves the search index to the caller; ``dcat`` says where the DCAT-AP checks run
    (``run_checks``)."""
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
    site_url = tk.config.get("ckan.site_url") or "http://127.0.0.1:5000"
    written = 0
    for ward, size in zip(wards, sizes):
        ward_rng = random.Random(f"{seed}:{ward['lg_code']}")  # independent of --wards
        diligence = draw_diligence(ward_rng)
        org, already = _ensure_org(ward, user)
        if already:
            skipped.append(ward["slug"])
            continue
        packages, resources, tags, files = make_datasets(ward, org["id"], size, ward_rng, diligence,
                                                         user_obj.id, now, site_url)
        written += write_files(resources, files)
        _insert(cm.package_table, packages)
        _insert(cm.resource_table, resources)
        _write_tags(tags, ward_rng)
        cm.Session.commit()
        new_ids.extend(p["id"] for p in packages)
        loaded_orgs.append(org["id"])
        say(f"{ward['slug']}: {len(packages)} datasets, {len(resources)} resources, "
            f"{len(files)} files (diligence {diligence:.2f})")
    phases["write"] = time.perf_counter() - t0
    if new_ids:
        t = time.perf_counter()
        checked = run_checks(new_ids, progress=say, dcat=dcat)
        phases["checks"] = time.perf_counter() - t
        say(f"checked {checked['files']} files, {checked['links']} links, {checked['dcat']} DCAT outputs "
            f"({phases['checks']:.0f} s)")
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
            "bytes_written": written,
            "seconds": round(time.perf_counter() - started, 1),
            "phases": {k: round(v, 2) for k, v in phases.items()}}
