"""Skip datasets whose harvested content has not changed since the last successful import.

ckanext-dcat's RDF harvester updates every dataset on every run. A harvest object's
content is the parser's dataset dict (JSON), so two runs that read the same DCAT give the
same content: comparing it with the content of the last object of the same guid that was
imported successfully tells whether the source changed. (``modified_since`` in the source
URL would not do: the harvester marks every dataset missing from that page for deletion.)
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Optional


def _canonical(value: Any) -> Any:
    """``value`` with every list sorted: DCAT has no order of keywords, themes or
    distributions, so the parser's order (the graph's) is no change."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


# Not the source's: the gather stage gives each dataset a name not taken yet in this
# portal, so a second run names it anew ("aed1"), and an update keeps the existing name.
LOCAL_KEYS = ("name",)


def fingerprint(content: Optional[str]) -> Optional[str]:
    """A digest of a harvest object's content (None for none or for content that is not
    JSON: such an object is never taken as unchanged)."""
    if not content:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    data = {k: v for k, v in data.items() if k not in LOCAL_KEYS}
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_unchanged(content: Optional[str], previous_content: Optional[str]) -> bool:
    """Whether a harvest object's content is the same as the previous import's."""
    current = fingerprint(content)
    return current is not None and current == fingerprint(previous_content)


def skip(harvest_object: Any, dataset_dict: dict[str, Any]) -> None:
    """Let the harvester leave the dataset alone: it ignores an emptied dataset dict (and
    reports the object 'not modified'). The object still names the package, as the one it
    replaces did, so a later run can find it (and mark it for deletion)."""
    harvest_object.package_id = dataset_dict["id"]
    dataset_dict.clear()


def last_imported_content(harvest_object: Any) -> Optional[str]:
    """The content of the newest other object of this guid and source whose import
    completed (an errored import changed nothing, so it is no reference)."""
    from ckanext.harvest.model import HarvestObject
    from ckan import model

    previous = (
        model.Session.query(HarvestObject.content)
        .filter(HarvestObject.guid == harvest_object.guid)
        .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
        .filter(HarvestObject.id != harvest_object.id)
        .filter(HarvestObject.state == "COMPLETE")
        .filter(HarvestObject.package_id.isnot(None))
        .order_by(HarvestObject.import_finished.desc().nullslast())
        .first()
    )
    return previous[0] if previous else None


def package_is_active(package_id: str) -> bool:
    """Whether the package is active: on CKAN 2.12 ckanext-dcat finds deleted datasets by
    their guid too, and one that is back at the source must be updated (undeleted)."""
    from ckan import model

    pkg = model.Package.get(package_id)
    return pkg is not None and pkg.state == "active"


def before_update(harvest_object: Any, dataset_dict: dict[str, Any]) -> bool:
    """``IDCATRDFHarvester.before_update``: skip the update if nothing changed at the
    source since the last import; True if skipped."""
    if dataset_dict and is_unchanged(harvest_object.content, last_imported_content(harvest_object)) \
            and package_is_active(dataset_dict["id"]):
        skip(harvest_object, dataset_dict)
        return True
    return False
