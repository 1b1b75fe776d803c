"""Which organisation is which ward: the one rule every caller follows (the report, the
comparison, ``migrate``'s publisher code, the default publisher code of a new dataset and
the DCAT publisher).

An organisation is a ward by its own ``ward_code`` extra (a valid 全国地方公共団体コード; only
sysadmins set it), by its name (``chiyoda``, ``chiyoda-city``, ``t131016``, ``131016``) or,
with ``ckanext.wards.match_org_titles``, by its title (千代田区, Chiyoda City). On a portal of
one ward (``ckanext.wards.ward_code``) every organisation that is no other ward is one of
its departments, unless ``ckanext.wards.ward_organizations`` lists the ward's organisations
exactly. ``group_wards`` weighs the claims of all active organisations against each other
(stronger match, then older, then smaller id), so a look-alike that loses a ward's row is no
ward anywhere: ask ``ward_membership`` / ``ward_of``, never the claim of one organisation.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckanext.wards.lib import fields
from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.vocab.wards import lg_code_ok, normalise_lg_code, wards

# How an organisation is known to be a ward, strongest first: its own ``ward_code`` (only
# sysadmins set it, validated), its name (``chiyoda``, ``chiyoda-city``), its title (千代田区,
# only with ckanext.wards.match_org_titles: anyone may create an organisation of any title).
BY_CODE, BY_NAME, BY_TITLE, AS_DEPARTMENT = range(4)


def ward_by_code(code: Optional[str]) -> Optional[dict[str, str]]:
    """The row of ``schemas/wards.csv`` with that code, or None."""
    return next((w for w in wards() if w["lg_code"] == code), None) if code else None


def own_ward_code(org: dict[str, Any]) -> Optional[str]:
    """An organisation's ``ward_code`` (top level or extra) when it is a valid code (else
    None: an unvalidated or mistyped extra makes no ward)."""
    code = fields.text_field(org, "ward_code")
    try:
        return normalise_lg_code(code) if code else None
    except SchemaValueError:
        return None


def portal_ward_code() -> Optional[str]:
    """``ckanext.wards.ward_code`` (checked at start-up), or None."""
    from ckan.plugins import toolkit as tk
    code = (tk.config.get("ckanext.wards.ward_code") or "").strip()
    return code if lg_code_ok(code) else None


def portal_ward_organizations() -> list[str]:
    """``ckanext.wards.ward_organizations``: the organisations (names) that make up the
    portal's ward; empty = every organisation that is no other ward."""
    from ckan.plugins import toolkit as tk
    return tk.aslist(tk.config.get("ckanext.wards.ward_organizations"))


def _ward_for_code(code: str, org: dict[str, Any]) -> dict[str, str]:
    """wards.csv's row, or one made from the organisation (another municipality)."""
    known = ward_by_code(code)
    if known:
        return known
    label = org.get("title") or org.get("name") or code
    return {"lg_code": code, "name_ja": label, "name_en": label, "slug": org.get("name") or "",
            "prefecture_ja": "", "website": ""}


def _ward_match(org: dict[str, Any]) -> Optional[tuple[dict[str, str], int]]:
    """(ward, how: BY_CODE, BY_NAME or BY_TITLE) an organisation claims by itself, or
    None; only ``group_wards`` weighs the claims against each other (ask ``ward_of``)."""
    from ckan.plugins import toolkit as tk
    code = own_ward_code(org)
    if code:
        return _ward_for_code(code, org), BY_CODE
    name = (org.get("name") or "").lower()
    for w in wards():
        slug = w["slug"]
        if name in (slug, f"{slug}-city", f"{slug}-ku", f"{slug}ku", w["tokyo_catalog_org_id"], w["lg_code"]):
            return w, BY_NAME
    if tk.asbool(tk.config.get("ckanext.wards.match_org_titles")):
        title = (org.get("title") or "").strip()
        for w in wards():
            if title in (w["name_ja"], w["name_en_conventional"], "東京都" + w["name_ja"]):
                return w, BY_TITLE
    return None


