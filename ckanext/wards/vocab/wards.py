"""The 23 special wards (``schemas/wards.csv``) and the 全国地方公共団体コード (JIS X 0402
code + check digit): the one check digit, shape check and normaliser of a local government
code, used by the validators, the start-up check of ``ckanext.wards.ward_code``, the
reports and the file checker."""
from __future__ import annotations

import csv
import functools
import re
from typing import Any, Optional

from ckanext.wards.lib.errors import SchemaValueError
from ckanext.wards.lib.text import fold, nfkc
from ckanext.wards.paths import schema_file

_CHECK_WEIGHTS = (6, 5, 4, 3, 2)


def lg_check_digit(first_five: str) -> int:
    """Check digit of a 5-digit local government code: 11 − (Σ dᵢ·wᵢ mod 11), last digit."""
    total = sum(int(d) * w for d, w in zip(first_five, _CHECK_WEIGHTS))
    return (11 - total % 11) % 10


def is_lg_code_shape(code: Any) -> bool:
    """Six ASCII digits (``\\d`` would let ١٣١٠١٦ through, which no other check accepts)."""
    return isinstance(code, str) and re.fullmatch(r"[0-9]{6}", code) is not None


def lg_code_ok(code: Any) -> bool:
    """The one check of a 6-digit 全国地方公共団体コード: ASCII digits, last one its check digit."""
    return is_lg_code_shape(code) and lg_check_digit(code[:5]) == int(code[5])


def normalise_lg_code(value: Any) -> str:
    """A valid 6-digit code (full-width digits folded to ASCII by NFKC) or SchemaValueError."""
    code = nfkc(value).replace("-", "")
    if not is_lg_code_shape(code):
        raise SchemaValueError(
            "{value} is not a local government code: it must be 6 digits (e.g. 131016)", value=value)
    expected = lg_check_digit(code[:5])
    if not lg_code_ok(code):
        raise SchemaValueError(
            "{value} is not a valid local government code: the check digit should be {digit}",
            value=value, digit=expected)
    return code


@functools.lru_cache(maxsize=None)
def wards() -> tuple[dict, ...]:
    """The 23 special wards (``schemas/wards.csv``)."""
    with open(schema_file("wards.csv"), encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def ward_for(value: Any) -> Optional[dict]:
    """The ward matching a code, slug, name (ja/en) or Tokyo catalogue org id, if any."""
    key = fold(value)
    for ward in wards():
        names = (ward["lg_code"], ward["lg_code_5"], ward["slug"], ward["name_ja"], ward["name_romaji"],
                 ward["name_en_conventional"], ward["tokyo_catalog_org_id"])
        if key in {fold(n) for n in names if n}:
            return ward
    return None
