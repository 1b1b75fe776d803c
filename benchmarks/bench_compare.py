"""Benchmark: the comparison page and the report action for 23 wards x 10,000 datasets,
cold and warm, side by side with CKAN's own ``package_search?rows=0`` on the same data.

A private stack (tests/isolated_stack.py: own PostgreSQL cluster, Redis, Solr, CKAN under
gunicorn with one worker so "first request" means something) is started; the data are the
demo wards (``ckan wards demo-data`` code) with 10,000 datasets each, scored with the
scoring plugin's bulk function.

Timed over HTTP, each request alone:
  compare.html     GET /wards/compare                      (the page, all 23 wards)
  compare.json     GET /wards/compare?format=json
  wards_compare    GET /api/3/action/wards_compare
  wards_report     GET /api/3/action/wards_report?organization=<ward>
  search.all       GET /api/3/action/package_search?rows=0 (count of every dataset)
  search.facets    GET /api/3/action/package_search?rows=0&facet.field=["organization"]
                   (datasets per ward: what a comparison built on search would need first)
  search.org       GET /api/3/action/package_search?rows=0&fq=owner_org:<ward id>
cold: PostgreSQL restarted, Solr core reloaded (caches dropped), gunicorn restarted and
      one status_show request, then the timed request (one cold sample per endpoint);
warm: median of 10 requests after that.

Indexing note: CKAN's full indexer runs every ``before_dataset_index`` plugin per dataset
(the scoring plugin re-scores there), which would take hours for 230,000 datasets; the
benchmark writes the search documents itself, with the fields ``package_search`` filters
on (site, type, state, capacity, permission labels, organisation, formats) and the data
dict. Lighter documents than CKAN's can only make package_search faster, so the ratios
are conservative for ckanext-wards.

Run:  .venv/bin/python benchmarks/bench_compare.py [--per-ward 10000] [--wards 23]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"


# --- loading (runs inside the stack's environment, in a subprocess) ---------------------------

def load(per_ward: int, n_wards: int) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(os.environ["CKAN_INI"]))
    with app._wsgi_app.test_request_context():
        from ckanext.wards import demo
        started = time.perf_counter()
        result = demo.load(seed=23, n_wards=n_wards, per_ward=per_ward, index=False,
                           progress=lambda m: print(m, file=sys.stderr, flush=True))
        t = time.perf_counter()
        index_light(result["package_ids"])
        result["phases"]["index (benchmark documents)"] = round(time.perf_counter() - t, 1)
        result.pop("package_ids")
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result))


def index_light(package_ids: list[str], batch: int = 2000) -> None:
    """Search documents with the fields package_search filters and returns on."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckan.common import config
    from ckan.lib.search.common import make_connection

    site_id = config.get("ckan.site_id")
    orgs = {g.id: g.name for g in cm.Session.query(cm.Group).filter(cm.Group.is_organization.is_(True))}
    p, r = cm.package_table, cm.resource_table
    conn = make_connection()
    for start in range(0, len(package_ids), batch):
        ids = package_ids[start:start + batch]
        formats: dict[str, list[str]] = {}
        for pid, fmt in cm.Session.execute(sa.select(r.c.package_id, r.c.format).where(r.c.package_id.in_(ids))):
            formats.setdefault(pid, []).append(fmt or "")
        docs = []
        for row in cm.Session.execute(sa.select(p).where(p.c.id.in_(ids))).mappings():
            data = {"id": row["id"], "name": row["name"], "title": row["title"], "type": "dataset",
                    "owner_org": row["owner_org"], "private": row["private"], "state": row["state"],
                    "license_id": row["license_id"], "num_resources": len(formats.get(row["id"], []))}
            docs.append({
                "id": row["id"], "name": row["name"], "title": row["title"], "title_string": row["title"],
                "notes": row["notes"], "owner_org": row["owner_org"], "organization": orgs.get(row["owner_org"]),
                "capacity": "private" if row["private"] else "public", "state": row["state"],
                "dataset_type": "dataset", "entity_type": "package", "site_id": site_id,
                "index_id": hashlib.md5(f"{row['id']}{site_id}".encode()).hexdigest(),
                "permission_labels": [f"member-{row['owner_org']}"] if row["private"] else ["public"],
                "license_id": row["license_id"], "res_format": formats.get(row["id"], []),
                "num_resources": len(formats.get(row["id"], [])), "num_tags": 2,
                "metadata_created": row["metadata_created"].isoformat() + "Z",
                "metadata_modified": row["metadata_modified"].isoformat() + "Z",
                "data_dict": json.dumps(data), "validated_data_dict": json.dumps(data),
            })
        conn.add(docs=docs, commit=False)
        print(f"indexed {min(start + batch, len(package_ids))}/{len(package_ids)}", file=sys.stderr, flush=True)
    conn.commit()


