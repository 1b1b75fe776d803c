"""Assessment states of the engine on crafted dataset dicts (no stack): every metric result is
passed, failed or not assessed with a reason of metrics.yaml's vocabulary; totals keep the
MQA count (not assessed = 0) beside the share of the assessable points; fixes come only
from failed checks; the scorecard rows, the CSV and the DQV output keep them apart."""
from __future__ import annotations

import copy

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from ckanext.wards.scoring import engine, scorecard, spec, states
from ckanext.wards.scoring.states import Settings
from tests.test_scoring_metrics import LINKS_OK, NOW, URL, full_dataset

# The reason codes of the shared contract (issue 17): the file-check pipeline stores them
# as file_reason, the engine gives them as a metric's reason.
CONTRACT_REASONS = {"not_yet_run", "file_checks_off", "file_unreachable", "file_too_large",
                    "not_tabular", "no_file", "link_checks_off", "link_not_checked",
                    "validator_not_enabled", "dcat_not_checked", "check_failed"}
DOWNLOAD = "https://opendata.example.lg.jp/dl/population.csv"
EMITTED: dict[str, set[str]] = {}  # metric id → reasons seen in this module's scenarios


@pytest.fixture
def settings(monkeypatch):
    """Set which assessments are on, as the portal's config and plugins would."""
    def apply(**kw):
        chosen = Settings(**{"link_checks": False, "file_checks": True, "dcat_validator": False, **kw})
        monkeypatch.setattr(states, "current_settings", lambda plugins=None: chosen)
    apply()
    return apply


def run(pkg=None, links=LINKS_OK, dcat=True, stored=None):
    result = engine.score_dataset(pkg or full_dataset(), links, stored, dcat, now=NOW)
    for m in result["metrics"]:
        if m["state"] == states.NOT_ASSESSED:
            EMITTED.setdefault(m["id"], set()).add(m["reason"])
    return result


def metric(result, metric_id):
    return next(m for m in result["metrics"] if m["id"] == metric_id)


def state(result, metric_id):
    m = metric(result, metric_id)
    return (m["state"], m["reason"], m["points"])


# --- the vocabulary ---------------------------------------------------------------------------

def test_every_reason_code_has_ja_and_en_texts_and_a_command():
    vocab = states.reasons()
    assert set(vocab) == CONTRACT_REASONS
    for code, entry in vocab.items():
        for key in ("label", "fix"):
            assert entry[key]["ja"].strip() and entry[key]["en"].strip(), (code, key)
        # the fix names a command or a setting, in both languages
        assert "`" in entry["fix"]["en"] and "`" in entry["fix"]["ja"], code
    texts = states.reason_texts("file_checks_off", "ja", "budget")
    assert texts["reason_label"] == "ファイルチェックが無効"
    assert "ckan wards check-files --dataset budget" in texts["reason_fix"]
    assert "ckanext.wards.file_checks = true" in texts["reason_fix"]


def test_metrics_list_only_known_reasons():
    for m in spec.spec()["metrics"]:
        assert set(m.get("reasons") or ()) <= CONTRACT_REASONS, m["id"]


# --- states of each check -----------------------------------------------------------------------

def test_link_metrics_off_not_checked_failed_passed(settings):
    assert state(run(links={}), "pv:accessUrlStatusCode") == ("not_assessed", "link_checks_off", 0)
    assert state(run(links={}), "pv:downloadUrlStatusCode") == ("not_assessed", "link_checks_off", 0)
    settings(link_checks=True)
    assert state(run(links={}), "pv:accessUrlStatusCode") == ("not_assessed", "link_not_checked", 0)
    assert state(run(links={URL: 404, DOWNLOAD: 200}), "pv:accessUrlStatusCode") == ("failed", None, 0)
    assert state(run(), "pv:accessUrlStatusCode") == ("passed", None, 50)


def test_dcat_compliance_validator_off_not_run_failed_passed(settings):
    assert state(run(dcat=None), "pv:dcatApCompliance") == ("not_assessed", "validator_not_enabled", 0)
    settings(dcat_validator=True)
    assert state(run(dcat=None), "pv:dcatApCompliance") == ("not_assessed", "dcat_not_checked", 0)
    assert state(run(dcat=False), "pv:dcatApCompliance") == ("failed", None, 0)
    assert state(run(dcat=True), "pv:dcatApCompliance") == ("passed", None, 30)


