"""Which harvested datasets a run skips (ckanext/wards/harvest/unchanged.py), without a stack:
the harvest objects are plain objects with the attributes the harvester sets."""
from __future__ import annotations

import json
from types import SimpleNamespace

from ckanext.wards.harvest import unchanged
from ckanext.wards.plugin.harvest import WardsHarvestPlugin

DATASET = {"title": "AED設置箇所一覧", "theme": ["HEAL", "JUST"],
           "tags": [{"name": "AED"}, {"name": "防災"}],
           "resources": [{"url": "https://example.org/a.csv", "format": "CSV"},
                         {"url": "https://example.org/api", "format": "JSON"}],
           "extras": [{"key": "guid", "value": "http://source.example/dataset/1"}]}


def _content(data=DATASET) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_the_same_content_is_unchanged_whatever_the_order_of_keys_and_lists():
    reordered = {"resources": list(reversed(DATASET["resources"])), "extras": DATASET["extras"],
                 "tags": list(reversed(DATASET["tags"])), "theme": ["JUST", "HEAL"],
                 "title": DATASET["title"]}
    assert unchanged.is_unchanged(_content(reordered), _content())
    assert unchanged.fingerprint(_content(reordered)) == unchanged.fingerprint(_content())


def test_the_name_the_harvester_gives_is_no_change():
    assert unchanged.is_unchanged(_content({**DATASET, "name": "aed1"}), _content({**DATASET, "name": "aed"}))


def test_any_changed_value_is_a_change():
    for changed in ({**DATASET, "title": "AED設置箇所"}, {**DATASET, "theme": ["HEAL"]},
                    {**DATASET, "resources": [{**DATASET["resources"][0], "format": "XLSX"},
                                              DATASET["resources"][1]]},
                    {**DATASET, "notes_en": "Where the AEDs are."}):
        assert not unchanged.is_unchanged(_content(changed), _content())


def test_no_previous_import_or_unreadable_content_is_never_unchanged():
    assert not unchanged.is_unchanged(_content(), None)
    assert not unchanged.is_unchanged(None, None)
    assert not unchanged.is_unchanged("{not json", "{not json")
    assert not unchanged.is_unchanged("[1]", "[1]")
    assert unchanged.fingerprint("") is None


def test_skip_empties_the_dict_and_keeps_the_package_on_the_object():
    obj = SimpleNamespace(package_id=None)
    dataset = {**DATASET, "id": "pkg-1", "name": "aed"}
    unchanged.skip(obj, dataset)
    assert dataset == {} and obj.package_id == "pkg-1"


def test_before_update_skips_only_what_did_not_change(monkeypatch):
    previous = {"guid-same": _content(), "guid-edited": _content()}
    monkeypatch.setattr(unchanged, "last_imported_content", lambda obj: previous.get(obj.guid))
    monkeypatch.setattr(unchanged, "package_is_active", lambda package_id: True)
    same = SimpleNamespace(guid="guid-same", content=_content(), package_id=None)
    edited = SimpleNamespace(guid="guid-edited", content=_content({**DATASET, "title": "新しい題名"}),
                             package_id=None)
    new = SimpleNamespace(guid="guid-new", content=_content(), package_id=None)
    dicts = {name: {**DATASET, "id": name} for name in ("same", "edited", "new")}
    plugin = WardsHarvestPlugin()
    for name, obj in (("same", same), ("edited", edited), ("new", new)):
        plugin.before_update(obj, dicts[name], {})
    assert dicts["same"] == {} and same.package_id == "same"
    assert dicts["edited"]["title"] == DATASET["title"] and edited.package_id is None
    assert dicts["new"] and new.package_id is None


def test_a_deleted_dataset_back_at_the_source_is_updated(monkeypatch):
    monkeypatch.setattr(unchanged, "last_imported_content", lambda obj: _content())
    monkeypatch.setattr(unchanged, "package_is_active", lambda package_id: package_id != "deleted")
    obj = SimpleNamespace(guid="g", content=_content(), package_id=None)
    dataset = {**DATASET, "id": "deleted"}
    assert not unchanged.before_update(obj, dataset)
    assert dataset["title"] == DATASET["title"]
    assert unchanged.before_update(obj, {**DATASET, "id": "active"})


def test_the_plugin_keeps_ckanext_dcats_defaults_for_the_other_hooks():
    plugin = WardsHarvestPlugin()
    assert plugin.before_download("http://source.example/catalog.ttl", None) == \
        ("http://source.example/catalog.ttl", [])
    assert plugin.after_download("content", None) == ("content", [])
