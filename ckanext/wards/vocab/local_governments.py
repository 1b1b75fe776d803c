"""Every local government of Japan (``schemas/local-governments.csv``: the 47 prefectures,
the 23 special wards, the 20 designated cities and their 行政区, and every other 市・町・村),
with its 全国地方公共団体コード, names ja/kana/en, prefecture and kind; built from
code4fukui/localgovjp (CC0) by ``dev/data/build_local_governments.py`` (source and date in
``schemas/README.md``). The 23 wards keep their own richer table (``vocab.wards``); this
list is what lets the comparison and the peers name any municipality."""
from __future__ import annotations

import csv
import functools
from typing import Any, Iterable, Optional

from ckanext.wards.lib.text import nfkc
from ckanext.wards.paths import schema_file
from ckanext.wards.vocab import loader
from ckanext.wards.vocab.wards import lg_check_digit, lg_code_ok

KINDS_VOCABULARY = "local_government_kinds"
# The default view of the comparison: the wards this project was made for.
DEFAULT_KINDS = ("special_ward",)


@functools.lru_cache(maxsize=None)
def local_governments() -> tuple[dict[str, str], ...]:
    """Every row of ``schemas/local-governments.csv``, in code order within prefectures."""
    with open(schema_file("local-governments.csv"), encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@functools.lru_cache(maxsize=None)
def _by_code() -> dict[str, dict[str, str]]:
    return {lg["lg_code"]: lg for lg in local_governments()}


def local_government(code: Any) -> Optional[dict[str, str]]:
    """The local government of a 6-digit code (or its first five digits), if it is listed."""
    text = nfkc(code).replace("-", "")
    if len(text) == 5 and text.isascii() and text.isdigit():
        text += str(lg_check_digit(text))
    return _by_code().get(text) if lg_code_ok(text) else None


def kinds() -> list[dict[str, Any]]:
    """The kinds in page order: ``{id, label: {ja, en}}``."""
    return list(loader.vocabulary(KINDS_VOCABULARY))


def kind_label(kind: str, lang: str) -> str:
    entry = loader.find_term(KINDS_VOCABULARY, kind)
    if not entry:
        return kind
    return entry["label"].get(lang) or entry["label"]["en"]


def prefectures() -> list[dict[str, str]]:
    """The 47 prefectures, in code order."""
    return [lg for lg in local_governments() if lg["kind"] == "prefecture"]


def select(codes: Optional[Iterable[str]] = None, prefecture: Optional[str] = None,
           kind_ids: Optional[Iterable[str]] = None) -> list[dict[str, str]]:
    """The local governments among ``codes`` (all if None) in a prefecture (its 2-digit code)
    and of the given kinds (all if None)."""
    wanted = set(codes) if codes is not None else None
    kind_set = set(kind_ids) if kind_ids else None
    return [lg for lg in local_governments()
            if (wanted is None or lg["lg_code"] in wanted)
            and (not prefecture or lg["prefecture_code"] == prefecture)
            and (kind_set is None or lg["kind"] in kind_set)]


def similar(code: str, among: Iterable[str], limit: int = 5) -> list[dict[str, str]]:
    """Local governments like ``code`` among ``among`` (the ones with figures): the same kind,
    the same prefecture first, then the same kind elsewhere, nearest first by distance of
    their offices (the list carries coordinates, not populations)."""
    me = local_government(code)
    if me is None:
        return []
    candidates = [lg for lg in select(among, kind_ids=[me["kind"]]) if lg["lg_code"] != me["lg_code"]]

    def key(lg: dict[str, str]) -> tuple[int, float]:
        return (lg["prefecture_code"] != me["prefecture_code"], _distance2(me, lg))
    return sorted(candidates, key=key)[:limit]


def _distance2(a: dict[str, str], b: dict[str, str]) -> float:
    try:
        return (float(a["lat"]) - float(b["lat"])) ** 2 + (float(a["lng"]) - float(b["lng"])) ** 2
    except ValueError:  # a row without coordinates sorts last
        return float("inf")


def name(lg: dict[str, str], lang: str) -> str:
    return lg["name_en"] if lang == "en" and lg.get("name_en") else lg["name_ja"]
