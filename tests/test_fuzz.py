"""Property-based tests (hypothesis) over everything that reads outside input: the schema's
value validators, the conformance checker, the report validator and the bulk-import reader.

They need no CKAN stack: each function is plain Python. The properties: no crash other than
the function's own clear error type, no hang (hypothesis' per-example deadline), bounded
memory on large inputs, and an error message that names the problem.
"""
from __future__ import annotations

import copy
import json
import resource
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.wards import schema
from ckanext.wards.conformance import checker as standard_check
from ckanext.wards.report import document
from ckanext.wards.schema import importer
from ckanext.wards.vocab import wards
from tests.hypothesis_profiles import examples

FUZZ = settings(max_examples=examples(150), deadline=2000, suppress_health_check=[HealthCheck.too_slow])

japanese_text = st.text(
    alphabet=st.sampled_from(list("令和平成昭和元年月日0123456789０１２３４５６７８９/-.年RHS ①㈱ｱｲ\t\"',\n")),
    max_size=30,
)


@FUZZ
@given(st.one_of(st.text(max_size=40), japanese_text, st.integers(), st.none(), st.floats()))
def test_parse_date_returns_iso_or_a_clear_error(value):
    try:
        parsed = schema.parse_date(value)
    except schema.SchemaValueError as err:
        assert err.message  # an English msgid with a ja translation
        return
    assert isinstance(parsed, str) and parsed[:4].isdigit()


@FUZZ
@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A[0-9０-９]{6}\Z"), st.integers()))
def test_local_government_code_is_six_digits_with_a_valid_check_digit_or_rejected(value):
    try:
        code = wards.normalise_lg_code(value)
    except schema.SchemaValueError as err:
        assert "local government code" in str(err)
        return
    assert len(code) == 6 and code.isdigit()
    assert int(code[5]) == wards.lg_check_digit(code[:5])


@FUZZ
@given(st.one_of(st.text(max_size=60), st.integers(), st.none()))
def test_url_and_size_validators_never_crash(value):
    for normalise in (schema.normalise_url, schema.normalise_byte_size, schema.normalise_bool):
        try:
            normalise(value)
        except schema.SchemaValueError as err:
            assert err.message


def _check_bytes(tmp_path, data: bytes, name: str = "data.csv") -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return standard_check.check_file(path, "03_evacuation_space" if _has_standard("03_evacuation_space") else None)


def _has_standard(std_id: str) -> bool:
    from ckanext.wards.conformance import standards
    return any(s["id"] == std_id for s in standards.list_standards())


@FUZZ
@given(st.binary(max_size=4000))
def test_checker_survives_random_bytes(tmp_path_factory, data):
    result = _check_bytes(tmp_path_factory.mktemp("fuzz"), data)
    json.dumps(result)  # always a serialisable report


csv_cell = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from(list('"",,\n\r ①ｱ　')), max_size=30),  # quoting, layout spaces
)


@FUZZ
@given(st.lists(st.lists(csv_cell, max_size=8), max_size=30),
       st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_checker_survives_broken_csv_in_every_encoding(tmp_path_factory, rows, encoding):
    text = "\n".join(",".join(row) for row in rows)
    data = text.encode(encoding, errors="replace")
    result = _check_bytes(tmp_path_factory.mktemp("fuzz"), data)
    json.dumps(result)


@pytest.mark.slow  # tens of MB through the checker
def test_checker_reads_deeply_quoted_and_huge_lines_in_bounded_memory(tmp_path):
    # One 30 MB line inside an unterminated quote, then more junk: the checker must not
    # keep the whole file in memory, nor loop forever.
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.write(b'"' + b'""x' * 3_000_000 + b"\n")
        f.write(b"a" * 20_000_000 + b"\n")
    tracemalloc.start()
    result = standard_check.check_file(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    json.dumps(result)
    assert peak < 200 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB for a {path.stat().st_size / 1e6:.0f} MB file"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000  # KiB: the whole test process


@pytest.fixture(scope="module")
def valid_report() -> dict:
    from tests.test_report import good_report
    return good_report()


mutations = st.lists(
    st.tuples(
        st.sampled_from(["drop", "set"]),
        st.lists(st.sampled_from(["ward", "code", "counts", "datasets", "shares", "csv", "numerator",
                                  "denominator", "ratings", "star_levels", "schema_version",
                                  "computed_at", "portal_url", 0, 1]), min_size=1, max_size=4),
        st.one_of(st.none(), st.integers(-5, 10**12), st.text(max_size=10), st.booleans(),
                  st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)),
    ),
    min_size=1, max_size=4,
)


def _mutate(doc, ops):
    for op, path, value in ops:
        node = doc
        for key in path[:-1]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            try:
                if op == "drop":
                    del node[last]
                else:
                    node[last] = value
            except (KeyError, IndexError, TypeError):
                pass
    return doc


@FUZZ
@given(mutations)
def test_report_validator_explains_or_accepts_any_mutation(valid_report, ops):
    doc = _mutate(copy.deepcopy(valid_report), ops)
    errors = document.validation_errors(doc)
    assert all(isinstance(e, str) and e for e in errors)


@FUZZ
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                    lambda children: st.lists(children, max_size=3)
                    | st.dictionaries(st.text(max_size=6), children, max_size=3), max_leaves=12))
def test_report_validator_rejects_arbitrary_json_with_reasons(value):
    errors = document.validation_errors(value)
    assert errors and all(isinstance(e, str) for e in errors)


@FUZZ
@given(st.binary(max_size=2000))
def test_bulk_import_reader_rejects_garbage_with_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("import") / "records.jsonl"
    path.write_bytes(data)
    try:
        records = importer.read_records(str(path))
    except (ValueError, UnicodeDecodeError) as err:
        assert str(err)
        return
    assert isinstance(records, list)
