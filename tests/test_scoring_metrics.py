"""Each MQA and Japan metric on crafted dataset dicts (pure functions, no stack needed).

The datasets are plain dicts in the two shapes scoring must read: the shared schema
(package_show of the wards_schema plugin) and CKAN's default schema (extras).
"""
from __future__ import annotations

import copy
import datetime as dt

import pytest

import ckan.plugins as p

from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.scoring import checks, engine, extensions, facts, spec
from ckanext.wards.scoring.subject import Subject

NOW = dt.datetime(2026, 6, 1, 12, 0, 0)
URL = "https://opendata.example.lg.jp/files/population.csv"
LINKS_OK = {URL: 200, "https://opendata.example.lg.jp/dl/population.csv": 200}


def full_dataset() -> dict:
    """A dataset in the shared schema passing every MQA metric (405 points)."""
    return {
        "id": "pkg-1", "name": "population", "title": "人口", "owner_org": "org-1",
        "tags": [{"name": "人口"}], "theme": ["population"],
        "spatial_coverage": [{"uri": "", "text": "千代田区"}],
        "temporal_coverage": [{"start": "2025-04-01", "end": "2026-03-31"}],
        "license_id": "CC-BY-4.0",
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "contact": [{"name": "総務課", "email": "soumu@example.lg.jp"}],
        "frequency": "monthly", "modified": "2026-05-20",
        "conforms_to": ["population"],
        "resources": [{
            "id": "res-1", "url": URL, "download_url": "https://opendata.example.lg.jp/dl/population.csv",
            "format": "CSV", "mimetype": "text/csv", "size": 1234, "rights": "CC BY 4.0",
            "issued": "2026-05-20", "modified": "2026-05-20",
        }],
    }


def score(pkg, links=LINKS_OK, **kw):
    return engine.score_dataset(pkg, links, now=NOW, dcat_compliant=kw.pop("dcat", True), **kw)


def points(result, metric_id):
    return next(m["points"] for m in result["metrics"] if m["id"] == metric_id)


def test_metric_data_adds_up_to_the_mqa_405_points():
    assert spec.max_points("mqa") == 405
    by_dim = {}
    for m in spec.metrics():
        by_dim[m["dimension"]] = by_dim.get(m["dimension"], 0) + m["points"]
        assert callable(checks.own_check(m))
        assert m["label"]["ja"] and m["label"]["en"] and m["fix"]["ja"] and m["fix"]["en"]
    assert by_dim == {"findability": 100, "accessibility": 100, "interoperability": 110,
                      "reusability": 75, "contextuality": 20, "japan": 180}


def test_full_dataset_scores_405_and_excellent():
    result = score(full_dataset())
    assert result["mqa_points"] == 405
    assert result["rating"] == "excellent"
    assert result["fixes"][0]["id"] in {"wq:readabilityRules", "wq:fiveStars", "wq:standardConformance"}


