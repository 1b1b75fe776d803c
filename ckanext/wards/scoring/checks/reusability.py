"""Checks of the MQA's reusability dimension (metrics.yaml ``dimension: reusability``):
licence, access rights, contact point, publisher."""
from __future__ import annotations

from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_list
from ckanext.wards.scoring import facts


def has_licence(s, i):
    return float(bool(facts.licence_id(s.pkg, s.resources[i])))


def known_licence(s, i):
    return float(facts.licence_is_known(facts.licence_id(s.pkg, s.resources[i])))


def has_access_rights(s, i):
    return float(bool(field(s.pkg, "access_rights")))


def access_rights_in_vocabulary(s, i):
    value = field(s.pkg, "access_rights")
    return float(bool(value) and str(value).strip() in facts.eu_access_rights())


def has_contact(s, i):
    contacts = [c for c in as_list(field(s.pkg, "contact", "contact_point"))
                if not isinstance(c, dict) or c.get("name") or c.get("email")]
    legacy = field(s.pkg, "maintainer", "maintainer_email", "author", "author_email",
                   "contact_name", "contact_email", "contact_uri")
    return float(bool(contacts or legacy))


def has_publisher(s, i):
    # ckanext-dcat falls back to the organisation for dct:publisher
    return float(bool(field(s.pkg, "publisher", "publisher_name", "publisher_uri", "owner_org", "organization")))
