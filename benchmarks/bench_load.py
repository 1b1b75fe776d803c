"""Load test: ckanext-wards' pages and actions under a real WSGI server, side by side with
CKAN's own package_search on the same server and data.

Boots a private stack (tests/isolated_stack.py: own PostgreSQL, Redis, Solr; CKAN under
gunicorn with several workers), loads the demo data for a few wards, scores it, then drives
each endpoint with wrk (a second process, loopback only) for a bounded time and prints
throughput, p50/p95/p99 latency and errors, and each endpoint's throughput as a ratio of
package_search's.

    .venv/bin/python benchmarks/bench_load.py [--seconds 10] [--connections 8] [--workers 4]
                                              [--wards 5] [--scale 0.5]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.isolated_stack import IsolatedStack  # noqa: E402

WARDS_PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
         "-s", str(ROOT / "benchmarks" / "wrk_report.lua"), url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line[len("WRK_JSON "):])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--wards", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    with IsolatedStack(workers=args.workers, plugins=WARDS_PLUGINS,
                       extra_config={"ckanext.dcat.rdf.profiles": "wards_dcat_ap_3"}) as stack:
        stack.sysadmin_token("bench-admin")
        stack.ckan("wards", "demo-data", "--seed", "2026", "--wards", str(args.wards),
                   "--scale", str(args.scale), "--user", "bench-admin", timeout=1800)
        stack.ckan("wards", "score", "--all", timeout=1800)
        _, orgs = stack.action("organization_list")
        org = orgs["result"][0]
        _, search = stack.action("package_search", {"rows": 0})
        print(f"data: {len(orgs['result'])} organisations, {search['result']['count']} datasets; "
              f"gunicorn workers: {args.workers}; wrk: 2 threads, {args.connections} connections, "
              f"{args.seconds} s per endpoint")

        endpoints = [
            ("package_search (CKAN, baseline)", "/api/3/action/package_search?q=*:*&rows=20"),
            ("package_search rows=0 (CKAN)", "/api/3/action/package_search?rows=0"),
            ("wards_report action", f"/api/3/action/wards_report?organization={org}"),
            ("/wards/compare page", "/wards/compare"),
            ("/wards/compare?format=json", "/wards/compare?format=json"),
            ("scorecard page", f"/organization/{org}/scorecard"),
            ("/catalog.ttl (wards profile)", "/catalog.ttl"),
        ]
        results = []
        for name, path in endpoints:
            status, _ = stack.get(path, timeout=120)  # warm caches, and fail early on a broken page
            if status != 200:
                print(f"{name}: HTTP {status} before the load run; skipped")
                continue
            results.append((name, path, run_wrk(stack.base_url + path, args.seconds, args.connections)))

    base = results[0][2]["rps"]
    print()
    print(f"{'endpoint':34} {'req/s':>8} {'vs search':>9} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6} {'requests':>8}")
    for name, _path, r in results:
        print(f"{name:34} {r['rps']:8.1f} {r['rps'] / base:9.2f} {r['p50_ms']:8.1f} "
              f"{r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:6d} {r['requests']:8d}")
    total_errors = sum(r["errors"] for _, _, r in results)
    print(f"\ntotal errors: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