def test_known_default_schema_dataset_total_computed_by_hand():
    """A typical pre-migration CKAN dataset (default schema) with one PDF and one XLS.

    By hand, best distribution = the XLS (the PDF is neither machine-readable nor
    non-proprietary):
      findability   keywords 30 + category 0 (no group) + spatial 0 + temporal 0     =  30
      accessibility accessURL never checked 0 + downloadURL 0 (link, no upload) + 0   =   0
      interop.      format 20 + media type 10 (mimetype given) + vocabulary 10
                    (XLS in EU table, application/vnd.ms-excel in IANA) + non-prop. 0
                    + machine-readable 20 (XLS is in the EDP list) + DCAT-AP 0 (not
                    assessed)                                                          =  60
      reusability   licence 20 (cc-by: the EU CC_BY_4_0 IRI) + known 10
                    + access rights 10 + vocab 5 (none stored: the default PUBLIC, as
                    the page and the DCAT output state it)
                    + contact 20 (maintainer_email) + publisher 10 (organisation)     =  75
      contextuality rights 0 + size 0 + issued 5 (created) + modified 5              =  10
      total 175 → sufficient (121–220)
    """
    pkg = {
        "id": "p", "name": "budget", "owner_org": "org-1", "license_id": "cc-by",
        "tags": [{"name": "予算"}], "maintainer_email": "zaisei@example.lg.jp",
        "metadata_modified": "2026-05-01T00:00:00", "extras": [{"key": "更新頻度", "value": "毎年"}],
        "resources": [
            {"id": "r1", "url": "https://example.lg.jp/budget.pdf", "format": "PDF形式",
             "created": "2026-04-01T00:00:00", "metadata_modified": "2026-04-01T00:00:00"},
            {"id": "r2", "url": "https://example.lg.jp/budget.xls", "format": "エクセル",
             "mimetype": "application/vnd.ms-excel",
             "created": "2026-04-01T00:00:00", "metadata_modified": "2026-04-01T00:00:00"},
        ],
    }
    result = engine.score_dataset(pkg, {}, now=NOW)
    assert result["dimensions"]["findability"] == 30
    assert result["dimensions"]["accessibility"] == 0
    assert result["dimensions"]["interoperability"] == 60
    assert result["dimensions"]["reusability"] == 75
    assert result["dimensions"]["contextuality"] == 10
    assert result["mqa_points"] == 175
    assert result["rating"] == "sufficient"
    assert result["stars"] == 2 and not result["machine_readable_broad"]
    # the never-checked access URL (50) and the DCAT-AP check (30) are not assessed: 0
    # points as data.europa.eu counts, but no fix; the biggest fix is the category (30)
    assert result["not_assessed"] == {"pv:accessUrlStatusCode": "link_checks_off",
                                      "pv:dcatApCompliance": "validator_not_enabled",
                                      "wq:readabilityRules": "not_yet_run"}
    assert result["fixes"][0]["id"] == "pv:categoryAvailability"
    assert not {f["id"] for f in result["fixes"]} & set(result["not_assessed"])
    # the download URL is missing (failed), so its status fails too: 405 - 50 - 30 assessable
    assert result["mqa_assessed_max"] == 325 and result["mqa_assessed_share"] == round(175 / 325, 4)


def _drop(path):
    def apply(pkg):
        target = pkg
        *parents, last = path
        for key in parents:
            target = target[key]
        target.pop(last, None)
    return apply


MQA_CASES = [
    ("pv:keywordAvailability", 30, _drop(["tags"])),
    ("pv:categoryAvailability", 30, _drop(["theme"])),
    ("pv:spatialAvailability", 20, _drop(["spatial_coverage"])),
    ("pv:temporalAvailability", 20, _drop(["temporal_coverage"])),
    ("pv:downloadUrlAvailability", 20 + 30, _drop(["resources", 0, "download_url"])),
    ("pv:formatAvailability", 20 + 10, _drop(["resources", 0, "format"])),
    ("pv:mediaTypeAvailability", 10 + 10, _drop(["resources", 0, "mimetype"])),
    ("pv:licenceAvailability", 20 + 10, _drop(["license_id"])),
    ("pv:accessRightsVocabularyAlignment", 5, lambda pkg: pkg.update(access_rights="誰でも利用可")),
    ("pv:contactPointAvailability", 20, _drop(["contact"])),
    ("pv:publisherAvailability", 10, _drop(["owner_org"])),
    ("pv:rightsAvailability", 5, _drop(["resources", 0, "rights"])),
    ("pv:byteSizeAvailability", 5, _drop(["resources", 0, "size"])),
]


@pytest.mark.parametrize("metric_id, lost, mutate", MQA_CASES, ids=[c[0] for c in MQA_CASES])
def test_each_mqa_metric_costs_its_points(metric_id, lost, mutate):
    """Removing one field loses that metric's points (plus the vocabulary metric that
    depends on it: no format → no format/media-type vocabulary alignment, etc.); access
    rights outside the EU table lose the alignment (without any, the default PUBLIC applies)."""
    pkg = full_dataset()
    mutate(pkg)
    result = score(pkg)
    assert points(result, metric_id) == 0
    assert result["mqa_points"] == 405 - lost


