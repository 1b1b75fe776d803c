"""The ``wards_standard_check`` action: conformance of a resource's file to its standard.

Checking a file costs a download and a parse, so the action runs a check only for users
who may edit the dataset (``package_update``), at most
``ckanext.wards.standard_check.rate_limit`` times per user per hour (sysadmins and the
CLI are not limited). Everyone else who may see the dataset reads the stored result, or
is told that the file has not been checked yet: a reader's request never downloads.

Results are kept in Redis by the file's SHA-256 and the checker's fingerprint (its
version and the data files it reads), so the same file is never parsed twice; each
resource points at its latest result, with the remote file's ETag/Last-Modified so the
next check of an unchanged remote file is a conditional GET answered by 304.

The plugin registers ``get_actions()`` and ``get_auth_functions()``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import time
from typing import Any, Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.wards import standard_check, standards
from ckanext.wards.lib import fetch

log = logging.getLogger(__name__)

HASH_CHUNK = 1024 * 1024
KEY_PREFIX = "ckanext-wards:standard-check"


def declared_standard(resource: dict, dataset: dict) -> str | None:
    """The resource's ``conforms_to``, else the first known standard of the dataset's."""
    candidates: list = []
    for value in (resource.get("conforms_to"), dataset.get("conforms_to"),
                  _extra(dataset, "conforms_to")):
        if isinstance(value, str):
            value = [v.strip() for v in value.strip("{}[]").replace('"', "").split(",")]
        candidates.extend(v for v in value or [] if v)
    for candidate in candidates:
        if standards.get_standard(candidate):
            return standards.get_standard(candidate)["id"]
    return candidates[0] if candidates else None


def _extra(dataset: dict, key: str):
    for extra in dataset.get("extras") or []:
        if extra.get("key") == key:
            return extra.get("value")
    return None


def limits_from_config() -> standard_check.Limits:
    """The checker's bounds (``ckanext.wards.standard_check.max_*``)."""
    def option(name: str) -> int:
        return tk.asint(tk.config.get(f"ckanext.wards.standard_check.{name}"))

    return standard_check.Limits(max_record_chars=option("max_line_chars"), max_columns=option("max_columns"),
                                 max_xlsx_bytes=option("max_xlsx_bytes"), max_xlsx_cells=option("max_xlsx_cells"),
                                 max_xlsx_shared_strings=option("max_xlsx_shared_strings"),
                                 max_xlsx_shared_strings_bytes=option("max_xlsx_shared_strings_bytes"))


# --- stored results (Redis) -------------------------------------------------------------

def _redis():
    try:
        from ckan.lib.redis import connect_to_redis
        return connect_to_redis()
    except Exception:  # noqa: BLE001 - no Redis: checks still run, nothing is stored
        log.warning("wards: standard check results cannot be stored (Redis unavailable)", exc_info=True)
        return None


def _result_key(sha256: str, fingerprint: str, max_examples: int) -> str:
    return f"{KEY_PREFIX}:result:{fingerprint}:{sha256}:{max_examples}"


def _pointer_key(resource_id: str) -> str:
    return f"{KEY_PREFIX}:resource:{resource_id}"


def _ttl() -> int:
    return tk.asint(tk.config.get("ckanext.wards.standard_check.result_ttl"))


def stored_result(sha256: str, fingerprint: str, max_examples: int) -> Optional[dict]:
    conn = _redis()
    try:
        raw = conn.get(_result_key(sha256, fingerprint, max_examples)) if conn is not None else None
    except Exception:  # noqa: BLE001
        raw = None
    return json.loads(raw) if raw else None


def store_result(sha256: str, fingerprint: str, max_examples: int, result: dict) -> None:
    conn = _redis()
    if conn is not None:
        try:
            conn.set(_result_key(sha256, fingerprint, max_examples), json.dumps(result, ensure_ascii=False),
                     ex=_ttl())
        except Exception:  # noqa: BLE001
            log.warning("wards: could not store a standard check result", exc_info=True)


def resource_pointer(resource_id: str, standard_id: Optional[str]) -> Optional[dict]:
    """What the resource's last check of ``standard_id`` was: file hash, fingerprint, the
    resource's URL and upload time then, the remote file's validators."""
    conn = _redis()
    try:
        raw = conn.hget(_pointer_key(resource_id), standard_id or "") if conn is not None else None
    except Exception:  # noqa: BLE001
        raw = None
    return json.loads(raw) if raw else None


def store_pointer(resource_id: str, standard_id: Optional[str], pointer: dict) -> None:
    conn = _redis()
    if conn is not None:
        try:
            key = _pointer_key(resource_id)
            conn.hset(key, standard_id or "", json.dumps(pointer))
            conn.expire(key, _ttl())
        except Exception:  # noqa: BLE001
            log.warning("wards: could not store a resource's standard check", exc_info=True)


def _describes(pointer: Optional[dict], resource: dict, fingerprint: str) -> bool:
    """True when the pointer's check was of the resource's current file, by this checker."""
    return bool(pointer) and pointer["fingerprint"] == fingerprint and pointer["url"] == resource.get("url") \
        and pointer["resource_modified"] == _resource_modified(resource)


def _resource_modified(resource: dict) -> Optional[str]:
    return resource.get("last_modified") if resource.get("url_type") == "upload" else None


# --- running a check ----------------------------------------------------------------------

