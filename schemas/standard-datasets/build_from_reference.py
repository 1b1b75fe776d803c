"""Regenerate the per-standard YAML files in this folder from the shared reference.

Run from the repository root when ../shared/reference/standard-datasets.yaml changes:

    .venv/bin/python schemas/standard-datasets/build_from_reference.py ../shared/reference/standard-datasets.yaml

The output (``<id>.yaml``) is what the extension reads at run time; this script is never
imported by the extension. Column types are inferred here once, from the reference's
format notes, so the run-time checker only interprets type names (see ``_types.yaml``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LANDING_PAGE = "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"

# Our own English names; the slugs of entries never seen in published file names are ours too.
ENGLISH = {
    "01": ("Public facilities", None), "02": ("Cultural properties", None),
    "03": ("Designated emergency evacuation sites", None),
    "04": ("Population by area and age", None), "05": ("Childcare facilities", None),
    "06": ("Open data catalogue list", None), "07": ("Public Wi-Fi access points", None),
    "08": ("AED locations", None), "09": ("Long-term care service providers", None),
    "10": ("Medical institutions", None), "11": ("Tourist facilities", None),
    "12": ("Events", None), "13": ("Public toilets", None),
    "14": ("Fire-fighting water sources", None),
    "15": ("Food business permits and notifications", None),
    "16": ("School lunch menus", None), "17": ("Primary and junior high school districts", None),
    "22": ("Support schemes", None),
    "23": ("Disaster-prevention radio installations", "disaster_radio"),
    "24": ("Educational institutions", None), "25": ("Public car parks", "public_parking"),
    "26": ("Public bicycle parking", None), "27": ("Polling stations", None),
    "28": ("Waste sorting rules", None), "29": ("Baby stations", "baby_station"),
    "30": ("Waste collection points", "garbage_collection_point"),
    "31": ("Tourist spots", "tourist_spot"),
}

# Reference key of the 正式版 definition per number, and how its columns are given.
OFFICIAL_KEYS = {
    "13": "A-13_公衆トイレ一覧", "03": "A-03_指定緊急避難場所一覧",
    "14": "A-14_消防水利施設一覧", "06": "A-06_オープンデータ一覧",
    "15": "A-15_食品等営業許可・届出一覧", "28": "C-28_ゴミの分別方法一覧",
}
PARTIAL_SEEN = {"05": "A-05 子育て施設一覧", "10": "A-10 医療機関一覧", "01": "A-01 公共施設一覧"}

# Other spellings of a current column seen in real files or the previous layout.
COMMON_ALIASES = {
    "全国地方公共団体コード": ["都道府県コード又は市区町村コード"],
    "ID": ["NO"],
    "所在地_連結表記": ["住所", "所在地_連結標記"],
    "建物名等(方書)": ["方書", "建物名等（方書）"],
    "名称_英字": ["名称_英語"],
    "名称_英語": ["名称_英字"],
    "利用可能時間特記事項": ["利用可能日時特記事項"],
    "口径": ["口径(管径ｍｍ)", "口径(管径mm)"],
}

LG_CODE_COLUMNS = {"全国地方公共団体コード", "所在地_全国地方公共団体コード",
                   "都道府県コード又は市区町村コード", "市区町村コード"}


def infer_type(name: str, fmt: str = "", enum=None) -> dict:
    fmt = fmt or ""
    if enum:
        values = [str(v) for v in enum]
        if sorted(values) == ["有", "無"]:
            return {"type": "flag"}
        if values == ["1"]:
            return {"type": "flag_1"}
        return {"type": "enum", "enum": values}
    if name in LG_CODE_COLUMNS:
        return {"type": "lg_code"}
    if name == "緯度":
        return {"type": "latitude"}
    if name == "経度":
        return {"type": "longitude"}
    if name.endswith("電話番号"):
        return {"type": "phone"}
    if name.endswith("郵便番号"):
        return {"type": "postal_code"}
    if name.endswith("メールアドレス"):
        return {"type": "email"}
    if name == "法人番号":
        return {"type": "digits"}
    if "時刻" in fmt or fmt.startswith("time") or name.endswith("時間") and fmt.startswith("time"):
        return {"type": "time"}
    if fmt.startswith("date") or name.endswith(("公開日", "最終更新日", "登録日")):
        return {"type": "date"}
    if fmt in ("URI", "uri") or name.endswith("URL") or name == "画像":
        return {"type": "uri"}
    if "数値" in fmt or fmt == "number" or name in ("ファイル_サイズ", "高度の値", "想定収容人数"):
        return {"type": "number"}
    return {"type": "string"}


def column(order, name, required=None, fmt="", enum=None, aliases=None, **extra):
    col = {"order": order, "name": name, "required": required}
    col.update(infer_type(name, fmt, enum))
    names = list(aliases or []) + COMMON_ALIASES.get(name, [])
    if names:
        col["aliases"] = sorted(set(names) - {name}, key=names.index)
    col.update({k: v for k, v in extra.items() if v})
    return col


def current_layout(ref: dict, number: str, status: str) -> dict | None:
    official = ref["official_2023plus"]
    key = OFFICIAL_KEYS.get(number)
    if key == "A-13_公衆トイレ一覧":
        cols = [column(c["no"], c["name"], c["required"], c["format"],
                       english_name=c.get("english_name"), format_ja=c.get("format"),
                       example=c.get("example"))
                for c in official[key]["columns"]]
        # A-13 marks 有無 columns as 統制語彙; their values are 有/無 (common_rules.有無).
        for c in cols:
            if c["name"].endswith("有無"):
                c["type"] = "flag"
        note = "Columns, order and 必須 marks from an extract of the official definition book."
    elif key == "A-06_オープンデータ一覧":
        entry = official[key]
        renamed = {new: old for old, new in entry["older_42_column_variant"]["renamed"].items()}
        legacy = {new: old for old, new in entry["legacy_to_new"].items()}
        cols = []
        for c in entry["columns"]:
            aliases = [a for a in (renamed.get(c["name"]), legacy.get(c["name"])) if a]
            col = column(c["no"], c["name"], None, aliases=aliases, dcat=c.get("dcat_equivalent"))
            if c["name"].endswith("API対応有無"):
                col["type"] = "flag"
            if c["name"] == "データセット_分類":
                col["type"] = "string"
            cols.append(col)
        note = ("45-column layout (SHIRASAGI export, 2025); the older 42-column variant lacks "
                + ", ".join(entry["older_42_column_variant"]["missing"])
                + ". 必須 marks are not in the reference, so no column is enforced as required.")
    elif key in ("A-03_指定緊急避難場所一覧", "A-14_消防水利施設一覧"):
        entry = official[key]
        cols = []
        for i, name in enumerate(entry["columns"], 1):
            enum = entry.get("enum_種別") if name == "種別" else None
            col = column(i, name, None, enum=enum)
            if name.startswith("災害種別_") or name == "指定避難所との重複":
                col["type"] = "flag_1"
            if name == "標高" or name == "口径":
                col["type"] = "number"
            cols.append(col)
        note = entry["confidence"] + ". 必須 marks are not in the reference."
    elif key in ("A-15_食品等営業許可・届出一覧", "C-28_ゴミの分別方法一覧"):
        entry = official[key]
        cols = [column(i, name) for i, name in enumerate(entry["columns_seen"], 1)]
        note = entry["confidence"] + "; " + entry.get("note", "")
    elif number in PARTIAL_SEEN:
        seen = official["new_columns_seen_in_other_datasets"][PARTIAL_SEEN[number]]
        head = official["common_head"]["columns"]
        names = head + [s.split(" (")[0] for s in seen]
        cols = [column(None, name) for name in names]
        note = official["new_columns_seen_in_other_datasets"]["note"]
    else:
        return None
    return {"status": status, "note": note.strip(), "columns": cols}


def legacy_layout(ref: dict, legacy_no: str | None) -> dict | None:
    if not legacy_no:
        return None
    for name, entry in ref["legacy_recommended_datasets"].items():
        if str(entry["legacy_no"]).zfill(2) == legacy_no:
            cols = [column(i, c["name"], bool(c["required"]), c["type"], c.get("enum"),
                           description=c.get("description"))
                    for i, c in enumerate(entry["columns"], 1)]
            return {
                "status": "verified",
                "name_ja": name,
                "description": entry.get("description"),
                "note": "推奨データセット 基本編 No." + legacy_no + " as modelled by NEC-FIWARE/smart-data-models "
                        "(column order = published CSV template; required = 必須 in the item definition).",
                "columns": cols,
            }
    return None


class _Dumper(yaml.SafeDumper):
    """Quotes digit strings ('08') so every YAML reader keeps them as text."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="'" if value.isdigit() else None))


