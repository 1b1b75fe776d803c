"""The shared-vocabulary dataset schema as data: the scheming schema
(``schemas/wards_dataset.yaml``) with its presets expanded as scheming expands them, the
JSON Schema of bulk imports (``schemas/dataset.schema.json``), field lists, the recommended
fields, and the resource keys a form carries unchanged."""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from ckanext.wards.lib.fields import extras_dict
from ckanext.wards.lib.lists import is_blank
from ckanext.wards import paths
from ckanext.wards.paths import schema_file

SCHEMA_FILE = "wards_dataset.yaml"
PRESETS_FILE = "wards_presets.yaml"
JSON_SCHEMA_FILE = "dataset.schema.json"
SCHEMING_PRESETS = "ckanext.scheming:presets.json"  # scheming's own (its default of scheming.presets)
# the extra where ``ckan wards migrate`` and the DCAT parse park a value the schema rejects
UNMAPPED_PREFIX = "wards_unmapped_"
# a select's "keep the current statement" choice: the validator stores nothing for it,
# so the parked statement stays the dataset's (an unchanged form save must not replace it)
KEEP_PARKED = "__wards_keep_parked__"


# --- scheming references: ``ckanext.wards:<path>`` ------------------------------------------

def presets_reference() -> str:
    return paths.package_reference(schema_file(PRESETS_FILE))


def presets_option(value: Optional[str]) -> str:
    """``scheming.presets`` with our presets added: the operator's list (else scheming's
    default), then ours unless it is there already."""
    presets = (value or "").split() or [SCHEMING_PRESETS]
    ours = presets_reference()
    return " ".join(presets if ours in presets else [*presets, ours])


# --- the schema --------------------------------------------------------------------------

def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)  # JSON is YAML too (scheming's presets.json)


@functools.lru_cache(maxsize=None)
def presets() -> dict[str, dict]:
    """Preset name → values, of scheming's presets and ours (the first file wins on a name,
    as in scheming)."""
    import ckanext.scheming
    scheming_dir = Path(ckanext.scheming.__file__).resolve().parent
    files = [scheming_dir / SCHEMING_PRESETS.split(":", 1)[1], schema_file(PRESETS_FILE)]
    table: dict[str, dict] = {}
    for path in files:
        for preset in _load(path)["presets"]:
            table.setdefault(preset["preset_name"], preset["values"])
    return table


def _expanded(field: dict) -> dict:
    """A field with its preset's values under its own keys (scheming's ``_expand``)."""
    name = field.get("preset")
    field = dict(presets()[name], **field) if name else dict(field)
    for key in ("repeating_subfields", "simple_subfields"):
        if key in field:
            field[key] = [_expanded(sub) for sub in field[key]]
    return field


@functools.lru_cache(maxsize=None)
def scheming_schema() -> dict:
    """The scheming schema, presets expanded: what scheming serves as
    ``scheming_dataset_schema_show``."""
    raw = _load(schema_file(SCHEMA_FILE))
    return {key: [_expanded(f) for f in value] if key in ("dataset_fields", "resource_fields") else value
            for key, value in raw.items()}


@functools.lru_cache(maxsize=None)
def json_schema() -> dict:
    with open(schema_file(JSON_SCHEMA_FILE), encoding="utf-8") as f:
        return json.load(f)


def iter_fields(kind: str = "dataset") -> Iterable[dict]:
    return iter(scheming_schema()[f"{kind}_fields"])


def field_names(kind: str = "dataset") -> list[str]:
    return [f["field_name"] for f in iter_fields(kind)]


def recommended_fields(kind: str = "dataset") -> list[str]:
    return [f["field_name"] for f in iter_fields(kind) if f.get("required") or f.get("wards_recommended")]


def is_empty(value: Any) -> bool:
    """No value: ``lists.is_blank`` (None, blank text, an empty list, a dict of blanks) or
    ``[]``, the JSON text scheming stores for an empty multiple field."""
    return is_blank(value) or value == "[]"


# --- resources ---------------------------------------------------------------------------

# Resource keys CKAN sets itself, or that the form posts under its own controls: not carried.
_RESOURCE_KEYS_NOT_CARRIED = frozenset({
    "id", "package_id", "position", "created", "metadata_modified", "state", "url_type",
    "datastore_active", "tracking_summary", "extras", "upload", "clear_upload", "save", "_csrf_token"})


def carried_resource_fields(data: Any, fields: Any) -> list[tuple[str, str]]:
    """The resource's keys the form has no field for, as ``(name, text)`` for hidden inputs.
    CKAN's resource_update replaces a resource with what the form posts, so without them an
    unchanged save deleted migrate's ``wards_unmapped_*`` and a portal's own keys (issue 16,
    item 1). Text values only: a form posts text, and a number would come back a string."""
    shown = {field.get("field_name") for field in fields or ()}
    return [(key, value) for key, value in (data or {}).items()
            if isinstance(key, str) and isinstance(value, str) and value
            and key not in shown and key not in _RESOURCE_KEYS_NOT_CARRIED]


def parked_statement(data: Any, field_name: str) -> Optional[str]:
    """The value parked as ``wards_unmapped_<field_name>`` for a dataset that stores none
    under ``field_name`` (the form's data: extras as a list or a dict); None otherwise."""
    if not isinstance(data, dict):
        return None
    own = data.get(field_name)
    if not is_blank(own) and own != KEEP_PARKED:
        return None
    value = extras_dict(data).get(UNMAPPED_PREFIX + field_name)
    return None if is_blank(value) else str(value).strip()
