"""Which comparison rows a page shows: filtered by prefecture and kind of local government
(``vocab.local_governments``), paged, or the municipalities most like one. The default view
is the 23 special wards plus this portal's own organisations, whatever else was collected.
Averages are over the selection, so "the average of the wards shown" stays true."""
from __future__ import annotations

import math
from typing import Any, Optional

from ckanext.wards.vocab import local_governments as lgs

ALL_KINDS = "all"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def annotate(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its prefecture and kind from the list (None where the code is not listed)."""
    lg = lgs.local_government(row.get("code"))
    row.update({
        "lg_kind": lg["kind"] if lg else None,
        "prefecture_code": lg["prefecture_code"] if lg else None,
        "prefecture_ja": lg["prefecture_ja"] if lg else None,
        "prefecture_en": lg["prefecture_en"] if lg else None,
    })
    return row


def _shown(row: dict[str, Any], prefecture: Optional[str], kinds: Optional[list[str]]) -> bool:
    if prefecture and row.get("prefecture_code") != prefecture:
        return False
    if kinds is None:  # the default view
        return row.get("kind") == "local" or row.get("lg_kind") in lgs.DEFAULT_KINDS
    return ALL_KINDS in kinds or row.get("lg_kind") in kinds


def select(rows: list[dict[str, Any]], prefecture: Optional[str] = None,
           kinds: Optional[list[str]] = None, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
           similar_to: Optional[str] = None, similar_limit: int = 10) -> dict[str, Any]:
    """``{rows (this page), selected (all that match), total, page, pages, ...}``.

    ``similar_to`` (a code) selects that municipality and the ones most like it among the
    rows (``vocab.local_governments.similar``), ignoring the other filters."""
    for row in rows:
        annotate(row)
    if similar_to:
        me = lgs.local_government(similar_to)
        code = me["lg_code"] if me else similar_to
        like = {lg["lg_code"] for lg in lgs.similar(code, [r["code"] for r in rows], similar_limit)}
        selected = [r for r in rows if r["code"] == code] + [r for r in rows if r["code"] in like]
    else:
        selected = [r for r in rows if _shown(r, prefecture, kinds)]
    pages = max(1, math.ceil(len(selected) / per_page))
    page = min(page, pages)
    return {"rows": selected[(page - 1) * per_page: page * per_page], "selected": selected,
            "total": len(selected), "all": len(rows), "page": page, "pages": pages,
            "per_page": per_page, "prefecture": prefecture, "kinds": kinds,
            "similar_to": similar_to}


def kind_ids() -> list[str]:
    return [k["id"] for k in lgs.kinds()]


def prefecture_codes() -> list[str]:
    return [p["prefecture_code"] for p in lgs.prefectures()]
