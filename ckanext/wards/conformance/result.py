"""A check's result: the ``Report`` that collects issues and rule failures while the file is
read (examples capped, counts complete), and the plain JSON-serialisable dict made of it at
the end: the standard, the file, the matched layout and columns, the issues, the rules and
their level scores, and the verdict (``conforms``). ``format_text`` prints one for the CLI.
"""
from __future__ import annotations

from ckanext.wards.conformance import standards
from ckanext.wards.conformance.messages import STATUS_JA, message
from ckanext.wards.conformance.rules import score_rules

MAX_EXAMPLES = 20          # examples kept per (check, column); totals are always complete


class Report:
    """Collects issues with capped examples and complete counts."""

    def __init__(self, max_examples: int):
        self.max_examples = max_examples
        self.issues: list[dict] = []
        self.counts: dict[str, int] = {}
        self._per_key: dict[tuple, int] = {}
        self.rules: dict[str, dict] = {}
        self.by_severity: dict[str, int] = {}

    def add(self, code: str, severity: str, *, row=None, column=None, value=None, **params) -> None:
        key = (code, column)
        self.counts[code] = self.counts.get(code, 0) + 1
        self.by_severity[severity] = self.by_severity.get(severity, 0) + 1
        seen = self._per_key.get(key, 0)
        self._per_key[key] = seen + 1
        if seen >= self.max_examples:
            return
        en, ja = message(code, row=row, column=column or "", value=value, **params)
        issue = {"code": code, "severity": severity, "row": row, "column": column,
                 "value": value, "message": en, "message_ja": ja}
        self.issues.append({k: v for k, v in issue.items() if v is not None})

    def evaluated(self, rule_id: str) -> dict:
        return self.rules.setdefault(rule_id, {"failed": 0, "examples": []})

    def fail(self, rule_id: str, *, row=None, column=None, value=None, msg: str | None = None, **params) -> None:
        """One failure of a rule; ``msg`` names a message other than the rule's own."""
        state = self.evaluated(rule_id)
        state["failed"] += 1
        if len(state["examples"]) < self.max_examples:
            en, ja = message(msg or rule_id, row=row, column=column or "", value=value, **params)
            example = {"row": row, "column": column, "value": value, "message": en, "message_ja": ja}
            state["examples"].append({k: v for k, v in example.items() if v is not None})


def finish(report: Report, std: dict | None, info: dict, layout_name: str | None, matched: dict,
            headers: list[str], file_format: str, *, rows_checked: int, via_alias: dict | None = None) -> dict:
    columns = _column_report(report, std, layout_name, matched, headers, via_alias or {})
    rules, levels = score_rules(report.rules, file_format)
    errors = report.by_severity.get("error", 0)
    result = {
        "standard": _standard_summary(std),
        "file": {"format": file_format, **{k: v for k, v in info.items() if k != "codec"},
                 "rows": rows_checked, "columns": len(headers)},
        "layout": layout_name,
        "layout_status": std["layouts"][layout_name]["status"] if std and layout_name else None,
        "enforced": bool(std and layout_name and standards.is_enforced(std["layouts"][layout_name])),
        "columns": columns,
        "issues": report.issues,
        "counts": report.counts,
        "truncated": any(n > report.max_examples for n in report._per_key.values()),
        "rules": rules,
        "levels": levels,
    }
    result["conforms"] = conforms(result, errors)
    result["summary"] = {"errors": errors,
                         "warnings": report.by_severity.get("warning", 0),
                         "rules_failed": [r["id"] for r in rules if r["passed"] is False]}
    return result


def conforms(result: dict, errors: int) -> bool | None:
    """True/False for an exact (verified) layout; None when conformance cannot be decided."""
    if not result["standard"] or not result["layout"]:
        return False if result["standard"] and result["standard"]["status"] != "unverified" else None
    if not result["enforced"]:
        return None
    return errors == 0 and not result["columns"]["missing_required"]


