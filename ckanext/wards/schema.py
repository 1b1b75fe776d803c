"""The shared-vocabulary schema: vocabularies, input normalisation and CKAN validators.

Two layers:

* plain functions (``parse_date``, ``lg_code_error``, ``normalise_term`` ...) that take a
  value and return the normalised value or raise ``ValueError`` with an English
  message id; the JSON Schema import path and ``migrate`` use them directly;
* CKAN validators (``VALIDATORS``) wrapping them for the scheming schema
  (``schemas/wards_dataset.yaml``); they translate the message at request time, so the
  API and the form answer in the request's language.

Vocabularies are the YAML files in ``schemas/vocab/``; the standard dataset ids come
from ``ckanext.wards.standards`` (``schemas/standard-datasets/``).
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import re
import unicodedata
from typing import Any, Iterable, NamedTuple, Optional
from urllib.parse import urlsplit

import yaml

from ckanext.wards.paths import schema_file

SCHEMA_FILE = "wards_dataset.yaml"
JSON_SCHEMA_FILE = "dataset.schema.json"

# vocabulary name -> file under schemas/vocab/ (top-level key = the name)
VOCABULARIES = ("themes", "frequencies", "licenses", "languages", "encodings")
STANDARDS = "standards"  # served by ckanext.wards.standards, not by a vocab file


class SchemaValueError(ValueError):
    """A value the schema rejects: ``message`` is an English msgid, ``params`` fill it."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def translated(self, gettext) -> str:
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text


# --- text folding -----------------------------------------------------------------

