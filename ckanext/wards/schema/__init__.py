"""The shared-vocabulary schema: single values (``normalise``), the scheming schema and its
field lists (``dataset``), the bulk import (``importer``) and ``ckan wards migrate``
(``migrate``). The vocabularies are ``ckanext.wards.vocab``; the CKAN validators that wrap
the normalisers for ``schemas/wards_dataset.yaml`` are ``ckanext.wards.logic.validators``.

This ``__init__`` re-exports the names of ``normalise`` and ``dataset`` for
``from ckanext.wards import schema`` callers, and the functions behind the schema's template helpers (registered in
``ckanext.wards.helpers``). Modules inside the package import their siblings by submodule path."""
from __future__ import annotations

from typing import Any

from ckanext.wards.schema.dataset import (  # noqa: F401 (re-exported)
    JSON_SCHEMA_FILE, SCHEMA_FILE, carried_resource_fields, field_names, is_empty, iter_fields,
    json_schema, recommended_fields, scheming_schema)
from ckanext.wards.schema.normalise import (  # noqa: F401 (re-exported)
    MAX_BYTE_SIZE, SchemaValueError, normalise_bool, normalise_byte_size, normalise_media_type,
    normalise_url, parse_date)
from ckanext.wards.lib.language import page_language
from ckanext.wards.vocab.loader import choices
from ckanext.wards.vocab.wards import ward_for


def validators() -> dict[str, Any]:
    """The CKAN validators of the schema (``ckanext.wards.logic.validators``)."""
    from ckanext.wards.logic import validators as ckan_validators
    return ckan_validators.validators()


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
    return ward["name_ja"] if page_language() == "ja" else ward["name_en_conventional"]

