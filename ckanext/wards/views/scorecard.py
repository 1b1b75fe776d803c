"""``/organization/<org>/scorecard`` (HTML), ``.csv`` and ``.json``: the stewards' scorecard."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.wards.lib import download
from ckanext.wards.views import query, security

scorecard_blueprint = Blueprint("wards_scorecard", __name__)
security.protect(scorecard_blueprint)


def _card(org: str) -> dict:
    from ckanext.wards.logic.scoring import can_see_private
    args = tk.request.args
    data_dict = {
        "organization": org,
        "include_private": can_see_private(org, tk.current_user.name if tk.current_user.is_authenticated else None),
        "rating": args.get("rating") or None, "q": args.get("q") or None,
        "sort": args.get("sort") or "mqa_points", "desc": query.flag("desc"),
    }
    try:
        return tk.get_action("wards_scorecard")({}, data_dict)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.error_dict.items()))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))


def scorecard(id: str):
    card = _card(id)
    from ckanext.wards.lib.org_lookup import org_header
    org = org_header(id)
    return tk.render("wards/scorecard/index.html", {
        # only the filter keys: the template passes args to url_for (?id=, ?_external=)
        "card": card, "org": org, "args": {k: v for k, v in tk.request.args.items()
                                            if k in ("q", "rating", "sort", "desc")},
        "sort": tk.request.args.get("sort") or "mqa_points",
        "desc": query.flag("desc")})


def scorecard_csv(id: str):
    from ckanext.wards.scoring import scorecard as sc
    card = _card(id)
    return Response(sc.to_csv(card), headers=download.headers(f"scorecard-{id}.csv", "text/csv; charset=utf-8"))


def scorecard_json(id: str):
    from ckanext.wards.scoring import scorecard as sc
    return Response(sc.to_json(_card(id)),
                    headers=download.headers(f"scorecard-{id}.json", "application/json", inline=True))


scorecard_blueprint.add_url_rule("/organization/<id>/scorecard", view_func=scorecard)
scorecard_blueprint.add_url_rule("/organization/<id>/scorecard.csv", view_func=scorecard_csv)
scorecard_blueprint.add_url_rule("/organization/<id>/scorecard.json", view_func=scorecard_json)
