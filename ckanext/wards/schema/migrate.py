"""``ckan wards migrate``: datasets in CKAN's default schema into the shared schema.

Per dataset, read as stored (``package_show`` without validation, so extras are still
extras), build the shared-schema dict:

* extras whose key is a known spelling (``schemas/migrate.yaml``: 更新頻度, 言語,
  全国地方公共団体コード ...) become the schema's fields; other extras stay extras;
* the licence id goes through the licence aliases (``cc-by`` → ``CC-BY-4.0``); a rewritten
  id is kept in the extra ``wards_original_license_id`` and reported;
* ``contact`` from maintainer / author (which stay, as every core field does);
* ``publisher_code`` from the organisation when it is one of the 23 wards (by name,
  title or Tokyo catalogue id), else ``ckanext.wards.ward_code``;
* ``theme`` from groups that name a theme; the groups stay;
* ``access_rights`` from an extra of a known spelling (accessRights, アクセス権 ...), else
  the vocabulary's default, PUBLIC (the portal publishes the dataset); a value the
  vocabulary does not know is parked like any other and then gets no default;
* resource fields from their usual spellings (``encoding`` → ``character_encoding``).

The result is validated with the schema's own validators (what ``package_update`` will
run); every value they reject is moved to the extra ``wards_unmapped_<field>`` (on the
resource for resource fields) and the field is left empty, so nothing is ever lost and
the update cannot fail on old data. ``dry_run`` reports the plan without writing, with
the errors the update would meet (the same validation, nothing written).

A dataset whose plan validates to what it already stores (already in the shared schema,
or migrated before) is skipped: no update, no activity, no job. Updates do not queue a
re-score each; the command scores the updated datasets once, in bulk, afterwards.
"""
from __future__ import annotations

import copy
import functools
import re
from typing import Any, Iterable, Optional

import yaml

from ckanext.wards.lib.dates import fiscal_year
from ckanext.wards.lib.text import fold, nfkc
from ckanext.wards.paths import schema_file
from ckanext.wards.schema import dataset
from ckanext.wards.schema.normalise import parse_date
from ckanext.wards.vocab.loader import normalise_term, normalise_terms

UNMAPPED_PREFIX = dataset.UNMAPPED_PREFIX
ORIGINAL_LICENCE_EXTRA = "wards_original_license_id"
# in the update's context: the scoring plugin queues no re-score (one bulk score follows),
# and the validators normalise every value (an unchanged form save keeps stored ids)
CONTEXT_FLAG = "wards_migrate"


@functools.lru_cache(maxsize=None)
def _spellings(section: str) -> dict[str, str]:
    """Folded key spelling → field, from ``schemas/migrate.yaml``."""
    with open(schema_file("migrate.yaml"), encoding="utf-8") as f:
        table = yaml.safe_load(f)[section]
    return {fold(s): field for field, spellings in table.items() for s in [field, *spellings]}


def _empty(value: Any) -> bool:
    return dataset.is_empty(value)


# --- building the plan --------------------------------------------------------------

def plan_dataset(raw: dict, context: dict) -> dict:
    """What migrating ``raw`` (a default-schema dataset as stored) would do.

    Returns ``{"name", "id", "mapped": [{field, source, value}], "unmapped": [{field, value, error}],
    "extras_kept": [keys], "missing": [fields], "errors": {}, "dataset": <dict for package_update>}``."""
    new = copy.deepcopy(raw)
    mapped: list[dict] = []
    rewrites: list[dict] = []
    _extras_to_fields(new, mapped)
    _fill_from_core(new, mapped, rewrites)
    for resource in new.get("resources") or []:
        _resource_fields(resource, mapped)

    unmapped, errors, validated = _validate_and_park(new, context)
    if unmapped:
        # a parked value is not mapped; its field may now take a fallback (e.g. the
        # organisation's ward code after a bad 全国地方公共団体コード extra)
        parked = {u["field"] for u in unmapped}
        mapped[:] = [m for m in mapped if m["field"] not in parked]
        count = len(mapped)
        _fill_from_core(new, mapped, rewrites)
        if len(mapped) > count:
            more, errors, validated = _validate_and_park(new, context)
            unmapped += more
    for entry in mapped:  # report the stored (normalised) value
        if entry["field"] in validated and not entry["field"].startswith("resources"):
            entry["value"] = _shown(entry["field"], validated[entry["field"]])
    return {
        "name": raw["name"], "id": raw["id"],
        "mapped": mapped, "unmapped": unmapped, "rewrites": rewrites,
        "extras_kept": [e["key"] for e in new.get("extras") or []
                        if not e["key"].startswith((UNMAPPED_PREFIX, ORIGINAL_LICENCE_EXTRA))],
        "missing": [f for f in dataset.recommended_fields() if _empty(validated.get(f))],
        "errors": errors,
        "dataset": new,
    }