def test_access_and_download_status_only_2xx_counts():
    pkg = full_dataset()
    assert score(pkg, {URL: 404, "https://opendata.example.lg.jp/dl/population.csv": 200})["mqa_points"] == 405 - 50
    assert score(pkg, {URL: 200, "https://opendata.example.lg.jp/dl/population.csv": 302})["mqa_points"] == 405 - 30
    unchecked = score(pkg, {})
    assert unchecked["mqa_points"] == 405 - 80
    access = next(m for m in unchecked["metrics"] if m["id"] == "pv:accessUrlStatusCode")
    assert access["assessed"] is False


def test_dcat_ap_compliance_comes_from_the_pluggable_validator():
    assert points(score(full_dataset(), dcat=True), "pv:dcatApCompliance") == 30
    assert points(score(full_dataset(), dcat=False), "pv:dcatApCompliance") == 0
    unassessed = score(full_dataset(), dcat=None)
    m = next(m for m in unassessed["metrics"] if m["id"] == "pv:dcatApCompliance")
    assert m["points"] == 0 and m["assessed"] is False


class _Validates(p.SingletonPlugin):
    p.implements(IWardsScoring, inherit=True)

    def wards_assess_dataset(self, dataset_dict):
        return {"dcat_compliant": True, "not_a_stored_key": 1}

    def wards_assess_resource(self, dataset_dict, resource_dict):
        return {"rules_score": 70.0}


class _Broken(p.SingletonPlugin):
    p.implements(IWardsScoring, inherit=True)

    def wards_assess_dataset(self, dataset_dict):
        return 1 / 0

    def wards_assess_resource(self, dataset_dict, resource_dict):
        raise RuntimeError("checker down")


def test_assessments_merge_and_survive_a_broken_implementation(caplog, monkeypatch):
    """Only the stored keys are kept; a broken implementation is logged, the keys nobody
    answered are not assessed (None), and the others keep their results."""
    monkeypatch.setattr(extensions.log, "disabled", False)  # CKAN's test.ini logging may disable it
    assert extensions.assess_dataset({}, [_Validates()]) == {"dcat_compliant": True}
    assert extensions.assess_resource({}, {}, [_Validates()]) == {"rules_score": 70.0}
    assert extensions.assess_dataset({}, [_Broken()]) == {"dcat_compliant": None}
    assert extensions.assess_dataset({}, [_Broken(), _Validates()]) == {"dcat_compliant": True}
    assert extensions.assess_resource({}, {}, [_Validates(), _Broken()]) == \
        {"rules_score": 70.0, "conformance_ok": None}
    assert "checker down" in caplog.text
    assert extensions.assess_dataset({}, []) == {}  # nobody assesses: stored results kept


