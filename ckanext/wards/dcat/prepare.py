"""Step 1 of the profile: a copy of the dataset dict that the stock ``euro_dcat_ap_3``
profile writes as proper DCAT-AP 3.

Vocabulary values become IRIs (EU file type, IANA media type, EU language and frequency
authorities, licence, theme, standard dataset) and are handed to the profile as
``wards_links`` (predicate, IRI, class) instead of to the stock code; titles and
descriptions carry ja/en; the ward is the publisher. Fields are read the same way for the
shared schema and for CKAN's default schema (``lib.fields.field``: top level, then
extras; ``lib.lists.as_list``: lists, JSON text, or text separated by , 、 ， ; ；).
"""
from __future__ import annotations

import re
from typing import Any, Optional

from rdflib.namespace import DCAT, DCTERMS as DCT

from ckanext.wards.formats import classify as formats
from ckanext.wards.dcat.uris import (dataset_licence_uri, frequency_uris, iana_uri, language_uris, licence_uri,
                                     publisher_uri, spec, standard_uri, theme_uri)
from ckanext.wards.lib.fields import field, text_field
from ckanext.wards.lib.lists import as_list, is_blank
from ckanext.wards.vocab import access_rights

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")

# The stock profile writes one more contact point from these (maintainer, else author):
# beside the shared schema's contact, a migrated dataset had two.
LEGACY_CONTACT_FIELDS = ("contact_uri", "contact_name", "contact_email", "maintainer", "maintainer_email",
                         "author", "author_email")


def lang_of(text: str) -> Optional[str]:
    """'ja' for text with kana/kanji, else no tag: we never guess English."""
    return "ja" if _JAPANESE.search(text or "") else None


def _translated(ja: Any, en: Any) -> Optional[dict[str, str]]:
    """title/notes are Japanese by contract; title_en/notes_en English."""
    out = {}
    if ja:
        out["ja"] = str(ja)
    if en:
        out["en"] = str(en)
    return out or None