class _HashingWriter:
    """Writes to a file and hashes what it writes (the download is hashed as it streams)."""

    def __init__(self, out):
        self.out, self.sha256 = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.out.write(data)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_path(resource: dict) -> str:
    import os

    from ckan.lib import uploader

    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    if not os.path.exists(path):
        raise tk.ObjectNotFound(tk._("The uploaded file of this resource is missing from storage"))
    return path


def _check_path(path: str, sha256: str, standard_id, fingerprint: str, max_examples: int,
                resource: dict) -> tuple[dict, bool]:
    """(result, reused): the stored result of these bytes, or a new check, stored."""
    cached = stored_result(sha256, fingerprint, max_examples)
    if cached is not None:
        return cached, True
    result = standard_check.check_file(path, standard_id, max_examples=max_examples,
                                       file_format=_format_hint(resource), limits=limits_from_config())
    store_result(sha256, fingerprint, max_examples, result)
    return result, False


def run_check(resource: dict, standard_id: Optional[str], max_examples: int) -> tuple[dict, dict]:
    """Check the resource's file (uploaded, or fetched through the safe fetcher);
    returns (result, pointer) and stores both."""
    fingerprint = standard_check.fingerprint(standard_id)
    pointer = {"fingerprint": fingerprint, "max_examples": max_examples, "url": resource.get("url"),
               "resource_modified": _resource_modified(resource),
               "checked_at": dt.datetime.utcnow().isoformat(timespec="seconds") + "Z"}
    if resource.get("url_type") == "upload":
        path = _upload_path(resource)
        pointer["sha256"] = file_sha256(path)
        result, reused = _check_path(path, pointer["sha256"], standard_id, fingerprint, max_examples, resource)
    else:
        result, reused = _check_remote(resource, standard_id, fingerprint, max_examples, pointer)
    pointer["reused"] = reused
    store_pointer(resource["id"], standard_id, pointer)
    return result, pointer


def _check_remote(resource: dict, standard_id, fingerprint: str, max_examples: int,
                  pointer: dict) -> tuple[dict, bool]:
    url = resource.get("url") or ""
    if not url.startswith(("http://", "https://")):
        raise tk.ValidationError({"url": [tk._("The resource has no file to check")]})
    previous = resource_pointer(resource["id"], standard_id)
    conditional = {}
    if _describes(previous, resource, fingerprint) and previous["max_examples"] == max_examples \
            and stored_result(previous["sha256"], fingerprint, max_examples) is not None:
        conditional = fetch.conditional_headers(previous.get("etag"), previous.get("http_last_modified"))
    # A temporary file keeps memory bounded whatever the size; it is removed afterwards.
    with tempfile.NamedTemporaryFile(prefix="wards-check-", suffix=".data") as tmp:
        writer = _HashingWriter(tmp)
        response = _fetch_file(resource, url, conditional, writer)
        if response.not_modified:
            cached = stored_result(previous["sha256"], fingerprint, max_examples)
            if cached is not None:
                pointer.update(sha256=previous["sha256"], etag=response.etag or previous.get("etag"),
                               http_last_modified=response.last_modified or previous.get("http_last_modified"))
                return cached, True
            response = _fetch_file(resource, url, {}, writer)  # the stored result expired meanwhile
        pointer.update(etag=response.etag, http_last_modified=response.last_modified)
        tmp.flush()
        pointer["sha256"] = writer.sha256.hexdigest()
        return _check_path(tmp.name, pointer["sha256"], standard_id, fingerprint, max_examples, resource)


def _fetch_file(resource: dict, url: str, headers: dict, out: _HashingWriter) -> fetch.Response:
    try:
        return fetch.fetch(url, headers=headers, out=out,
                           timeout=tk.config.get("ckanext.wards.standard_check.timeout"),
                           max_bytes=tk.config.get("ckanext.wards.standard_check.max_bytes"))
    except fetch.FetchError as err:
        log.info("wards: standard check of resource %s not fetched: %s", resource["id"], err)
        raise tk.ValidationError({"url": [fetch.user_message(err)]})


def _format_hint(resource: dict) -> str | None:
    fmt = (resource.get("format") or "").strip().lower()
    return "xlsx" if fmt in ("xlsx", "excel") else None


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
    conn = _redis()
    if conn is None:
        return  # editors only; a Redis outage must not stop their work
    window = int(time.time() // 3600)
    key = f"{KEY_PREFIX}:rate:{user}:{window}"
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
    :returns: the checker's result (``ckanext.wards.standard_check``), messages in en and ja,
        with ``state: "checked"`` and ``check`` (file SHA-256, time, whether reused)
    """
    from ckanext.wards.logic import schema
    data_dict = schema.validated(schema.standard_check_schema(), data_dict)
    res_id = data_dict["id"]
    tk.check_access("wards_standard_check", context, data_dict)
    resource = tk.get_action("resource_show")(dict(context), {"id": res_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    standard_id = data_dict.get("standard") or declared_standard(resource, dataset)
    max_examples = data_dict.get("max_examples") or standard_check.MAX_EXAMPLES  # 1..200 (schema)
    if may_run_check(context, dataset):
        enforce_rate_limit(context)
        result, pointer = run_check(resource, standard_id, max_examples)
    else:
        pointer = resource_pointer(resource["id"], standard_id)
        fingerprint = standard_check.fingerprint(standard_id)
        result = stored_result(pointer["sha256"], fingerprint, pointer["max_examples"]) \
            if _describes(pointer, resource, fingerprint) else None
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
