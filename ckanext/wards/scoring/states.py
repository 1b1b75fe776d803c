"""Assessment states: a metric result is passed, failed or not assessed (with a reason).

A check says "not assessed" by returning ``NotAssessed(reason)``; the reason codes, their
texts and the command that would assess them are data (``not_assessed_reasons`` in
``schemas/metrics.yaml``). What a check needs to pick a reason that does not come from the
dataset itself (which assessments are switched on) is read once per scoring call
(``Settings``), not once per check.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple, Optional

PASSED, FAILED, NOT_ASSESSED = "passed", "failed", "not_assessed"

# A check that returns a bare None (a plugin's check) gives this reason; one that raised
# gives CHECK_FAILED.
GENERIC_REASON = "not_yet_run"
CHECK_FAILED = "check_failed"


class NotAssessed(NamedTuple):
    """What a check returns when it could not assess its metric: 0 points, never a fix."""
    reason: str


class Settings(NamedTuple):
    """Which slow assessments this portal runs (they decide between "switched off" and
    "not run yet")."""
    link_checks: bool = False
    file_checks: bool = True
    dcat_validator: bool = False


def current_settings(plugins: Optional[tuple[Any, ...]] = None) -> Settings:
    """The running portal's settings (defaults outside CKAN, e.g. in unit tests);
    ``plugins``: the IWardsScoring implementations, when the caller has them."""
    from ckanext.wards.scoring import extensions
    try:
        import ckan.plugins.toolkit as tk
        config = tk.config
        link = tk.asbool(config.get("ckanext.wards.linkcheck.enabled", False))
        files = tk.asbool(config.get("ckanext.wards.file_checks", True))
    except Exception:  # no CKAN config loaded
        link, files = False, True
    return Settings(link_checks=link, file_checks=files,
                    dcat_validator=extensions.assesses("wards_assess_dataset", plugins))


def reasons() -> dict[str, dict[str, Any]]:
    """Reason code → its ``label`` and ``fix`` (ja/en) from metrics.yaml."""
    from ckanext.wards.scoring import spec
    return spec.spec()["not_assessed_reasons"]


def reason_texts(reason: Optional[str], lang: str, dataset: str = "") -> dict[str, str]:
    """``reason_label`` and ``reason_fix`` (the command or setting that would assess it,
    with the dataset's name filled in) of a reason code, in one language."""
    from ckanext.wards.scoring import spec
    entry = reasons().get(reason or "") or {}
    return {"reason_label": spec.text(entry, "label", lang) or (reason or ""),
            "reason_fix": spec.text(entry, "fix", lang).replace("{dataset}", dataset or "<name>")}


def state_of(share: Optional[float], points: int, max_points: int) -> str:
    if share is None:
        return NOT_ASSESSED
    return PASSED if points >= max_points else FAILED


def split(value: Any) -> tuple[Optional[float], Optional[str]]:
    """(share, reason) of what a check returned: a number, NotAssessed or None."""
    if isinstance(value, NotAssessed):
        return None, value.reason
    if value is None:
        return None, GENERIC_REASON
    return float(value), None


def most_frequent(codes: list[str]) -> Optional[str]:
    """The reason most resources give (ties: the first resource's), or None."""
    if not codes:
        return None
    counts = Counter(codes)
    return max(codes, key=lambda c: (counts[c], -codes.index(c)))


def file_reason(subject: Any, res: dict[str, Any]) -> str:
    """Why one resource's file gave no result: its stored ``file_reason`` (the file-check
    pipeline's contract), else what the subject says (no URL, checks off, not run yet)."""
    stored = subject.resource_store(res)
    state = stored.get("file_state")
    if state == NOT_ASSESSED:
        return stored.get("file_reason") or CHECK_FAILED
    if state == "checked":
        from ckanext.wards.conformance import standards
        if "standard_id" in stored and stored["standard_id"] != standards.declared_standard(res, subject.pkg):
            return "not_yet_run"  # checked against another standard than declared now
        return "not_tabular"  # the file was read, but gave nothing this metric measures
    if not (res.get("url") or res.get("download_url") or res.get("access_url")):
        return "no_file"
    return "not_yet_run" if subject.settings.file_checks else "file_checks_off"


def files_reason(subject: Any) -> str:
    """Why no file of a dataset gave a result (the most frequent resource reason)."""
    return most_frequent([file_reason(subject, r) for r in subject.resources]) or "no_file"
