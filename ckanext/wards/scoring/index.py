"""Score fields in the search index: what ``before_dataset_index`` adds to a dataset's
Solr document, and the re-index after a re-score."""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

from ckanext.wards.scoring import engine, store
from ckanext.wards.scoring.subject import resource_urls

log = logging.getLogger(__name__)


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: CKAN's index document with our score fields added. A
    scoring bug must never stop indexing: the document then goes in without them."""
    try:
        pkg_dict.update(search_fields(json.loads(pkg_dict["validated_data_dict"])))
    except Exception:
        log.exception("wards: could not add score fields for %s", pkg_dict.get("id"))
    return pkg_dict


def search_fields(pkg: dict[str, Any]) -> dict[str, str]:
    """Solr fields from a dataset's score.

    CKAN's Solr schema indexes unknown fields through its catch-all dynamic field ``*``
    (string, indexed, not stored): enough for ``fq`` filters and facets. Points are
    zero-padded so string ranges work (``wards_mqa_points:[221 TO 405]``).
    """
    stored = store.stored_resource_results([pkg["id"]]) if pkg.get("id") else {}
    dcat = store.stored_dcat_results([pkg["id"]]).get(pkg["id"]) if pkg.get("id") else None
    return fields_of(engine.score_dataset(pkg, store.link_statuses(resource_urls(pkg)), stored, dcat))


def fields_of(score: dict[str, Any]) -> dict[str, str]:
    """The Solr fields of one score (``engine.score_dataset``'s result)."""
    level = ("strict" if score["machine_readable_strict"]
             else "broad" if score["machine_readable_broad"] else "no")
    return {
        "wards_rating": score["rating"],
        "wards_mqa_points": f"{score['mqa_points']:03d}",
        "wards_japan_points": f"{score['japan_points']:03d}",
        "wards_stars": str(score["stars"]),
        "wards_machine_readable": level,
        "wards_has_csv": str(score["has_csv"]).lower(),
        "wards_has_api": str(score["api_count"] > 0).lower(),
        "wards_open_licence": str(score["open_licence"]).lower(),
    }


def indexed_with(package_id: str, fields: dict[str, str]) -> bool:
    """Whether the dataset's Solr document already holds these score fields (one count
    query; CKAN indexed the edit itself, scoring it then, so this is the usual case)."""
    from ckan.lib.search.common import make_connection
    fq = [f'id:"{package_id}"'] + [f'{k}:"{v}"' for k, v in fields.items()]
    try:
        return make_connection().search("*:*", fq=fq, rows=0).hits == 1
    except Exception:  # unsure: re-index
        return False


def reindex_many(package_ids: list[str]) -> None:
    """Re-index datasets with one soft commit at the end: searchable at once, without
    waiting for a hard commit (Solr's transaction log keeps the update; its autoCommit
    flushes it)."""
    if not package_ids:
        return
    from ckan.lib.search import rebuild
    from ckan.lib.search.common import make_connection
    try:
        rebuild(package_ids=package_ids, defer_commit=True, quiet=True)
        make_connection().commit(softCommit=True, waitSearcher=False)
    except Exception:  # the score is stored; the index catches up on the next change
        log.exception("could not re-index %s after scoring", ", ".join(package_ids[:5]))


def refresh(package_id: str, score: Optional[dict[str, Any]]) -> None:
    """Re-index the dataset unless its document already has this score's fields."""
    if score is None or not indexed_with(package_id, fields_of(score)):
        reindex(package_id)


def reindex(package_id: str) -> None:
    """Put the fresh score fields into Solr (before_dataset_index reads them)."""
    reindex_many([package_id])
