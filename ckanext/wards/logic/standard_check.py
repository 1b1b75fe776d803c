"""The ``wards_standard_check`` action: conformance of a resource's file to its standard.

Checking a file costs a download and a parse, so the action runs a check only for users
who may edit the dataset (``package_update``), at most
``ckanext.wards.standard_check.rate_limit`` times per user per hour (sysadmins and the
CLI are not limited). Everyone else who may see the dataset reads the stored result, or
is told that the file has not been checked yet: a reader's request never downloads.

Running a check and storing its result is ``ckanext.wards.conformance.runner`` and
``.store``: results are kept in Redis by the file's SHA-256 and the checker's
fingerprint, so the same file is never parsed twice.

The plugin registers ``get_actions()`` and ``get_auth_functions()``.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.wards.conformance import store
from ckanext.wards.conformance.checker import fingerprint
from ckanext.wards.conformance.result import MAX_EXAMPLES
from ckanext.wards.conformance.runner import run_check
from ckanext.wards.conformance.standards import declared_standard


# --- who may run a check ------------------------------------------------------------------

def may_run_check(context: Context, dataset: dict) -> bool:
    """Editors of the dataset run checks; everyone else reads stored results."""
    if context.get("ignore_auth"):
        return True
    return authz.is_authorized_boolean("package_update", dict(context), {"id": dataset["id"]})


def enforce_rate_limit(context: Context) -> None:
    """At most ``rate_limit`` on-demand checks per user per hour (sysadmins, the site user
    and internal calls are not limited)."""
    user = context.get("user") or ""
    limit = tk.asint(tk.config.get("ckanext.wards.standard_check.rate_limit"))
    if limit <= 0 or context.get("ignore_auth") or authz.is_sysadmin(user):
        return
    conn = store.connection()
    if conn is None:
        return  # editors only; a Redis outage must not stop their work
    window = int(time.time() // 3600)
    key = f"{store.KEY_PREFIX}:rate:{user}:{window}"
    try:
        count = conn.incr(key)
        if count == 1:
            conn.expire(key, 3600)
    except Exception:  # noqa: BLE001
        return
    if count > limit:
        minutes = max(1, int(((window + 1) * 3600 - time.time()) // 60))
        raise tk.ValidationError({"rate_limit": [tk._(
            "Too many file checks: at most {limit} per hour. Try again in {minutes} minutes."
        ).format(limit=limit, minutes=minutes)]})


def _not_checked(resource: dict, dataset: dict, standard_id: Optional[str]) -> dict[str, Any]:
    return {"state": "not_checked", "resource_id": resource["id"], "package_id": dataset["id"],
            "declared_standard": standard_id,
            "message": tk._("This file has not been checked yet. An editor of the dataset can run the check.")}


# --- the action -----------------------------------------------------------------------------

@tk.side_effect_free
def wards_standard_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Conformance of a resource's file to the national standard dataset it declares,
    and the machine-readability rules that can be checked on the file.

    Users who may edit the dataset run the check (rate limited); others get the stored
    result, or ``{"state": "not_checked", ...}``.

    :param id: resource id
    :param standard: optional standard id overriding the declared one
    :param max_examples: optional cap on examples per check (default 20, at most 200)
    :returns: the checker's result (``ckanext.wards.conformance.result``), messages in en and ja,
        with ``state: "checked"`` and ``check`` (file SHA-256, time, whether reused)
    """
    from ckanext.wards.logic import schema
    data_dict = schema.validated(schema.standard_check_schema(), data_dict)
    res_id = data_dict["id"]
    tk.check_access("wards_standard_check", context, data_dict)
    resource = tk.get_action("resource_show")(dict(context), {"id": res_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    standard_id = data_dict.get("standard") or declared_standard(resource, dataset)
    max_examples = data_dict.get("max_examples") or MAX_EXAMPLES  # 1..200 (schema)
    if may_run_check(context, dataset):
        enforce_rate_limit(context)
        result, pointer = run_check(resource, standard_id, max_examples)
    else:
        pointer = store.resource_pointer(resource["id"], standard_id)
        checker = fingerprint(standard_id)
        result = store.stored_result(pointer["sha256"], checker, pointer["max_examples"]) \
            if store.describes(pointer, resource, checker) else None
        if result is None:
            return _not_checked(resource, dataset, standard_id)
        pointer = dict(pointer, reused=True)
    result = dict(result, state="checked", resource_id=resource["id"], package_id=dataset["id"],
                  declared_standard=standard_id)
    result["check"] = {"sha256": pointer["sha256"], "checked_at": pointer["checked_at"],
                       "reused": pointer["reused"]}
    return result


@tk.auth_allow_anonymous_access
def wards_standard_check_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whoever may see the resource's dataset may read its file's check (the action runs a
    new check only for those who may edit the dataset)."""
    from ckan import model

    resource = model.Resource.get(data_dict.get("id") or "")
    if resource is None:
        return {"success": False, "msg": tk._("Resource not found")}
    return authz.is_authorized("package_show", context, {"id": resource.package_id})


def get_actions() -> dict:
    return {"wards_standard_check": wards_standard_check}


def get_auth_functions() -> dict:
    return {"wards_standard_check": wards_standard_check_auth}
