"""``ckan -c <ini> wards ...``: thin click wrappers over the plain functions of each concern.

Each command only parses options, calls one function and prints its result; the logic
lives in the concern modules so tests can call it without the CLI.
"""
from __future__ import annotations

import sys

import click

__all__ = ["wards"]  # the command group tk.blanket.cli registers

output_option = click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
                             help="File (default: stdout).")


def portal_language() -> str:
    """``ckan.locale_default`` when we have labels in it (ja, en), else en."""
    import ckan.plugins.toolkit as tk
    locale = (tk.config.get("ckan.locale_default") or "en").split("_")[0]
    return locale if locale in ("ja", "en") else "en"


def write_output(data: bytes, output: str | None) -> None:
    """The bytes as they are (a CSV keeps its BOM) to the --output file, or to stdout."""
    if output:
        with open(output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)


def named_dataset_ids(refs) -> list[str]:
    """The ids of the datasets named (id or name) on the command line."""
    import ckan.model as model
    ids = []
    for ref in refs:
        pkg = model.Package.get(ref)
        if pkg is None:
            raise click.ClickException(f"dataset not found: {ref}")
        ids.append(pkg.id)
    return ids


@click.group(short_help="ckanext-wards: schema, scoring, ward reports, DCAT")
def wards():
    """Shared vocabulary, quality scoring, ward comparison and DCAT for ward portals."""


# --- schema commands (migrate) ---

