"""The demo's real files, on the real stack: uploads in CKAN's storage with the encodings and
defects the metadata says (or misstates), link statuses the portal really answers, and
every check run so the scores are assessed (``ckan wards demo-data --wards 3 --scale 0.1``).
"""
from __future__ import annotations

import codecs

import pytest

import ckan.tests.factories as factories

from ckanext.wards import demo
from ckanext.wards.scoring import datasets, store
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


@pytest.fixture
def small_demo(ckan_config, monkeypatch, tmp_path):
    # a storage of this test's own (test.ini's is shared by parallel runs)
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    user = factories.Sysadmin()
    result = demo.load(seed=2026, n_wards=3, scale=0.1, user=user["name"])
    pkgs = datasets.load_datasets(result["package_ids"])
    return result, pkgs, tmp_path / "storage"


def _uploads(pkgs):
    return [(p, r) for p in pkgs for r in p["resources"] if r.get("url_type") == "upload"]


def test_demo_files_are_in_storage_with_their_sizes_encodings_and_defects(small_demo):
    from ckan.lib import uploader
    result, pkgs, storage = small_demo
    uploads = _uploads(pkgs)
    assert len(uploads) >= 30
    total = 0
    for _pkg, res in uploads:
        path = uploader.get_resource_uploader(dict(res)).get_path(res["id"])
        assert path.startswith(str(storage / "resources" / res["id"][:3] / res["id"][3:6]))
        with open(path, "rb") as f:
            content = f.read()
        assert len(content) == int(res["size"]) and res["mimetype"]
        total += len(content)
    assert total == result["bytes_written"]
    assert total / len(uploads) < 20_000  # a few KB each

    csvs = [(r, open(uploader.get_resource_uploader(dict(r)).get_path(r["id"]), "rb").read())
            for _p, r in uploads if r["format"] == "CSV"]
    boms = [c for _r, c in csvs if c.startswith(codecs.BOM_UTF8)]
    sjis = []
    for res, content in csvs:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            content.decode("cp932")  # Shift_JIS with Microsoft's extensions, never garbage
            sjis.append(res)
    assert boms and sjis and len(boms) + len(sjis) < len(csvs)  # all three encodings
    # some Shift_JIS files are labelled UTF-8 in the metadata (and some UTF-8 ones Shift_JIS)
    labels = {(r["character_encoding"], r in sjis) for r, _c in csvs}
    assert ("Shift_JIS", True) in labels and (("UTF-8", True) in labels or ("Shift_JIS", False) in labels)
    texts = [c.decode("cp932") if r in sjis else c.decode("utf-8-sig") for r, c in csvs]
    assert any(t.split("\r\n", 1)[0].count(",") == t.split("\r\n", 2)[1].count(",")
               and t.split("\r\n", 1)[0].strip(",").count(",") == 0 for t in texts)  # a title row
    assert any("※" in t for t in texts) and any(ch in t for t in texts for ch in "①②③④⑤")

    others = {r["format"]: open(uploader.get_resource_uploader(dict(r)).get_path(r["id"]), "rb").read()[:8]
              for _p, r in uploads}
    assert others.get("PDF", b"%PDF").startswith(b"%PDF")
    assert others.get("XLSX", b"PK").startswith(b"PK")