def fold(value: Any) -> str:
    """Comparison key: NFKC (full-width → half-width), trimmed, one space, case-folded."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", text).casefold()


def nfkc(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


# --- vocabularies -----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def vocabulary_file(name: str) -> dict:
    """All of ``schemas/vocab/<name>.yaml``: the entries under ``name`` and any setting
    beside them (the frequencies' ``freshness_grace``)."""
    if name not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {name!r}")
    with open(schema_file("vocab", f"{name}.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def vocabulary(name: str) -> tuple[dict, ...]:
    """Entries ``{id, label: {ja, en}, aliases?, ...}`` of ``schemas/vocab/<name>.yaml``."""
    if name == STANDARDS:
        return tuple(_standard_entries())
    return tuple(vocabulary_file(name)[name])


def _standard_entries() -> list[dict]:
    # Lazy: the standards module is another concern and may be reloaded in tests.
    from ckanext.wards.conformance import standards
    return [
        {"id": s["id"], "label": {"ja": f"{s['number']} {s['name_ja']}",
                                  "en": f"{s['number']} {s['name_en']}"}}
        for s in standards.list_standards()
    ]


def vocabulary_ids(name: str) -> list[str]:
    return [str(e["id"]) for e in vocabulary(name)]


@functools.lru_cache(maxsize=None)
def term_lookup(name: str) -> dict[str, dict]:
    """Folded id / label / alias → vocabulary entry (the first entry wins on clashes)."""
    table: dict[str, dict] = {}
    for entry in vocabulary(name):
        keys = [entry["id"], *(entry.get("label") or {}).values(), *(entry.get("aliases") or [])]
        for key in keys:
            table.setdefault(fold(key), entry)
    return table


def normalise_term(name: str, value: Any) -> str:
    """The canonical id of ``value`` in vocabulary ``name``; SchemaValueError if unknown."""
    if name == STANDARDS:
        from ckanext.wards.conformance import standards
        found = standards.get_standard(str(value))
        if found:
            return found["id"]
    else:
        found = term_lookup(name).get(fold(value))
        if found:
            return str(found["id"])
    raise SchemaValueError(_UNKNOWN_TERM[name], value=value)


# English msgids (translated in i18n/ja); one per vocabulary so Japanese reads naturally.
_UNKNOWN_TERM = {
    "themes": "Unknown theme: {value}",
    "frequencies": "Unknown update frequency: {value}",
    "licenses": "Unknown licence: {value}. Use one of the licences in the list (e.g. CC-BY-4.0, PDL-1.0)",
    "languages": "Unknown language: {value}. Use an ISO 639-1 code such as ja or en",
    "encodings": "Unknown character encoding: {value}. Use e.g. UTF-8 or Shift_JIS",
    STANDARDS: "Unknown standard dataset: {value}",
}


def normalise_terms(name: str, value: Any) -> list[str]:
    """A list of canonical ids from a list, a JSON list or a comma-separated string.

    Every unknown value is reported in one SchemaValueError."""
    items = as_list(value)
    out, unknown = [], []
    for item in items:
        try:
            terms = [normalise_term(name, item)]
        except SchemaValueError:
            terms = _compound_terms(name, item)
            if not terms:
                unknown.append(str(item))
                continue
        out += [term for term in terms if term not in out]
    if unknown:
        raise SchemaValueError(_UNKNOWN_TERM[name], value=", ".join(unknown))
    return out


def _compound_terms(name: str, value: Any) -> list[str]:
    """The terms of a compound label (子育て・教育 → SOCI, EDUC) split on the vocabulary's
    ``part_separators``; [] unless every part is a term."""
    separators = vocabulary_file(name).get("part_separators") if name in VOCABULARIES else None
    if not separators:
        return []
    parts = [p for p in re.split("[" + re.escape(separators) + "]", nfkc(value)) if p.strip()]
    if len(parts) < 2:
        return []
    try:
        return list(dict.fromkeys(normalise_term(name, part) for part in parts))
    except SchemaValueError:
        return []


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(text) if str(v).strip()]
        except ValueError:
            pass
    return [part.strip() for part in re.split(r"[,、，;；]", text) if part.strip()]


def choices(name: str) -> list[dict]:
    """``[{"value", "label": {ja, en}}]`` for scheming's select/checkbox snippets."""
    return [{"value": str(e["id"]), "label": dict(e.get("label") or {"en": e["id"]})}
            for e in vocabulary(name)]


def licence(licence_id: str) -> Optional[dict]:
    for entry in vocabulary("licenses"):
        if entry["id"] == licence_id:
            return entry
    return None


# --- 全国地方公共団体コード (JIS X 0402 + check digit) ------------------------------

_CHECK_WEIGHTS = (6, 5, 4, 3, 2)


def lg_check_digit(first_five: str) -> int:
    """Check digit of a 5-digit local government code: 11 − (Σ dᵢ·wᵢ mod 11), last digit."""
    total = sum(int(d) * w for d, w in zip(first_five, _CHECK_WEIGHTS))
    return (11 - total % 11) % 10


def is_lg_code_shape(code: Any) -> bool:
    """Six ASCII digits (``\\d`` would let ١٣١٠١٦ through, which no other check accepts)."""
    return isinstance(code, str) and re.fullmatch(r"[0-9]{6}", code) is not None


def lg_code_ok(code: Any) -> bool:
    """The one check of a 6-digit 全国地方公共団体コード: ASCII digits, last one its check digit."""
    return is_lg_code_shape(code) and lg_check_digit(code[:5]) == int(code[5])


def normalise_lg_code(value: Any) -> str:
    """A valid 6-digit code (full-width digits folded to ASCII by NFKC) or SchemaValueError."""
    code = nfkc(value).replace("-", "")
    if not is_lg_code_shape(code):
        raise SchemaValueError(
            "{value} is not a local government code: it must be 6 digits (e.g. 131016)", value=value)
    expected = lg_check_digit(code[:5])
    if not lg_code_ok(code):
        raise SchemaValueError(
            "{value} is not a valid local government code: the check digit should be {digit}",
            value=value, digit=expected)
    return code


@functools.lru_cache(maxsize=None)
def wards() -> tuple[dict, ...]:
    """The 23 special wards (``schemas/wards.csv``)."""
    with open(schema_file("wards.csv"), encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def ward_for(value: Any) -> Optional[dict]:
    """The ward matching a code, slug, name (ja/en) or Tokyo catalogue org id, if any."""
    key = fold(value)
    for ward in wards():
        names = (ward["lg_code"], ward["lg_code_5"], ward["slug"], ward["name_ja"], ward["name_romaji"],
                 ward["name_en_conventional"], ward["tokyo_catalog_org_id"])
        if key in {fold(n) for n in names if n}:
            return ward
    return None


# --- dates: ISO 8601 and Japanese eras --------------------------------------------

class Era(NamedTuple):
    name: str                # 令和
    letter: str              # R
    start: dt.date           # its first day
    end: Optional[dt.date]   # the next era's first day; None for the current era


class OutsideEraError(ValueError):
    """A day that exists but not in the era it is written in (平成31年5月1日)."""

    def __init__(self, era: Era):
        super().__init__(f"outside the {era.name} era")
        self.era = era


@functools.lru_cache(maxsize=None)
def eras() -> dict[str, Era]:
    """Each era under its name and its initial (``令和`` and ``R``)."""
    # Kept with the file checker's value types, which read dates in cells, so the metadata
    # validators and the checker convert eras with one table.
    with open(schema_file("standard-datasets", "_types.yaml"), encoding="utf-8") as f:
        rows = sorted(yaml.safe_load(f)["eras"], key=lambda row: row["start"])
    ends = [row["start"] for row in rows[1:]] + [None]
    by_key = {}
    for row, end in zip(rows, ends):
        era = Era(row["name"], row["letter"], row["start"], end)
        by_key[era.name] = by_key[era.letter] = era
    return by_key


@functools.lru_cache(maxsize=None)
def _full_date_re() -> re.Pattern:
    era_keys = "|".join(map(re.escape, eras()))
    return re.compile(
        rf"^(?:(?P<era>{era_keys})\s*(?P<era_year>元|\d{{1,2}})|(?P<year>\d{{4}}))\s*(?:年|[./-])\s*"
        r"(?P<month>\d{1,2})\s*(?:月|[./-])\s*(?P<day>\d{1,2})\s*日?$", re.IGNORECASE)


def read_full_date(text: str) -> Optional[dt.date]:
    """The day written in NFKC-normalised ``text`` as ``令和6年4月1日``, ``R6.4.1``, ``r06.04.01``,
    ``令和元年5月1日`` (元年 = year 1), ``2024/4/1`` or ``2024年4月1日``; ``None`` when
    ``text`` is not written so. Raises ``OutsideEraError`` for a day outside its era and
    ``ValueError`` for a day that does not exist (2月30日, 令和0年)."""
    match = _full_date_re().match(text)
    if not match:
        return None
    month, day = int(match["month"]), int(match["day"])
    if match["year"]:
        return dt.date(int(match["year"]), month, day)
    era = eras()[match["era"].upper()]
    year_in_era = 1 if match["era_year"] == "元" else int(match["era_year"])
    if year_in_era < 1:
        raise ValueError(f"{era.name} has no year 0")
    date = dt.date(era.start.year + year_in_era - 1, month, day)
    if date < era.start or (era.end and date >= era.end):
        raise OutsideEraError(era)
    return date


@functools.lru_cache(maxsize=None)
def _fiscal_year_re() -> re.Pattern:
    era_keys = "|".join(map(re.escape, eras()))
    return re.compile(rf"^(?:(?P<era>{era_keys})\s*(?P<era_year>元|\d{{1,2}})|(?P<year>\d{{4}}))\s*年度$",
                      re.IGNORECASE)


def fiscal_year(value: Any) -> Optional[tuple[str, str]]:
    """(first day, last day) of a Japanese fiscal year written ``令和5年度``, ``R5年度`` or
    ``2023年度`` (1 April to 31 March); None when ``value`` is not written so."""
    match = _fiscal_year_re().match(nfkc(value))
    if not match:
        return None
    if match["year"]:
        year = int(match["year"])
    else:
        era = eras()[match["era"].upper()]
        year = era.start.year + (1 if match["era_year"] == "元" else int(match["era_year"])) - 1
    return dt.date(year, 4, 1).isoformat(), dt.date(year + 1, 3, 31).isoformat()


_YEAR_MONTH_RE = re.compile(r"^(?P<year>\d{4})(?:\s*(?:年|[./-])\s*(?P<month>\d{1,2})\s*月?)?$")


def parse_date(value: Any) -> str:
    """ISO 8601 text for a date given as ISO, ``2024/4/1``, ``2024年4月1日``, ``令和6年4月1日``,
    ``R6.4.1``, ``令和元年5月1日`` (full-width digits too). Full timestamps are kept
    (normalised by ``datetime.fromisoformat``); ``2024`` and ``2024-04`` stay as they are."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = nfkc(value)
    if not text:
        raise SchemaValueError("A date is required")
    try:
        date = read_full_date(text)
    except OutsideEraError as error:
        raise SchemaValueError("{value} is outside the {era} era", value=value, era=error.era.name) from None
    except ValueError:
        raise _bad_date(value) from None
    if date:
        return date.isoformat()
    match = _YEAR_MONTH_RE.match(text)
    if match:
        if match["month"] is None:
            return match["year"]
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _bad_date(value)
        return f"{match['year']}-{month:02d}"
    if "T" in text or " " in text:
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    raise _bad_date(value)


def _bad_date(value: Any) -> SchemaValueError:
    return SchemaValueError(
        "{value} is not a date: use YYYY-MM-DD (e.g. 2024-04-01) or a Japanese era date "
        "(e.g. 令和6年4月1日)", value=value)


# --- other single values ----------------------------------------------------------

def normalise_url(value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise SchemaValueError("{value} is not a web address: it must start with http:// or https://",
                               value=value)
    return text


RESOURCE_URL_SCHEMES = ("http", "https", "ftp")


def resource_url(key, data, errors, context):
    """A resource's URL is an http, https or ftp address (never ``javascript:`` or
    ``data:``, which would be published as dcat:accessURL), or the name of a CKAN upload."""
    import ckan.plugins.toolkit as tk
    value = data.get(key)
    if not isinstance(value, str) or not value or data.get(key[:-1] + ("url_type",)) == "upload":
        return
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in RESOURCE_URL_SCHEMES or not parts.hostname:
        errors[key].append(tk._(
            "{value} is not a resource address: use an http://, https:// or ftp:// URL, or upload "
            "the file").format(value=value[:100]))


# CKAN stores a resource's size as a PostgreSQL bigint: a larger number is a 500 and a broken session
MAX_BYTE_SIZE = 2**63 - 1


def normalise_byte_size(value: Any) -> int:
    text = nfkc(value).replace(",", "")
    if not re.fullmatch(r"[0-9]+", text):
        raise SchemaValueError("{value} is not a size in bytes: use a whole number (e.g. 2048)", value=value)
    if int(text) > MAX_BYTE_SIZE:
        raise SchemaValueError("{value} is too large for a size in bytes (at most {max})",
                               value=value, max=MAX_BYTE_SIZE)
    return int(text)


def normalise_media_type(value: Any) -> str:
    text = nfkc(value).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?", text):
        raise SchemaValueError("{value} is not a media type: use type/subtype (e.g. text/csv)", value=value)
    return text


_TRUE = {"true", "yes", "1", "on", "はい", "有", "あり", "api"}
_FALSE = {"false", "no", "0", "off", "いいえ", "無", "なし", ""}


def normalise_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise SchemaValueError("{value} is not yes or no", value=value)


# --- CKAN validators --------------------------------------------------------------

def _ckan_validator(normalise):
    """A CKAN validator (value → value) from a normaliser; empty values pass through."""
    def validator(value, context):
        import ckan.plugins.toolkit as tk
        if value is None or value == "" or value is tk.missing:
            return value
        try:
            return normalise(value)
        except SchemaValueError as e:
            raise tk.Invalid(e.translated(tk._)) from None
    validator.__name__ = f"wards_{normalise.__name__}"
    return validator


def licence_validator(value, context):
    """A licence of the vocabulary, stored as its canonical id; a dataset's stored
    ``license_id`` sent back unchanged (CKAN's ``cc-by`` on an existing dataset, through an
    unchanged form save) is kept as it is: ``migrate`` rewrites ids, keeping the original."""
    from ckanext.wards.migrate import CONTEXT_FLAG  # migrate rewrites ids, keeping the original
    package = context.get("package")
    if package is not None and value and value == getattr(package, "license_id", None) \
            and not context.get(CONTEXT_FLAG):
        return value
    return _normalise_licence(value, context)


_normalise_licence = _ckan_validator(lambda v: normalise_term("licenses", v))


def vocabulary_validator(field, schema):
    """Scheming validator: the value(s) of ``field['wards_vocabulary']``, stored as ids.

    Multiple fields (``wards_multiple: true``) are stored as a JSON list, like scheming's
    own ``scheming_multiple_choice``, and read back by ``scheming_multiple_choice_output``."""
    import ckan.plugins.toolkit as tk
    name = field["wards_vocabulary"]
    multiple = bool(field.get("wards_multiple"))

    def validator(key, data, errors, context):
        value = data.get(key)
        if value is tk.missing or value is None:
            return
        if value == "" or value == [] or value == "[]":
            data[key] = "[]" if multiple else ""
            return
        try:
            if multiple:
                terms = normalise_terms(name, value)
                stored = _stored_list(context, key)
                # a form lists boxes in vocabulary order: the same terms keep their order
                data[key] = json.dumps(stored if sorted(stored) == sorted(terms) else terms,
                                       ensure_ascii=False)
            else:
                data[key] = normalise_term(name, value)
        except SchemaValueError as e:
            errors[key].append(e.translated(tk._))
    return validator


vocabulary_validator.is_a_scheming_validator = True


def _stored_list(context, key) -> list[str]:
    """The list the dataset being updated stores under a top-level field (else [])."""
    package = context.get("package")
    if package is None or len(key) != 1:
        return []
    try:
        return as_list(package.extras.get(key[0]))
    except Exception:  # not a dataset (a resource, a group): no stored order to keep
        return []


def default_publisher_code(key, data, errors, context):
    """An empty ``publisher_code`` takes ``ckanext.wards.ward_code`` (this portal's ward)
    when the dataset's organisation belongs to that ward (``organizations.ward_of``: with
    ``ckanext.wards.ward_organizations`` set, a guest organisation does not)."""
    import ckan.plugins.toolkit as tk
    from ckanext.wards.vocab import organizations
    value = data.get(key)
    if value is tk.missing or value is None or str(value).strip() == "":
        configured = organizations.portal_ward_code()
        ward = organizations.ward_of({"id": _owner_org_id(data.get(key[:-1] + ("owner_org",)))}) if configured else None
        if ward and ward["lg_code"] == configured:
            data[key] = configured


def _owner_org_id(value: Any) -> Optional[str]:
    """The id of an ``owner_org`` given by id or name (None if there is none)."""
    import ckan.model as model
    if not isinstance(value, str) or not value:
        return None
    group = model.Group.get(value)
    return group.id if group else None


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def empty_is_none(key, data, errors, context):
    """An empty input is a missing value: ``None`` in a table column, never ``''``.

    Without it an empty byte size reached PostgreSQL as ``''`` (a 500 that also broke the
    session), and an unchanged form save turned ``None`` into ``''``. Fields kept as
    extras use ``ignore_blank`` instead, which leaves the key out."""
    value = data.get(key)
    if value is None or _blank(value):
        from ckan.lib.navl.dictization_functions import StopOnError
        data[key] = None  # kept (ignore_missing would drop the key and leave the old value)
        raise StopOnError


def ignore_blank(key, data, errors, context):
    """CKAN's ``ignore_empty`` that also takes whitespace for empty: no value, no key."""
    if _blank(data.get(key)):
        data.pop(key, None)
    from ckan.lib.navl.validators import ignore_empty
    ignore_empty(key, data, errors, context)


def temporal_order(key, data, errors, context):
    """Schema-level check: each temporal_coverage period ends on or after its start."""
    import ckan.plugins.toolkit as tk
    index = 0
    while ("temporal_coverage", index, "start") in data or ("temporal_coverage", index, "end") in data:
        start = data.get(("temporal_coverage", index, "start"))
        end = data.get(("temporal_coverage", index, "end"))
        if isinstance(start, str) and isinstance(end, str) and start and end and end < start:
            errors.setdefault(("temporal_coverage", index, "end"), []).append(
                tk._("The end date {end} is before the start date {start}").format(end=end, start=start))
        index += 1


def validators() -> dict[str, Any]:
    return {
        "wards_lg_code": _ckan_validator(normalise_lg_code),
        "wards_date": _ckan_validator(parse_date),
        "wards_license": licence_validator,
        "wards_url": _ckan_validator(normalise_url),
        "wards_resource_url": resource_url,
        "wards_byte_size": _ckan_validator(normalise_byte_size),
        "wards_media_type": _ckan_validator(normalise_media_type),
        "wards_bool": _ckan_validator(normalise_bool),
        "wards_vocabulary": vocabulary_validator,
        "wards_default_publisher_code": default_publisher_code,
        "wards_empty_is_none": empty_is_none,
        "wards_ignore_blank": ignore_blank,
        "wards_temporal_order": temporal_order,
    }


# --- template helpers -------------------------------------------------------------

def choices_helper(field: dict) -> list[dict]:
    """``choices_helper: wards_choices`` in the schema; the vocabulary is the field's
    ``wards_vocabulary``."""
    return choices(field["wards_vocabulary"])


def ward_name(code: Any) -> str:
    """The ward's name in the page's language (``千代田区`` / ``Chiyoda City``), or ''."""
    ward = ward_for(code) if code else None
    if not ward:
        return ""
    from ckan.lib.helpers import lang
    return ward["name_ja"] if lang() == "ja" else ward["name_en_conventional"]


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


# --- the scheming schema as data (for the JSON Schema test, migrate and import) ----

@functools.lru_cache(maxsize=None)
def scheming_schema() -> dict:
    with open(schema_file(SCHEMA_FILE), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def json_schema() -> dict:
    with open(schema_file(JSON_SCHEMA_FILE), encoding="utf-8") as f:
        return json.load(f)


def field_names(kind: str = "dataset") -> list[str]:
    return [f["field_name"] for f in scheming_schema()[f"{kind}_fields"]]


def recommended_fields(kind: str = "dataset") -> list[str]:
    return [f["field_name"] for f in scheming_schema()[f"{kind}_fields"]
            if f.get("required") or f.get("wards_recommended")]


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == "[]" or value == {}


def iter_fields(kind: str = "dataset") -> Iterable[dict]:
    return iter(scheming_schema()[f"{kind}_fields"])