# --- timing ------------------------------------------------------------------------------------

def timed_get(stack, path: str) -> float:
    started = time.perf_counter()
    status, body = stack.get(path, timeout=600)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
    return elapsed


def reload_solr_core(stack) -> None:
    base = stack.solr.url.rsplit("/", 1)[0]
    with urllib.request.urlopen(f"{base}/admin/cores?action=RELOAD&core=ckan&wt=json", timeout=120) as r:
        r.read()


def make_cold(stack) -> None:
    stack.web.terminate()
    stack.web.wait(30)
    stack.postgres.restart()
    reload_solr_core(stack)
    stack.start_web()
    timed_get(stack, "/api/3/action/status_show")


def demo_timing() -> None:
    """`ckan wards demo-data` exactly as the README runs it, timed end to end, twice
    (the second run must skip every ward)."""
    from tests.isolated_stack import IsolatedStack

    with IsolatedStack(workers=1, plugins=PLUGINS) as stack:
        stack.ckan("user", "add", "demo-admin", "email=demo-admin@example.org", "password=demo-admin-pass-1")
        for attempt in ("first", "second"):
            started = time.perf_counter()
            out = stack.ckan("wards", "demo-data", "--user", "demo-admin", timeout=3600)
            print(f"{attempt} run: {time.perf_counter() - started:.1f} s (including CKAN start-up)")
            print("  " + "\n  ".join(out.stdout.strip().splitlines()[-6:]))
        _, search = stack.get("/api/3/action/package_search?rows=0")
        print(f"public datasets in search: {json.loads(search)['result']['count']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-ward", type=int, default=10000)
    parser.add_argument("--wards", type=int, default=23)
    parser.add_argument("--warm-runs", type=int, default=10)
    parser.add_argument("--demo-timing", action="store_true",
                        help="Only time `ckan wards demo-data` (study sizes, full indexing) on a fresh stack.")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        load(args.per_ward, args.wards)
        return
    if args.demo_timing:
        demo_timing()
        return

    from tests.isolated_stack import IsolatedStack

    with IsolatedStack(workers=1, plugins=PLUGINS) as stack:
        print(f"loading {args.wards} wards x {args.per_ward} datasets ...", flush=True)
        out = subprocess.run([sys.executable, __file__, "--load-only", "--per-ward", str(args.per_ward),
                              "--wards", str(args.wards)], env=stack.env, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr[-5000:])
            raise SystemExit("loading failed")
        loaded = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"loaded: {loaded}", flush=True)

        status, org = stack.action("organization_show", {"id": "chiyoda"})
        org_id = org["result"]["id"]
        fq = urllib.parse.quote(f'owner_org:"{org_id}"')
        facet = urllib.parse.quote('["organization"]')
        endpoints = {
            "compare.html": "/wards/compare",
            "compare.json": "/wards/compare?format=json",
            "wards_compare": "/api/3/action/wards_compare",
            "wards_report": "/api/3/action/wards_report?organization=chiyoda",
            "search.all": "/api/3/action/package_search?rows=0",
            "search.facets": f"/api/3/action/package_search?rows=0&facet.field={facet}&facet.limit=-1",
            "search.org": f"/api/3/action/package_search?rows=0&fq={fq}",
        }
        _, total = stack.get(endpoints["search.all"])
        count = json.loads(total)["result"]["count"]
        results = {}
        for name, path in endpoints.items():
            make_cold(stack)
            cold = timed_get(stack, path)
            warm = statistics.median(timed_get(stack, path) for _ in range(args.warm_runs))
            results[name] = (cold, warm)
            print(f"  {name:14} cold {cold * 1000:8.1f} ms   warm {warm * 1000:8.1f} ms", flush=True)

        print()
        print(f"ckanext-wards comparison benchmark: {args.wards} wards x {args.per_ward} datasets "
              f"({loaded['datasets']} datasets, {count} public in search), gunicorn 1 worker")
        print(f"{'endpoint':16}{'cold ms':>10}{'warm ms':>10}")
        for name, (cold, warm) in results.items():
            print(f"{name:16}{cold * 1000:10.1f}{warm * 1000:10.1f}")
        print("ratios (ours / CKAN package_search rows=0 on the same data; < 1 is faster):")
        for ours, theirs in (("compare.html", "search.facets"), ("wards_compare", "search.facets"),
                             ("wards_compare", "search.all"), ("wards_report", "search.org")):
            c = results[ours][0] / results[theirs][0]
            w = results[ours][1] / results[theirs][1]
            print(f"  {ours:14} / {theirs:14} cold {c:6.2f}x   warm {w:6.2f}x")


if __name__ == "__main__":
    main()
