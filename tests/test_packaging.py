"""A plain (non-editable) wheel ships schemas/ and i18n/ and the code finds them there."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("ckanext_wards-*.whl")
    return built


def test_wheel_contains_every_schema_and_compiled_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ROOT.joinpath("schemas").rglob("*"):
        if path.is_file():
            rel = path.relative_to(ROOT).as_posix()
            assert f"ckanext/wards/_data/{rel}" in names
    for lang in ("ja", "en"):
        assert f"ckanext/wards/_data/i18n/{lang}/LC_MESSAGES/ckanext-wards.mo" in names
    for name in ("common", "wards_schema", "wards_scoring", "wards_compare", "wards_dcat"):
        assert f"ckanext/wards/config/{name}.yaml" in names


def test_installed_wheel_finds_its_data_without_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # -S: no site-packages, so neither the editable install nor the checkout is visible.
    probe = (
        "from ckanext.wards import paths; "
        "print(paths.schemas_dir()); print(paths.i18n_dir())"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        env={"PYTHONPATH": str(site)}, cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    schemas, i18n = result.stdout.split()
    assert schemas == str(site / "ckanext" / "wards" / "_data" / "schemas")
    assert i18n == str(site / "ckanext" / "wards" / "_data" / "i18n")


def _install_requires() -> set[str]:
    """Distribution names in setup.py's install_requires (read, not run)."""
    import ast
    import re
    tree = ast.parse(ROOT.joinpath("setup.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires":
            return {re.split(r"[<>=!~ ;\[]", ast.literal_eval(item))[0].lower().replace("_", "-")
                    for item in node.value.elts}
    raise AssertionError("setup.py has no install_requires")


def _imported_top_level_modules() -> set[str]:
    import ast
    names = set()
    for path in ROOT.joinpath("ckanext").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_runtime_import_is_declared_or_comes_with_ckan():
    """A wheel installed into a portal's venv (CKAN and its requirements only) imports
    everything it needs: openpyxl was missing and XLSX checks answered 500."""
    import importlib.metadata as md
    import re
    ckan_requires = {re.split(r"[<>=!~ ;\[(]", r)[0].lower().replace("_", "-")
                     for r in md.requires("ckan") or [] if "extra ==" not in r or '"requirements"' in r}
    declared = _install_requires()
    distributions = md.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_level_modules() - {"ckan", "ckanext"}):
        if module in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        assert dists, f"{module}: imported but installed by no distribution"
        if not dists & (declared | ckan_requires):
            missing[module] = dists
    assert missing == {}
    assert "openpyxl" in declared
