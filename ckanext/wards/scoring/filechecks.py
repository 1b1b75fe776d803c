"""A resource's file check as part of scoring: read the file (an upload from CKAN's storage,
or a remote file through the safe fetcher with a conditional GET), hash it and skip it when
unchanged, sniff its real type and encoding, run the standard-dataset checker and the 2026
rules (L1–L3) on CSV and XLSX, and store the outcome in ``wards_file_check`` (``filestore``),
with ``file_state``/``file_reason`` saying whether it could be assessed and why not.

``check_resource`` checks one resource (the per-resource job, ``jobs.check_resource_file``);
``check_packages`` checks many datasets in-process in batches and re-scores them (``ckan
wards check-files``, the demo). The checker belongs to wards_schema (``conformance``): it is
imported only when a check runs, and only while wards_schema is loaded (``available``).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import time
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.formats import classify as formats
from ckanext.wards.scoring import filestore

log = logging.getLogger(__name__)

# Files the checker reads (by the resource's classified or sniffed format).
CHECKED_FORMATS = frozenset({"CSV", "XLSX"})
# wards_standard_check's default (conformance.result.MAX_EXAMPLES, a test holds them
# equal): the job and the action then share the results stored under a file's hash.
MAX_EXAMPLES = 20
# Examples kept per rule in wards_file_check (the full result stays in the checker's store).
STORED_EXAMPLES = 5
CHECKED, NOT_ASSESSED_STATE = "checked", "not_assessed"
BATCH = 200

Progress = Callable[[int, int, dict], None]


def enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.wards.file_checks", True))


def available() -> bool:
    """File checks on and the checker's plugin (wards_schema) loaded."""
    from ckanext.wards.scoring import extensions
    return enabled() and extensions.assesses("wards_assess_resource")


def rules_score(result: dict[str, Any]) -> Optional[float]:
    """The government machine-readability rules score of a check result, 0–100: its
    weakest level (a FATAL rule makes a level 0), None when no rule could be evaluated."""
    scores = [level["score"] for level in result.get("levels") or () if level.get("score") is not None]
    return float(min(scores)) if scores else None


def stored_assessment(resource_id: str) -> dict[str, Any]:
    """wards_schema's IWardsScoring ``wards_assess_resource``: the resource's last file
    check as the assessments the scores keep (nothing is read or parsed here: the file is
    checked by its own job or ``check_packages``); {} when it was never checked."""
    row = filestore.file_checks(resource_ids=[resource_id]).get(resource_id)
    if row is None:
        return {}
    return {"conformance_ok": row["conformance_ok"], "rules_score": row["rules_score"]}


