"""Actions and auth functions of the wards_scoring plugin."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.wards.lib import flags
from ckanext.wards.lib.language import page_language
from ckanext.wards.lib.org_lookup import resolve_org_id
from ckanext.wards.logic import schema
from ckanext.wards.scoring import engine, scorecard, spec, states, store
from ckanext.wards.scoring.subject import resource_urls


def _live_score(pkg: dict[str, Any]) -> dict[str, Any]:
    """Score from the dataset as package_show returns it, with stored slow results."""
    stored = store.stored_resource_results([pkg["id"]])
    dcat = store.stored_dcat_results([pkg["id"]]).get(pkg["id"])
    links = store.link_statuses(resource_urls(pkg))
    return engine.score_dataset(pkg, links, stored, dcat)


# --- actions ---


@tk.side_effect_free
def wards_resource_score(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The resource's format classification and its distribution checks.

    :param id: resource id
    :param lang: ``ja`` or ``en`` for the not-assessed reasons (default: the request's language)
    """
    data_dict = schema.validated(schema.dataset_score_schema(), data_dict)
    res_id = data_dict["id"]
    tk.check_access("wards_resource_score", context, data_dict)
    res = tk.get_action("resource_show")(dict(context), {"id": res_id})
    pkg = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    stored = store.stored_resource_results([pkg["id"]]).get(res_id)
    links = store.link_statuses(resource_urls({"resources": [res]}))
    result = engine.score_resource(res, pkg, links, stored)
    lang = page_language(data_dict.get("lang"))
    for check in result["checks"]:
        if check["state"] == states.NOT_ASSESSED:
            check.update(states.reason_texts(check["reason"], lang, pkg.get("name") or ""))
    return result


@tk.side_effect_free
def wards_dataset_score(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Every metric, points, rating band and fix hints ranked by points gained.

    :param id: dataset id or name
    :param lang: ``ja`` or ``en`` for labels (default: the request's language)
    """
    data_dict = schema.validated(schema.dataset_score_schema(), data_dict)
    pkg_id = data_dict["id"]
    tk.check_access("wards_dataset_score", context, data_dict)
    pkg = tk.get_action("package_show")(dict(context), {"id": pkg_id})
    score = _live_score(pkg)
    lang = page_language(data_dict.get("lang"))
    for m in score["metrics"]:
        m["label"] = spec.text(spec.metric_by_id()[m["id"]], "label", lang)
        if m["state"] == states.NOT_ASSESSED:  # why, and the command that would assess it
            m.update(states.reason_texts(m["reason"], lang, pkg.get("name") or ""))
    score["fixes"] = engine.ranked_fixes(score, lang)
    score["not_assessed_details"] = engine.not_assessed_details(score, lang)
    score["methodology"] = spec.spec()["methodology"]
    return score


@tk.side_effect_free
def wards_scorecard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One row per dataset of an organisation with its scores and failing checks.

    :param organization: organisation id or name
    :param include_private: also private datasets (members of the organisation and
        sysadmins only)
    :param rating, q, sort, desc: optional row filter and order
    """
    data_dict = schema.validated(schema.scorecard_schema(), data_dict)
    org = data_dict["organization"]
    if resolve_org_id(org) is None:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    tk.check_access("wards_scorecard", context, data_dict)
    return scorecard.build(
        org, include_private=data_dict.get("include_private", False),
        lang=page_language(data_dict.get("lang")), rating=data_dict.get("rating"), query=data_dict.get("q"),
        sort=data_dict.get("sort") or "mqa_points", descending=data_dict.get("desc", False))


@tk.chained_action
def dataset_purge(original_action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's purge, then our score rows of the dataset (they hold its name and title).

    Purging is not a delete: no IPackageController hook runs, so the action is chained."""
    import ckan.model as cm
    ref = data_dict.get("id")
    pkg = cm.Package.get(ref) if isinstance(ref, str) and ref else None
    package_id = pkg.id if pkg is not None else None
    result = original_action(context, data_dict)
    if package_id:
        store.delete_scores([package_id])
    return result


def get_actions() -> dict[str, Any]:
    return {"dataset_purge": dataset_purge,
            "wards_resource_score": wards_resource_score,
            "wards_dataset_score": wards_dataset_score,
            "wards_scorecard": wards_scorecard}


# --- auth ---


@tk.auth_allow_anonymous_access
def resource_score_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    return authz.is_authorized("resource_show", context, data_dict)


@tk.auth_allow_anonymous_access
def dataset_score_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    return authz.is_authorized("package_show", context, data_dict)


def can_see_private(org: str, user: str | None) -> bool:
    """Whether ``user`` may see the private datasets of ``org``: its members and sysadmins
    (the one rule of ``scorecard_auth`` and the scorecard page)."""
    org_id = resolve_org_id(org)
    return bool(user and org_id and (authz.is_sysadmin(user)
                or authz.has_user_permission_for_group_or_org(org_id, user, "read")))


@tk.auth_allow_anonymous_access
def scorecard_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Anyone sees public rows; private rows only members of the organisation and sysadmins."""
    if flags.read_bool(data_dict.get("include_private")) is not True:
        return {"success": True}
    if can_see_private(data_dict.get("organization") or "", context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only members of the organization can see its private datasets")}


def get_auth_functions() -> dict[str, Any]:
    return {"wards_resource_score": resource_score_auth,
            "wards_dataset_score": dataset_score_auth,
            "wards_scorecard": scorecard_auth}
