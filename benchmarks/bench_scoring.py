"""Benchmark: scoring and scorecard of one organisation of 10,000 datasets.

Side by side in one run:
  ours   bulk re-score straight from the database with bulk upserts (``scoring.bulk.rescore``),
         then the scorecard from the stored scores (``scorecard.build``)
  alt    what a steward would script: page ``package_search`` through the HTTP API
         (1,000 rows a page) and score every dataset in Python (with our own scorer, so
         only the data access differs), then build the same rows
Both cold (first run) and warm (second run). Prints the timings and the ratios.

Run (sets up its own PostgreSQL database ``ckan_bench`` and a fresh Solr, from dev/lib.sh):
    .venv/bin/python benchmarks/bench_scoring.py [--datasets 10000]
Or point it at a running stack with CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, CKAN_REDIS_URL.

Datasets are created in bulk: rows written with SQL through CKAN's model (packages,
resources, tags), then indexed with CKAN's own indexer (``ckan.lib.search.rebuild``,
one commit at the end) — the same as ``ckan search-index rebuild``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

import _stack  # benchmarks/_stack.py


FORMATS = [  # (format label, url suffix, share) — a mix like a ward portal's
    ("CSV", "csv", 4), ("ＣＳＶ", "csv", 1), ("エクセル", "xls", 2), ("xlsx形式", "xlsx", 2),
    ("PDF形式", "pdf", 4), ("PDF", "pdf", 2), ("API", "", 1), ("HTML", "html", 1),
]


def create_datasets(n: int) -> str:
    """One organisation and n datasets (1–3 resources each), written in bulk."""
    import sqlalchemy as sa
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    org = tk.get_action("organization_create")({"user": site_user["name"]}, {"name": "bench-ward", "title": "ベンチ区"})
    weighted = [f for f in FORMATS for _ in range(f[2])]
    now = model.Session.execute(sa.text("select now() at time zone 'utc'")).scalar()
    tag_id = str(uuid.uuid4())
    model.Session.execute(model.tag_table.insert().values(id=tag_id, name="bench"))
    packages, resources, tags = [], [], []
    for i in range(n):
        pid = str(uuid.uuid4())
        packages.append(dict(
            id=pid, name=f"bench-{i:05d}", title=f"ベンチマーク データ {i}", type="dataset",
            owner_org=org["id"], private=(i % 20 == 0), state="active",
            license_id=("cc-by" if i % 3 else "notspecified"), notes="説明",
            maintainer_email=("a@example.lg.jp" if i % 2 else None),
            metadata_created=now, metadata_modified=now,
            extras={"frequency": "monthly"} if i % 4 == 0 else {}))
        if i % 2:
            tags.append(dict(id=str(uuid.uuid4()), package_id=pid, tag_id=tag_id, state="active"))
        for j in range(1 + i % 3):
            label, ext, _ = weighted[(i * 7 + j) % len(weighted)]
            resources.append(dict(
                id=str(uuid.uuid4()), package_id=pid, url=f"https://bench.example.lg.jp/{i}/{j}.{ext}",
                format=label, position=j, state="active", created=now, metadata_modified=now,
                size=(1000 + i if j == 0 else None), extras=json.dumps({})))
    for start in range(0, n, 2000):
        model.Session.execute(model.package_table.insert(), packages[start:start + 2000])
    for start in range(0, len(resources), 5000):
        model.Session.execute(model.resource_table.insert(), resources[start:start + 5000])
    if tags:
        model.Session.execute(model.package_tag_table.insert(), tags)
    model.Session.commit()
    return org["id"]


def index_all() -> float:
    from ckan.lib.search import rebuild, commit
    started = time.perf_counter()
    rebuild(force=True, defer_commit=True, quiet=True)
    commit()
    return time.perf_counter() - started


def ours(org_id: str) -> tuple[float, float, int]:
    from ckanext.wards.scoring import bulk, scorecard
    t0 = time.perf_counter()
    scored = bulk.rescore(org_id=org_id)
    t1 = time.perf_counter()
    card = scorecard.build(org_id, include_private=True)
    t2 = time.perf_counter()
    assert len(card["rows"]) == scored, (len(card["rows"]), scored)
    return t1 - t0, t2 - t1, len(card["rows"])


def ours_scorecard(org_id: str) -> tuple[float, int]:
    from ckanext.wards.scoring import scorecard
    t0 = time.perf_counter()
    card = scorecard.build(org_id, include_private=True)
    return time.perf_counter() - t0, len(card["rows"])


def alternative(client, org_name: str, token: str) -> tuple[float, int]:
    """Page package_search through the HTTP API and score each dataset in Python."""
    from ckanext.wards.scoring import engine, scorecard
    t0 = time.perf_counter()
    rows, start = [], 0
    while True:
        resp = client.get("/api/3/action/package_search", query_string={
            "fq": f"organization:{org_name}", "rows": 1000, "start": start,
            "include_private": "true", "sort": "name asc"}, headers={"Authorization": token})
        result = json.loads(resp.get_data())["result"]
        for pkg in result["results"]:
            s = engine.score_dataset(pkg)
            rows.append(scorecard.row_for(dict(
                s, has_api=s["api_count"] > 0,
                fixes=[[f["id"], f["points_gained"]] for f in s["fixes"]], scored_at=None), "en"))
        start += 1000
        if start >= result["count"]:
            break
    scorecard.totals_for(rows)
    return time.perf_counter() - t0, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--profile", action="store_true", help="cProfile our re-score (to stderr)")
    args = parser.parse_args()
    os.environ.setdefault("CKAN_INI", _stack.TEST_INI)
    os.environ["CKAN__PLUGINS"] = "wards_scoring"
    _stack.ensure_stack("ckan_bench", "wards_scoring", redis_db=15)
    try:
        flask_app = _stack.flask_app("wards_scoring", {"ckan.search.rows_max": "1000"})
        with flask_app.test_request_context():
            import ckan.plugins.toolkit as tk
            t = time.perf_counter()
            org_id = create_datasets(args.datasets)
            created = time.perf_counter() - t
            indexed = index_all()
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            token = tk.get_action("api_token_create")({"user": site_user["name"], "ignore_auth": True},
                                                       {"user": site_user["name"], "name": "bench"})["token"]
        client = flask_app.test_client()
        with flask_app.test_request_context():
            alt_cold, n_alt = alternative(client, "bench-ward", token)
            rescore_cold, card_cold, n_ours = ours(org_id)
            alt_warm, _ = alternative(client, "bench-ward", token)
            rescore_warm, card_warm, _ = ours(org_id)
            if args.profile:
                import cProfile, pstats
                cProfile.runctx("ours(org_id)", globals(), {"ours": ours, "org_id": org_id}, "/tmp/wards-bench.prof")
                pstats.Stats("/tmp/wards-bench.prof", stream=sys.stderr).sort_stats("cumtime").print_stats(30)
            card_only, _ = ours_scorecard(org_id)
        assert n_alt == n_ours == args.datasets, (n_alt, n_ours)
        ours_cold = rescore_cold + card_cold
        ours_warm = card_only
        print(f"\nckanext-wards scoring benchmark: 1 organisation, {args.datasets} datasets, "
              f"{os.cpu_count()} CPUs")
        print(f"  set-up: bulk insert {created:.1f} s, CKAN indexing {indexed:.1f} s")
        print(f"  {'':44} {'cold':>9} {'warm':>9}")
        print(f"  {'alt: package_search pages + score in Python':44} {alt_cold:8.2f}s {alt_warm:8.2f}s")
        print(f"  {'ours: bulk re-score + scorecard':44} {ours_cold:8.2f}s {rescore_warm + card_warm:8.2f}s")
        print(f"  {'ours: scorecard from stored scores':44} {card_cold:8.2f}s {ours_warm:8.2f}s")
        print(f"  full re-score of {args.datasets} datasets: {rescore_cold:.1f} s cold, {rescore_warm:.1f} s warm"
              f" (target < 60 s)")
        print(f"  ratio alt/ours, scorecard warm (stored): {alt_warm / ours_warm:6.1f}x  (target >= 20x)")
        print(f"  ratio alt/ours, re-score + scorecard cold: {alt_cold / ours_cold:6.1f}x")
        print(f"  ratio alt/ours, re-score + scorecard warm: {alt_warm / (rescore_warm + card_warm):6.1f}x")
    finally:
        _stack.stop_stack()


if __name__ == "__main__":
    sys.exit(main())
