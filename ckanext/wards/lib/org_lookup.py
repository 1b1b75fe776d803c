"""An organisation named by its id or its name, read straight from CKAN's tables.

Our pages use these instead of ``organization_show``, which counts the organisation's
datasets through Solr: the pages must keep answering while Solr is down."""
from __future__ import annotations

from typing import Any, Optional


def resolve_org_id(org: str) -> Optional[str]:
    """Organisation id from an id or a name (None if there is none)."""
    import ckan.model as ckan_model
    group = ckan_model.Group.get(org)
    return group.id if group is not None and group.is_organization else None


def org_header(org: str) -> Optional[dict[str, Any]]:
    """id, name, title and description of an organisation (None if there is none)."""
    import ckan.model as ckan_model
    group = ckan_model.Group.get(org)
    if group is None or not group.is_organization:
        return None
    return {"id": group.id, "name": group.name, "title": group.title or group.name,
            "display_name": group.title or group.name, "description": group.description,
            "image_url": group.image_url}