@wards.command("migrate")
@click.option("--dry-run", is_flag=True, help="Report the mapping per dataset; write nothing.")
@click.option("--org", "org", default=None, help="Only this organisation (id or name).")
@click.option("--dataset", "datasets", multiple=True, help="Only this dataset (id or name); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def migrate_cmd(dry_run, org, datasets, as_json):
    """Move default-schema datasets into the shared schema, keeping every value."""
    import json
    import ckan.plugins.toolkit as tk
    from ckanext.wards.schema import migrate
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        ids = migrate.dataset_ids(org, datasets)
    except ValueError as e:
        raise click.ClickException(str(e))
    reports = migrate.migrate(ids, {"user": site_user["name"], "ignore_auth": True}, dry_run=dry_run)
    click.echo(json.dumps(reports, ensure_ascii=False, indent=2) if as_json
               else migrate.format_report(reports, dry_run))
    updated = [r["id"] for r in reports if r["applied"]]
    import ckan.plugins as p
    if updated and p.plugin_loaded("wards_scoring"):
        # updates queued no job each: score them once, in bulk
        from ckanext.wards.scoring import bulk
        count = bulk.rescore(package_ids=updated)
        if not as_json:
            click.echo(f"scored {count} updated datasets")
    if any(r["errors"] for r in reports):
        raise SystemExit(1)


@wards.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--update", is_flag=True, help="Update datasets whose name exists (else that is an error).")
def import_cmd(path, dry_run, update):
    """Import datasets from JSON or JSONL, validated against schemas/dataset.schema.json
    (then by the schema's validators) before anything is written."""
    with _portal_language():
        _import(path, dry_run, update)


def _portal_language():
    """A request context of the portal, so tk._ speaks ``ckan.locale_default`` (outside one
    it answers in English)."""
    import contextlib
    app = click.get_current_context().meta.get("flask_app")
    return app.test_request_context() if app is not None else contextlib.nullcontext()


def _import(path, dry_run, update):
    import ckan.plugins.toolkit as tk
    from ckanext.wards.schema import importer
    try:
        records = importer.read_records(path)
    except ValueError as e:
        raise click.ClickException(tk._("Not JSON or JSONL: {error}").format(error=e))
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    report = importer.import_records(records, {"user": site_user["name"], "ignore_auth": True},
                                          update=update, dry_run=dry_run, gettext=tk._)
    for entry in report["records"]:
        for error in entry["errors"]:
            click.echo(tk._("record {number} ({name}): {path}: {message}").format(
                number=entry["index"] + 1, name=entry["name"], path=error["path"], message=error["message"]))
    if not report["valid"]:
        raise click.ClickException(tk._("Nothing was imported: {count} of {total} records are invalid").format(
            count=report["invalid"], total=report["count"]))
    if dry_run:
        click.echo(tk._("{count} records valid, nothing written (dry run)").format(count=report["count"]))
    else:
        click.echo(tk._("imported {count} datasets").format(count=len(report["written"])))

# --- standard-check commands (check-standard) ---

@wards.command("check-standard")
@click.option("--resource", "resource_id", default=None, help="Check a resource's file (id) against its declared standard.")
@click.option("--file", "file_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Check a local CSV/XLSX file instead of a resource.")
@click.option("--standard", "standard_id", default=None,
              help="Standard dataset id (e.g. 13_public_toilet); with --resource it overrides the declared one.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="Language of text output.")
@click.option("--list", "list_standards", is_flag=True, help="List the standard datasets and their status.")
def check_standard(resource_id, file_path, standard_id, output, lang, list_standards):
    """Check a file's conformance to a national standard dataset and the machine-readability rules.

    Exits with status 1 when the file does not conform or a rule level scores 0."""
    import json

    from ckanext.wards.conformance import standards
    from ckanext.wards.conformance.checker import check_file
    from ckanext.wards.conformance.result import format_text

    if list_standards:
        for std in standards.list_standards():
            click.echo(f"{std['id']:<32} {std['status']:<10} {std['name_ja']} / {std['name_en']}")
        return
    if bool(resource_id) == bool(file_path):
        raise click.UsageError("give exactly one of --resource ID or --file PATH")
    if file_path:
        from ckanext.wards.conformance.runner import limits_from_config

        result = check_file(file_path, standard_id, limits=limits_from_config())
    else:
        import ckan.plugins.toolkit as tk

        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        data = {"id": resource_id, **({"standard": standard_id} if standard_id else {})}
        try:
            result = tk.get_action("wards_standard_check")({"user": site_user["name"]}, data)
        except (tk.ObjectNotFound, tk.ValidationError) as exc:
            raise click.ClickException(str(exc))
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if output == "json"
               else format_text(result, lang))
    if result["conforms"] is False or any(lv["score"] == 0 for lv in result["levels"]):
        raise SystemExit(1)


# --- scoring commands (score, scorecard) ---

@wards.command("score")
@click.option("--all", "all_datasets", is_flag=True, help="Re-score every active dataset.")
@click.option("--org", "org", default=None, help="Re-score one organisation (id or name).")
@click.option("--dataset", "datasets", multiple=True, help="Re-score a dataset (id or name); repeatable.")
@click.option("--stale", is_flag=True,
              help="Re-score only datasets changed since their stored score (missed jobs).")
@click.option("--validate-dcat", is_flag=True, help="Also run the DCAT-AP SHACL validation (slow).")
def score(all_datasets, org, datasets, stale, validate_dcat):
    """Re-score datasets in bulk (straight from the database) and store the scores."""
    import time
    from ckanext.wards.scoring import bulk
    if not (all_datasets or org or datasets or stale):
        raise click.UsageError("give --all, --stale, --org X or --dataset ID")
    ids = None
    if stale:
        from ckanext.wards.lib.org_lookup import resolve_org_id
        from ckanext.wards.scoring import store
        org_id = resolve_org_id(org) if org else None
        if org and org_id is None:
            raise click.ClickException(f"organisation not found: {org}")
        ids = store.outdated_package_ids(org_id)
        dropped = store.drop_orphan_scores(org_id)
        if dropped:
            click.echo(f"dropped the scores of {dropped} datasets that no longer exist or are not active")
    if datasets:
        ids = named_dataset_ids(datasets)
    started = time.perf_counter()
    try:
        count = bulk.rescore(package_ids=ids, org_id=org, all_datasets=all_datasets,
                                validate_dcat=validate_dcat)
    except ValueError as e:
        raise click.ClickException(str(e))
    click.echo(f"scored {count} datasets in {time.perf_counter() - started:.1f} s")


@wards.command("check-files")
@click.option("--all", "all_datasets", is_flag=True, help="Check the files of every active dataset.")
@click.option("--stale", is_flag=True,
              help="Only datasets with a file never checked, or changed since its check.")
@click.option("--org", "org", default=None, help="Only one organisation (id or name).")
@click.option("--dataset", "datasets", multiple=True, help="A dataset (id or name); repeatable.")
@click.option("--force", is_flag=True, help="Read and parse every file again, unchanged or not.")
@click.option("--no-dcat", is_flag=True, help="Skip the DCAT-AP validation of each dataset.")
def check_files(all_datasets, stale, org, datasets, force, no_dcat):
    """Check resource files in bulk (in this process, batches of datasets; no job per
    resource), run the DCAT-AP validation, and re-score the datasets."""
    from ckanext.wards.lib.org_lookup import resolve_org_id
    from ckanext.wards.scoring import datasets as scoring_datasets
    from ckanext.wards.scoring import filechecks, filestore
    if not (all_datasets or stale or org or datasets):
        raise click.UsageError("give --all, --stale, --org X or --dataset ID")
    if not filechecks.available():
        raise click.ClickException("file checks are off (ckanext.wards.file_checks) or wards_schema is not loaded")
    org_id = resolve_org_id(org) if org else None
    if org and org_id is None:
        raise click.ClickException(f"organisation not found: {org}")
    if datasets:
        ids = named_dataset_ids(datasets)
    elif stale:
        ids = filestore.stale_package_ids(org_id)
    else:
        ids = scoring_datasets.active_package_ids(org_id)

    def progress(done, total, summary):
        click.echo(f"{done}/{total} datasets: {summary['resources']} files, {summary['checked']} checked, "
                   f"{summary['unchanged']} unchanged, {sum(summary['not_assessed'].values())} not assessed",
                   err=True)

    summary = filechecks.check_packages(ids, force=force, progress=progress, validate_dcat=not no_dcat)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary["not_assessed"].items())) or "none"
    click.echo(f"checked the files of {summary['datasets']} datasets in {summary['seconds']:.1f} s: "
               f"{summary['resources']} files, {summary['checked']} checked, {summary['unchanged']} unchanged, "
               f"not assessed: {reasons}; DCAT-AP validated: {summary['dcat_checked']}")


