"""Resource format classification: declared label, media type, URL and content → EU file type
(the content itself is read by ``ckanext.wards.formats.sniff``).

Every table is data (``schemas/formats/file-types.yaml``, ``schemas/formats/classes.yaml``,
``schemas/vocab/eu-file-types.csv``, ``schemas/vocab/iana-media-types.csv``); this module
only normalises strings and looks them up.

Precedence (ckanext-qa's idea of trusting content, adapted to portals that link to
services): sniffed content > declared ``format`` > declared ``mimetype`` > URL extension.
The URL and the content are the "detected" format; when they name a different file type
than the declared one the resource gets ``format_mismatch`` (MQA's ``pv:formatMatch``).
"""
from __future__ import annotations

import csv
import functools
import re
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

import yaml

from ckanext.wards import paths
from ckanext.wards.lib.flags import truthy
from ckanext.wards.lib.text import fold

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

# Words Japanese portals append to a format name: "PDF形式", "CSVファイル", "xlsxデータ".
_SUFFIXES = ("形式", "ファイル", "データ", "版", " file", " format", " files")
_PARENS = re.compile(r"[\(\[（【「][^\)\]）】」]*[\)\]）】」]")


# --- data -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def file_types() -> dict[str, dict[str, Any]]:
    with open(paths.schema_file("formats", "file-types.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def classes() -> dict[str, frozenset[str]]:
    with open(paths.schema_file("formats", "classes.yaml"), encoding="utf-8") as f:
        return {k: frozenset(v) for k, v in yaml.safe_load(f).items()}


@functools.lru_cache(maxsize=None)
def eu_file_type_codes() -> frozenset[str]:
    with open(paths.schema_file("vocab", "eu-file-types.csv"), encoding="utf-8") as f:
        return frozenset(row[1] for row in csv.reader(f) if len(row) > 1)


@functools.lru_cache(maxsize=None)
def iana_media_types() -> frozenset[str]:
    with open(paths.schema_file("vocab", "iana-media-types.csv"), encoding="utf-8") as f:
        return frozenset(row[1].lower() for row in csv.reader(f) if len(row) > 1 and row[1])


@functools.lru_cache(maxsize=None)
def _indexes() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(label → code, extension → code, media type → code), built once."""
    labels: dict[str, str] = {}
    extensions: dict[str, str] = {}
    media: dict[str, str] = {}
    for code, spec in file_types().items():
        labels.setdefault(_fold(code), code)
        labels.setdefault(_fold(code.replace("_", " ")), code)
        for label in spec.get("labels") or ():
            labels.setdefault(_fold(str(label)), code)
        for ext in spec.get("extensions") or ():
            extensions.setdefault(str(ext).lower(), code)
            labels.setdefault(_fold(str(ext)), code)
    # Media types: a service's nominal type must not capture plain JSON/XML files, so
    # the first (non-API) file type to claim a media type owns it.
    for code, spec in sorted(file_types().items(), key=lambda kv: bool(kv[1].get("api"))):
        for mt in [spec.get("media_type")] + list(spec.get("media_types") or ()):
            if mt:
                media.setdefault(mt.lower(), code)
    return labels, extensions, media


# --- normalisation ----------------------------------------------------------------------

def _fold(text: str) -> str:
    """A label's lookup key: ``lib.text.fold`` (NFKC, so ＣＳＶ → CSV; case and runs of
    spaces folded), with what is particular to format names: an underscore is a space
    (``Shift_JIS CSV``, ``RDF_XML``) and a leading dot is dropped (``.xlsx``)."""
    return fold(text.replace("_", " ")).lstrip(".").strip()


def _label_candidates(label: str) -> list[str]:
    folded = _fold(label)
    out = [folded]
    # a format named in brackets is more specific: "エクセル(xlsx)", "【CSV】"
    out.extend(m.group(0)[1:-1].strip() for m in _PARENS.finditer(folded))
    bare = _PARENS.sub(" ", folded).strip()
    for text in (folded, bare):
        for suffix in _SUFFIXES:
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
        out.append(text)
        out.append(re.sub(r"\s+", " ", text))
    out.append(bare)
    # "CSV UTF-8", "Shift_JIS CSV": try every word ("csv" wins over encodings)
    out.extend(w for w in re.split(r"[\s/,+・、]+", bare) if w)
    return [c for c in dict.fromkeys(out) if c]


def code_from_label(label: Optional[str]) -> Optional[str]:
    """EU file-type code for a declared ``format`` label ("ＣＳＶ", "エクセル", "PDF形式"...)."""
    if not label or not str(label).strip():
        return None
    return _code_from_label(str(label))


@functools.lru_cache(maxsize=8192)  # portals reuse a few hundred labels
def _code_from_label(label: str) -> Optional[str]:
    if label.startswith(EU_FILE_TYPE):
        code = label[len(EU_FILE_TYPE):]
        return code if code in eu_file_type_codes() else None
    if "/" in label and " " not in label.strip() and not label.lower().startswith("rdf/"):
        by_media = code_from_media_type(label)
        if by_media:
            return by_media
    labels, _, _ = _indexes()
    for candidate in _label_candidates(label):
        if candidate in labels:
            return labels[candidate]
    return None


def normalise_media_type(media_type: Optional[str]) -> Optional[str]:
    if not media_type:
        return None
    mt = str(media_type).strip().lower()
    for prefix in ("https://www.iana.org/assignments/media-types/",
                   "http://www.iana.org/assignments/media-types/"):
        if mt.startswith(prefix):
            mt = mt[len(prefix):]
    return mt.split(";")[0].strip() or None


def code_from_media_type(media_type: Optional[str]) -> Optional[str]:
    mt = normalise_media_type(media_type)
    return _indexes()[2].get(mt) if mt else None


def code_from_url(url: Optional[str]) -> Optional[str]:
    """File type from the URL: OGC service parameters, then the path's extension."""
    if not url:
        return None
    try:
        parsed = urlparse(str(url).strip())
    except ValueError:
        return None
    query = {k.lower(): v for k, v in parse_qs(parsed.query).items()}
    service = (query.get("service") or [""])[0].upper()
    if service in ("WMS", "WFS", "WMTS", "WCS"):
        return f"{service}_SRVC"
    name = parsed.path.rsplit("/", 1)[-1].lower()
    if "." not in name:
        return None
    return _indexes()[1].get(name.rsplit(".", 1)[-1])


# --- classification ---------------------------------------------------------------------

def classify(resource: dict[str, Any], sniffed: Optional[str] = None) -> dict[str, Any]:
    """The classification of one resource dict (package_show shape or a DB row dict).

    ``sniffed`` is the file type read from the file's content (``formats.sniff.sniff_bytes``), if any.
    """
    url = resource.get("download_url") or resource.get("url") or resource.get("access_url")
    # Everything the result depends on; a portal has a few hundred distinct keys, so bulk
    # re-scores classify each once (the URL counts only by its file type and presence).
    key = (resource.get("format"), resource.get("mimetype"), code_from_url(url), bool(url),
           resource.get("datastore_active"), resource.get("is_api"), sniffed)
    try:
        return dict(_classify_key(key))
    except TypeError:  # an unhashable value (a list in a hand-made dict): classify it directly
        return _classify(*key)


@functools.lru_cache(maxsize=4096)
def _classify_key(key: tuple) -> dict[str, Any]:
    return _classify(*key)


def _classify(raw_format: Any, raw_media: Any, from_url: Optional[str], has_url: bool,
              datastore_active: Any, is_api_flag: Any, sniffed: Optional[str]) -> dict[str, Any]:
    declared_format = (raw_format or "").strip() or None
    declared_media = normalise_media_type(raw_media)

    declared = code_from_label(declared_format)
    from_media = code_from_media_type(declared_media)
    refined = [c for c in (from_media, from_url)
               if c and c in (file_types().get(declared or "", {}).get("refined_by") or ())]
    if refined:
        declared = refined[0]
    detected = sniffed or from_url
    code = sniffed or declared or from_media or from_url

    spec = file_types().get(code, {}) if code else {}
    sets = classes()
    is_api = bool(spec.get("api")) or truthy(datastore_active) or truthy(is_api_flag)
    strict = bool(code) and (code in sets["jp_machine_readable_strict"] or bool(spec.get("api")))
    if truthy(datastore_active):
        strict = True  # the DataStore API serves the table as JSON and CSV
    broad = strict or (code in sets["jp_machine_readable_broad_extra"])
    mqa_codes = {c for c in (code, declared, from_media) if c}
    media_type = declared_media or spec.get("media_type")
    stars = int(spec.get("stars", 1 if has_url else 0)) if code else (1 if has_url else 0)
    if is_api and stars < 3:
        stars = 3
    mismatch = bool(declared and detected and not _same_family(declared, detected))
    return {
        "declared_format": declared_format,
        "declared_media_type": declared_media,
        "declared_code": declared,
        "detected_code": detected,
        "code": code,
        "file_type_uri": EU_FILE_TYPE + code if code else None,
        "media_type": media_type,
        "media_type_uri": IANA_MEDIA_TYPE + media_type if media_type else None,
        "format_in_vocabulary": bool(declared) and declared in eu_file_type_codes(),
        "media_type_in_vocabulary": bool(declared_media) and declared_media in iana_media_types(),
        "mqa_machine_readable": bool(mqa_codes & sets["mqa_machine_readable"]),
        "mqa_non_proprietary": bool(mqa_codes & sets["mqa_non_proprietary"]),
        "machine_readable_strict": strict,
        "machine_readable_broad": broad,
        "is_csv": code in sets["csv"],
        "is_api": is_api,
        "landing_page": bool(spec.get("landing_page")),
        "stars": stars,
        "format_mismatch": mismatch,
    }


def _same_family(a: str, b: str) -> bool:
    """Declared and detected agree, allowing containers (ZIP of SHP, XLSX vs XLSM...)."""
    if a == b:
        return True
    families = ({"XLS", "XLSX", "XLSM"}, {"XML", "RDF_XML", "KML", "GML", "RSS", "ATOM"},
                {"JSON", "GEOJSON", "JSON_LD", "REST"}, {"ZIP", "SHP", "GTFS", "KMZ"},
                {"HTML", "REST", "WMS_SRVC", "WFS_SRVC", "WMTS_SRVC", "WCS_SRVC", "SPARQLQ"},
                {"JPEG", "JPEG2000"}, {"TIFF", "GEOTIFF"})
    return any(a in fam and b in fam for fam in families)
