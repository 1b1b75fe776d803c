"""``/wards/methodology``: how every score and report figure is defined, rendered from the
data they are computed from (``scoring.methodology``). A static route, so it wins over
``/wards/<org>`` (views/compare.py). The fragment ids are ``methodology_anchor``'s."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.wards.compare import comparison
from ckanext.wards.lib.language import page_language
from ckanext.wards.scoring import methodology
from ckanext.wards.views import security

methodology_blueprint = Blueprint("wards_methodology", __name__)
security.protect(methodology_blueprint)


def methodology_page():
    lang = page_language()
    return tk.render("wards/methodology/index.html", {
        "m": methodology.content(lang), "lang": lang, "stale_hours": comparison.stale_hours()})


methodology_blueprint.add_url_rule("/wards/methodology", view_func=methodology_page)