@wards.command("scorecard")
@click.option("--org", "org", required=True, help="Organisation id or name.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--include-private", is_flag=True, help="Include private datasets.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None,
              help="Language of the labels; default: the portal's ckan.locale_default.")
@output_option
def scorecard_cmd(org, fmt, include_private, lang, output):
    """Print the stewards' scorecard of an organisation as CSV (UTF-8 with BOM) or JSON."""
    from ckanext.wards.lib.org_lookup import resolve_org_id
    from ckanext.wards.scoring import scorecard
    lang = lang or portal_language()
    if resolve_org_id(org) is None:
        raise click.ClickException(f"organisation not found: {org}")
    card = scorecard.build(org, include_private=include_private, lang=lang)
    data = scorecard.to_csv(card) if fmt == "csv" else scorecard.to_json(card).encode("utf-8")
    write_output(data, output)


# --- compare commands (report, collect, demo-data) ---

@wards.command("report")
@click.option("--org", "org", required=True, help="Organisation id or name.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "ttl", "open-data-list"]), default="json")
@output_option
def report_cmd(org, fmt, output):
    """Print the standard ward report of an organisation (JSON, CSV, DQV Turtle) or its
    national オープンデータ一覧 CSV."""
    from ckan.plugins import toolkit as tk
    from ckanext.wards.report import export, open_data_list
    try:
        doc = tk.get_action("wards_report")({"ignore_auth": True}, {"organization": org})
    except tk.ObjectNotFound:
        raise click.ClickException(f"organisation not found: {org}")
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_dict.get("organization", [e])[0]))
    if fmt == "open-data-list":
        org_id = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org})["id"]
        text = open_data_list.csv_for_report(doc, org_id)
    else:
        text = {"json": export.to_json, "csv": export.to_csv, "ttl": export.to_turtle}[fmt](doc)
    data = text.encode("utf-8")
    write_output(data, output)


