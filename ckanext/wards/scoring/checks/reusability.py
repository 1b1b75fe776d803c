"""Checks of the MQA's reusability dimension (metrics.yaml ``dimension: reusability``):
licence, access rights, contact point, publisher."""
from __future__ import annotations

from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_list
from ckanext.wards.scoring import facts
from ckanext.wards.vocab import access_rights


def has_licence(s, i):
    # a licence the DCAT output can state as dct:license (not other-closed, notspecified)
    return float(bool(facts.licence_iri(s.pkg, s.resources[i])))


def known_licence(s, i):
    # the EU licence table, as data.europa.eu checks it (PDL 1.0 is not in it)
    return float(facts.licence_iri_is_known(facts.licence_iri(s.pkg, s.resources[i])))


def has_access_rights(s, i):
    # what the DCAT output states: the stored value, else the default PUBLIC
    return float(bool(access_rights.code_of(s.pkg)))


def access_rights_in_vocabulary(s, i):
    # the DCAT output writes an EU access-right IRI (free text becomes a literal statement)
    uri = access_rights.uri_of(access_rights.code_of(s.pkg))
    return float(bool(uri) and uri in facts.eu_access_rights())


def has_contact(s, i):
    contacts = [c for c in as_list(field(s.pkg, "contact", "contact_point"))
                if not isinstance(c, dict) or c.get("name") or c.get("email")]
    legacy = field(s.pkg, "maintainer", "maintainer_email", "author", "author_email",
                   "contact_name", "contact_email", "contact_uri")
    return float(bool(contacts or legacy))


def has_publisher(s, i):
    # ckanext-dcat falls back to the organisation for dct:publisher
    return float(bool(field(s.pkg, "publisher", "publisher_name", "publisher_uri", "owner_org", "organization")))
