"""Benchmark: the demo with real files, loaded, checked and scored; and its figures.

Loads ``ckan wards demo-data`` (23 wards, seed 2026 as dev/serve does, or --wards/--scale)
on its own PostgreSQL database ``ckan_bench_demo``, a fresh Solr and its own storage, then
times, side by side on the loaded demo:
  check-files --all   every upload read and checked again (the file-check pipeline's
                      ``scoring.filechecks.check_packages(force=True)`` when this CKAN has
                      it, else the demo's in-process assessment of each upload)
  score --all         the bulk re-score of every dataset (``scoring.bulk.rescore``)
and prints the figures the issue asks of the demo next to the study's: ward means of MQA
points (best, worst, spread), excellent and bad shares, the machine-readable (strict)
share averaged over wards, the storage size.

Run:  .venv/bin/python benchmarks/bench_demo.py [--wards 23] [--scale 1.0] [--seed 2026]
Or point it at a running stack with CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, CKAN_REDIS_URL.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import _stack  # benchmarks/_stack.py

PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"
STUDY = {"mqa_spread": 40, "excellent": 0.05, "bad": 0.05, "strict": 0.487}


def storage_bytes(root: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _s, files in os.walk(root) for f in files)


def figures(package_ids: list[str]) -> dict:
    """The demo's figures from the stored scores (public and private datasets alike)."""
    from ckanext.wards.scoring import store
    rows = [store.dataset_score_row(i) for i in package_ids]
    by_org: dict[str, list[dict]] = {}
    for r in rows:
        by_org.setdefault(r["owner_org"], []).append(r)
    means = sorted(sum(r["mqa_points"] for r in v) / len(v) for v in by_org.values())
    strict = [sum(bool(r["machine_readable_strict"]) for r in v) / len(v) for v in by_org.values()]
    n = len(rows)
    return {
        "datasets": n, "wards": len(by_org),
        "mqa_mean_worst_ward": round(means[0], 1), "mqa_mean_best_ward": round(means[-1], 1),
        "mqa_spread": round(means[-1] - means[0], 1),
        "excellent": round(sum(r["rating"] == "excellent" for r in rows) / n, 3),
        "good": round(sum(r["rating"] == "good" for r in rows) / n, 3),
        "sufficient": round(sum(r["rating"] == "sufficient" for r in rows) / n, 3),
        "bad": round(sum(r["rating"] == "bad" for r in rows) / n, 3),
        "strict_mean_of_wards": round(sum(strict) / len(strict), 3),
        "strict_min_ward": round(min(strict), 3), "strict_max_ward": round(max(strict), 3),
        "japan_mean": round(sum(r["japan_points"] for r in rows) / n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wards", type=int, default=23)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile the demo load (to stderr)")
    parser.add_argument("--keep-storage", action="store_true", help="leave the demo's storage in place")
    args = parser.parse_args()
    os.environ.setdefault("CKAN_INI", _stack.TEST_INI)
    os.environ["CKAN__PLUGINS"] = PLUGINS
    _stack.ensure_stack("ckan_bench_demo", PLUGINS, redis_db=15)  # bench_scoring.py uses it too: never run both at once
    storage = tempfile.mkdtemp(prefix="wards-bench-demo-")
    try:
        flask_app = _stack.flask_app(PLUGINS, {"ckan.storage_path": storage,
                                               "ckan.site_url": "http://127.0.0.1:5000"})
        with flask_app.test_request_context():
            import ckan.plugins.toolkit as tk
            from ckan.lib.redis import connect_to_redis
            from ckanext import wards
            from ckanext.wards import demo
            from ckanext.wards.scoring import bulk, filechecks
            for key in connect_to_redis().scan_iter("ckanext-wards:*"):
                connect_to_redis().delete(key)  # no stored check results of an earlier run
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            profiler = None
            if args.profile:
                import cProfile
                profiler = cProfile.Profile()
                profiler.enable()
            load = demo.load(seed=args.seed, n_wards=args.wards, scale=args.scale, user=site_user["name"],
                             progress=lambda m: print("  " + m, file=sys.stderr, flush=True))
            if profiler is not None:
                import pstats
                profiler.disable()
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumtime").print_stats(40)
            ids = load["package_ids"]
            t = time.perf_counter()
            # check-files --all --force --no-dcat: the DCAT-AP checks are timed by bench_dcat
            how = "scoring.filechecks.check_packages(force=True, validate_dcat=False)"
            filechecks.check_packages(ids, force=True, progress=None, validate_dcat=False)
            check_s = time.perf_counter() - t
            t = time.perf_counter()
            scored = bulk.rescore(all_datasets=True)
            score_s = time.perf_counter() - t
            fig = figures(ids)
        size = storage_bytes(storage)
        files = sum(len(f) for _d, _s, f in os.walk(storage))
        print(f"\nckanext-wards demo benchmark: {args.wards} wards, scale {args.scale}, seed {args.seed}, "
              f"{os.cpu_count()} CPUs ({os.path.dirname(wards.__file__)})")
        print(f"  demo-data load: {load['seconds']:.0f} s, phases {json.dumps(load['phases'])}")
        print(f"  storage: {files} files, {size / 1e6:.1f} MB (target < 300 MB)")
        print(f"  check-files --all ({how}): {check_s:.1f} s for {files} files")
        print(f"  score --all: {score_s:.1f} s for {scored} datasets")
        print(f"  {'figure':34} {'demo':>8} {'study/target':>13}")
        print(f"  {'ward mean MQA points, worst-best':34} {fig['mqa_mean_worst_ward']:>5}-{fig['mqa_mean_best_ward']:<5}")
        print(f"  {'spread of ward means (points)':34} {fig['mqa_spread']:>8} {'>= 40':>13}")
        print(f"  {'excellent share':34} {fig['excellent']:>8.1%} {'>= 5 %':>13}")
        print(f"  {'bad share':34} {fig['bad']:>8.1%} {'>= 5 %':>13}")
        print(f"  {'machine-readable strict (ward mean)':34} {fig['strict_mean_of_wards']:>8.1%} {'48.7 %':>13}")
        print(f"  {'  by ward, min-max':34} {fig['strict_min_ward']:.1%}-{fig['strict_max_ward']:.1%}")
        print(f"  figures: {json.dumps(fig)}")
    finally:
        if not args.keep_storage:
            shutil.rmtree(storage, ignore_errors=True)
        _stack.stop_stack()


if __name__ == "__main__":
    sys.exit(main())
