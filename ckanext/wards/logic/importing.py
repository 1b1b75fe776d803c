"""The bulk import actions of the wards_schema plugin, validated by the JSON Schema.

``wards_validate_import`` (``datasets``: list of records, optional ``update``): the
report of every problem of every record; nothing is written.
``wards_import`` (same, plus ``dry_run``): validates the whole batch the same way and
writes it only if every record passes; otherwise raises ValidationError carrying the
report, and nothing is written.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.wards.schema import importer
from ckanext.wards.logic import schema


def _records(data_dict: dict) -> list:
    records = data_dict.get("datasets")
    if not isinstance(records, list):
        raise tk.ValidationError({"datasets": [tk._("Give the datasets as a list of JSON objects")]})
    limit = tk.config.get("ckanext.wards.import.max_records")
    if len(records) > limit:
        raise tk.ValidationError({"datasets": [tk._(
            "Too many records: {count} given, at most {limit} per call "
            "(split the file, or use ckan wards import)").format(count=len(records), limit=limit)]})
    return records


@tk.side_effect_free
def wards_validate_import(context, data_dict) -> dict[str, Any]:
    tk.check_access("wards_validate_import", context, data_dict)
    flags = schema.validated(schema.import_schema(), data_dict)
    return importer.validate_records_public(
        _records(data_dict), context, update=flags.get("update", False), gettext=tk._)


def wards_import(context, data_dict) -> dict[str, Any]:
    tk.check_access("wards_import", context, data_dict)
    flags = schema.validated(schema.import_schema(), data_dict)
    report = importer.import_records(
        _records(data_dict), context, update=flags.get("update", False),
        dry_run=flags.get("dry_run", False), gettext=tk._)
    if not report["valid"]:
        raise tk.ValidationError({"datasets": [r for r in report["records"] if r["errors"]],
                                  "message": [tk._("Nothing was imported: {count} of {total} records are invalid").format(
                                      count=report["invalid"], total=report["count"])]})
    return report


def _logged_in(context, data_dict):
    # Writing is checked per record by package_create/package_update (organisation rights).
    return {"success": bool(context.get("user"))}


def get_actions() -> dict:
    return {"wards_validate_import": wards_validate_import, "wards_import": wards_import}


def get_auth_functions() -> dict:
    return {"wards_validate_import": _logged_in, "wards_import": _logged_in}