def test_standard_conformance_declared_but_not_checked_is_not_assessed(settings):
    """It was 15 points ("half") for a declared standard whose file was not checked."""
    assert state(run(), "wq:standardConformance") == ("not_assessed", "not_yet_run", 0)
    ok = {"res-1": {"conformance_ok": True, "rules_score": 80.0, "file_state": "checked", "standard_id": "04_population"}}
    assert state(run(stored=ok), "wq:standardConformance") == ("passed", None, 30)
    bad = {"res-1": {"conformance_ok": False, "rules_score": 80.0, "file_state": "checked", "standard_id": "04_population"}}
    assert state(run(stored=bad), "wq:standardConformance") == ("failed", None, 6)
    undeclared = full_dataset()
    undeclared.pop("conforms_to")
    assert state(run(undeclared), "wq:standardConformance") == ("failed", None, 0)
    settings(file_checks=False)
    assert state(run(), "wq:standardConformance") == ("not_assessed", "file_checks_off", 0)


@pytest.mark.parametrize("reason", ["file_unreachable", "file_too_large", "not_tabular", "check_failed",
                                    "file_checks_off", "not_yet_run"])
def test_file_metrics_take_the_stored_file_reason(settings, reason):
    stored = {"res-1": {"file_state": "not_assessed", "file_reason": reason}}
    result = run(stored=stored)
    for mid in ("wq:standardConformance", "wq:readabilityRules"):
        assert state(result, mid) == ("not_assessed", reason, 0)
    resource = copy.deepcopy(full_dataset())
    resource["resources"][0].update(url="https://opendata.example.lg.jp/api/data", download_url=None)
    assert state(run(resource, stored=stored), "wq:formatMatch") == ("not_assessed", reason, 0)


def test_file_read_but_nothing_ruled_and_no_file(settings):
    checked = {"res-1": {"file_state": "checked", "rules_score": None, "conformance_ok": None,
                        "standard_id": "04_population"}}
    assert state(run(stored=checked), "wq:readabilityRules") == ("not_assessed", "not_tabular", 0)
    no_file = full_dataset()
    no_file["resources"][0].update(url="", download_url="")
    assert state(run(no_file), "wq:readabilityRules") == ("not_assessed", "no_file", 0)
    assert state(run(stored={"res-1": {"rules_score": 80.0}}), "wq:readabilityRules") == ("failed", None, 24)
    assert state(run(stored={"res-1": {"rules_score": 100.0}}), "wq:readabilityRules") == ("passed", None, 30)


def test_format_match_undeclared_is_failed_undetectable_not_assessed(settings):
    pkg = full_dataset()
    assert state(run(pkg), "wq:formatMatch") == ("passed", None, 10)
    pkg["resources"][0].update(format="", mimetype="")
    assert state(run(pkg), "wq:formatMatch") == ("failed", None, 0)  # the steward declares one
    pkg = full_dataset()
    pkg["resources"][0].update(url="https://opendata.example.lg.jp/api/data", download_url=None)
    assert state(run(pkg), "wq:formatMatch") == ("not_assessed", "not_yet_run", 0)
    settings(file_checks=False)
    assert state(run(pkg), "wq:formatMatch") == ("not_assessed", "file_checks_off", 0)


def test_a_plugin_check_that_raises_or_gives_none():
    meta = {"id": "ex:x", "check": "x"}

    def boom(s, i):
        raise RuntimeError("down")

    subject = None  # the guarded checks below never read it
    assert engine._guarded(meta, boom)(subject, None) == states.NotAssessed("check_failed")
    assert engine._guarded(meta, None)(subject, None) == states.NotAssessed("check_failed")
    assert states.split(engine._guarded(meta, lambda s, i: None)(subject, None)) == (None, states.GENERIC_REASON)
    assert states.split(engine._guarded(meta, lambda s, i: 0.5)(subject, None)) == (0.5, None)


# --- distribution metrics over several resources --------------------------------------------------

def test_mqa_distribution_state_is_the_best_distributions(settings):
    """The best distribution (most MQA points, not assessed counting 0) gives the points,
    the state and the reason; the others are counted apart."""
    settings(link_checks=True)
    pkg = full_dataset()
    pkg["resources"].append({"id": "res-2", "url": "https://example.lg.jp/x.pdf", "format": "PDF"})
    links = {"https://example.lg.jp/x.pdf": 404}  # res-1, the best, never checked
    m = metric(run(pkg, links=links), "pv:accessUrlStatusCode")
    assert (m["state"], m["reason"], m["points"]) == ("not_assessed", "link_not_checked", 0)
    assert m["resources_passing"] == 0 and m["resources_not_assessed"] == 1
    links = {URL: 200, DOWNLOAD: 200, "https://example.lg.jp/x.pdf": 404}
    m = metric(run(pkg, links=links), "pv:accessUrlStatusCode")
    assert (m["state"], m["points"], m["resources_passing"], m["resources_not_assessed"]) == ("passed", 50, 1, 0)


