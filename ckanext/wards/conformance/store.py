"""Stored check results (Redis): a result under the file's SHA-256 and the checker's
fingerprint, so the same bytes are never parsed twice; and per resource a pointer to its
latest check of a standard (file hash, fingerprint, the resource's URL and upload time
then, the remote file's ETag/Last-Modified for the next conditional GET).

Without Redis a check still runs; nothing is stored. Results expire after
``ckanext.wards.standard_check.result_ttl`` seconds.
"""
from __future__ import annotations

import json
import logging
from typing import Optional

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

KEY_PREFIX = "ckanext-wards:standard-check"


def connection():
    """A Redis connection, or None when Redis cannot be reached."""
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
    conn = connection()
    try:
        raw = conn.get(_result_key(sha256, fingerprint, max_examples)) if conn is not None else None
    except Exception:  # noqa: BLE001
        raw = None
    return json.loads(raw) if raw else None


def store_result(sha256: str, fingerprint: str, max_examples: int, result: dict) -> None:
    conn = connection()
    if conn is not None:
        try:
            conn.set(_result_key(sha256, fingerprint, max_examples), json.dumps(result, ensure_ascii=False),
                     ex=_ttl())
        except Exception:  # noqa: BLE001
            log.warning("wards: could not store a standard check result", exc_info=True)


def resource_pointer(resource_id: str, standard_id: Optional[str]) -> Optional[dict]:
    """What the resource's last check of ``standard_id`` was: file hash, fingerprint, the
    resource's URL and upload time then, the remote file's validators."""
    conn = connection()
    try:
        raw = conn.hget(_pointer_key(resource_id), standard_id or "") if conn is not None else None
    except Exception:  # noqa: BLE001
        raw = None
    return json.loads(raw) if raw else None


def store_pointer(resource_id: str, standard_id: Optional[str], pointer: dict) -> None:
    conn = connection()
    if conn is not None:
        try:
            key = _pointer_key(resource_id)
            conn.hset(key, standard_id or "", json.dumps(pointer))
            conn.expire(key, _ttl())
        except Exception:  # noqa: BLE001
            log.warning("wards: could not store a resource's standard check", exc_info=True)


def describes(pointer: Optional[dict], resource: dict, fingerprint: str) -> bool:
    """True when the pointer's check was of the resource's current file, by this checker."""
    return bool(pointer) and pointer["fingerprint"] == fingerprint and pointer["url"] == resource.get("url") \
        and pointer["resource_modified"] == resource_modified(resource)


def resource_modified(resource: dict) -> Optional[str]:
    """The upload time of an uploaded file (a new upload is a new file); None for a link."""
    return resource.get("last_modified") if resource.get("url_type") == "upload" else None
