"""Who may say an organisation is a ward: the group and organisation create / update actions
(and so the patch actions, which call them) chained so that the ``ward_code`` extra is a
valid 全国地方公共団体コード (6 digits, check digit), set or changed by sysadmins only, and
held by one organisation, except the departments of this portal's own ward
(``ckanext.wards.ward_code``), which may all carry it. Without this, any user could
create an organisation that took over a ward's comparison row (issue 11, M1)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.wards.lib import fields
from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.vocab import organizations
from ckanext.wards.vocab.wards import normalise_lg_code

WARD_CODE = "ward_code"


def _given_code(data_dict: dict[str, Any]) -> Optional[str]:
    """The ``ward_code`` a write will store: the last extra of that key, as CKAN keeps it
    (CKAN 2.12 saves an extra marked ``deleted`` like any other); the top-level one only
    without such an extra (where a scheming organisation schema keeps it)."""
    extras = fields.extras_dict(data_dict)
    return fields.text_field(extras if WARD_CODE in extras else data_dict, WARD_CODE)


def _set_code(data_dict: dict[str, Any], code: str) -> None:
    if WARD_CODE in data_dict:
        data_dict[WARD_CODE] = code
    for extra in data_dict.get("extras") or ():
        if isinstance(extra, dict) and extra.get("key") == WARD_CODE:
            extra["value"] = code


def _holders(code: str, except_id: Optional[str]) -> list[str]:
    """Names of the other active organisations whose own ward_code is ``code``."""
    import ckan.model as cm
    rows = (cm.Session.query(cm.Group.id, cm.Group.name, cm.Group.extras)
            .filter(cm.Group.is_organization.is_(True), cm.Group.state == "active")
            .order_by(cm.Group.created, cm.Group.id))
    return [name for org_id, name, extras in rows
            if org_id != except_id and organizations.own_ward_code({"ward_code": (extras or {}).get(WARD_CODE)}) == code]


def check_ward_code(context: dict, data_dict: dict[str, Any], stored: Optional[str],
                    org_id: Optional[str]) -> None:
    """Raise ValidationError unless the ``ward_code`` of ``data_dict`` may be stored."""
    given = _given_code(data_dict)
    if given is None and stored is None:
        return
    code = given
    if given is not None:
        try:
            code = normalise_lg_code(given)
        except SchemaValueError as e:
            raise tk.ValidationError({WARD_CODE: [e.translated(tk._)]})
        _set_code(data_dict, code)
    from ckan import authz
    if code != stored and not (context.get("ignore_auth") or authz.is_sysadmin(context.get("user"))):
        raise tk.ValidationError({WARD_CODE: [tk._(
            "Only a sysadmin may set, change or remove an organization's ward_code")]})
    if code and code != organizations.portal_ward_code():
        holders = _holders(code, org_id)
        if holders:
            raise tk.ValidationError({WARD_CODE: [tk._(
                "Ward code {code} already belongs to the organization {org}: one organization per "
                "ward (the departments of this portal's own ward, ckanext.wards.ward_code, may share it)"
            ).format(code=code, org=holders[0])]})


def _check_create(context, data_dict):
    check_ward_code(context, data_dict, None, None)


def _check_update(context, data_dict):
    import ckan.model as cm
    group = cm.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    stored = organizations.own_ward_code({WARD_CODE: (group.extras or {}).get(WARD_CODE)}) if group else None
    check_ward_code(context, data_dict, stored, group.id if group else None)


def _chained(name, check):
    """One check on every action that writes a group's extras: CKAN's ``group_update`` on an
    organisation's id saves it with ``group_update`` authorisation only (which the
    organisation's admin passes), and ``*_patch`` go through ``*_update``, so the
    organisation actions alone would leave a way round (S1). Plain groups get the same rule:
    no one but a sysadmin has a reason to put a ward code on any group."""
    @tk.chained_action
    def action(original_action, context, data_dict):
        check(context, data_dict)
        return original_action(context, data_dict)
    action.__name__ = name
    return action


def get_actions() -> dict[str, Any]:
    # group_patch / organization_patch call the (chained) update actions by name
    return {name: _chained(name, _check_create if name.endswith("_create") else _check_update)
            for name in ("organization_create", "group_create", "organization_update", "group_update")}
