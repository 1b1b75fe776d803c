"""Build schemas/local-governments.csv, every local government of Japan, from
code4fukui/localgovjp (CC0): its localgovjp-utf8.csv (municipalities and the 行政区 of the
designated cities, with their 全国地方公共団体コード) and prefjp-utf8.csv (prefectures).

    python dev/data/build_local_governments.py LOCALGOVJP_DIR > schemas/local-governments.csv

Run by hand when the source changes; the result is data the plugin reads (no network at run
time). English names: the prefectures' from prefjp; the 23 wards' from schemas/wards.csv (the
names the wards use themselves); every other name romanised from its kana (Hepburn without
macrons, as road signs write them) with City / Town / Village / Ward.
"""
from __future__ import annotations

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "schemas")

_KANA = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゔ": "vu",
}
_YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}


def romanise(kana: str) -> str:
    """Hiragana → Hepburn without macrons (ou/oo → o, uu → u), first letter capital."""
    out = ""
    i = 0
    while i < len(kana):
        ch = kana[i]
        nxt = kana[i + 1] if i + 1 < len(kana) else ""
        if ch == "っ":
            following = romanise(kana[i + 1:i + 2]).lower() if nxt else ""
            out += "t" if following.startswith("ch") else following[:1]
            i += 1
            continue
        if ch == "ー":
            i += 1
            continue
        syllable = _KANA.get(ch, ch)
        if nxt in _YOON:
            base = syllable[:-1]  # き → k, し → sh, ち → ch, じ → j
            syllable = base + ("" if base in ("sh", "ch", "j") else "y") + _YOON[nxt]
            i += 1
        out += syllable
        i += 1
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
        out = out.replace(long, short)
    return out[:1].upper() + out[1:]


# kind by the last character of the name, the kana suffix to drop and the English word
_SUFFIXES = {"市": (("し",), "City"), "町": (("まち", "ちょう"), "Town"),
             "村": (("むら", "そん"), "Village"), "区": (("く",), "Ward")}


def english(name: str, kana: str) -> str:
    suffixes, word = _SUFFIXES[name[-1]]
    for suffix in suffixes:
        if kana.endswith(suffix):
            return f"{romanise(kana[:-len(suffix)])} {word}"
    return f"{romanise(kana)} {word}"


COLUMNS = ["lg_code", "name_ja", "name_kana", "name_en", "kind", "prefecture_code",
           "prefecture_ja", "prefecture_en", "parent_lg_code", "lat", "lng", "website"]


def build(source_dir: str) -> list[dict[str, str]]:
    with open(os.path.join(source_dir, "prefjp-utf8.csv"), encoding="utf-8-sig") as f:
        prefectures = {p["pid"].zfill(2): p for p in csv.DictReader(f)}
    with open(os.path.join(source_dir, "localgovjp-utf8.csv"), encoding="utf-8-sig") as f:
        municipalities = list(csv.DictReader(f))
    with open(os.path.join(SCHEMAS, "wards.csv"), encoding="utf-8") as f:
        ward_names = {w["lg_code"]: w["name_en_conventional"] for w in csv.DictReader(f)}
    designated = {m["city"].split(" ")[0] for m in municipalities if " " in m["city"]}
    city_codes = {(m["pid"], m["city"]): m["lgcode"].zfill(6) for m in municipalities}
    rows = []
    for pid, p in sorted(prefectures.items()):
        rows.append({"lg_code": p["lgcode"].zfill(6), "name_ja": p["pref"], "name_kana": p["prefkana"],
                     "name_en": p["pref_en"], "kind": "prefecture", "prefecture_code": pid,
                     "prefecture_ja": p["pref"], "prefecture_en": p["pref_en"], "parent_lg_code": "",
                     "lat": p["lat"], "lng": p["lng"], "website": p["url"]})
    for m in municipalities:
        pid = m["pid"].zfill(2)
        pref = prefectures[pid]
        code = m["lgcode"].zfill(6)
        name, kana = m["city"], m["citykana"]
        parent = ""
        if " " in name:  # 札幌市 中央区: a 行政区 of a designated city
            city, ward = name.split(" ", 1)
            city_kana, ward_kana = kana.split(" ", 1)
            kind = "city_ward"
            parent = city_codes[(m["pid"], city)]
            name_en = f"{english(ward, ward_kana)}, {english(city, city_kana)}"
            name = city + ward
            kana = city_kana + ward_kana
        elif name.endswith("区"):
            kind, name_en = "special_ward", ward_names[code]
        elif name in designated:
            kind, name_en = "designated_city", english(name, kana)
        else:
            kind = {"市": "city", "町": "town", "村": "village"}[name[-1]]
            name_en = english(name, kana)
        rows.append({"lg_code": code, "name_ja": name, "name_kana": kana, "name_en": name_en,
                     "kind": kind, "prefecture_code": pid, "prefecture_ja": pref["pref"],
                     "prefecture_en": pref["pref_en"], "parent_lg_code": parent,
                     "lat": m["lat"], "lng": m["lng"], "website": m["url"]})
    return rows


def main() -> None:
    # the commit and date are for the person running it: record them in schemas/README.md
    source_dir = sys.argv[1]
    writer = csv.DictWriter(sys.stdout, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build(source_dir))


if __name__ == "__main__":
    main()