def _fill_from_core(new: dict, mapped: list, rewrites: list) -> None:
    _licence(new, mapped, rewrites)
    _contact(new, mapped)
    _publisher_code(new, mapped)
    _themes_from_groups(new, mapped)
    _access_rights(new, mapped)


def _extras_to_fields(new: dict, mapped: list) -> None:
    spellings = _spellings("dataset_extras")
    kept = []
    for extra in new.get("extras") or []:
        field = spellings.get(fold(extra["key"]))
        value = extra.get("value")
        if field is None or _empty(value):
            kept.append(extra)
            continue
        if field == "spatial_text":
            field, value = "spatial_coverage", [{"text": value}]
        elif field == "temporal_text":
            period = _period(value)
            if period is None:  # free text we cannot read: stays as it is
                kept.append(extra)
                continue
            field, value = "temporal_coverage", [period]
        if not _empty(new.get(field)):
            kept.append(extra)  # the field is already set: keep the extra as it is
            continue
        new[field] = value
        mapped.append({"field": field, "source": f"extras.{extra['key']}", "value": value})
    new["extras"] = kept


def _period(text: str) -> Optional[dict]:
    """A period from ``2024-04-01～2025-03-31``, ``令和5年度`` (a fiscal year) or
    ``令和5年度～令和6年度``; None for text we cannot read."""
    parts = [p.strip() for p in re.split(r"\s*(?:/|～|〜|~|から|–)\s*", nfkc(text)) if p.strip()]
    if len(parts) == 1:
        parts = parts * 2  # one fiscal year: its first and last day
    if len(parts) != 2:
        return None
    try:
        return {"start": _period_bound(parts[0], 0), "end": _period_bound(parts[1], 1)}
    except ValueError:
        return None


def _period_bound(text: str, end: int) -> str:
    fiscal = fiscal_year(text)
    return fiscal[end].isoformat() if fiscal else parse_date(text)


def _licence(new: dict, mapped: list, rewrites: list) -> None:
    value = new.get("license_id")
    if _empty(value):
        return
    try:
        canonical = normalise_term("licenses", value)
    except ValueError:
        return  # left for the validators, which park it as wards_unmapped_license_id
    if canonical != value:
        new["license_id"] = canonical
        mapped.append({"field": "license_id", "source": "license_id", "value": canonical})
        _add_extra(new, ORIGINAL_LICENCE_EXTRA, value)
        rewrites.append({"field": "license_id", "from": value, "to": canonical,
                         "kept_as": ORIGINAL_LICENCE_EXTRA})


def _add_extra(new: dict, key: str, value: str) -> None:
    """Add an extra unless one of that key holds that value (keys are unique: a second,
    different value gets ``_2``, ``_3`` ...)."""
    extras = new.setdefault("extras", [])
    taken = {e["key"]: e.get("value") for e in extras}
    candidate, n = key, 1
    while candidate in taken:
        if taken[candidate] == value:
            return
        n += 1
        candidate = f"{key}_{n}"
    extras.append({"key": candidate, "value": value})


def _contact(new: dict, mapped: list) -> None:
    if not _empty(new.get("contact")):
        return
    for role in ("maintainer", "author"):
        name, email = new.get(role), new.get(f"{role}_email")
        if name or email:
            contact = {k: v for k, v in (("name", name), ("email", email)) if v}
            new["contact"] = [contact]
            mapped.append({"field": "contact", "source": f"{role}, {role}_email", "value": [contact]})
            return