def test_japan_distribution_metric_counts_the_assessed_resources(settings):
    pkg = full_dataset()
    pkg["resources"].append({"id": "res-2", "url": "https://example.lg.jp/api/x", "format": "CSV"})
    m = metric(run(pkg), "wq:formatMatch")  # res-2: no file type detectable
    assert (m["state"], m["points"], m["resources_not_assessed"]) == ("passed", 10, 1)
    pkg["resources"][0].update(url="https://example.lg.jp/api/y", download_url=None)
    stored = {"res-1": {"file_state": "not_assessed", "file_reason": "file_unreachable"},
              "res-2": {"file_state": "not_assessed", "file_reason": "file_unreachable"}}
    assert state(run(pkg, stored=stored), "wq:formatMatch") == ("not_assessed", "file_unreachable", 0)


# --- totals and fixes ---------------------------------------------------------------------------

def test_totals_keep_the_mqa_count_beside_the_assessable_share(settings):
    result = run(links={}, dcat=None)
    # link checks off (50 + 30) and no validator (30): 0 points each, as data.europa.eu counts
    assert result["mqa_points"] == 405 - 110 and result["mqa_max"] == 405
    assert result["mqa_assessed_max"] == 295 and result["mqa_assessed_share"] == 1.0
    assert result["not_assessed"] == {"pv:accessUrlStatusCode": "link_checks_off",
                                      "pv:downloadUrlStatusCode": "link_checks_off",
                                      "pv:dcatApCompliance": "validator_not_enabled",
                                      "wq:standardConformance": "not_yet_run",
                                      "wq:readabilityRules": "not_yet_run"}
    assert result["japan_assessed_max"] == 180 - 60
    assert result["japan_assessed_share"] == round(result["japan_points"] / 120, 4)
    fixed = {f["id"] for f in result["fixes"]}
    assert not fixed & set(result["not_assessed"])
    assert all(metric(result, f)["state"] == "failed" for f in fixed)
    gained = [f["points_gained"] for f in result["fixes"]]
    assert gained == sorted(gained, reverse=True) and gained[0] == 20  # wq:fiveStars (CSV: 3 of 5)


def test_ranked_fixes_and_details_never_offer_a_not_assessed_check(settings):
    result = run(links={}, dcat=None)
    result["fixes"].insert(0, {"id": "pv:accessUrlStatusCode", "points_gained": 50})  # an old stored list
    ranked = engine.ranked_fixes(result, "ja")
    assert ranked and "pv:accessUrlStatusCode" not in {f["id"] for f in ranked}
    details = {d["id"]: d for d in engine.not_assessed_details(result, "en")}
    assert set(details) == set(result["not_assessed"])
    link = details["pv:accessUrlStatusCode"]
    assert link["reason_label"] == "Link checks switched off"
    assert "ckanext.wards.linkcheck.enabled = true" in link["reason_fix"]
    assert "ckan wards score --dataset population" in link["reason_fix"]
    assert "enable the wards_dcat plugin" in details["pv:dcatApCompliance"]["reason_fix"].lower()


def test_every_reason_a_check_gives_is_listed_on_its_metric(settings):
    """Scenarios giving every reason (the check_failed of a raising plugin check is shown
    above): each is in its metric's ``reasons`` in metrics.yaml and in the vocabulary."""
    EMITTED.clear()
    no_api_file = full_dataset()
    no_api_file["resources"][0].update(url="https://opendata.example.lg.jp/api/data", download_url=None)
    no_file = full_dataset()
    no_file["resources"][0].update(url="", download_url="")
    for kw in ({}, {"link_checks": True, "dcat_validator": True}, {"file_checks": False}):
        settings(**kw)
        for pkg in (full_dataset(), no_api_file, no_file):
            run(pkg, links={}, dcat=None)
            for reason in ("file_unreachable", "file_too_large", "not_tabular", "check_failed"):
                run(pkg, links={}, dcat=None,
                    stored={"res-1": {"file_state": "not_assessed", "file_reason": reason}})
    by_id = spec.metric_by_id()
    for mid, seen in EMITTED.items():
        assert seen <= set(by_id[mid].get("reasons") or ()), (mid, seen)
    assert set().union(*EMITTED.values()) == CONTRACT_REASONS


# --- the scorecard's rows and the DQV output (stored rows, no database) ----------------------------

