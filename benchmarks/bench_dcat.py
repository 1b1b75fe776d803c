"""Benchmark: /catalog.ttl pages of 100 datasets, wards_dcat_ap_3 against stock euro_dcat_ap_3.

Side by side in one run, on the same demo datasets (``ckanext.wards.demo.load``: the 23
wards, scored), through ckanext-dcat's own endpoint (``/catalog.ttl?page=N&profiles=...``,
Flask test client, so HTTP parsing is excluded but the view, package_search, profile and
serialisation are all in). Pages alternate between the two profiles, each round visiting
every page once per profile; the median time per page is compared.

Target: ours <= 1.5x the stock cost (our pages are richer: URIs from vocabularies, labels,
the ward as publisher, IMI terms and ~35 DQV measurements per dataset).

Run (sets up its own PostgreSQL database ``ckan_bench_dcat`` and a fresh Solr):
    .venv/bin/python benchmarks/bench_dcat.py [--scale 0.1] [--pages 5] [--rounds 5] [--format ttl]
Or point it at a running stack with CKAN_SQLALCHEMY_URL and CKAN_SOLR_URL.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import _stack  # benchmarks/_stack.py

PLUGINS = "dcat wards_schema wards_scoring wards_compare wards_dcat"


def timed_get(client, url: str) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    resp = client.get(url)
    elapsed = time.perf_counter() - t0
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data()[:500])
    return elapsed, len(resp.get_data()), resp.get_data()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="demo data scale (1.0 = ~6,600 datasets)")
    parser.add_argument("--pages", type=int, default=5, help="catalogue pages of 100 to time")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--format", default="ttl", choices=["ttl", "rdf", "jsonld", "xml"])
    parser.add_argument("--profile", action="store_true", help="cProfile one page of ours (to stderr)")
    parser.add_argument("--keep", action="store_true",
                        help="leave Solr running and print the environment to reuse the loaded stack")
    args = parser.parse_args()
    os.environ["CKAN__PLUGINS"] = PLUGINS
    _stack.ensure_stack("ckan_bench_dcat", PLUGINS, redis_db=14)
    try:
        flask_app = _stack.flask_app(PLUGINS, {"ckanext.dcat.datasets_per_page": "100"})
        with flask_app.test_request_context():
            from ckanext.wards import demo
            t = time.perf_counter()
            loaded = demo.load(seed=23, scale=args.scale)
            # The demo indexes its bulk-written rows as stored (scheming lists as JSON
            # strings), which the stock profile cannot serialise; a portal's index holds
            # package_show dicts, so re-index the CKAN way (`ckan search-index rebuild`).
            from ckan.lib.search import commit, rebuild
            if loaded["datasets"]:  # 0 when the demo was loaded by an earlier --keep run
                rebuild(force=True, defer_commit=True, quiet=True)
                commit()
            import ckan.model as cm
            loaded["datasets"] = cm.Session.query(cm.Package).filter_by(state="active", private=False).count()
            setup = time.perf_counter() - t
        client = flask_app.test_client()
        pages = max(1, min(args.pages, -(-loaded["datasets"] // 100)))
        # (series, profile, page cache seconds, Turtle writer): the stock profile is served
        # by ckanext-dcat as shipped (rdflib writes it); ours is timed without the page cache
        # (every page built and written), written by rdflib as well (like for like), and
        # with the cache.
        series = [("stock", "euro_dcat_ap_3", 0, "rdflib"), ("ours", "wards_dcat_ap_3", 0, "wards"),
                  ("ours, rdflib writer", "wards_dcat_ap_3", 0, "rdflib"),
                  ("ours+cache", "wards_dcat_ap_3", 600, "wards")]
        times = {name: [] for name, *_ in series}
        first = {name: [] for name, *_ in series}
        sizes = {name: 0 for name, *_ in series}
        from ckan.plugins import toolkit as tk
        from ckan.lib.redis import connect_to_redis
        for key in connect_to_redis().scan_iter("ckanext-wards:dcat-catalog:*"):
            connect_to_redis().delete(key)
        # warm-up: one page each (imports, first queries, vocabulary caches), not timed
        for name, prof, _ttl, writer in series[:3]:
            tk.config["ckanext.wards.dcat.catalog_cache_ttl"] = 0
            tk.config["ckanext.wards.dcat.rdf_writers"] = writer
            timed_get(client, f"/catalog.{args.format}?page={pages + 1}&profiles={prof}")
        for round_no in range(args.rounds):
            for page in range(1, pages + 1):
                for name, prof, ttl, writer in series:
                    tk.config["ckanext.wards.dcat.catalog_cache_ttl"] = ttl
                    tk.config["ckanext.wards.dcat.rdf_writers"] = writer
                    elapsed, size, _body = timed_get(client, f"/catalog.{args.format}?page={page}&profiles={prof}")
                    (first if round_no == 0 else times)[name].append(elapsed)
                    sizes[name] = max(sizes[name], size)
        tk.config["ckanext.wards.dcat.catalog_cache_ttl"] = 0
        tk.config["ckanext.wards.dcat.rdf_writers"] = "wards"
        if args.profile:
            import cProfile
            import pstats
            cProfile.runctx("timed_get(client, url)", globals(),
                            {"timed_get": timed_get, "client": client,
                             "url": f"/catalog.{args.format}?page=1&profiles=wards_dcat_ap_3"},
                            "/tmp/wards-bench-dcat.prof")
            stats = pstats.Stats("/tmp/wards-bench-dcat.prof", stream=sys.stderr)
            stats.sort_stats("cumtime").print_stats("wards|processors|profiles", 40)
            stats.sort_stats("tottime").print_stats(25)
        med = {k: statistics.median(v) for k, v in times.items()}
        med_first = {k: statistics.median(v) for k, v in first.items()}
        print(f"\nckanext-wards DCAT benchmark: /catalog.{args.format}, pages of 100, demo data "
              f"({loaded['datasets']} public datasets, set-up {setup:.0f} s), "
              f"{pages} pages x {args.rounds} rounds (first round reported apart), {os.cpu_count()} CPUs")
        print(f"  {'series':42} {'first visit':>12} {'median/page':>12} {'min/page':>10} {'page size':>10}")
        for name, prof, *_ in series:
            label = f"{name} ({prof})"
            print(f"  {label:42} {med_first[name] * 1000:10.0f}ms {med[name] * 1000:10.0f}ms "
                  f"{min(times[name]) * 1000:8.0f}ms {sizes[name] / 1024:8.0f}KB")
        print(f"  ratio ours/stock, no cache (every page built):     {med['ours'] / med['stock']:.2f}x"
              f"  (target <= 1.5x)")
        print(f"  ratio ours/stock, both written by rdflib:          "
              f"{med['ours, rdflib writer'] / med['stock']:.2f}x  (like for like)")
        print(f"  ratio ours/stock, first visit with the cache:      {med_first['ours+cache'] / med_first['stock']:.2f}x")
        print(f"  ratio ours/stock, cached pages (crawler repeat):   {med['ours+cache'] / med['stock']:.2f}x")
    finally:
        if args.keep:
            print("reuse with: " + " ".join(f"{k}={os.environ[k]}" for k in
                                            ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL")))
        else:
            _stack.stop_stack()


if __name__ == "__main__":
    sys.exit(main())
