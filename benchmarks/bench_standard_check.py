"""Benchmark of the standard-dataset checker on a 100k-row CSV, side by side in one run:

* floor: Python's csv module alone, reading and decoding every row;
* ours: ``ckanext.wards.conformance.checker.check_file`` (columns, types, machine-readability rules);
* frictionless: ``frictionless`` (Table Schema, the library ckanext-validation builds on)
  validating the same file against a Table Schema generated from the same column
  definitions, if a Python with frictionless is available (``FRICTIONLESS_PYTHON``,
  default ``/tmp/fl-venv/bin/python``; it is deliberately not a project dependency).

Each contender runs in its own fresh process, so peak memory (ru_maxrss) is its own;
"grew" is the peak minus the process's size after imports. Printed: rows/s, seconds,
peak and growth, and ratios to the floor.

    .venv/bin/python benchmarks/bench_standard_check.py [--rows 100000] [--repeat 1]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANDARD = "13_public_toilet"
FIXTURE = ROOT / "tests" / "fixtures" / "standard" / "131016_public_toilet.csv"

FLOOR = """
import csv, json, resource, sys, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
rows = 0
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    for row in csv.reader(f):
        rows += 1
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows - 1, "seconds": seconds, "peak_kb": after, "before_kb": before}))
"""

OURS = """
import json, resource, sys, time
from ckanext.wards.conformance import checker
checker.load_data()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = checker.check_file(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": result["file"]["rows"], "seconds": seconds, "peak_kb": after, "before_kb": before,
                  "errors": result["summary"]["errors"], "counts": result["counts"]}))
"""

FRICTIONLESS = """
import json, os, resource, sys, time
import frictionless
from frictionless import Resource, Schema, Checklist
schema = Schema.from_descriptor(json.load(open(sys.argv[2], encoding="utf-8")))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
res = Resource(path=os.path.basename(sys.argv[1]), basepath=os.path.dirname(sys.argv[1]), schema=schema)  # frictionless refuses absolute paths
report = res.validate(limit_errors=100000)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
task = report.tasks[0]
errors = {}
for e in task.errors:
    errors[e.type] = errors.get(e.type, 0) + 1
print(json.dumps({"rows": task.stats.get("rows"), "seconds": seconds, "peak_kb": after, "before_kb": before,
                  "errors": len(task.errors), "counts": errors, "version": frictionless.__version__}))
"""


def table_schema(standard_id: str) -> dict:
    """A Frictionless Table Schema with the same constraints as our column definitions."""
    sys.path.insert(0, str(ROOT))
    from ckanext.wards.conformance import standards

    return standards.table_schema(standard_id)


def make_file(path: Path, n_rows: int) -> None:
    """n_rows of the conforming fixture, one row in 500 with a defect (bad latitude, flag, time)."""
    with open(FIXTURE, encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))[:2]
    lat, flag, time_ = header.index("緯度"), header.index("オストメイト設置トイレ有無"), header.index("利用開始時間")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for i in range(n_rows):
            out = list(row)
            out[1] = f"131016T{i:07d}"
            out[3] = f"トイレ{i}"
            if i % 500 == 1:
                out[lat], out[flag], out[time_] = "95.5", "あり", "7時"
            writer.writerow(out)


def run(python: str, script: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([python, "-c", script, *args], capture_output=True, text=True, env=env, timeout=3600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender; the fastest is kept")
    args = parser.parse_args()
    fl_python = os.environ.get("FRICTIONLESS_PYTHON", "/tmp/fl-venv/bin/python")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "131016_public_toilet.csv"
        make_file(data, args.rows)
        schema_path = Path(tmp) / "schema.json"
        schema_path.write_text(json.dumps(table_schema(STANDARD), ensure_ascii=False), encoding="utf-8")
        size_mb = data.stat().st_size / 1e6
        print(f"file: {args.rows} rows x 39 columns, {size_mb:.1f} MB, UTF-8 with BOM, 1 row in 500 with 3 defects")

        contenders = [("csv module (floor)", sys.executable, FLOOR, (str(data),)),
                      ("ours: standard_check", sys.executable, OURS, (str(data), STANDARD))]
        if Path(fl_python).exists():
            contenders.append(("frictionless validate", fl_python, FRICTIONLESS, (str(data), str(schema_path))))
        else:
            print(f"frictionless: not run ({fl_python} missing; set FRICTIONLESS_PYTHON)")
        results = {}
        for name, python, script, script_args in contenders:
            runs = [run(python, script, *script_args) for _ in range(args.repeat)]
            results[name] = min(runs, key=lambda r: r["seconds"])

    floor = results["csv module (floor)"]
    print(f"{'contender':<24}{'rows/s':>10}{'seconds':>9}{'peak MB':>9}{'grew MB':>9}{'x floor time':>14}{'x floor peak':>14}")
    for name, r in results.items():
        rate = r["rows"] / r["seconds"] if r["seconds"] else float("inf")
        grew = (r["peak_kb"] - r["before_kb"]) / 1024
        print(f"{name:<24}{rate:>10.0f}{r['seconds']:>9.2f}{r['peak_kb'] / 1024:>9.1f}{grew:>9.1f}"
              f"{r['seconds'] / floor['seconds']:>14.1f}{r['peak_kb'] / floor['peak_kb']:>14.1f}")
    for name, r in results.items():
        if "counts" in r:
            print(f"{name}: {r.get('errors')} errors; " + ", ".join(f"{k}={v}" for k, v in sorted(r["counts"].items())))
    ours, fl = results["ours: standard_check"], results.get("frictionless validate")
    if fl:
        print(f"frictionless {fl.get('version')} / ours: time x{fl['seconds'] / ours['seconds']:.1f}, "
              f"peak x{fl['peak_kb'] / ours['peak_kb']:.1f}")


if __name__ == "__main__":
    main()