@wards.command("collect")
@click.option("--no-local", is_flag=True, help="Only fetch peers; do not snapshot this portal's wards.")
def collect_cmd(no_local):
    """Fetch the peers' reports (ckanext.wards.peers), keep the valid ones as snapshots,
    and snapshot this portal's own wards. Rejections are printed with their reason."""
    from ckanext.wards.compare import collect
    outcomes = collect.collect(include_local=not no_local)
    for o in outcomes:
        click.echo(f"{o['status']:9} {o['source']} {o['reason']}".rstrip())
    if any(o["status"] == "rejected" for o in outcomes):
        raise SystemExit(1)


@wards.command("demo-data")
@click.option("--seed", default=23, show_default=True, help="Random seed (same seed, same data).")
@click.option("--wards", "n_wards", default=23, show_default=True, type=click.IntRange(1, 23), help="How many wards.")
@click.option("--scale", default=1.0, show_default=True, type=float, help="Multiply the dataset counts (1.0: about 286 per ward).")
@click.option("--user", default=None, help="User the datasets are created by (default: the site user).")
@click.option("--dcat-checks", "dcat", type=click.Choice(["inline", "queue", "skip"]), default="inline",
              show_default=True, help="Run the DCAT-AP (SHACL) checks here, leave them to background "
                                      "jobs (ckan jobs worker), or skip them.")
def demo_data_cmd(seed, n_wards, scale, user, dcat):
    """Create the 23 wards with synthetic datasets, their files uploaded to CKAN's storage,
    the file, link and DCAT checks run in bulk, scores, index and report history."""
    from ckanext.wards import demo
    try:
        result = demo.load(seed=seed, n_wards=n_wards, scale=scale, user=user, progress=click.echo, dcat=dcat)
    except ValueError as e:
        raise click.ClickException(str(e))
    skipped = f", skipped (already loaded): {', '.join(result['skipped'])}" if result["skipped"] else ""
    click.echo(f"loaded {result['wards']} wards, {result['datasets']} datasets, "
               f"{result.get('bytes_written', 0) / 1e6:.1f} MB of files in {result['seconds']} s{skipped}")


# --- dcat commands (validate-dcat) ---


@wards.command("validate-dcat")
@click.option("--dataset", "dataset_id", default=None,
              help="Dataset id or name (default: every public dataset).")
@click.option("--shapes", "shapes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="SHACL shapes file, repeatable (default: ckanext-wards' shapes and the "
                   "official DCAT-AP 3.0.0 shapes).")
@click.option("--full", is_flag=True, help="Also the DCAT-AP 3.0.0 range and recommended shapes "
                                           "(recommended properties are reported as warnings).")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", help="Language of the report.")
def validate_dcat_cmd(dataset_id, shapes, full, lang):
    """Validate the wards_dcat_ap_3 output of datasets with SHACL (pyshacl); exit 1 on violations."""
    from ckanext.wards.dcat import shacl
    texts = shacl.result_texts()["_labels"]
    files = list(shapes) or shacl.shapes_files(full=full)
    click.echo(f"{texts['shapes'][lang]}: " + ", ".join(files))
    failed = total = 0
    for pkg, results in shacl.validate_datasets(dataset_id, files):
        violations = [r for r in results if r["severity"] == "Violation"]
        total += 1
        failed += bool(violations)
        status = texts["conforms"][lang] if not violations else f"{len(violations)} {texts['violations'][lang]}"
        click.echo(f"{texts['dataset'][lang]} {pkg['name']}: {status}")
        for result in results:
            click.echo("  " + shacl.describe(result, lang))
    click.echo(f"{texts['total'][lang]}: {total - failed}/{total} {texts['conforms'][lang]}")
    if failed:
        raise SystemExit(1)
