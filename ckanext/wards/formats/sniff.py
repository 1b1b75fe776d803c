"""What a file is, from its bytes: its file type (EU code) and its text encoding.

The one reader behind the scores (an upload's ``sniffed_code``) and the conformance
checker (which reader opens the file, which codec decodes it): the same bytes get the
same answer in both. A zip is judged by its member names when the file itself is at
hand (``path``: a path or an open binary file), else by the names visible in its first
bytes.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from pathlib import Path
from typing import IO, Optional, Union

SAMPLE_BYTES = 64 * 1024      # what is read to decide (the checker's and the scorer's sample)
BINARY_WINDOW = 4096          # a NUL byte in this window makes a file binary (unless UTF-16)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy Office: for data portals nearly always Excel
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Display names of the codecs detect_encoding returns.
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp932": "Shift_JIS", "utf-16": "UTF-16"}

FileRef = Union[str, Path, IO[bytes]]


def detect_encoding(sample: bytes) -> tuple[str, bool]:
    """(Python codec, has BOM) from the first bytes: UTF-8 (BOM or not), UTF-16, CP932.

    A multibyte character cut at the end of the sample does not count against a codec;
    bytes neither UTF-8 nor CP932 can read leave CP932 (Japanese portals' other encoding)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if sample.startswith(UTF16_BOMS):
        return "utf-16", True
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding, False
        except UnicodeDecodeError:
            continue
    return "cp932", False


def is_binary(head: bytes) -> bool:
    """A NUL byte early in the file, which no text in UTF-8 or CP932 has (UTF-16 aside)."""
    return b"\x00" in head[:BINARY_WINDOW] and not head.startswith(UTF16_BOMS)


def decode_head(head: bytes) -> Optional[str]:
    """The text of a file's first bytes in its detected encoding (a character cut at the end
    dropped, unreadable bytes replaced), without a BOM; None for a binary file."""
    if is_binary(head):
        return None
    encoding, _ = detect_encoding(head)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False).lstrip("\ufeff")


def _zip_head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of a member (never the whole of a member that may be a bomb)."""
    with archive.open(name) as member:
        return member.read(SAMPLE_BYTES)


def _zip_type_from_members(path: FileRef) -> Optional[str]:
    """XLSX, ODS, DOCX or ZIP from the zip directory; None when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or (
                    "[Content_Types].xml" in names
                    and b"spreadsheetml.sheet.main+xml" in _zip_head(archive, "[Content_Types].xml")):
                return "XLSX"
            if "mimetype" in names and b"opendocument.spreadsheet" in _zip_head(archive, "mimetype"):
                return "ODS"
            return "DOCX" if "word/document.xml" in names else "ZIP"
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, KeyError):
        return None


def _zip_type_from_head(head: bytes) -> str:
    window = head[:4000]  # the first members' local headers carry their names
    if b"xl/" in window:
        return "XLSX"
    if b"word/" in window:
        return "DOCX"
    if b"opendocument.spreadsheet" in window:
        return "ODS"
    return "ZIP"


def sniff_bytes(head: bytes, path: Optional[FileRef] = None) -> Optional[str]:
    """EU file-type code from the first bytes of a file; None if unsure.

    ``path`` (the whole file, a path or an open binary file) lets a zip be read by its
    directory: a workbook is XLSX whatever its part names, and a zip that cannot be read
    is None (unsure) rather than a guess from its first bytes."""
    if not head:
        return None
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(OLE2_MAGIC):
        return "XLS"
    if head.startswith(ZIP_MAGIC):
        return _zip_type_from_members(path) if path is not None else _zip_type_from_head(head)
    if head.startswith(b"\x89PNG"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    text = decode_head(head)
    if text is None:
        return None
    stripped = text.lstrip("\ufeff \r\n\t")
    lowered = stripped[:500].lower()
    if lowered.startswith("<!doctype html") or lowered.startswith("<html"):
        return "HTML"
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        if "rdf:rdf" in lowered:
            return "RDF_XML"
        return "XML"
    if stripped.startswith("@prefix") or stripped.startswith("@base"):
        return "RDF_TURTLE"
    if stripped[:1] in "[{":
        try:
            value = json.loads(stripped)
        except ValueError:
            value = None  # truncated head: still JSON-looking
        if isinstance(value, dict) and value.get("type") in ("FeatureCollection", "Feature"):
            return "GEOJSON"
        if isinstance(value, dict) and "@context" in value:
            return "JSON_LD"
        return "JSON"
    return "CSV" if _looks_like_csv(stripped) else None


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in (",", "\t"):
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines[:-1])), delimiter=delimiter)]
        if counts and counts[0] > 1 and all(c == counts[0] for c in counts):
            return True
    return False