def plugin_assessments(pkg: dict[str, Any], res: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """The resource's assessments for its score: the file check just stored (``row``),
    completed by the other IWardsScoring plugins' (a value None here is theirs to give);
    wards_schema's own hook (``wards_file_checker``) would only read ``row`` again."""
    from ckanext.wards.scoring import extensions
    found = {"conformance_ok": row.get("conformance_ok"), "rules_score": row.get("rules_score"),
             "standard_id": row.get("standard_id")}
    others = [p for p in extensions.plugins() if not getattr(p, "wards_file_checker", False)]
    if others and extensions.assesses("wards_assess_resource"):
        for key, value in extensions.assess_resource(pkg, res, others).items():
            if found.get(key) is None:
                found[key] = value
    return found


# --- one resource ---------------------------------------------------------------------------


class _Unassessed(Exception):
    def __init__(self, reason: str, error: str = ""):
        super().__init__(reason)
        self.reason, self.error = reason, error


def check_resource(pkg: dict[str, Any], res: dict[str, Any], *, force: bool = False,
                   previous: Optional[dict[str, Any]] = None, load_previous: bool = True) -> dict[str, Any]:
    """Check one resource's file and store the row (the caller commits); returns the row
    with ``outcome``: ``checked``, ``unchanged`` (same bytes: nothing parsed) or
    ``not_assessed``."""
    if previous is None and load_previous:
        previous = filestore.file_checks(resource_ids=[res["id"]]).get(res["id"])
    if force:
        previous = None
    now = dt.datetime.utcnow()
    base = {"resource_id": res["id"], "package_id": pkg["id"], "url": res.get("url"), "checked_at": now}
    try:
        return _check(pkg, res, base, previous, force)
    except _Unassessed as why:
        row = dict(base, file_state=NOT_ASSESSED_STATE, file_reason=why.reason, error=why.error or None)
    except Exception as exc:  # a broken file or checker must not stop the batch
        log.exception("wards: file check of resource %s failed", res.get("id"))
        row = dict(base, file_state=NOT_ASSESSED_STATE, file_reason="check_failed",
                   error=f"{type(exc).__name__}: {exc}"[:500])
    filestore.write(row)
    row["outcome"] = NOT_ASSESSED_STATE
    return row


def _check(pkg, res, base, previous, force) -> dict[str, Any]:
    from ckanext.wards.conformance import checker, standards

    standard_id = standards.declared_standard(res, pkg)
    fingerprint = checker.fingerprint(standard_id)
    if not _reusable(previous, fingerprint, standard_id):
        previous = None
    url = res.get("url") or ""
    if res.get("url_type") == "upload":
        path = _upload_path(res)
        return _check_path(res, base, previous, path, {}, standard_id, fingerprint, force)
    if not url:
        raise _Unassessed("no_file")
    if not url.lower().startswith(("http://", "https://")):
        raise _Unassessed("file_unreachable", "not an http(s) URL")
    with tempfile.NamedTemporaryFile(prefix="wards-file-", suffix=".data") as tmp:
        response = _fetch(url, tmp, previous)
        validators = {"etag": response.etag, "http_last_modified": response.last_modified}
        if response.not_modified and previous is not None:  # 304: the bytes we checked last time
            return _unchanged(previous, base, validators)
        tmp.flush()
        return _check_path(res, base, previous, tmp.name, validators, standard_id, fingerprint, force)


def _upload_path(res: dict[str, Any]) -> str:
    from ckanext.wards.conformance.runner import stored_upload_path
    path = stored_upload_path(res)
    if path is None:
        raise _Unassessed("file_unreachable", "the uploaded file is missing from storage")
    return path


def _reusable(previous: Optional[dict[str, Any]], fingerprint: str, standard_id: Optional[str]) -> bool:
    """A stored check a later one may reuse for the same bytes: the file was read and
    judged (checked, or not a table, or beyond a reader's limit) by this checker version
    against the same declared standard."""
    if not previous or not previous.get("sha256"):
        return False
    judged = previous.get("file_state") == CHECKED or previous.get("file_reason") in ("not_tabular", "file_too_large")
    return judged and previous.get("checker") == fingerprint and previous.get("standard_id") == standard_id


def _fetch(url: str, out, previous: Optional[dict[str, Any]]):
    from ckanext.wards.lib import fetch
    headers = {}
    if previous is not None and previous.get("url") == url:
        headers = fetch.conditional_headers(previous.get("etag"), previous.get("http_last_modified"))
    try:
        return fetch.fetch(url, headers=headers, out=out,
                           timeout=tk.config.get("ckanext.wards.file_checks.timeout"),
                           max_bytes=tk.config.get("ckanext.wards.file_checks.max_bytes"))
    except fetch.FetchError as err:
        raise _Unassessed("file_too_large" if err.reason == "too_large" else "file_unreachable", str(err)[:500])


def _unchanged(previous: dict[str, Any], base: dict[str, Any], validators: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in previous.items() if k in filestore.COLUMNS}
    row.update(checked_at=base["checked_at"], url=base["url"])
    row.update({k: v for k, v in validators.items() if v})
    filestore.write(row)
    row["outcome"] = "unchanged"
    return row


def _check_path(res, base, previous, path: str, validators: dict[str, Any], standard_id: Optional[str],
                fingerprint: str, force: bool) -> dict[str, Any]:
    from ckanext.wards.conformance import checker
    from ckanext.wards.conformance import store as results
    from ckanext.wards.conformance.runner import file_sha256, limits_from_config

    sha256 = file_sha256(path)
    if previous is not None and previous["sha256"] == sha256:  # same bytes: nothing parsed
        return _unchanged(previous, base, validators)

    sniffed, encoding = sniff_file(path)
    row = dict(base, sha256=sha256, size=os.path.getsize(path), sniffed_code=sniffed, encoding=encoding,
               checker=fingerprint, standard_id=standard_id, **validators)
    declared = formats.classify(res)["code"]
    tabular = sniffed in CHECKED_FORMATS or (sniffed is None and encoding is not None and declared in CHECKED_FORMATS)
    if not tabular:
        row.update(file_state=NOT_ASSESSED_STATE, file_reason="not_tabular")
        filestore.write(row)
        row["outcome"] = NOT_ASSESSED_STATE
        return row
    # The checker's own store (by hash) spares a parse of bytes another resource or the
    # on-demand action already checked; --force parses again.
    result = None if force else results.stored_result(sha256, fingerprint, MAX_EXAMPLES)
    if result is None:
        hint = "xlsx" if "XLSX" in (sniffed, declared) else None
        result = checker.check_file(path, standard_id, max_examples=MAX_EXAMPLES, file_format=hint,
                                    limits=limits_from_config())
        results.store_result(sha256, fingerprint, MAX_EXAMPLES, result)
    row.update(result_columns(result, standard_id))
    filestore.write(row)
    row["outcome"] = row["file_state"]
    return row


def sniff_file(path: str) -> tuple[Optional[str], Optional[str]]:
    """(EU file-type code, encoding label or None for binary files) from the file's bytes."""
    from ckanext.wards.formats import sniff
    with open(path, "rb") as f:
        head = f.read(sniff.SAMPLE_BYTES)
        code = sniff.sniff_bytes(head, f)
    if not head or sniff.is_binary(head) or code in ("XLSX", "XLS", "PDF", "PNG", "JPEG", "ZIP", "ODS"):
        return code, None
    codec, _bom = sniff.detect_encoding(head)
    return code, sniff.ENCODING_LABELS.get(codec, codec)


def result_columns(result: dict[str, Any], standard_id: Optional[str]) -> dict[str, Any]:
    """What ``wards_file_check`` keeps of a checker result."""
    if result.get("not_assessed"):  # beyond a reader's limit: nothing evaluated
        return {"file_state": NOT_ASSESSED_STATE, "file_reason": "file_too_large",
                "error": result["not_assessed"].get("message")}
    levels = result.get("levels") or []
    if not any(level.get("score") is not None for level in levels):
        # a table this checker does not read (ODS, XLS): no rule evaluated
        return {"file_state": NOT_ASSESSED_STATE, "file_reason": "not_tabular",
                "error": ", ".join(sorted(result.get("counts") or {})) or None}
    rules = [dict({k: v for k, v in rule.items() if k != "examples"},
                  examples=(rule.get("examples") or [])[:STORED_EXAMPLES])
             for rule in result.get("rules") or []
             # evaluated, or not assessed with its reason (L3-02, -03, -07, -08): both kept
             if rule.get("passed") is not None or rule.get("not_assessed")]
    return {
        "file_state": CHECKED, "file_reason": None, "error": None,
        "conformance_ok": result.get("conforms") if standard_id else None,
        "level_scores": {f"L{level['level']}": level.get("score") for level in levels},
        "levels": levels, "rules": rules, "rules_score": rules_score(result),
        "encoding": (result.get("file") or {}).get("encoding"),
    }


# --- many datasets --------------------------------------------------------------------------


def check_packages(package_ids: list[str], force: bool = False, progress: Optional[Progress] = None,
                   validate_dcat: bool = True, rescore: bool = True) -> dict[str, Any]:
    """Check the files of many datasets in this process (no job per resource), in batches
    of ``BATCH`` datasets read straight from the database, uploads from storage; run the
    DCAT-AP validation per dataset when wards_dcat is loaded (``validate_dcat``); re-score
    each batch and re-index the datasets whose score fields changed. ``progress(done, total,
    summary)`` after each batch. Returns the summary: datasets, resources, checked,
    unchanged, not_assessed (by reason), dcat_checked, reindexed, seconds."""
    from ckanext.wards.scoring import bulk, datasets, index, store
    import ckan.model as ckan_model

    started = time.perf_counter()
    summary: dict[str, Any] = {"datasets": 0, "resources": 0, "checked": 0, "unchanged": 0,
                               "not_assessed": {}, "dcat_checked": 0, "reindexed": 0,
                               "file_checks": available()}
    ids = list(dict.fromkeys(package_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        pkgs = datasets.load_datasets(batch)
        overrides: dict[str, dict[str, Any]] = {}
        if summary["file_checks"]:
            previous = filestore.file_checks(package_ids=[p["id"] for p in pkgs])
            for pkg in pkgs:
                for res in pkg["resources"]:
                    row = check_resource(pkg, res, force=force, previous=previous.get(res["id"]),
                                         load_previous=False)
                    count(summary, row)
                    overrides[res["id"]] = plugin_assessments(pkg, res, row)
            filestore.delete_gone([p["id"] for p in pkgs])
            ckan_model.Session.commit()
        dcat = bulk.validate_dcat_batch([p["id"] for p in pkgs]) if validate_dcat else None
        summary["dcat_checked"] += len(dcat or {})
        if rescore:
            before = {pid: index.fields_of(row) for pid, row in store.dataset_score_rows(batch).items()}
            scores = bulk.score_batch(batch, stored_overrides=overrides, dcat_overrides=dcat)
            changed = [s["package_id"] for s in scores if before.get(s["package_id"]) != index.fields_of(s)]
            summary["reindexed"] += len(changed)
            index.reindex_many(changed)
        summary["datasets"] += len(pkgs)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids), summary)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def count(summary: dict[str, Any], row: dict[str, Any]) -> None:
    summary["resources"] += 1
    if row["outcome"] == NOT_ASSESSED_STATE:
        reasons = summary["not_assessed"]
        reasons[row["file_reason"]] = reasons.get(row["file_reason"], 0) + 1
    else:
        summary[row["outcome"]] += 1
