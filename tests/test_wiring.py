"""The plugins wire CKAN's interfaces through blankets, with one config declaration per
plugin and every template helper in ``ckanext/wards/helpers.py``. No stack: the plugin
classes are read, not loaded."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from ckan.config.declaration import Declaration, Key
from ckan.lib.navl.dictization_functions import Invalid

from ckanext.wards import helpers
from ckanext.wards.config import declarations
from ckanext.wards.logic import schema as param_schema
from ckanext.wards.plugin.compare import WardsComparePlugin
from ckanext.wards.plugin.dcat import WardsDcatPlugin
from ckanext.wards.plugin.schema import WardsSchemaPlugin
from ckanext.wards.plugin.scoring import WardsScoringPlugin

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = {"wards_schema": WardsSchemaPlugin, "wards_scoring": WardsScoringPlugin,
           "wards_compare": WardsComparePlugin, "wards_dcat": WardsDcatPlugin}
COMMON = set(declarations.declared_keys("common"))


def _declared(*names: str) -> Declaration:
    declaration = Declaration()
    for name in names:
        PLUGINS[name]().declare_config_options(declaration, Key())
    return declaration


def _keys(declaration: Declaration) -> set[str]:
    return {str(key) for key in declaration.iter_options()}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_a_plugin_alone_declares_the_common_options_and_its_own(name):
    own = set(declarations.declared_keys(name))
    assert own and not own & COMMON
    assert _keys(_declared(name)) == COMMON | own


def test_the_four_plugins_declare_every_option_once_in_any_order():
    every = COMMON.union(*(declarations.declared_keys(name) for name in PLUGINS))
    assert len(every) == len(COMMON) + sum(len(declarations.declared_keys(n)) for n in PLUGINS)
    assert _keys(_declared(*PLUGINS)) == every
    assert _keys(_declared(*reversed(list(PLUGINS)))) == every


def test_only_our_own_options_are_declared():
    """scheming.dataset_schemas, ckanext.dcat.* belong to their extensions."""
    keys = _keys(_declared(*PLUGINS))
    assert all(key.startswith("ckanext.wards.") for key in keys), sorted(keys)


def test_every_declared_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [key for key in sorted(_keys(_declared(*PLUGINS))) if f"`{key}`" not in readme]
    assert not missing


@pytest.mark.parametrize("key, good, bad", [
    ("ckanext.wards.dcat.rdf_writers", ("wards", "rdflib"), "rdflibs"),
    ("ckanext.wards.dcat.catalog_measurements", ("summary", "all"), "some"),
])
def test_enumerations_accept_only_their_words(key, good, bad):
    declaration = _declared("wards_dcat")
    for value in good:
        assert key not in declaration.validate({key: value})[1]
    assert key in declaration.validate({key: bad})[1]


def test_options_are_typed():
    declaration = _declared(*PLUGINS)
    given = {"ckanext.wards.collect.timeout": "5", "ckanext.wards.linkcheck.enabled": "true",
             "ckanext.wards.linkcheck.host_interval": "0.5", "ckanext.wards.peers": "https://a/x.json https://b/y.json"}
    data, errors = declaration.validate(given)
    assert not set(errors) & set(given)
    assert data["ckanext.wards.collect.timeout"] == 5
    assert data["ckanext.wards.linkcheck.enabled"] is True
    assert data["ckanext.wards.linkcheck.host_interval"] == 0.5
    assert data["ckanext.wards.peers"] == ["https://a/x.json", "https://b/y.json"]


def test_the_actions_and_auth_functions_keep_their_names():
    names = {name: set(cls().get_actions()) for name, cls in PLUGINS.items()}
    assert names["wards_schema"] == {"scheming_dataset_schema_list", "scheming_dataset_schema_show",
                                     "wards_validate_import", "wards_import", "wards_standard_check"}
    assert names["wards_scoring"] == {"dataset_purge", "wards_resource_score", "wards_dataset_score",
                                      "wards_scorecard"}
    assert names["wards_compare"] == {"wards_report", "wards_compare", "organization_create",
                                      "group_create", "organization_update", "group_update"}
    assert names["wards_dcat"] == {"dcat_catalog_show", "dcat_dataset_show", "dcat_catalog_search"}
    for name in ("wards_schema", "wards_scoring", "wards_compare"):
        own = {a for a in names[name] if a.startswith("wards_")}
        assert own <= set(PLUGINS[name]().get_auth_functions()), name


def test_blueprints_and_the_command_group():
    assert [bp.name for bp in WardsScoringPlugin().get_blueprint()] == ["wards_scorecard", "wards_vocabulary"]
    assert [bp.name for bp in WardsComparePlugin().get_blueprint()] == ["wards_compare", "wards_methodology",
                                                                       "wards_standards", "wards_coverage"]
    for cls in PLUGINS.values():
        (group,) = cls().get_commands()
        assert group.name == "wards"
    assert {"migrate", "import", "check-standard", "score", "scorecard", "report", "collect",
            "demo-data", "validate-dcat"} <= set(group.commands)


def test_every_helper_the_templates_and_the_schema_call_is_registered():
    used = set()
    for path in (ROOT / "ckanext" / "wards" / "templates").rglob("*.html"):
        used |= set(re.findall(r"\bh\.(wards_\w+)", path.read_text(encoding="utf-8")))
    for path in (ROOT / "schemas").glob("*.yaml"):
        used |= set(re.findall(r"choices_helper:\s*(wards_\w+)", path.read_text(encoding="utf-8")))
    own = {name for name in helpers.__all__ if name.startswith("wards_")}
    assert used and used == own
    # the rest chain CKAN's own (English title/notes on /en/), never replace them
    for name in set(helpers.__all__) - own:
        assert getattr(getattr(helpers, name), "chained_helper", False), name
    schema_helpers = WardsSchemaPlugin().get_helpers()
    assert "scheming_field_choices" in schema_helpers  # scheming's own, this plugin replaces it
    assert set(helpers.__all__) <= set(schema_helpers) and set(helpers.__all__) <= set(WardsScoringPlugin().get_helpers())


def test_the_schema_plugin_keeps_schemings_validators_beside_ours():
    validators = WardsSchemaPlugin().get_validators()
    assert {"scheming_required", "wards_lg_code", "wards_date", "wards_bool"} <= set(validators)


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("true", True), ("FALSE", False), (" yes ", True), ("off", False),
    ("1", True), (0, False), ("", False), ("ｔｒｕｅ", True), ("t", True), ("n", False)])
def test_strict_bool_reads_the_parameter_words(value, expected):
    assert param_schema.strict_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, 1.0, [], {}, "はい"])
def test_strict_bool_refuses_anything_else_with_a_message(value):
    with pytest.raises(Invalid) as e:
        param_schema.strict_bool(value)
    assert e.value.error == "Must be true or false"