def build(ref_path: Path) -> list[Path]:
    ref = yaml.safe_load(ref_path.read_text(encoding="utf-8"))
    written = []
    for entry in ref["dataset_list"]:
        number = str(entry["number"]).zfill(2)
        name_en, own_slug = ENGLISH[number]
        slug = entry.get("file_slug") or own_slug
        std_id = f"{number}_{slug}"
        legacy_no = str(entry["legacy_basic_no"]).zfill(2) if entry.get("legacy_basic_no") else None
        layouts = {}
        current = current_layout(ref, number, entry["column_confidence"])
        if current:
            layouts["current"] = current
        legacy = legacy_layout(ref, legacy_no)
        if legacy:
            layouts["legacy"] = legacy
        doc = {
            "id": std_id,
            "number": number,
            "definition_book": entry["definition_book"],
            "name_ja": entry["name"],
            "name_en": name_en,
            "file_slug": slug,
            "file_slug_observed": bool(entry.get("file_slug")),
            "status": entry["column_confidence"],
            # the Digital Agency's page of the definitions (it gives no IRI per standard;
            # the portal serves one: dcat.uris.standard_uri)
            "source": LANDING_PAGE,
            "legacy_no": legacy_no,
            "layouts": layouts,
        }
        path = HERE / f"{std_id}.yaml"
        header = ("# Generated by build_from_reference.py from the shared reference "
                  "standard-datasets.yaml; edit there and regenerate.\n")
        path.write_text(header + yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120),
                        encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/standard-datasets.yaml")):
        print(p.name)
