"""English title and description on /en/ where given (issue 12 item 6), on the real stack."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from tests.conftest import WARDS_PLUGINS
from tests.test_schema_stack import toilets

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

NOTES_EN = "Locations and barrier-free facilities of public toilets."


@pytest.fixture
def dataset(sysadmin, org):
    return helpers.call_action("package_create", context={"user": sysadmin["name"]},
                               **toilets(org, notes_en=NOTES_EN))


def test_dataset_page_on_en_shows_the_english_title_and_description(app, dataset):
    body = app.get(f"/en/dataset/{dataset['name']}").get_data(as_text=True)
    assert "<h1" in body and "Public toilets" in body.split("<h1", 1)[1].split("</h1>", 1)[0]
    notes = body.split('class="notes embedded-content"', 1)[1].split("</div>", 1)[0]
    assert NOTES_EN in notes


@pytest.mark.ckan_config("ckan.locale_default", "ja")
def test_dataset_page_in_the_default_language_shows_the_japanese_title(app, dataset):
    for url in (f"/dataset/{dataset['name']}", f"/ja/dataset/{dataset['name']}"):
        body = app.get(url).get_data(as_text=True)
        heading = body.split("<h1", 1)[1].split("</h1>", 1)[0]
        assert "公衆トイレ一覧" in heading and "Public toilets" not in heading
        notes = body.split('class="notes embedded-content"', 1)[1].split("</div>", 1)[0]
        assert "区内の公衆トイレ" in notes and NOTES_EN not in notes  # the table still lists notes_en


@pytest.mark.ckan_config("ckan.locale_default", "ja")
def test_search_results_on_en_show_the_english_title(app, dataset):
    body = app.get("/en/dataset/").get_data(as_text=True)
    item = body.split('class="dataset-heading"', 1)[1].split("</h2>", 1)[0]
    assert "Public toilets" in item and "公衆トイレ一覧" not in item
    assert NOTES_EN in body
    ja = app.get("/dataset/").get_data(as_text=True)
    assert "公衆トイレ一覧" in ja.split('class="dataset-heading"', 1)[1].split("</h2>", 1)[0]


def test_without_an_english_title_the_japanese_one_is_the_fallback(app, sysadmin, org):
    helpers.call_action("package_create", context={"user": sysadmin["name"]},
                        **toilets(org, name="no-english", title_en=""))
    body = app.get("/en/dataset/no-english").get_data(as_text=True)
    assert "公衆トイレ一覧" in body.split("<h1", 1)[1].split("</h1>", 1)[0]
