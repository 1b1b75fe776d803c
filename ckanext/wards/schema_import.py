"""Bulk import of datasets in the shared schema, validated before anything is written.

Three passes over the whole batch; the batch is written only if every record passes:

1. convert the inputs the form accepts (licence aliases, Japanese era dates, full-width
   digits, vocabulary labels) to their canonical forms; values that cannot be converted
   are left as they are, so the next pass reports them;
2. validate each record against ``schemas/dataset.schema.json`` (JSON Schema 2020-12),
   and check that names are unique in the batch;
3. run CKAN's own validation of ``package_create`` (or ``package_update`` for an
   existing name with ``update=True``) on each record: the scheming validators, the
   check digit of ``publisher_code``, organisation rights, names already taken.

Then each record is written with ``package_create``/``package_update``.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

import jsonschema

from ckanext.wards import schema

# field → normaliser for pass 1 (lists: one call per item)
_SINGLE = {
    "license_id": lambda v: schema.normalise_term("licenses", v),
    "license": lambda v: schema.normalise_term("licenses", v),
    "frequency": lambda v: schema.normalise_term("frequencies", v),
    "character_encoding": lambda v: schema.normalise_term("encodings", v),
    "publisher_code": schema.normalise_lg_code,
    "issued": schema.parse_date,
    "modified": schema.parse_date,
    "size": schema.normalise_byte_size,
    "is_api": schema.normalise_bool,
    "mimetype": schema.normalise_media_type,
}
_DATASET_SINGLE = ("license_id", "frequency", "publisher_code", "issued", "modified")
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
            items = schema.as_list(out[key])
            out[key] = [_try(lambda v: schema.normalise_term(vocab, v), item) for item in items]
    for key in ("temporal_coverage",):
        if isinstance(out.get(key), list):
            out[key] = [{k: _try(schema.parse_date, v) if k in ("start", "end") and v else v
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
        out["conforms_to"] = _try(lambda v: schema.normalise_term("standards", v), out["conforms_to"])
    return out


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema.json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def json_schema_errors(record: dict, gettext=lambda s: s) -> list[dict]:
    """Pass 2 for one record: ``[{"path", "message"}]``, every problem, in order."""
    errors = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path)
        errors.append({"path": path or "(record)", "message": _message(error, gettext)})
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
        if not errors:
            action, ckan_errors = _ckan_validation(record, context, update)
            errors += ckan_errors
        report.append({"index": index, "name": name, "action": action, "errors": errors})
    invalid = sum(1 for r in report if r["errors"])
    return {"valid": invalid == 0, "count": len(report), "invalid": invalid, "records": report,
            "normalised": records}


def _existing_id(name: str) -> Optional[str]:
    import ckan.model as model
    pkg = model.Package.get(name)
    return pkg.id if pkg is not None and pkg.state != "deleted" else None


def _ckan_validation(record: dict, context: dict, update: bool) -> tuple[str, list[dict]]:
    """Pass 3: the validation package_create/package_update would run, without writing."""
    import ckan.lib.plugins as lib_plugins
    import ckan.model as model

    data = dict(record, type=record.get("type") or "dataset")
    existing = _existing_id(data["name"]) if update else None
    action = "package_update" if existing else "package_create"
    if existing:
        data["id"] = existing
    plugin = lib_plugins.lookup_package_plugin(data["type"])
    ckan_schema = plugin.update_package_schema() if existing else plugin.create_package_schema()
    ctx = {"model": model, "session": model.Session, "user": context.get("user"),
           "auth_user_obj": context.get("auth_user_obj")}
    if existing:
        ctx["package"] = model.Package.get(existing)
    _data, errors = lib_plugins.plugin_validate(plugin, ctx, data, ckan_schema, action)
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
    import ckan.plugins.toolkit as tk

    report = validate_records(records, context, update, gettext)
    report["written"] = []
    if not report["valid"] or dry_run:
        return _public(report)
    for entry, record in zip(report["records"], report["normalised"]):
        data = dict(record, type=record.get("type") or "dataset")
        if entry["action"] == "package_update":
            data["id"] = _existing_id(data["name"])
        result = tk.get_action(entry["action"])(
            {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)}, data)
        report["written"].append({"name": result["name"], "id": result["id"], "action": entry["action"]})
    return _public(report)


def _public(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "normalised"}


def validate_records_public(records: Iterable[dict], context: dict, update: bool = False,
                            gettext=lambda s: s) -> dict:
    return _public(validate_records(records, context, update, gettext))