def test_format_vocabulary_non_proprietary_and_machine_readable_on_formats():
    pkg = full_dataset()
    pkg["resources"][0].update(format="PDF", mimetype="application/pdf")
    result = score(pkg)
    assert points(result, "pv:formatMediaTypeVocabularyAlignment") == 10
    assert points(result, "pv:formatMediaTypeNonProprietary") == 0
    assert points(result, "pv:formatMediaTypeMachineInterpretable") == 0
    pkg["resources"][0].update(format="XLSX", mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    result = score(pkg)
    assert points(result, "pv:formatMediaTypeNonProprietary") == 0
    assert points(result, "pv:formatMediaTypeMachineInterpretable") == 20
    pkg["resources"][0].update(format="謎の形式", mimetype="x-unknown/thing")
    assert points(score(pkg), "pv:formatMediaTypeVocabularyAlignment") == 0


EU_PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


@pytest.mark.parametrize("value, available, aligned", [
    (None, 10, 5),               # not stored: the default PUBLIC (what page and DCAT state)
    ("PUBLIC", 10, 5),           # the id the form stores
    (EU_PUBLIC, 10, 5),          # the EU IRI (harvested, ckanext-dcat's own field)
    ("公開", 10, 5),             # an alias: the DCAT output writes the PUBLIC IRI
    ("NON_PUBLIC", 10, 5),
    ("誰でも利用可", 10, 0),     # free text: a literal rights statement, not the vocabulary
])
def test_access_rights_points(value, available, aligned):
    pkg = full_dataset()
    pkg.pop("access_rights")
    if value is not None:
        pkg["access_rights"] = value
    result = score(pkg)
    assert points(result, "pv:accessRightsAvailability") == available
    assert points(result, "pv:accessRightsVocabularyAlignment") == aligned


def test_access_rights_of_a_default_schema_dataset_are_read_from_its_extras():
    pkg = full_dataset()
    pkg.pop("access_rights")
    pkg["extras"] = [{"key": "access_rights", "value": "誰でも利用可"}]
    assert points(score(pkg), "pv:accessRightsVocabularyAlignment") == 0
    pkg["extras"] = [{"key": "access_rights", "value": EU_PUBLIC}]
    assert points(score(pkg), "pv:accessRightsVocabularyAlignment") == 5


# (licence id as stored, pv:licenceAvailability, pv:knownLicence, wq:openLicence)
LICENCE_CASES = [
    ("CC-BY-4.0", 20, 10, 20),
    ("cc-by", 20, 10, 20),          # CKAN's id, read through the vocabulary's aliases
    ("CC0-1.0", 20, 10, 20),
    ("CC-BY-SA-4.0", 20, 10, 20),
    ("ODbL", 20, 10, 20),
    ("ODC-PDDL", 20, 10, 20),
    # not in the EU licence table: 0 there, as data.europa.eu gives; open in the Japan dimension
    ("PDL-1.0", 20, 0, 20),
    ("GOJ-STD-2.0", 20, 0, 20),
    ("GOJ-STD-1.0", 20, 0, 20),
    ("CC-BY-2.1-JP", 20, 0, 20),
    ("GFDL", 20, 0, 20),
    # its CC page (https://creativecommons.org/licenses/by-nc/4.0/) is the EU table's
    # http://creativecommons.org/licenses/by-nc/4.0/: known, not open
    ("NONCOMMERCIAL", 20, 10, 0),
    # no address the DCAT output could state as dct:license: no licence points at all
    ("OTHER-OPEN", 0, 0, 20),
    ("other-closed", 0, 0, 0),
    ("notspecified", 0, 0, 0),
    (None, 0, 0, 0),
]


@pytest.mark.parametrize("licence, available, known, open_", LICENCE_CASES, ids=[str(c[0]) for c in LICENCE_CASES])
def test_licence_points_follow_the_dcat_output_and_the_eu_table(licence, available, known, open_):
    pkg = full_dataset()
    pkg["license_id"] = licence
    result = score(pkg)
    assert points(result, "pv:licenceAvailability") == available
    assert points(result, "pv:knownLicence") == known
    assert points(result, "wq:openLicence") == open_


def test_a_resource_licence_of_the_eu_table_earns_the_distribution_points():
    pkg = full_dataset()
    pkg["license_id"] = "PDL-1.0"
    pkg["resources"][0]["license"] = "CC-BY-4.0"
    result = score(pkg)
    assert points(result, "pv:licenceAvailability") == 20 and points(result, "pv:knownLicence") == 10
    pkg["license_id"], pkg["resources"][0]["license"] = "CC-BY-4.0", "other-closed"
    assert points(score(pkg), "pv:licenceAvailability") == 20  # the dataset's licence applies


def test_an_eu_licence_iri_as_stored_by_another_schema_is_known():
    pkg = full_dataset()
    pkg["license_id"] = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert points(score(pkg), "pv:knownLicence") == 10
    pkg["license_id"] = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
    result = score(pkg)
    assert points(result, "pv:licenceAvailability") == 20 and points(result, "pv:knownLicence") == 0


@pytest.mark.parametrize("iri", [
    "http://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/",
    "https://creativecommons.org/licenses/by/4.0", "HTTPS://CreativeCommons.org/licenses/by/4.0/ ",
    "https://publications.europa.eu/resource/authority/licence/CC_BY_4_0/"])
def test_a_licence_iri_is_known_whatever_its_scheme_and_trailing_slash(iri):
    assert facts.licence_iri_is_known(iri)
    pkg = full_dataset()
    pkg["license_id"] = iri.strip()
    assert points(score(pkg), "pv:knownLicence") == 10


@pytest.mark.parametrize("iri", [
    "https://creativecommons.org/licenses/by/4.0/deed.ja",  # another page than the licence's
    "https://creativecommons.org/licenses/by/9.0/", "https://example.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/BY/4.0/",  # the path is case-sensitive
    "", None])
def test_a_licence_iri_outside_the_eu_table_stays_unknown(iri):
    assert not facts.licence_iri_is_known(iri)


def test_iri_key_reads_http_and_https_and_the_trailing_slash_alike():
    from ckanext.wards.dcat import uris
    assert uris.iri_key("https://Example.ORG/a/B/") == uris.iri_key("http://example.org/a/B") == "http://example.org/a/B"
    assert uris.iri_key("ftp://example.org/x/") == "ftp://example.org/x"
    assert uris.iri_key("not an iri/") == "not an iri"
    assert uris.iri_key(None) == ""


def test_best_distribution_counts_for_mqa():
    pkg = full_dataset()
    pkg["resources"].append({"id": "res-2", "url": "https://example.lg.jp/x.pdf", "format": "PDF"})
    result = score(pkg)
    assert result["mqa_points"] == 405
    fmt = next(m for m in result["metrics"] if m["id"] == "pv:formatMediaTypeMachineInterpretable")
    assert fmt["resources_passing"] == 1


def test_dataset_without_resources_gets_only_dataset_level_points():
    pkg = full_dataset()
    pkg["resources"] = []
    # 100 findability + 30 DCAT + 10+5 access rights + 20 contact + 10 publisher
    assert score(pkg)["mqa_points"] == 175


@pytest.mark.parametrize("score_points, band", [(0, "bad"), (120, "bad"), (121, "sufficient"),
                                                (220, "sufficient"), (221, "good"), (350, "good"),
                                                (351, "excellent"), (405, "excellent")])
def test_rating_band_boundaries(score_points, band):
    assert spec.rating(score_points) == band


def test_japan_dimension_metrics():
    pkg = full_dataset()
    r = score(pkg)
    assert points(r, "wq:fiveStars") == 30            # CSV: 3 stars × 10
    assert points(r, "wq:machineReadable") == 20      # strict
    # declared, no file checked: not assessed (it was 15 points, "half", before the
    # assessment states), 0 points, no fix
    assert points(r, "wq:standardConformance") == 0
    assert r["not_assessed"]["wq:standardConformance"] == "not_yet_run"
    assert "wq:standardConformance" not in {f["id"] for f in r["fixes"]}
    assert points(r, "wq:openLicence") == 20
    assert points(r, "wq:freshness") == 20
    r = score(pkg, stored={"res-1": {"conformance_ok": True, "rules_score": 80.0, "standard_id": "04_population"}})
    assert points(r, "wq:standardConformance") == 30
    assert points(r, "wq:readabilityRules") == 24
    pkg["resources"][0].update(format="XLSX", mimetype=None, url="https://example.lg.jp/a.xlsx",
                               download_url=None)
    r = score(pkg)
    assert points(r, "wq:machineReadable") == 10      # broad only
    assert points(r, "wq:fiveStars") == 20
    pkg["resources"][0]["url"] = "https://example.lg.jp/a.pdf"  # declared XLSX, URL says PDF
    assert points(score(pkg), "wq:formatMatch") == 0


def test_datastore_active_resource_counts_as_api():
    pkg = full_dataset()
    pkg["resources"][0]["datastore_active"] = True
    r = score(pkg)
    assert r["api_count"] == 1 and r["has_csv"]


@pytest.mark.parametrize("frequency, modified, fresh", [
    ("monthly", "2026-05-01", True),      # 31 days old; allowed 46.5
    ("monthly", "2026-04-01", False),     # 61 days
    ("MONTHLY", "2026-05-01", True),      # EU code
    ("http://publications.europa.eu/resource/authority/frequency/ANNUAL", "2025-07-01", True),
    ("毎年", "2024-10-01", False),     # 608 days; allowed 549
    ("daily", "2026-05-31", True),
    ("daily", "2026-05-29", False),
    ("不定期", "2010-01-01", True),       # irregular: never late
    (None, "2026-05-31", False),          # no frequency declared
])
def test_freshness_against_declared_frequency(frequency, modified, fresh):
    pkg = full_dataset()
    pkg["frequency"] = frequency
    pkg["modified"] = modified
    assert facts.freshness(pkg, NOW) == (1.0 if fresh else 0.0)


def test_freshness_with_frozen_clock(freezer):
    """score_dataset uses the current time when none is given (freezegun)."""
    pkg = full_dataset()
    freezer.move_to("2026-05-25")
    assert points(engine.score_dataset(pkg), "wq:freshness") == 20
    freezer.move_to("2026-08-01")
    assert points(engine.score_dataset(pkg), "wq:freshness") == 0


def test_scheming_json_encoded_fields_are_read():
    pkg = full_dataset()
    for key in ("theme", "spatial_coverage", "temporal_coverage", "contact"):
        pkg["extras"] = pkg.get("extras", []) + [{"key": key, "value": __import__("json").dumps(pkg.pop(key), ensure_ascii=False)}]
    assert score(pkg)["mqa_points"] == 405


def test_empty_repeating_subfields_do_not_count():
    pkg = full_dataset()
    pkg["spatial_coverage"] = [{"uri": "", "text": ""}]
    pkg["contact"] = [{"name": "", "email": ""}]
    r = score(pkg)
    assert points(r, "pv:spatialAvailability") == 0
    assert points(r, "pv:contactPointAvailability") == 0


def test_fixes_are_ranked_by_points_gained():
    pkg = copy.deepcopy(full_dataset())
    pkg.pop("tags"); pkg.pop("spatial_coverage"); pkg["resources"][0].pop("size")
    fixes = engine.ranked_fixes(score(pkg), "ja")
    gained = [f["points_gained"] for f in fixes]
    assert gained == sorted(gained, reverse=True)
    ids = [f["id"] for f in fixes]
    assert ids.index("pv:keywordAvailability") < ids.index("pv:spatialAvailability") < ids.index("pv:byteSizeAvailability")
    assert fixes[ids.index("pv:keywordAvailability")]["fix"].startswith("キーワード")


@pytest.mark.parametrize("spelling, known", [("CC BY", True), ("cc-by", True),
                                             ("クリエイティブ・コモンズ 表示 4.0 国際", True), ("PDL1.0", False),
                                             ("Other (Open)", False), ("cc-by-nc", True), ("notspecified", False)])
def test_scoring_reads_a_licence_as_the_form_stores_it(spelling, known):
    """One vocabulary for both: whatever the form accepts scores like its canonical id."""
    from ckanext.wards.vocab import licences, loader
    canonical = loader.normalise_term("licenses", spelling)
    assert facts.licence_is_open(spelling) == facts.licence_is_open(canonical) \
        == bool(licences.licence(canonical)["open"])
    assert facts.licence_is_known(spelling) == facts.licence_is_known(canonical) == known


@pytest.mark.parametrize("spelling, days", [("monthly", 31), ("毎月", 31), ("UNKNOWN", None), ("irregular", None)])
def test_scoring_reads_a_frequency_as_the_form_stores_it(spelling, days):
    from ckanext.wards.vocab import loader
    canonical = loader.normalise_term("frequencies", spelling)
    assert facts.frequency_days({"frequency": spelling}) == facts.frequency_days({"frequency": canonical}) \
        == (True, days)


def test_text_with_japanese_commas_is_several_values():
    """lib.lists.as_list: ``13_public_toilet、01_public_facility`` declares two standards
    (scoring read it as one before; the validator always read two)."""
    pkg = full_dataset()
    pkg["conforms_to"] = "13_public_toilet、01_public_facility"
    declared, _ = facts.conformance(Subject(pkg))
    assert declared == ["13_public_toilet", "01_public_facility"]
    pkg["tags"], pkg["keywords"] = [], "人口、世帯"
    assert points(score(pkg), "pv:keywordAvailability") == 30


@pytest.mark.parametrize("modified", ["令和8年5月20日", "R8.5.20", "2026年5月20日", "２０２６-０５-２０"])
def test_japanese_dates_are_read_for_freshness(modified):
    """lib.dates.read_datetime: era and full-width dates count as the modification date."""
    pkg = full_dataset()
    pkg["modified"] = modified
    pkg["resources"][0].update(modified=None, last_modified=None)
    assert facts.modified_date(pkg) == dt.datetime(2026, 5, 20)
    assert facts.freshness(pkg, NOW) == 1.0