def group_wards(orgs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Organisations (oldest first) grouped into wards: ``[{ward, org, org_ids, matched_by}]``
    by code (``matched_by``: org id → BY_CODE, BY_NAME, BY_TITLE or AS_DEPARTMENT).

    The portal's own ward (``ckanext.wards.ward_code``) gathers every organisation that
    matches it and its departments: organisations that are no ward by themselves; when
    ``ckanext.wards.ward_organizations`` is set, exactly the listed ones and nothing else. Another code
    gathers the organisations that carry it as their own ``ward_code``; a code known only
    from names or titles goes to the one best match (code, then name, then title; oldest,
    then smallest id), so a later look-alike never takes a ward's row."""
    portal, listed = portal_ward_code(), portal_ward_organizations()
    candidates: dict[str, list[tuple[int, int, dict[str, Any], dict[str, str]]]] = {}
    for order, org in enumerate(orgs):
        match = _ward_match(org)
        if portal and listed:
            # The operator's list is the portal's ward, exactly: a look-alike by name, title
            # or code outside it joins nothing (another user may have created it).
            if org.get("name") in listed:
                own = match is not None and match[0]["lg_code"] == portal
                match = (_ward_for_code(portal, org), match[1] if own else AS_DEPARTMENT)
            elif match is not None and match[0]["lg_code"] == portal:
                match = None
        elif match is None and portal:
            match = (_ward_for_code(portal, org), AS_DEPARTMENT)
        if match:
            candidates.setdefault(match[0]["lg_code"], []).append((match[1], order, org, match[0]))
    out = []
    for code, found in candidates.items():
        found.sort(key=lambda c: (c[0], c[1], c[2]["id"]))
        if code == portal:
            members = found
            by_list = [c for name in listed for c in found if c[2].get("name") == name]
            first = (by_list or found)[0]
        else:
            members = [c for c in found if c[0] == BY_CODE] or found[:1]
            first = members[0]
        out.append({"ward": first[3], "org": first[2], "org_ids": [c[2]["id"] for c in members],
                    "matched_by": {c[2]["id"]: c[0] for c in members}})
    return sorted(out, key=lambda w: w["ward"]["lg_code"])


def local_wards() -> list[dict[str, Any]]:
    """The wards of this portal's active organisations, by code: ``[{ward, org, org_ids,
    matched_by}]`` (``org`` names the ward's report; ``org_ids`` all add up; ``group_wards``)."""
    import ckan.model as cm

    orgs = (cm.Session.query(cm.Group.id, cm.Group.name, cm.Group.title, cm.Group.extras)
            .filter(cm.Group.is_organization.is_(True), cm.Group.state == "active")
            .order_by(cm.Group.created, cm.Group.id).all())
    return group_wards(
        {"id": org_id, "name": name, "title": title, "ward_code": (extras or {}).get("ward_code")}
        for org_id, name, title, extras in orgs)


_LOCAL_WARDS_KEY = "_wards_local_wards"


def _request_local_wards() -> list[dict[str, Any]]:
    """``local_wards()``, once per request (a catalogue page asks for every dataset)."""
    import flask
    if not flask.has_request_context():
        return local_wards()
    if _LOCAL_WARDS_KEY not in flask.g:
        setattr(flask.g, _LOCAL_WARDS_KEY, local_wards())
    return getattr(flask.g, _LOCAL_WARDS_KEY)


def ward_entry(org_id: Optional[str]) -> Optional[dict[str, Any]]:
    """The ``local_wards`` entry an organisation (id) belongs to, or None."""
    return next((w for w in _request_local_wards() if org_id in w["org_ids"]), None) if org_id else None


def ward_membership(org_id: Optional[str]) -> Optional[tuple[dict[str, str], int]]:
    """(ward, how: BY_CODE, BY_NAME, BY_TITLE or AS_DEPARTMENT) of an organisation, or None.

    The one answer to "which ward is this organisation" for every caller (report,
    comparison, migrate's publisher code, DCAT publisher): the grouping of all active
    organisations (``group_wards``), so an organisation that loses the comparison row of
    a ward to its real organisation is no ward anywhere else either."""
    entry = ward_entry(org_id)
    return (entry["ward"], entry["matched_by"][org_id]) if entry else None


def ward_of(org: dict[str, Any]) -> Optional[dict[str, str]]:
    """The ward of an organisation (``ward_membership``), or None."""
    found = ward_membership(org.get("id"))
    return found[0] if found else None


def is_ward_code(code: str) -> bool:
    """A code of a ward: one of wards.csv or of this portal's wards (``local_wards``)."""
    return ward_by_code(code) is not None or any(w["ward"]["lg_code"] == code for w in _request_local_wards())