def _stored_row(result, name="population"):
    return {"name": name, "title": "人口", "private": False, "rating": result["rating"],
            "mqa_points": result["mqa_points"], "japan_points": result["japan_points"], "stars": 3,
            "machine_readable_strict": True, "machine_readable_broad": True, "has_csv": True,
            "has_api": False, "open_licence": True, "conforms_to": ["population"],
            "fixes": [[f["id"], f["points_gained"]] for f in result["fixes"]]
            + [["pv:accessUrlStatusCode", 50]],  # as rows stored before the states listed it
            "scored_at": None, "mqa_assessed_max": result["mqa_assessed_max"],
            "mqa_assessed_share": result["mqa_assessed_share"],
            "japan_assessed_max": result["japan_assessed_max"],
            "japan_assessed_share": result["japan_assessed_share"],
            "not_assessed": result["not_assessed"]}


def test_scorecard_rows_show_not_assessed_apart(settings):
    stored = _stored_row(run(links={}, dcat=None))
    row = scorecard.row_for(stored, "en")
    labels = {m["id"]: spec.text(m, "label", "en") for m in spec.metrics()}
    assert labels["pv:accessUrlStatusCode"] not in row["failing"]
    assert row["top_fix"] and row["top_fix"] != spec.text(spec.metric_by_id()["pv:accessUrlStatusCode"], "fix", "en")
    reasons = {m["id"]: m for m in row["not_assessed"]}
    assert reasons["pv:dcatApCompliance"]["reason"] == "validator_not_enabled"
    assert "ckan wards score --validate-dcat --dataset population" in reasons["pv:dcatApCompliance"]["reason_fix"]
    totals = scorecard.totals_for([row, row])
    assert totals["not_assessed_reasons"]["link_checks_off"] == 2
    assert totals["not_assessed_reasons"]["file_unreachable"] == 0
    assert totals["mqa_assessed_share_mean"] == 1.0
    csv_text = scorecard.to_csv({"rows": [row]}).decode("utf-8-sig")
    assert "Link checks switched off (Set `ckanext.wards.linkcheck.enabled = true`" in csv_text


def test_dqv_publishes_no_value_for_a_not_assessed_metric(settings, monkeypatch):
    from ckanext.wards.dcat import quality, uris
    result = run(links={}, dcat=None)
    row = {"metrics": {m["id"]: m["points"] for m in result["metrics"]},
           "not_assessed": result["not_assessed"], "scored_at": None,
           **{t["column"]: result[t["column"]] for t in uris.spec()["dataset_totals"]}}
    monkeypatch.setattr(quality, "stored_scores", lambda _id: {"dataset": row, "resources": {}})
    g = Graph()
    ds = URIRef("http://example.lg.jp/dataset/p")
    quality.add_measurements(g, {"id": "p", "resources": []}, ds)
    measured = {g.value(n, uris.DQV.isMeasurementOf) for n in g.objects(ds, uris.DQV.hasQualityMeasurement)}
    assert uris.metric_uri("pv:keywordAvailability") in measured
    annotated = {}
    for node in g.objects(ds, uris.DQV.hasQualityAnnotation):
        assert (node, RDF.type, uris.DQV.QualityAnnotation) in g
        annotated[g.value(node, DCTERMS.subject)] = node
    for mid in result["not_assessed"]:
        assert uris.metric_uri(mid) not in measured, mid
        assert uris.metric_uri(mid) in annotated, mid
    body = g.value(annotated[uris.metric_uri("pv:dcatApCompliance")], quality.OA.hasBody)
    texts = {v.language: str(v) for v in g.objects(body, RDF.value)}
    assert texts["en"] == "DCAT-AP compliance: not assessed (DCAT-AP validator not enabled)"
    assert texts["ja"].startswith("DCAT-AP準拠: 未評価")
    share = uris.metric_uri("wq:mqaAssessedShare")
    assert share in measured


def test_a_verdict_on_another_standard_or_an_unknown_standard(settings):
    """A verdict stored against another standard than declared now is not assessed (not
    yet run against it); a declared id the checker does not know is failed (fixable)."""
    old = {"res-1": {"conformance_ok": True, "rules_score": 80.0, "file_state": "checked",
                     "standard_id": "13_public_toilet"}}
    assert state(run(stored=old), "wq:standardConformance") == ("not_assessed", "not_yet_run", 0)
    unknown = full_dataset()
    unknown["conforms_to"] = ["no-such-standard"]
    checked = {"res-1": {"conformance_ok": None, "rules_score": 80.0, "file_state": "checked",
                         "standard_id": "no-such-standard"}}
    assert state(run(unknown, stored=checked), "wq:standardConformance") == ("failed", None, 0)
