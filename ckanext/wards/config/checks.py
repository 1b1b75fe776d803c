"""Start-up checks: a value that would only fail at the first fetch, link check or report
stops CKAN instead (``IConfigurable.configure``), with the option named. Each option is
parsed by the very function that uses it, so its rule lives in one place."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from ckan.exceptions import CkanConfigurationException


def _parsed_by(parse: Callable[[Mapping[str, Any]], Any], config: Mapping[str, Any]) -> None:
    try:
        parse(config)
    except ValueError as error:  # the message names the option
        raise CkanConfigurationException(str(error)) from None


def check_portal_ward_code(config: Mapping[str, Any]) -> None:
    """``ckanext.wards.ward_code``, if set, is a valid code written alone: CKAN's ini keeps a
    comment after a value as part of it, and every publisher code, report and migrated
    dataset would carry it."""
    from ckanext.wards.lib.errors import SchemaValueError
    from ckanext.wards.vocab.wards import normalise_lg_code
    value = str(config.get("ckanext.wards.ward_code") or "").strip()
    if not value:
        return
    try:
        valid = normalise_lg_code(value) == value
    except SchemaValueError as error:
        raise CkanConfigurationException(f"ckanext.wards.ward_code = {value!r}: {error}") from None
    if not valid:
        raise CkanConfigurationException(
            f"ckanext.wards.ward_code = {value!r}: write the 6 ASCII digits alone (e.g. 131016)")


def check_common(config: Mapping[str, Any]) -> None:
    """The options of ``common.yaml``: the portal's ward code, ``ckanext.wards.fetch.*``."""
    from ckanext.wards.lib import fetch
    check_portal_ward_code(config)
    _parsed_by(fetch.Policy.from_config, config)


def check_linkcheck(config: Mapping[str, Any]) -> None:
    """``ckanext.wards.linkcheck.host_interval`` (wards_scoring)."""
    from ckanext.wards.scoring import linkcheck
    _parsed_by(linkcheck.host_interval, config)


def check_config(config: Mapping[str, Any]) -> None:
    """Every start-up check (a portal with all four plugins)."""
    check_common(config)
    check_linkcheck(config)
