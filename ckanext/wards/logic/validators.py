"""The CKAN validators of the shared-vocabulary schema (``schemas/wards_dataset.yaml``), as
ckanext-scheming keeps its own in ``validation.py``: each wraps a normaliser of
``ckanext.wards.schema.normalise`` or ``ckanext.wards.vocab`` and translates its message at
request time, so the API and the form answer in the request's language. ``validators()`` is
what the wards_schema plugin registers (IValidators)."""
from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.lib.lists import is_blank
from ckanext.wards.schema import normalise
from ckanext.wards.schema.dataset import KEEP_PARKED
from ckanext.wards.vocab.loader import normalise_term, normalise_terms, term_items
from ckanext.wards.vocab.wards import normalise_lg_code


def _ckan_validator(normalise_value):
    """A CKAN validator (value → value) from a normaliser; empty values pass through."""
    def validator(value, context):
        if value is None or value == "" or value is tk.missing:
            return value
        try:
            return normalise_value(value)
        except SchemaValueError as e:
            raise tk.Invalid(e.translated(tk._)) from None
    validator.__name__ = f"wards_{normalise_value.__name__}"
    return validator


def licence_validator(value, context):
    """A licence of the vocabulary, stored as its canonical id; a dataset's stored
    ``license_id`` sent back unchanged (CKAN's ``cc-by`` on an existing dataset, through an
    unchanged form save) is kept as it is: ``migrate`` rewrites ids, keeping the original."""
    from ckanext.wards.schema.migrate import CONTEXT_FLAG  # migrate rewrites ids, keeping the original
    package = context.get("package")
    if package is not None and value and value == getattr(package, "license_id", None) \
            and not context.get(CONTEXT_FLAG):
        return value
    return _normalise_licence(value, context)


def _licence(value: Any) -> str:
    return normalise_term("licenses", value)


_normalise_licence = _ckan_validator(_licence)


def vocabulary_validator(field, schema):
    """Scheming validator: the value(s) of ``field['wards_vocabulary']``, stored as ids.

    Multiple fields (``wards_multiple: true``) are stored as a JSON list, like scheming's
    own ``scheming_multiple_choice``, and read back by ``scheming_multiple_choice_output``."""
    name = field["wards_vocabulary"]
    multiple = bool(field.get("wards_multiple"))

    def validator(key, data, errors, context):
        value = data.get(key)
        if value is tk.missing or value is None:
            return
        if value == KEEP_PARKED:
            # "keep the current statement" (wards_select.html): store nothing, so the
            # statement parked as wards_unmapped_<field> stays the dataset's (stop before
            # scheming's convert_to_extras, which reads the key)
            from ckan.lib.navl.dictization_functions import StopOnError
            data.pop(key, None)
            raise StopOnError
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
        return term_items(package.extras.get(key[0]))
    except Exception:  # not a dataset (a resource, a group): no stored order to keep
        return []


RESOURCE_URL_SCHEMES = ("http", "https", "ftp")


def resource_url(key, data, errors, context):
    """A resource's URL is an http, https or ftp address (never ``javascript:`` or
    ``data:``, which would be published as dcat:accessURL), or the name of a CKAN upload."""
    value = data.get(key)
    if not isinstance(value, str) or not value or data.get(key[:-1] + ("url_type",)) == "upload":
        return
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in RESOURCE_URL_SCHEMES or not parts.hostname:
        errors[key].append(tk._(
            "{value} is not a resource address: use an http://, https:// or ftp:// URL, or upload "
            "the file").format(value=value[:100]))


def default_publisher_code(key, data, errors, context):
    """An empty ``publisher_code`` takes ``ckanext.wards.ward_code`` (this portal's ward)
    when the dataset's organisation belongs to that ward (``organizations.ward_of``: with
    ``ckanext.wards.ward_organizations`` set, a guest organisation does not)."""
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
    return isinstance(value, str) and is_blank(value)


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
        "wards_date": _ckan_validator(normalise.parse_date),
        "wards_license": licence_validator,
        "wards_url": _ckan_validator(normalise.normalise_url),
        "wards_resource_url": resource_url,
        "wards_byte_size": _ckan_validator(normalise.normalise_byte_size),
        "wards_media_type": _ckan_validator(normalise.normalise_media_type),
        "wards_bool": _ckan_validator(normalise.normalise_bool),
        "wards_vocabulary": vocabulary_validator,
        "wards_default_publisher_code": default_publisher_code,
        "wards_empty_is_none": empty_is_none,
        "wards_ignore_blank": ignore_blank,
        "wards_temporal_order": temporal_order,
    }