def publisher_for(dataset: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The ward that publishes a dataset: its ``publisher_code``, else its organisation's
    ward (``organizations.ward_of``, the rule the comparison follows). A dataset names a ward
    (wards.csv or one of this portal's) as publisher only from that ward's organisations:
    anyone may create an organisation and a dataset that claims Chiyoda's code."""
    from ckanext.wards.vocab import organizations
    org = dataset.get("organization") if isinstance(dataset.get("organization"), dict) else None
    org_ward = organizations.ward_of(org) if org else None
    code = text_field(dataset, "publisher_code") or ""
    if code and org is not None and organizations.is_ward_code(code) and (org_ward or {}).get("lg_code") != code:
        code = ""
    ward = organizations.ward_by_code(code) if code else None
    if ward is None and code:
        name = (org or {}).get("title") or (org or {}).get("name") or code
        ward = {"lg_code": code, "name_ja": name, "name_en_conventional": "", "website": ""}
    ward = ward or org_ward
    if ward is None:
        return None
    names = {"ja": ward.get("name_ja")}
    if ward.get("name_en_conventional"):
        names["en"] = ward["name_en_conventional"]
    return {
        "uri": publisher_uri(ward["lg_code"]),
        "name": ward.get("name_ja") or ward["lg_code"],
        "name_translated": {k: v for k, v in names.items() if v},
        "url": ward.get("website") or "",
        "identifier": ward["lg_code"],
        "type": spec()["publisher_type"]["uri"],
    }


def spatial_items(value: Any) -> Optional[list[dict[str, Any]]]:
    """Spatial coverage as the stock profile writes it (a list of {text, uri, ...}): a
    place that names a ward ("千代田区", "東京都千代田区", "Chiyoda City") without an IRI of
    its own gets e-Stat's Standard Area Code IRI of that ward; other places keep their text."""
    from ckanext.wards.dcat.uris import spatial_uri
    from ckanext.wards.vocab.wards import ward_for
    out = []
    for item in as_list(value):
        item = dict(item) if isinstance(item, dict) else {"text": str(item)} if not is_blank(item) else None
        if not item:
            continue
        text = str(item.get("text") or "").strip()
        if text and not item.get("uri"):
            ward = ward_for(text) or ward_for(text.removeprefix("東京都").strip())
            uri = spatial_uri(ward["lg_code"]) if ward else None
            if uri:
                item["uri"] = uri
        out.append(item)
    return out or None


def contact_dicts(value: Any) -> Optional[list[dict[str, Any]]]:
    """Contact points as the stock profile iterates them (a list of dicts): a plain-text
    contact ("千代田区 防災課", an address, a web page), JSON text or a list mixing both
    become {name|email|url: text}. The stock code calls ``.get`` on each item, so one
    plain-string contact made a whole catalogue page fail."""
    out = []
    for item in as_list(value):
        if isinstance(item, dict):
            out.append(item)
        elif not is_blank(item):
            text = str(item).strip()
            key = "url" if text.startswith(("http://", "https://")) else "email" if "@" in text else "name"
            out.append({key: text.removeprefix("mailto:")})
    return out or None


def for_stock_profiles(dataset: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``dataset`` that ckanext-dcat's own profiles (``?profiles=euro_dcat_ap_3``,
    ...) can write: only the values they would crash on are changed."""
    d = dict(dataset)
    d["contact"] = contact_dicts(field(dataset, "contact"))
    return d


def prepared(dataset: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``dataset`` with values the stock profile writes as proper DCAT-AP 3."""
    d = dict(dataset)
    # ja/en literals: the stock profile writes *_translated dicts with language tags
    title_en, notes_en = field(dataset, "title_en"), field(dataset, "notes_en")
    if dataset.get("title"):
        d["title_translated"] = _translated(dataset.get("title"), title_en)
    if dataset.get("notes") or notes_en:
        d["notes_translated"] = _translated(dataset.get("notes"), notes_en)
    elif dataset.get("title"):  # dct:description is mandatory in DCAT-AP 3: the title stands in
        d["notes_translated"] = _translated(dataset.get("title"), title_en)
    tags = [t["name"] if isinstance(t, dict) else str(t) for t in dataset.get("tags") or []]
    if tags:  # keywords in kana/kanji are tagged @ja, the others left untagged
        by_lang: dict[Optional[str], list[str]] = {}
        for tag in tags:
            by_lang.setdefault(lang_of(tag), []).append(tag)
        d["tags_translated"] = by_lang
    d["url"] = dataset.get("url") or field(dataset, "landing_page") or None
    # vocabularies → URIs, written by the profile (its _add_links), not by the stock code
    languages = [language_uris().get(str(code).lower(), code) for code in as_list(field(dataset, "language"))]
    d["theme"] = [theme_uri(str(t)) for t in as_list(field(dataset, "theme"))] or None
    freq = field(dataset, "frequency")
    freq = frequency_uris().get(freq, freq if freq.startswith("http") else None) \
        if isinstance(freq, str) and freq else None
    standards_ = [standard_uri(str(s)) for s in as_list(field(dataset, "conforms_to"))]
    d["wards_links"] = ([(DCT.language, str(c), DCT.LinguisticSystem) for c in languages if str(c).startswith("http")]
                        + [(DCT.conformsTo, uri, DCT.Standard) for uri in standards_]
                        + ([(DCT.accrualPeriodicity, freq, DCT.Frequency)] if freq else []))
    d["language"] = d["conforms_to"] = d["frequency"] = None
    for key in ("spatial_coverage", "temporal_coverage"):
        value = field(dataset, key)
        if isinstance(value, str):
            d[key] = as_list(value)
    d["spatial_coverage"] = spatial_items(d.get("spatial_coverage"))
    d["contact"] = contact_dicts(field(dataset, "contact"))
    if d.get("contact"):
        for key in LEGACY_CONTACT_FIELDS:
            d[key] = None
    publisher = publisher_for(dataset)
    if publisher:
        d["publisher"] = [publisher]  # the stock code then skips its organisation fallback
        d["wards_publisher"] = publisher  # and the profile's _add_agents writes the ward
    # dct:accessRights: the EU IRI (the default PUBLIC when none is stored), else the
    # stored text as a literal statement; the stock code types either dct:RightsStatement
    code = access_rights.code_of(dataset)
    d["access_rights"] = access_rights.uri_of(code) or code
    licence = dataset_licence_uri(dataset)
    d["wards_licence_uri"] = licence
    d["resources"] = [_prepared_resource(r, licence, standards_) for r in dataset.get("resources") or []]
    # None (not a missing key) so the stock profile does not fall back to raw extras
    return d


def _prepared_resource(res: dict[str, Any], dataset_licence: Optional[str],
                       dataset_standards: list[str]) -> dict[str, Any]:
    r = dict(res)
    code = formats.code_from_label(res.get("format")) or formats.code_from_media_type(res.get("mimetype")) \
        if res.get("format") or res.get("mimetype") else None
    if code:
        r["format"] = formats.EU_FILE_TYPE + code
    elif res.get("format") and not str(res["format"]).startswith("http") and "/" not in str(res["format"]):
        r["format"] = None  # a label outside the EU table: not a valid dct:format IRI
    mimetype = iana_uri(res.get("mimetype")) or (iana_uri(res.get("format")) if "/" in str(res.get("format") or "") else None)
    r["mimetype"] = mimetype
    licence = licence_uri(res.get("license")) or dataset_licence
    own = [standard_uri(str(s)) for s in as_list(res.get("conforms_to"))]
    links = [(DCT.license, licence, DCT.LicenseDocument)] if licence else []
    links += [(DCT.conformsTo, uri, DCT.Standard) for uri in own or dataset_standards]
    if code or not r.get("format"):  # our IRIs (the stock code's format/media type rules need both)
        links += [(DCT["format"], r["format"], DCT.MediaTypeOrExtent)] if r.get("format") else []
        links += [(DCAT.mediaType, mimetype, DCT.MediaType)] if mimetype else []
        r["format"] = r["mimetype"] = None
    r["wards_links"] = links
    r["wards_description"] = distribution_description(res)
    r["license"] = r["conforms_to"] = None
    r["rights"] = _rights(res)
    if res.get("name"):
        lang = lang_of(res["name"])
        if lang:
            r["name_translated"] = {lang: res["name"]}
    if res.get("description"):
        lang = lang_of(res["description"])
        if lang:
            r["description_translated"] = {lang: res["description"]}
    return r


def distribution_description(res: dict[str, Any]) -> Optional[str]:
    """A distribution's description (DCAT-AP recommends one): its own, else its name with
    its format ("避難所一覧 (CSV)")."""
    if not is_blank(res.get("description")):
        return str(res["description"]).strip()
    name = str(res.get("name") or "").strip()
    label = str(res.get("format") or "").strip()
    label = "" if label.startswith("http") or "/" in label else label
    if name and label and label.lower() not in name.lower():
        return f"{name} ({label})"
    return name or None


def _rights(res: dict[str, Any]) -> Any:
    """dct:rights of a distribution as the stock code writes it (one dct:RightsStatement):
    the address of a statement as an IRI, else the texts by language (the Japanese
    ``rights`` tagged @ja when it has kana/kanji, ``rights_en`` @en)."""
    rights, rights_en = res.get("rights"), res.get("rights_en")
    rights = None if is_blank(rights) else str(rights).strip()
    rights_en = None if is_blank(rights_en) else str(rights_en).strip()
    if rights and rights.startswith(("http://", "https://")):
        return rights  # an IRI: the English text cannot be its label (SHACL: one dct:rights)
    texts: dict[Optional[str], str] = {}
    if rights:
        texts[lang_of(rights)] = rights
    if rights_en:
        texts["en"] = rights_en
    return texts or None