def _standard_summary(std: dict | None) -> dict | None:
    if not std:
        return None
    from ckanext.wards.dcat.uris import standard_uri  # the portal's page of the standard
    return {**{key: std[key] for key in ("id", "number", "name_ja", "name_en", "status", "source")},
            "uri": standard_uri(std["id"])}


def _column_report(report: Report, std, layout_name, matched, headers, via_alias) -> dict:
    out = {"matched": [], "missing_required": [], "missing": [], "unknown": [], "aliases": []}
    if not std:
        return out
    if not std["layouts"]:
        report.add("no_columns_defined", "info", standard=std["id"])
        return out
    if not layout_name or not matched:
        report.add("no_matching_columns", "error", standard=std["id"])
        return out
    layout = std["layouts"][layout_name]
    enforced = standards.is_enforced(layout)
    if not enforced:
        report.add("layout_not_enforced", "info", status=layout["status"],
                   status_ja=STATUS_JA.get(layout["status"], layout["status"]))
    present = {col["name"] for col in matched.values()}
    out["matched"] = [{"header": headers[i], "column": col["name"], "type": col["type"]}
                      for i, col in sorted(matched.items())]
    for i, col in sorted(matched.items()):
        if via_alias.get(i):
            out["aliases"].append({"header": headers[i], "column": col["name"]})
            report.add("alias_column", "warning", header=headers[i], column=col["name"])
    severity_missing = "warning" if enforced else "info"
    for col in layout["columns"]:
        if col["name"] in present:
            continue
        if col.get("required"):
            out["missing_required"].append(col["name"])
            report.add("missing_required_column", "error" if enforced else "warning", column=col["name"])
        else:
            out["missing"].append(col["name"])
            report.add("missing_column", severity_missing, column=col["name"])
    for i, header in enumerate(headers):
        if i not in matched and header.strip():
            out["unknown"].append(header)
            report.add("unknown_column", severity_missing, column=header)
    if enforced:
        expected = [col["name"] for col in layout["columns"] if col["name"] in present]
        actual = [col["name"] for _, col in sorted(matched.items())]
        for want, got in zip(expected, actual):
            if want != got:
                report.add("column_order", "warning", column=got)
                break
    return out


def format_text(result: dict, lang: str = "en") -> str:
    """A human-readable report (for the CLI)."""
    key = "message_ja" if lang == "ja" else "message"
    lines = []
    std = result["standard"]
    if std:
        lines.append(f"Standard: {std['id']} {std['name_ja']} / {std['name_en']} ({std['status']})")
    f = result["file"]
    lines.append(f"File: {f.get('format')} encoding={f.get('encoding')} bom={f.get('bom')} "
                 f"delimiter={f.get('delimiter')!r} rows={f.get('rows')} columns={f.get('columns')}")
    lines.append(f"Layout: {result['layout']} ({result['layout_status']}), conforms: {result['conforms']}")
    cols = result["columns"]
    for label, names in (("Missing required", cols["missing_required"]), ("Missing", cols["missing"]),
                         ("Unknown", cols["unknown"])):
        if names:
            lines.append(f"{label} columns: {', '.join(names)}")
    for issue in result["issues"]:
        lines.append(f"  [{issue['severity']}] {issue[key]}")
    if result["truncated"]:
        lines.append("  (examples capped; totals: " + ", ".join(f"{k}={v}" for k, v in result["counts"].items()) + ")")
    lines.append("Machine-readability:")
    for level in result["levels"]:
        lines.append(f"  Level {level['level']}: {level['score']} (failed: {', '.join(level['failed']) or '-'})")
    for rule in result["rules"]:
        if rule["passed"] is False:
            name = rule["name_ja"] if lang == "ja" else rule["name_en"]
            lines.append(f"  {rule['id']} {name} [{rule['severity']}] x{rule['count']}")
            for example in rule["examples"][:3]:
                lines.append(f"      {example[key]}")
    return "\n".join(lines)