def _publisher_code(new: dict, mapped: list) -> None:
    if not _empty(new.get("publisher_code")):
        return
    from ckanext.wards.vocab import organizations as orgs
    found = orgs.ward_membership((new.get("organization") or {}).get("id"))
    if found:
        ward, how = found
        source = {orgs.BY_CODE: "organization.ward_code", orgs.BY_NAME: "organization.name",
                  orgs.BY_TITLE: "organization.title", orgs.AS_DEPARTMENT: "ckanext.wards.ward_code"}[how]
        new["publisher_code"] = ward["lg_code"]
        mapped.append({"field": "publisher_code", "source": source, "value": ward["lg_code"]})


def _themes_from_groups(new: dict, mapped: list) -> None:
    if not _empty(new.get("theme")):
        return
    themes = []
    for group in new.get("groups") or []:
        for key in ("name", "title", "display_name"):
            try:  # one label (a list is not split on commas); compounds such as 子育て・教育 map part by part
                found = normalise_terms("themes", [group.get(key) or ""])
            except ValueError:
                continue
            themes += [theme for theme in found if theme not in themes]
            break
    if themes:
        new["theme"] = themes
        mapped.append({"field": "theme", "source": "groups", "value": themes})


def _access_rights(new: dict, mapped: list) -> None:
    """The default access rights for a dataset that states none (not for one whose own
    statement was parked as ``wards_unmapped_access_rights``: that text is its statement)."""
    from ckanext.wards.vocab import access_rights
    if not _empty(new.get(access_rights.FIELD)) or access_rights.stored(new) is not None:
        return
    new[access_rights.FIELD] = access_rights.default_code()
    mapped.append({"field": access_rights.FIELD, "source": "default", "value": new[access_rights.FIELD]})


def _resource_fields(resource: dict, mapped: list) -> None:
    spellings = _spellings("resource_fields")
    for key in list(resource):
        field = spellings.get(fold(key))
        if field is None or field == key or _empty(resource[key]) or not _empty(resource.get(field)):
            continue
        resource[field] = resource.pop(key)
        mapped.append({"field": f"resources.{field}", "source": f"resources[{resource.get('id')}].{key}",
                       "value": resource[field]})


# --- validation: park what the schema rejects ----------------------------------------

def _validate(new: dict, context: dict) -> tuple[dict, dict]:
    import ckan.lib.plugins as lib_plugins
    import ckan.model as model

    plugin = lib_plugins.lookup_package_plugin(new.get("type") or "dataset")
    ctx = {"model": model, "session": model.Session, "user": context.get("user"),
           "package": model.Package.get(new["id"]), "ignore_auth": True, CONTEXT_FLAG: True}
    data, errors = lib_plugins.plugin_validate(plugin, ctx, copy.deepcopy(new),
                                               plugin.update_package_schema(), "package_update")
    model.Session.rollback()
    return data, errors


def _validate_and_park(new: dict, context: dict) -> tuple[list, dict, dict]:
    """Validate; move every rejected value into a ``wards_unmapped_*`` extra; validate again."""
    unmapped: list[dict] = []
    data, errors = _validate(new, context)
    if not errors:
        return unmapped, {}, data
    for field, messages in errors.items():
        if field == "resources":
            for resource, res_errors in zip(new.get("resources") or [], messages):
                for res_field, res_messages in (res_errors or {}).items():
                    if res_field in resource:
                        value = resource.pop(res_field)
                        resource[UNMAPPED_PREFIX + res_field] = _as_text(value)
                        unmapped.append({"field": f"resources.{res_field}", "value": value,
                                         "error": _first(res_messages)})
        elif field in new and field not in ("name", "owner_org", "id", "type", "extras"):
            value = new.pop(field)
            _add_extra(new, UNMAPPED_PREFIX + field, _as_text(value))
            unmapped.append({"field": field, "value": value, "error": _first(messages)})
    data, errors = _validate(new, context)
    return unmapped, errors, data


def _shown(field: str, value: Any) -> Any:
    """A validated value as package_show gives it (multiple fields are stored as JSON)."""
    multiple = {f["field_name"] for f in dataset.iter_fields() if f.get("wards_multiple")}
    if field in multiple and isinstance(value, str):
        import json
        return json.loads(value)
    return value


def _first(messages: Any) -> str:
    while isinstance(messages, (list, dict)) and messages:
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return str(messages)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    import json
    return json.dumps(value, ensure_ascii=False)


