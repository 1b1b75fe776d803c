"""The ``wards_standard_check`` action: conformance of a resource's file to its standard.

The plugin registers ``get_actions()`` and ``get_auth_functions()``.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any, Iterator

import ckan.authz as authz
import ckan.plugins.toolkit as tk
import requests
from ckan.types import Context, DataDict

from ckanext.wards import standard_check, standards

DOWNLOAD_CHUNK = 64 * 1024


def declared_standard(resource: dict, dataset: dict) -> str | None:
    """The resource's ``conforms_to``, else the first known standard of the dataset's."""
    candidates: list = []
    for value in (resource.get("conforms_to"), dataset.get("conforms_to"),
                  _extra(dataset, "conforms_to")):
        if isinstance(value, str):
            value = [v.strip() for v in value.strip("{}[]").replace('"', "").split(",")]
        candidates.extend(v for v in value or [] if v)
    for candidate in candidates:
        if standards.get_standard(candidate):
            return standards.get_standard(candidate)["id"]
    return candidates[0] if candidates else None


def _extra(dataset: dict, key: str):
    for extra in dataset.get("extras") or []:
        if extra.get("key") == key:
            return extra.get("value")
    return None


class FileTooLarge(Exception):
    pass


@contextlib.contextmanager
def resource_file(resource: dict) -> Iterator[str]:
    """A local path to the resource's file: the upload in CKAN storage, or a bounded download."""
    if resource.get("url_type") == "upload":
        from ckan.lib import uploader

        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        if not os.path.exists(path):
            raise tk.ObjectNotFound(tk._("The uploaded file of this resource is missing from storage"))
        yield path
        return
    url = resource.get("url") or ""
    if not url.startswith(("http://", "https://")):
        raise tk.ValidationError({"url": [tk._("The resource has no file to check")]})
    timeout = tk.config.get("ckanext.wards.standard_check.timeout")
    max_bytes = tk.config.get("ckanext.wards.standard_check.max_bytes")
    # A temporary file keeps memory bounded whatever the size; it is removed afterwards.
    with tempfile.NamedTemporaryFile(prefix="wards-check-", suffix=".data") as tmp:
        download(url, tmp, timeout=timeout, max_bytes=max_bytes)
        tmp.flush()
        yield tmp.name


def download(url: str, out, *, timeout: float, max_bytes: int) -> int:
    """Stream ``url`` into ``out``; stops with FileTooLarge past ``max_bytes``."""
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FileTooLarge()
            total = 0
            for chunk in response.iter_content(DOWNLOAD_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise FileTooLarge()
                out.write(chunk)
            return total
    except FileTooLarge:
        raise tk.ValidationError({"url": [tk._("The file is larger than the limit of {limit} bytes").format(
            limit=max_bytes)]})
    except requests.RequestException as exc:
        raise tk.ValidationError({"url": [tk._("The file could not be downloaded: {error}").format(
            error=type(exc).__name__)]})


def _format_hint(resource: dict) -> str | None:
    fmt = (resource.get("format") or "").strip().lower()
    return "xlsx" if fmt in ("xlsx", "excel") else None


@tk.side_effect_free
def wards_standard_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Conformance of a resource's file to the national standard dataset it declares,
    and the machine-readability rules that can be checked on the file.

    :param id: resource id
    :param standard: optional standard id overriding the declared one
    :param max_examples: optional cap on examples per check (default 20, at most 200)
    :returns: the checker's result (``ckanext.wards.standard_check``), messages in en and ja
    """
    from ckanext.wards.logic import params
    data_dict = params.validated(params.standard_check_schema(), data_dict)
    res_id = data_dict["id"]
    tk.check_access("wards_standard_check", context, data_dict)
    resource = tk.get_action("resource_show")(dict(context), {"id": res_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    standard_id = data_dict.get("standard") or declared_standard(resource, dataset)
    try:
        max_examples = min(int(data_dict.get("max_examples") or standard_check.MAX_EXAMPLES), 200)
    except ValueError:
        raise tk.ValidationError({"max_examples": [tk._("Must be a whole number")]})
    with resource_file(resource) as path:
        result = standard_check.check_file(path, standard_id, max_examples=max_examples,
                                           file_format=_format_hint(resource))
    result["resource_id"] = resource["id"]
    result["package_id"] = dataset["id"]
    result["declared_standard"] = standard_id
    return result


@tk.auth_allow_anonymous_access
def wards_standard_check_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whoever may see the resource's dataset may check its file."""
    from ckan import model

    resource = model.Resource.get(data_dict.get("id") or "")
    if resource is None:
        return {"success": False, "msg": tk._("Resource not found")}
    return authz.is_authorized("package_show", context, {"id": resource.package_id})


def get_actions() -> dict:
    return {"wards_standard_check": wards_standard_check}


def get_auth_functions() -> dict:
    return {"wards_standard_check": wards_standard_check_auth}
