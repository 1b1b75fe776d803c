import pytest
from ckan.tests import helpers
from tests.conftest import WARDS_PLUGINS
pytestmark = [pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS), pytest.mark.usefixtures("with_plugins")]
def test_probe():
    s = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    assert any(f["field_name"] == "conforms_to" for f in s["dataset_fields"])
