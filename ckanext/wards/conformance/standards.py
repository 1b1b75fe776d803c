"""The national standard dataset definitions (自治体標準オープンデータセット).

Data lives in ``schemas/standard-datasets/<id>.yaml``, one file per standard, generated
from the shared reference by ``schemas/standard-datasets/build_from_reference.py``.

Id scheme (stable; stored in datasets' and resources' ``conforms_to``):
``<two-digit 自治体標準 number>_<english file slug>``, e.g. ``13_public_toilet``,
``06_open_data_list``. The slug is the one seen in published file names
(``131075_public_toilet.csv``) where it was observed; for the few entries without an
observed slug it is ours (``file_slug_observed: false``). The number alone is unique, so
``get_standard`` also accepts ``"13"``, ``"A-13"`` and the slug. The definition book
letter is not part of the id because the C/D split of 23-31 is unverified.

Each standard has up to two column layouts:

* ``current``: the 正式版 (Digital Agency) layout, with the reference's confidence as
  ``status``: ``verified`` (exact list), ``partial`` (only some columns known) or absent
  when nothing is known (``unverified`` standards).
* ``legacy``: the older 推奨データセット 基本編 layout, exact (``verified``).

Only ``verified`` layouts are enforced as exact (missing/unknown columns); of the others,
only the types of the columns we know are checked.

``source`` is the Digital Agency's page of the definitions; it publishes no IRI per
standard, so ``dct:conformsTo`` names the portal's own page of each
(``dcat.uris.standard_uri``: ``<site>/wards/standards/<id>``, served by ``views/standards.py``).
"""
from __future__ import annotations

import functools

import yaml

from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_texts
from ckanext.wards.lib.text import nfkc
from ckanext.wards.paths import schema_file

FOLDER = "standard-datasets"
VERIFIED = "verified"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when built


@functools.lru_cache(maxsize=None)
def _load_all() -> dict[str, dict]:
    standards = {}
    for path in sorted(schema_file(FOLDER).glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        doc["number"] = str(doc["number"]).zfill(2)
        if doc.get("legacy_no") is not None:
            doc["legacy_no"] = str(doc["legacy_no"]).zfill(2)
        standards[doc["id"]] = doc
    return standards


def list_standards() -> list[dict]:
    """Every standard (all statuses), ordered by number, without the column lists."""
    return [
        {key: value for key, value in std.items() if key != "layouts"}
        | {"layouts": {name: layout["status"] for name, layout in std["layouts"].items()}}
        for std in _load_all().values()
    ]


def standard_ids() -> list[str]:
    return list(_load_all())


def choices(lang: str = "ja") -> list[dict]:
    """``[{"value", "label"}]`` for a scheming ``choices_helper`` (label in ``lang``)."""
    out = []
    for std in _load_all().values():
        name = std["name_ja"] if lang == "ja" else std["name_en"]
        out.append({"value": std["id"], "label": f"{std['number']} {name}"})
    return out


def get_standard(standard_id: str) -> dict | None:
    """A standard by id, number (``13``, ``A-13``), slug or IRI (a portal's
    ``.../wards/standards/<id>``, or the older ``...#<id>`` and ``.../standard/<id>``);
    ``None`` when unknown."""
    if not standard_id:
        return None
    key = nfkc(standard_id)
    standards = _load_all()
    if key in standards:
        return standards[key]
    if key.startswith("http"):  # an IRI names the id itself, never a number or a slug
        return standards.get(_iri_tail(key))
    bare = key
    number = bare.split("-")[-1].zfill(2) if bare[:1].isalpha() and "-" in bare else bare.zfill(2)
    for std in standards.values():
        if number == std["number"] or bare in (std["file_slug"], std["name_ja"]):
            return std
    return None


def _iri_tail(iri: str) -> str:
    """The fragment of an IRI, else its last path segment (no ``.ttl``/``.jsonld`` suffix)."""
    if "#" in iri:
        return iri.rsplit("#", 1)[1]
    last = iri.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[0] if last.endswith((".ttl", ".jsonld")) else last


def declared_standard(resource: dict, dataset: dict) -> str | None:
    """The first known standard of the resource's ``conforms_to``, then the dataset's (at
    the top level, else in its extras); else the first value given; None when none is.
    Each may be a list, JSON list text or text separated by , or 、 (``lib.lists``)."""
    candidates = as_texts(resource.get("conforms_to")) + as_texts(field(dataset, "conforms_to"))
    for candidate in candidates:
        std = get_standard(candidate)
        if std:
            return std["id"]
    return candidates[0] if candidates else None


def columns(standard_id: str, layout: str = "current") -> list[dict]:
    """The column definitions of one layout: name, order, required, type, aliases, ..."""
    std = get_standard(standard_id)
    if not std or layout not in std["layouts"]:
        return []
    return std["layouts"][layout]["columns"]


def is_enforced(layout: dict) -> bool:
    """Whether a layout's column list is exact (missing/unknown columns are defects)."""
    return layout.get("status") == VERIFIED


def normalise_header(name: str) -> str:
    """Header comparison key: NFKC (full-width ASCII, half-width kana) without spaces.

    Case is kept, unlike ``lib.text.fold``: the header patterns of the rules tell
    ``FY2024`` and ``R5年度`` (periods) from other words by their capitals."""
    return "".join(nfkc(name).split())


# Our column types as Frictionless Table Schema fields (for ckanext-validation users and
# the benchmark); the Japanese-specific checks (check digit, era dates) have no equivalent.
_TABLE_SCHEMA_FIELDS = {
    "lg_code": {"constraints": {"pattern": "[0-9]{6}"}},
    "digits": {"constraints": {"pattern": "[0-9]+"}},
    "postal_code": {"constraints": {"pattern": "[0-9]{7}"}},
    "latitude": {"type": "number", "constraints": {"minimum": -90, "maximum": 90}},
    "longitude": {"type": "number", "constraints": {"minimum": -180, "maximum": 180}},
    "number": {"type": "number"},
    "date": {"type": "date"},
    "time": {"constraints": {"pattern": "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"}},
    "flag": {"constraints": {"enum": ["有", "無"]}},
    "flag_1": {"constraints": {"enum": ["1"]}},
    "uri": {"format": "uri"},
    "email": {"format": "email"},
}


def table_schema(standard_id: str, layout: str = "current") -> dict:
    """A Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) of a layout."""
    fields = []
    for col in columns(standard_id, layout):
        extra = _TABLE_SCHEMA_FIELDS.get(col["type"], {})
        field = {"name": col["name"], "type": extra.get("type", "string"),
                 "constraints": dict(extra.get("constraints", {}))}
        if "format" in extra:
            field["format"] = extra["format"]
        if col["type"] == "enum":
            field["constraints"]["enum"] = list(col["enum"])
        if col.get("required"):
            field["constraints"]["required"] = True
        fields.append(field)
    return {"fields": fields}