def test_every_demo_check_ran_and_the_link_statuses_are_what_the_portal_answers(small_demo, app):
    result, pkgs, _storage = small_demo
    ids = result["package_ids"]
    stored = store.stored_resource_results(ids)
    # every upload's type was sniffed from its bytes (XLS-labelled workbooks are XLSX)
    assert all(stored[r["id"]]["sniffed_code"] for _p, r in _uploads(pkgs))
    assert {stored[r["id"]]["sniffed_code"] for _p, r in _uploads(pkgs) if r["format"] == "XLS"} <= {"XLSX"}
    # every CSV and XLSX file was read and its rules scored (not assessed = None); the
    # checker of this tree decides by the declared format, so XLS-labelled files wait for
    # the file-check pipeline, which reads the sniffed type
    tabular = [r for _p, r in _uploads(pkgs) if r["format"] in ("CSV", "XLSX")]
    missing = [(r["format"], r["url"]) for r in tabular if stored[r["id"]]["rules_score"] is None]
    assert not missing
    assert len({stored[r["id"]]["rules_score"] for r in tabular}) > 3  # defects differ
    # DCAT-AP checked on every dataset, in batches giving each the verdict it gets alone
    dcat = store.stored_dcat_results(ids)
    assert all(dcat[i] is not None for i in ids)
    from ckan.plugins import toolkit as tk
    from ckanext.wards.dcat import shacl
    sample = [tk.get_action("package_show")({"ignore_auth": True}, {"id": i}) for i in ids[:12]]
    alone = {p["id"]: shacl.dcat_validator(p) for p in sample}
    assert shacl.dcat_validator_many(sample) == alone == {p["id"]: dcat[p["id"]] for p in sample}
    # every resource URL has a status, and a sample of each kind matches the app's answer
    urls = {u for p in pkgs for u in datasets_urls(p)}
    statuses = store.link_statuses(list(urls))
    assert set(statuses) == urls
    from ckan.plugins import toolkit as tk
    base = tk.config["ckan.site_url"].rstrip("/")
    by_kind: dict[str, str] = {}
    for url in sorted(urls):
        kind = "download" if "/download/" in url else url[len(base):].split("/")[1].split("?")[0]
        by_kind.setdefault(kind + str(statuses[url]), url)
    assert "download200" in by_kind and "dataset200" in by_kind
    for url in by_kind.values():
        resp = app.get(url[len(base):], status=None)
        assert (resp.status_code == 200) == (statuses[url] == 200), (url, resp.status_code)


def datasets_urls(pkg):
    from ckanext.wards.scoring.subject import resource_urls
    return resource_urls(pkg)


def test_small_demo_figures(small_demo):
    """Figures of the study where a small demo can show them: about half the datasets
    machine-readable (strict), wards of different quality, bad and excellent datasets."""
    from ckanext.wards.report import document
    result, _pkgs, _storage = small_demo
    rows = [store.dataset_score_row(i) for i in result["package_ids"]]
    strict = sum(bool(r["machine_readable_strict"]) for r in rows) / len(rows)
    assert 0.3 <= strict <= 0.7
    ratings = {r["rating"] for r in rows}
    assert "bad" in ratings and ({"excellent", "good"} & ratings)
    means = {}
    for r in rows:
        means.setdefault(r["owner_org"], []).append(r["mqa_points"])
    spread = [sum(v) / len(v) for v in means.values()]
    assert max(spread) - min(spread) >= 20
    for doc in document.local_reports(fresh=True):
        assert document.validation_errors(doc) == []


def test_queued_dcat_checks_run_in_batches_and_store_their_verdicts(ckan_config, monkeypatch, tmp_path):
    """dev/serve's mode: the DCAT-AP checks left to background jobs of many datasets each;
    until one ran, its datasets' DCAT-AP result is unknown (None), then it is stored."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    user = factories.Sysadmin()
    enqueued = []
    monkeypatch.setattr("ckan.plugins.toolkit.enqueue_job",
                        lambda fn, args, title=None, **kw: enqueued.append((fn, args)))
    result = demo.load(seed=5, n_wards=1, scale=0.2, user=user["name"], dcat="queue")
    ids = result["package_ids"]
    assert [fn for fn, _a in enqueued] == [demo.dcat_job] * -(-len(ids) // demo.DCAT_JOB_BATCH)
    assert set(store.stored_dcat_results(ids).values()) == {None}
    for fn, args in enqueued:
        fn(*args)
    verdicts = store.stored_dcat_results(ids)
    assert None not in verdicts.values() and len(verdicts) == len(ids)
