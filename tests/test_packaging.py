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
    assert "ckanext/wards/config_declaration.yaml" in names


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