# --- running it ---------------------------------------------------------------------

def dataset_ids(org: Optional[str] = None, names: Iterable[str] = ()) -> list[str]:
    import ckan.model as model
    query = model.Session.query(model.Package.id).filter(
        model.Package.state == "active", model.Package.type == "dataset")
    if names:
        query = query.filter(model.Package.name.in_(list(names)) | model.Package.id.in_(list(names)))
    if org:
        group = model.Group.get(org)
        if group is None:
            raise ValueError(f"organisation not found: {org}")
        query = query.filter(model.Package.owner_org == group.id)
    return [row[0] for row in query.order_by(model.Package.name)]


def migrate(ids: Iterable[str], context: dict, dry_run: bool = True) -> list[dict]:
    """Plan (and unless ``dry_run`` apply, one ``package_update`` per dataset) for ``ids``."""
    import ckan.plugins.toolkit as tk

    reports = []
    for package_id in ids:
        # CONTEXT_FLAG: the stored values, without the defaults package_show adds for display
        show = {"user": context.get("user"), "ignore_auth": True, CONTEXT_FLAG: True}
        raw = tk.get_action("package_show")(dict(show, validate=False), {"id": package_id})
        plan = plan_dataset(raw, context)
        plan["applied"] = False
        plan["skipped"] = not plan["errors"] and _stores_the_same(
            plan["dataset"], tk.get_action("package_show")(dict(show), {"id": package_id}), context)
        if not dry_run and not plan["errors"] and not plan["skipped"]:
            tk.get_action("package_update")({"user": context.get("user"), CONTEXT_FLAG: True,
                                             "ignore_auth": context.get("ignore_auth", False)},
                                            plan["dataset"])
            plan["applied"] = True
        reports.append({k: v for k, v in plan.items() if k != "dataset"})
    return reports


def _stores_the_same(planned: dict, shown: dict, context: dict) -> bool:
    """Would the update store what the dataset holds now? (the plan and the dataset as the
    shared schema shows it validate to the same data: already in the shared schema)"""
    def stored(data: dict) -> dict:
        validated, errors = _validate(data, context)
        if errors:
            return {"errors": errors}
        validated = {k: v for k, v in validated.items() if k not in _VOLATILE}
        validated["extras"] = sorted((e["key"], e["value"]) for e in validated.get("extras") or [])
        return validated
    return stored(planned) == stored(shown)


_VOLATILE = ("metadata_modified", "revision_id")


def format_report(reports: list[dict], dry_run: bool) -> str:
    """Plain-text report for the CLI, one block per dataset."""
    lines = []
    for r in reports:
        if r.get("skipped"):
            lines.append(f"{r['name']}: already in the shared schema, skipped")
            continue
        if r["errors"]:
            state = "would FAIL, left as it is" if dry_run else "NOT updated"
        else:
            state = "would update" if dry_run else "updated"
        lines.append(f"{r['name']}: {state}")
        for w in r.get("rewrites") or ():
            lines.append(f"  rewrite {w['field']} {w['from']} -> {w['to']} (original kept as extra {w['kept_as']})")
        for m in r["mapped"]:
            lines.append(f"  map   {m['source']} -> {m['field']} = {_as_text(m['value'])}")
        for u in r["unmapped"]:
            lines.append(f"  keep  {u['field']} = {_as_text(u['value'])} as extra {UNMAPPED_PREFIX}{u['field'].split('.')[-1]} ({u['error']})")
        if r["extras_kept"]:
            lines.append(f"  extras kept: {', '.join(r['extras_kept'])}")
        if r["missing"]:
            lines.append(f"  missing: {', '.join(r['missing'])}")
        for field, messages in (r["errors"] or {}).items():
            lines.append(f"  error {field}: {messages}")
    done = sum(1 for r in reports if r["applied"])
    failing = sum(1 for r in reports if r["errors"])
    skipped = sum(1 for r in reports if r.get("skipped"))
    verb = "would fail" if dry_run else "failed"
    lines.append(f"{len(reports)} datasets, {done} updated, {skipped} skipped (already in the shared schema), "
                 f"{failing} {verb}" + (" (dry run: nothing written)" if dry_run else ""))
    return "\n".join(lines)
