"""Every template helper of ckanext-wards (``h.wards_*``), registered with
``tk.blanket.helpers`` by the plugins whose templates use them (wards_schema, wards_scoring).

Each is a thin function over the code that knows the answer; the names are the ones the
templates and ``schemas/wards_dataset.yaml`` (``choices_helper: wards_choices``) call.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.wards import schema
from ckanext.wards.lib.language import page_language
from ckanext.wards.schema.dataset import KEEP_PARKED, parked_statement
from ckanext.wards.scoring import facets, methodology

__all__ = ["wards_choices", "wards_ward_name", "wards_carried_resource_fields", "wards_parked_statement",
           "wards_keep_parked",
           "wards_rating_label", "wards_machine_readable_label", "wards_dataset_score",
           "wards_plugin_loaded",
           "wards_methodology_anchor", "wards_methodology_link",
           "wards_display_title", "wards_display_notes", "get_translated",
           "dataset_display_name", "wards_portal_headline"]


# --- the dataset schema (wards_schema) ---

def wards_choices(field: dict) -> list[dict]:
    """The choices of a ``choices_helper: wards_choices`` field: its ``wards_vocabulary``."""
    return schema.choices_helper(field)


def wards_ward_name(code: Any) -> str:
    """The ward's name in the page's language (``千代田区`` / ``Chiyoda City``), or ''."""
    return schema.ward_name(code)


def wards_carried_resource_fields(data: Any, fields: Any) -> list[tuple[str, str]]:
    """The resource's keys the form has no field for, as hidden inputs."""
    return schema.carried_resource_fields(data, fields)


def wards_parked_statement(data: Any, field_name: str) -> str:
    """The statement migrate or the DCAT parse kept for a field the dataset stores no value
    of (``wards_unmapped_<field>``), or ''."""
    return parked_statement(data, field_name) or ""


def wards_keep_parked() -> str:
    """The value of a select's "keep the current statement" choice."""
    return KEEP_PARKED


# --- the scorecard (wards_scoring) ---

def wards_rating_label(band: str) -> str:
    """A rating band's label (``schemas/metrics.yaml``) in the page's language."""
    return facets.value_label("wards_rating", band, page_language())


def wards_machine_readable_label(level: str) -> str:
    """``strict`` / ``broad`` / ``no`` as the scorecard and the search facet say it."""
    return facets.value_label("wards_machine_readable", level, page_language())


def wards_dataset_score(package_id: str) -> dict[str, Any] | None:
    """The dataset page's score box (``scorecard.dataset_box``) from its stored score, or
    None when it was never scored. The page that calls it has already checked that the
    user may see the dataset, so a private dataset's score shows only to them."""
    from ckanext.wards.scoring import scorecard, store
    stored = store.dataset_score_row(package_id) if package_id else None
    return scorecard.dataset_box(stored, page_language()) if stored else None


# --- navigation (header.html, organization/read_base.html, package/read_base.html) ---

def wards_plugin_loaded(name: str) -> bool:
    """Whether a plugin is loaded: every wards plugin shares one template directory, so
    the overrides show a link only where its page is served. Templates ask
    ``'wards_plugin_loaded' in h`` first (wards_dcat alone registers no helper)."""
    import ckan.plugins as p
    return p.plugin_loaded(name)


# --- the methodology page (wards_compare serves it; every plugin's pages link to it) ---

def wards_methodology_anchor(kind: str, id: str = "") -> str:
    """The fragment id of a definition on ``/wards/methodology`` (``methodology_anchor``)."""
    return methodology.methodology_anchor(kind, id)


def wards_methodology_link(kind: str, id: str = "", title: str = "") -> dict[str, str]:
    """``href`` (the page, in the page's language, with the anchor) and ``title`` (a short
    definition from the data, else ``title``) of a definition; {} when the page is not
    served (wards_compare not loaded), so a column header shows no dead link."""
    from werkzeug.routing import BuildError
    try:
        page = tk.h.url_for("wards_methodology.methodology_page")
    except BuildError:
        return {}
    text = methodology.short_definition(kind, id, page_language()) or title
    return {"href": f"{page}#{methodology.methodology_anchor(kind, id)}", "title": text}


# --- the page's language: English title and description on /en/ ---

def _english_or_own(pkg: Any, field: str) -> str:
    """``field + '_en'`` on an English page where it is filled, else the field itself (the
    Japanese text is the record's own and the fallback)."""
    if not isinstance(pkg, dict):
        return getattr(pkg, field, "") or ""
    english = pkg.get(f"{field}_en")
    if english and page_language() == "en":
        return english
    return pkg.get(field) or ""


def wards_display_title(pkg: Any) -> str:
    """The dataset's title for this page: ``title_en`` on /en/ where given, else ``title``,
    else the URL name."""
    name = pkg.get("name", "") if isinstance(pkg, dict) else getattr(pkg, "name", "")
    return _english_or_own(pkg, "title") or name or ""


def wards_display_notes(pkg: Any) -> str:
    """The dataset's description for this page: ``notes_en`` on /en/ where given."""
    return _english_or_own(pkg, "notes")


@tk.chained_helper
def get_translated(next_helper, data_dict: dict, field: str) -> Any:
    """CKAN's ``get_translated`` (dataset page, breadcrumb, ``dataset_display_name``), with our
    ``title_en``/``notes_en`` fields read on /en/ before CKAN's own fallback."""
    if field in ("title", "notes") and isinstance(data_dict, dict) \
            and data_dict.get(f"{field}_en") and page_language() == "en":
        return data_dict[f"{field}_en"]
    return next_helper(data_dict, field)


@tk.chained_helper
def dataset_display_name(next_helper, package: Any) -> str:
    """CKAN's dataset heading and breadcrumb name: ``title_en`` on /en/ where given (CKAN's
    own calls its module ``get_translated`` directly, so that chain alone does not reach it)."""
    if isinstance(package, dict) and package.get("title_en") and page_language() == "en":
        return package["title_en"]
    return next_helper(package)


# --- the portal's home page (wards_compare) ---

def wards_portal_headline() -> dict[str, Any] | None:
    """The home page's figures, as the comparison page states them (its default view):
    how many wards, their public datasets, and the mean of their strict machine-readable
    shares. None when no ward is known yet."""
    data = tk.get_action("wards_compare")({}, {})
    rows = data["rows"]
    if not rows:
        return None
    return {"wards": data["selection"]["total"],
            "datasets": sum(r["datasets"] for r in data["rows"]),
            "machine_readable_strict": data["averages"].get("machine_readable_strict")}


def all_helpers() -> dict[str, Any]:
    """The helpers by name (what ``tk.blanket.helpers`` harvests from ``__all__``)."""
    return {name: globals()[name] for name in __all__}
