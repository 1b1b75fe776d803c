"""Our licence vocabulary (``schemas/vocab/licenses.yaml``): its entries, and the same
licences in CKAN's licence register.

``license_id`` holds our canonical ids (PDL-1.0, GOJ-STD-2.0 ...). CKAN takes a dataset's
``license_title``, ``license_url`` and ``isopen`` from its register
(``model.Package.get_license_register()``), so the register must know them: each
vocabulary entry is added the way CKAN builds its default licences, as a
``DefaultLicense`` whose title is read when used and so follows the request's language.
"""
from __future__ import annotations

from typing import Any, Optional

import flask

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import i18n
from ckan.model.license import DefaultLicense, License

from ckanext.wards.vocab.loader import vocabulary


def licence(licence_id: str) -> Optional[dict]:
    """The vocabulary entry of a canonical licence id (``open``, ``known``, ``url`` ...), or None."""
    for entry in vocabulary("licenses"):
        if entry["id"] == licence_id:
            return entry
    return None


class VocabularyLicence(DefaultLicense):
    """A licence of our vocabulary, shaped like CKAN's default licences."""

    def __init__(self, entry: dict[str, Any]):
        super().__init__()
        self.id = str(entry["id"])
        self.url = entry.get("url") or ""
        # CKAN's isopen() is "Open Definition conformance approved"; `open` means just that.
        self.od_conformance = "approved" if entry.get("open") else "not reviewed"
        self._labels = entry["label"]

    @property
    def title(self) -> str:
        # Every entry has ja and en labels; other languages read English.
        return self._labels.get(_request_language()) or self._labels["en"]


def _request_language() -> Optional[str]:
    # Outside a request (CLI, background jobs) the portal's default language.
    if flask.has_request_context():
        return i18n.get_lang()
    return tk.config.get("ckan.locale_default")


def add_to_register(register) -> list[str]:
    """Add every vocabulary licence the register lacks; returns the ids added.

    Ids already there (CKAN's, or the operator's ``licenses_group_url``) are left alone,
    and calling it again adds nothing."""
    known = set(register.keys())
    added = [VocabularyLicence(entry) for entry in vocabulary("licenses")
             if str(entry["id"]) not in known]
    register.licenses.extend(License(licence) for licence in added)
    return [licence.id for licence in added]


def register_vocabulary() -> list[str]:
    """Add our licences to the register CKAN's datasets use."""
    return add_to_register(model.Package.get_license_register())


def licence_fields(licence_id: Optional[str]) -> dict[str, Any]:
    """``license_title``, ``license_url`` and ``isopen`` as CKAN's package_dictize gives
    them, for code that builds dataset dicts without it (the demo's bulk indexing)."""
    licence = model.Package.get_license_register().get(licence_id or "")
    if licence is None:
        return {"license_title": licence_id, "isopen": False}
    fields = {"license_title": licence.title, "isopen": licence.isopen()}
    if licence.url:
        fields["license_url"] = licence.url
    return fields


def refresh_licence_title(pkg_dict: dict[str, Any]) -> None:
    """Give ``pkg_dict`` its licence title in the request's language.

    package_show and package_search answer from the search index, where a translatable
    title (ours, CKAN's defaults) was written in the language of the request that indexed
    the dataset. Other titles are the same in every language and stay as they are."""
    if "license_title" not in pkg_dict:  # e.g. package_search with `fl`
        return
    licence = model.Package.get_license_register().get(pkg_dict.get("license_id") or "")
    # A register License wraps its source in `_data`; DefaultLicense titles are translatable.
    if licence is not None and isinstance(licence._data, DefaultLicense):
        pkg_dict["license_title"] = licence.title
