"""Actions and auth functions of the wards_compare plugin.

Both actions publish only what a ward publishes anyway (public datasets' figures), so
anyone may call them, as anyone may read ``package_search``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.wards.compare import comparison
from ckanext.wards.logic import schema
from ckanext.wards.report import document


def _org_dict(org: str) -> dict[str, Any]:
    import ckan.model as cm
    group = cm.Group.get(org)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return {"id": group.id, "name": group.name, "title": group.title,
            "ward_code": (group.extras or {}).get("ward_code")}


@tk.side_effect_free
def wards_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The standard ward report of an organisation (``schemas/ward-report.schema.json``).

    Public datasets only, from the stored scores.

    :param organization: organisation id or name
    """
    org = schema.validated(schema.identifier_schema("organization"), data_dict)["organization"]
    tk.check_access("wards_report", context, data_dict)
    doc = document.report_for_org(_org_dict(org))
    if doc is None:
        raise tk.ValidationError({"organization": [tk._(
            "This organization is not a ward: set its ward_code (全国地方公共団体コード) or "
            "ckanext.wards.ward_code")]})
    return doc


@tk.side_effect_free
def wards_compare(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The latest report of every ward known to this portal, local and collected, as
    comparison rows, with the average of the wards shown and the national figures.

    Without parameters: the 23 special wards and this portal's own wards, all on one page.

    :param prefecture: a 2-digit prefecture code (``13``): only its local governments
    :param kind: kinds of local government (``special_ward``, ``designated_city``,
        ``city_ward``, ``city``, ``town``, ``village``, ``prefecture``) or ``all``
    :param page: page of ``per_page`` rows (default 1)
    :param per_page: rows per page (default 50, at most 500)
    :param similar_to: a local government code: it and the ones most like it
    """
    from ckanext.wards.compare import selection
    params = schema.validated(schema.compare_schema(), data_dict)
    tk.check_access("wards_compare", context, data_dict)
    data = comparison.comparison()
    chosen = selection.select(
        data["rows"], prefecture=params.get("prefecture"), kinds=params.get("kind"),
        page=params.get("page", 1), per_page=params.get("per_page", selection.DEFAULT_PER_PAGE),
        similar_to=params.get("similar_to"))
    return {**data, "rows": chosen.pop("rows"), "averages": comparison.averages(chosen.pop("selected")),
            "selection": chosen}


@tk.auth_allow_anonymous_access
def anyone(context: Context, data_dict: DataDict) -> dict[str, bool]:
    """Public figures only: anyone, as for ``package_search``."""
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {"wards_report": wards_report, "wards_compare": wards_compare}


def get_auth_functions() -> dict[str, Any]:
    return {"wards_report": anyone, "wards_compare": anyone}
