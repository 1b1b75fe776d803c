"""Benchmark: one dataset's background re-score job, old path against new, side by side.

  old (forced)  what the re-score job did before issue 17: package_show, then per resource
                the upload sniffed and the file check through the IWardsScoring hook
                (wards_schema → ``conformance.runner.run_check``: hash, parse), the DCAT-AP
                check, score and store, re-index with a hard commit; the checker's stored
                results (Redis) are cleared first, so every file is parsed
  old (warm)    the same with the checker's stored results kept (hash, no parse)
  new           ``scoring.jobs.rescore_dataset`` after ``filechecks`` checked the files:
                package_show, score from the stored file checks, re-index (soft commit);
                no file is read, no SHACL run (the DCAT-AP check is its own job now,
                ``jobs.validate_dataset``, timed on its own row)
  new, unchanged file check  ``jobs.check_resource_file`` on an unchanged upload (hash
                only, then the cheap re-score)

Each dataset has ``--resources`` uploaded CSV files of ``--rows`` rows (the toilet
standard's layout). Medians over ``--datasets`` datasets; prints milliseconds and ratios.

Run (its own PostgreSQL database ``ckan_bench_job`` and a fresh Solr, from dev/lib.sh):
    .venv/bin/python benchmarks/bench_rescore_job.py [--datasets 10] [--resources 3] [--rows 5000]
Or point it at a running stack with CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, CKAN_REDIS_URL.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

import _stack  # benchmarks/_stack.py

PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"
FIXTURE = _stack.ROOT / "tests" / "fixtures" / "standard" / "131016_public_toilet.csv"
STORAGE = "/tmp/ckanext-wards-bench-job-storage"


def csv_bytes(rows: int, variant: int) -> bytes:
    """The toilet fixture's layout with ``rows`` data rows (``variant`` makes files differ)."""
    source = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8-sig"))))
    header, data = source[0], source[1:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(data[i % len(data)])
        row[header.index("名称")] = f"{row[header.index('名称')]}{variant}-{i}"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def create_datasets(n: int, resources: int, rows: int) -> list[str]:
    """n datasets declaring the toilet standard, each with uploaded CSV files written
    straight into CKAN's storage (where the uploader reads them)."""
    import ckan.plugins.toolkit as tk
    from ckan.lib import uploader

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    org = tk.get_action("organization_create")(dict(context), {"name": "bench-job-ward", "title": "千代田区"})
    ids = []
    for i in range(n):
        pkg = tk.get_action("package_create")(dict(context), {
            "name": f"bench-job-{i:03d}", "title": f"公衆トイレ一覧 {i}", "owner_org": org["id"],
            "conforms_to": ["13_public_toilet"], "license_id": "CC-BY-4.0",
            "resources": [{"url": f"toilets-{j}.csv", "url_type": "upload", "format": "CSV", "name": f"t{j}"}
                          for j in range(resources)]})
        for j, res in enumerate(pkg["resources"]):
            path = Path(uploader.get_resource_uploader(res).get_path(res["id"]))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(csv_bytes(rows, i * 100 + j))
        ids.append(pkg["id"])
    return ids


def old_job(package_id: str) -> None:
    """The re-score job as it was before issue 17 (scoring/jobs.py at 236b7a5)."""
    import ckan.plugins.toolkit as tk
    from ckan.lib import uploader
    from ckan.lib.search import rebuild
    from ckanext.wards.formats import sniff
    from ckanext.wards.scoring import bulk, extensions

    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    overrides = {}
    for res in pkg["resources"]:
        with open(uploader.get_resource_uploader(res).get_path(res["id"]), "rb") as f:
            values = {"sniffed_code": sniff.sniff_bytes(f.read(65536), f)}
        values.update(extensions.assess_resource(pkg, res))
        overrides[res["id"]] = values
    assessed = extensions.assess_dataset(pkg)
    dcat = {package_id: assessed["dcat_compliant"]} if "dcat_compliant" in assessed else None
    bulk.score_batch([package_id], stored_overrides=overrides, dcat_overrides=dcat)
    rebuild(package_id)  # the old index.reindex: a hard commit, waited for


def clear_checker_store() -> None:
    from ckanext.wards.conformance import store
    conn = store.connection()
    for key in conn.scan_iter(f"{store.KEY_PREFIX}:*"):
        conn.delete(key)


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10)
    parser.add_argument("--resources", type=int, default=3, help="uploaded CSV files per dataset")
    parser.add_argument("--rows", type=int, default=5000, help="data rows per file")
    parser.add_argument("--profile", action="store_true", help="cProfile the new job (to stderr)")
    args = parser.parse_args()
    os.environ.setdefault("CKAN_INI", _stack.TEST_INI)
    os.environ["CKAN__PLUGINS"] = PLUGINS
    _stack.ensure_stack("ckan_bench_job", PLUGINS, redis_db=14)
    try:
        app = _stack.flask_app(PLUGINS, {"ckan.storage_path": STORAGE, "ckanext.wards.linkcheck.enabled": "false"})
        with app.test_request_context():
            from ckanext.wards.scoring import filechecks, jobs
            ids = create_datasets(args.datasets, args.resources, args.rows)
            timed(jobs.rescore_dataset, ids[0])  # warm-up: imports, shapes, caches
            old_forced, old_warm, new, new_check, new_dcat = [], [], [], [], []
            for pid in ids:
                clear_checker_store()
                old_forced.append(timed(old_job, pid))
                old_warm.append(timed(old_job, pid))
            filechecks.check_packages(ids, validate_dcat=False)  # as the file-check jobs would
            for pid in ids:
                # the dataset's job after an edit: CKAN indexed the edit itself (scoring it),
                # so the index already holds these score fields and is not written again
                new.append(timed(jobs.rescore_dataset, pid))
                new_dcat.append(timed(jobs.validate_dataset, pid))
            if args.profile:
                import cProfile
                import pstats
                cProfile.runctx("jobs.rescore_dataset(ids[0])", globals(), {"jobs": jobs, "ids": ids},
                                "/tmp/wards-bench-job.prof")
                pstats.Stats("/tmp/wards-bench-job.prof", stream=sys.stderr).sort_stats("cumtime").print_stats(25)
            import ckan.model as model
            for pid in ids:
                rid = model.Package.get(pid).resources[0].id
                new_check.append(timed(jobs.check_resource_file, rid))
        size = len(csv_bytes(args.rows, 0))
        print(f"\nckanext-wards re-score job benchmark: {args.datasets} datasets x {args.resources} uploaded CSV "
              f"files of {args.rows} rows ({size / 1e6:.2f} MB each), {os.cpu_count()} CPUs; medians")
        rows = (("old job, files parsed (forced)", old_forced), ("old job, checker results cached", old_warm),
                ("new job (stored file checks, no file read)", new),
                ("new file-check job, unchanged upload", new_check),
                ("new DCAT-AP job (SHACL, re-score)", new_dcat))
        for label, values in rows:
            print(f"  {label:46} {statistics.median(values):8.0f} ms  (min {min(values):.0f}, max {max(values):.0f})")
        print(f"  ratio old forced / new job: {statistics.median(old_forced) / statistics.median(new):6.1f}x; "
              f"target: new job < 200 ms -> {'met' if statistics.median(new) < 200 else 'NOT met'}")
    finally:
        _stack.stop_stack()


if __name__ == "__main__":
    sys.exit(main())
