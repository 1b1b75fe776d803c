"""Checking a resource's file: the checker's bounds from the ini, the file itself (an upload from CKAN's storage, or a remote file through the safe
fetcher, hashed as it streams into a temporary file), and the stored results
(``conformance.store``) that spare a second parse of the same bytes.

``run_check(resource, standard_id, max_examples) -> (result, pointer)`` is what the
``wards_standard_check`` action and the scoring job call.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from typing import Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.conformance import store
from ckanext.wards.conformance.checker import check_file, fingerprint
from ckanext.wards.conformance.reading import Limits
from ckanext.wards.conformance.result import MAX_EXAMPLES
from ckanext.wards.lib import fetch

log = logging.getLogger(__name__)

HASH_CHUNK = 1024 * 1024


def limits_from_config() -> Limits:
    """The checker's bounds (``ckanext.wards.standard_check.max_*``)."""
    def option(name: str) -> int:
        return tk.asint(tk.config.get(f"ckanext.wards.standard_check.{name}"))

    return Limits(max_record_chars=option("max_line_chars"), max_columns=option("max_columns"),
                  max_xlsx_bytes=option("max_xlsx_bytes"), max_xlsx_cells=option("max_xlsx_cells"),
                  max_xlsx_shared_strings=option("max_xlsx_shared_strings"),
                  max_xlsx_shared_strings_bytes=option("max_xlsx_shared_strings_bytes"))


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


def stored_upload_path(resource: dict) -> Optional[str]:
    """Where an uploaded resource's file is in CKAN's storage; None when it is not there
    (or the portal has no storage for uploads). The on-demand check and the file-check
    jobs both read uploads through it."""
    import os

    from ckan.lib import uploader

    try:
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    except (AttributeError, KeyError, TypeError):
        return None
    return path if path and os.path.exists(path) else None


def _upload_path(resource: dict) -> str:
    path = stored_upload_path(resource)
    if path is None:
        raise tk.ObjectNotFound(tk._("The uploaded file of this resource is missing from storage"))
    return path


def _check_path(path: str, sha256: str, standard_id, checker: str, max_examples: int,
                resource: dict) -> tuple[dict, bool]:
    """(result, reused): the stored result of these bytes, or a new check, stored."""
    cached = store.stored_result(sha256, checker, max_examples)
    if cached is not None:
        return cached, True
    result = check_file(path, standard_id, max_examples=max_examples,
                        file_format=_format_hint(resource), limits=limits_from_config())
    store.store_result(sha256, checker, max_examples, result)
    return result, False


def run_check(resource: dict, standard_id: Optional[str], max_examples: int = MAX_EXAMPLES) -> tuple[dict, dict]:
    """Check the resource's file (uploaded, or fetched through the safe fetcher);
    returns (result, pointer) and stores both."""
    checker = fingerprint(standard_id)
    pointer = {"fingerprint": checker, "max_examples": max_examples, "url": resource.get("url"),
               "resource_modified": store.resource_modified(resource),
               "checked_at": dt.datetime.utcnow().isoformat(timespec="seconds") + "Z"}
    if resource.get("url_type") == "upload":
        path = _upload_path(resource)
        pointer["sha256"] = file_sha256(path)
        result, reused = _check_path(path, pointer["sha256"], standard_id, checker, max_examples, resource)
    else:
        result, reused = _check_remote(resource, standard_id, checker, max_examples, pointer)
    pointer["reused"] = reused
    store.store_pointer(resource["id"], standard_id, pointer)
    return result, pointer


def _check_remote(resource: dict, standard_id, checker: str, max_examples: int,
                  pointer: dict) -> tuple[dict, bool]:
    url = resource.get("url") or ""
    if not url.startswith(("http://", "https://")):
        raise tk.ValidationError({"url": [tk._("The resource has no file to check")]})
    previous = store.resource_pointer(resource["id"], standard_id)
    conditional = {}
    if store.describes(previous, resource, checker) and previous["max_examples"] == max_examples \
            and store.stored_result(previous["sha256"], checker, max_examples) is not None:
        conditional = fetch.conditional_headers(previous.get("etag"), previous.get("http_last_modified"))
    # A temporary file keeps memory bounded whatever the size; it is removed afterwards.
    with tempfile.NamedTemporaryFile(prefix="wards-check-", suffix=".data") as tmp:
        writer = _HashingWriter(tmp)
        response = _fetch_file(resource, url, conditional, writer)
        if response.not_modified:
            cached = store.stored_result(previous["sha256"], checker, max_examples)
            if cached is not None:
                pointer.update(sha256=previous["sha256"], etag=response.etag or previous.get("etag"),
                               http_last_modified=response.last_modified or previous.get("http_last_modified"))
                return cached, True
            response = _fetch_file(resource, url, {}, writer)  # the stored result expired meanwhile
        pointer.update(etag=response.etag, http_last_modified=response.last_modified)
        tmp.flush()
        pointer["sha256"] = writer.sha256.hexdigest()
        return _check_path(tmp.name, pointer["sha256"], standard_id, checker, max_examples, resource)


def _fetch_file(resource: dict, url: str, headers: dict, out: _HashingWriter) -> fetch.Response:
    try:
        return fetch.fetch(url, headers=headers, out=out,
                           timeout=tk.config.get("ckanext.wards.standard_check.timeout"),
                           max_bytes=tk.config.get("ckanext.wards.standard_check.max_bytes"))
    except fetch.FetchError as err:
        log.info("wards: standard check of resource %s not fetched: %s", resource["id"], err)
        raise tk.ValidationError({"url": [fetch.user_message(err)]})


def _format_hint(resource: dict) -> str | None:
    """A declared workbook: read as one even when its bytes are not recognised."""
    fmt = (resource.get("format") or "").strip().lower()
    return "xlsx" if fmt in ("xlsx", "excel") else None
