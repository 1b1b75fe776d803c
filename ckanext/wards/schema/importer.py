"""Bulk import of datasets in the shared schema, validated before anything is written.

Three passes over the whole batch; the batch is written only if every record passes:

1. convert the inputs the form accepts (licence aliases, Japanese era dates, full-width
   digits, vocabulary labels) to their canonical forms; values that cannot be converted
   are left as they are, so the next pass reports them;
2. validate each record against ``schemas/dataset.schema.json`` (JSON Schema 2020-12),
   and check that names are unique in the batch;
3. check that the user may create (or, for an existing name with ``update=True``, update)
   the record's dataset, and run CKAN's own validation of ``package_create`` or
   ``package_update`` on it: the scheming validators, the check digit of
   ``publisher_code``, names already taken. This pass runs even when pass 2 found
   problems, so every problem of a record is listed at once.

A name counts as existing only where the user may read that dataset: otherwise the record
is a ``package_create`` and gets the answer ``package_create`` itself would give.

Then the batch is written in ONE database transaction (``defer_commit``, one commit at the
end; any failure rolls everything back) and indexed in Solr after the commit, so a failure
half-way leaves neither rows nor index entries behind.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Optional

import jsonschema

from ckanext.wards.schema import dataset
from ckanext.wards.schema.normalise import (normalise_bool, normalise_byte_size, normalise_media_type,
                                            parse_date)
from ckanext.wards.vocab.loader import normalise_term, term_items
from ckanext.wards.vocab.wards import normalise_lg_code

log = logging.getLogger(__name__)

# field → normaliser for pass 1 (lists: one call per item)
_SINGLE = {
    "license_id": lambda v: normalise_term("licenses", v),
    "license": lambda v: normalise_term("licenses", v),
    "frequency": lambda v: normalise_term("frequencies", v),
    "access_rights": lambda v: normalise_term("access_rights", v),
    "character_encoding": lambda v: normalise_term("encodings", v),
    "publisher_code": normalise_lg_code,
    "issued": parse_date,
    "modified": parse_date,
    "size": normalise_byte_size,
    "is_api": normalise_bool,
    "mimetype": normalise_media_type,
}
_DATASET_SINGLE = ("license_id", "access_rights", "frequency", "publisher_code", "issued", "modified")
_MULTIPLE = {"theme": "themes", "language": "languages", "conforms_to": "standards"}


def read_records(path: str) -> list[dict]:
    """Records of a JSON file (a list, or ``{"datasets": [...]}``) or a JSONL file."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and not _looks_like_jsonl(text)):
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("datasets", [data])
        return list(data)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _looks_like_jsonl(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(lines[0])
        return True
    except ValueError:
        return False


def _try(normalise, value):
    try:
        return normalise(value)
    except ValueError:
        return value


def normalise_record(record: dict) -> dict:
    """Pass 1: canonical forms where the input can be converted, else unchanged."""
    out = dict(record)
    for key in _DATASET_SINGLE:
        if out.get(key) not in (None, ""):
            out[key] = _try(_SINGLE[key], out[key])
    for key, vocab in _MULTIPLE.items():
        if key in out and out[key] not in (None, ""):
            items = term_items(out[key])
            out[key] = [_try(lambda v: normalise_term(vocab, v), item) for item in items]
    for key in ("temporal_coverage",):
        if isinstance(out.get(key), list):
            out[key] = [{k: _try(parse_date, v) if k in ("start", "end") and v else v
                         for k, v in (period or {}).items()} for period in out[key]]
    if isinstance(out.get("resources"), list):
        out["resources"] = [_normalise_resource(r) if isinstance(r, dict) else r for r in out["resources"]]
    return out


def _normalise_resource(resource: dict) -> dict:
    out = dict(resource)
    for key in ("license", "character_encoding", "issued", "modified", "size", "is_api", "mimetype"):
        if key in out and out[key] not in (None, ""):
            out[key] = _try(_SINGLE[key], out[key])
    if out.get("conforms_to"):
        out["conforms_to"] = _try(lambda v: normalise_term("standards", v), out["conforms_to"])
    return out


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        dataset.json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def json_schema_errors(record: dict, gettext=lambda s: s) -> list[dict]:
    """Pass 2 for one record: ``[{"path", "message"}]``, every problem, in order."""
    errors = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        parts = [str(p) for p in error.absolute_path]
        if error.validator == "required" and "'" in error.message:
            parts.append(error.message.split("'")[1])  # the missing field is the place
        errors.append({"path": "/".join(parts) or "(record)", "message": _message(error, gettext)})
    return errors


def _message(error: jsonschema.ValidationError, gettext) -> str:
    """ja/en text for the usual JSON Schema failures (jsonschema's own text is English)."""
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return gettext("Missing value: {field}").format(field=missing)
    if kind == "enum":
        return gettext("{value} is not one of the allowed values").format(value=error.instance)
    if kind == "pattern":
        return gettext("{value} does not have the expected form").format(value=error.instance)
    if kind == "type":
        return gettext("Wrong type: expected {type}").format(type=error.validator_value)
    if kind == "additionalProperties":
        return gettext("Unknown field: {field}").format(field=error.message)
    if kind == "format":
        return gettext("{value} is not a valid {format}").format(value=error.instance, format=error.validator_value)
    return error.message


def validate_records(records: Iterable[dict], context: dict, update: bool = False,
                     gettext=lambda s: s) -> dict:
    """Passes 1–3 over the batch; nothing is written. Returns the report:
    ``{"valid", "count", "invalid", "records": [{"index", "name", "action", "errors"}]}``."""
    records = [normalise_record(r) if isinstance(r, dict) else r for r in records]
    seen: dict[str, int] = {}
    report = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.append({"index": index, "name": None, "action": None,
                           "errors": [{"path": "(record)", "message": gettext("A record must be a JSON object")}]})
            continue
        name = record.get("name")
        errors = json_schema_errors(record, gettext)
        if isinstance(name, str) and name in seen:
            errors.append({"path": "name", "message": gettext(
                "{value} appears twice in the import (records {first} and {second})").format(
                    value=name, first=seen[name] + 1, second=index + 1)})
        if isinstance(name, str):
            seen.setdefault(name, index)
        action = None
        if isinstance(name, str) and name:
            action, ckan_errors = _ckan_validation(record, context, update, gettext,
                                                   shape_checked=not errors)
            errors = merge_errors(errors, ckan_errors)
        report.append({"index": index, "name": name, "action": action, "errors": errors})
    invalid = sum(1 for r in report if r["errors"])
    return {"valid": invalid == 0, "count": len(report), "invalid": invalid, "records": report,
            "normalised": records}


def merge_errors(schema_errors: list[dict], ckan_errors: list[dict]) -> list[dict]:
    """Both passes' problems, each place once: where the validators speak about a field their
    message is kept (it is package_create's own, and says more than the JSON Schema's)."""
    ckan_paths = {e["path"] for e in ckan_errors}
    kept = [e for e in schema_errors if e["path"] not in ckan_paths]
    return sorted(kept + ckan_errors, key=lambda e: e["path"])


def _existing_id(name: str, context: dict) -> Optional[str]:
    """The id of the dataset of this name, if there is one the user may read."""
    import ckan.authz as authz
    import ckan.model as model
    pkg = model.Package.get(name)
    if pkg is None or pkg.state == "deleted":
        return None
    if context.get("ignore_auth"):
        return pkg.id
    readable = authz.is_authorized("package_show", _user_context(context), {"id": pkg.id})
    return pkg.id if readable.get("success") else None


def _user_context(context: dict) -> dict:
    import ckan.model as model
    return {"model": model, "session": model.Session, "user": context.get("user"),
            "auth_user_obj": context.get("auth_user_obj"), "ignore_auth": context.get("ignore_auth", False)}


def _ckan_validation(record: dict, context: dict, update: bool, gettext=lambda s: s,
                     shape_checked: bool = True) -> tuple[str, list[dict]]:
    """Pass 3: the rights and the validation package_create/package_update would check,
    without writing. ``shape_checked``: pass 2 found nothing, so a validator that breaks
    is a bug to raise, not a consequence of a value of the wrong shape."""
    import ckan.lib.plugins as lib_plugins
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    data = dict(record, type=record.get("type") or "dataset")
    existing = _existing_id(data["name"], context) if update else None
    action = "package_update" if existing else "package_create"
    if existing:
        data["id"] = existing
    try:
        tk.check_access(action, _user_context(context), dict(data))
    except tk.NotAuthorized:
        message = (gettext("You may not update the dataset {name}") if existing else gettext(
            "You may not create datasets in the organization {org}")).format(
                name=data["name"], org=data.get("owner_org") or "-")
        # nothing more is said: the validators would tell whether the name is taken
        return action, [{"path": "owner_org", "message": message}]
    plugin = lib_plugins.lookup_package_plugin(data["type"])
    ckan_schema = plugin.update_package_schema() if existing else plugin.create_package_schema()
    ctx = _user_context(context)
    if existing:
        ctx["package"] = model.Package.get(existing)
    try:
        _data, errors = lib_plugins.plugin_validate(plugin, ctx, data, ckan_schema, action)
    except Exception:
        if shape_checked:
            raise
        errors = {}  # a value of the wrong shape (pass 2 has said which) broke a validator
    finally:
        model.Session.rollback()  # validators may have touched the session; write nothing
    return action, [{"path": path, "message": message} for path, message in _flatten(errors)]


def _flatten(errors: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    """CKAN's nested error dict → (path, message) pairs."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if isinstance(value, str):
                yield prefix, value
            elif value:
                yield from _flatten(value, f"{prefix}/{i}")


def import_records(records: Iterable[dict], context: dict, update: bool = False,
                   dry_run: bool = False, gettext=lambda s: s) -> dict:
    """Validate the whole batch; if every record passes and not ``dry_run``, write it."""
    report = validate_records(records, context, update, gettext)
    report["written"] = []
    if not report["valid"] or dry_run:
        return _public(report)
    report["written"] = write_batch(zip(report["records"], report["normalised"]), context)
    return _public(report)


def write_batch(entries: Iterable[tuple[dict, dict]], context: dict) -> list[dict]:
    """Write every (report entry, record) in one transaction: all of them or none."""
    import ckan.model as model
    from ckan.lib import search

    ctx = {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False),
           "defer_commit": True}
    written = []
    try:
        for entry, record in entries:
            written.append(write_record(entry, record, ctx))
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        raise
    for item in written:  # package_create does not index with defer_commit
        search.rebuild(item["id"])
    _rescore_after_commit([item["id"] for item in written])
    return written


def _rescore_after_commit(package_ids: list[str]) -> None:
    """The re-score jobs queued by the writes may have run before the commit (and found no
    dataset): queue them again now that the datasets exist."""
    import ckan.plugins as p
    if not p.plugin_loaded("wards_scoring"):
        return
    from ckanext.wards.scoring import jobs
    for package_id in package_ids:
        try:
            jobs.enqueue_rescore(package_id)
        except Exception:  # Redis down: the nightly `ckan wards score --stale` catches up
            log.exception("wards: could not enqueue re-score of %s", package_id)


def write_record(entry: dict, record: dict, ctx: dict) -> dict:
    import ckan.plugins.toolkit as tk
    data = dict(record, type=record.get("type") or "dataset")
    if entry["action"] == "package_update":
        data["id"] = _existing_id(data["name"], ctx)
    result = tk.get_action(entry["action"])(dict(ctx), data)
    return {"name": result["name"], "id": result["id"], "action": entry["action"]}


def _public(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "normalised"}


def validate_records_public(records: Iterable[dict], context: dict, update: bool = False,
                            gettext=lambda s: s) -> dict:
    return _public(validate_records(records, context, update, gettext))
