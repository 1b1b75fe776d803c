"""ckanext-wards: shared vocabulary, quality scoring, ward comparison and DCAT for
Japanese municipal CKAN portals.

``schemas/`` and ``i18n/`` live at the top of the repository (they are data, edited by
people who never open the Python package). ``build_py`` below copies them into
``ckanext/wards/_data/`` of the built wheel, so a plain ``pip install`` ships them;
``ckanext.wards.paths`` finds them in either place.
"""
import os
import shutil

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIRS = ("schemas", "i18n")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        for name in DATA_DIRS:
            target = os.path.join(self.build_lib, "ckanext", "wards", "_data", name)
            if os.path.isdir(target):
                shutil.rmtree(target)
            shutil.copytree(
                os.path.join(HERE, name), target,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        compile_catalogues(os.path.join(self.build_lib, "ckanext", "wards", "_data", "i18n"))


def compile_catalogues(i18n_dir):
    """Build the .mo files from the committed .po catalogues (babel comes with CKAN)."""
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:  # building without babel: ship the .po only
        return
    for root, _dirs, files in os.walk(i18n_dir):
        for name in files:
            if name.endswith(".po"):
                po_path = os.path.join(root, name)
                with open(po_path, "rb") as po:
                    catalog = read_po(po)
                with open(po_path[:-3] + ".mo", "wb") as mo:
                    write_mo(mo, catalog)


with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name="ckanext-wards",
    version="0.1.0",
    description="Shared vocabulary schema, machine-readability scoring, ward comparison "
                "and a DCAT API for the open-data portals of Japanese municipalities",
    long_description=long_description,
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext", "ckanext.wards*"]),
    include_package_data=True,
    package_data={"ckanext.wards": ["config/*.yaml", "templates/**/*", "assets/**/*", "public/**/*", "migration/**/*"]},
    zip_safe=False,
    cmdclass={"build_py": BuildPyWithData},
    install_requires=[
        # ckan itself is expected to be installed already (a ward's portal).
        "ckanext-scheming>=3.1,<3.2",
        "ckanext-dcat>=2.4,<2.5",
        "SQLAlchemy>=2.0",
        "jsonschema>=4.20",
        "pyshacl>=0.26",
        "rdflib>=7.0",
        "PyYAML>=6.0",
        "openpyxl>=3.1",  # XLSX files in the standard checker and the file checks
    ],
    entry_points="""
        [ckan.plugins]
        wards_schema = ckanext.wards.plugin.schema:WardsSchemaPlugin
        wards_scoring = ckanext.wards.plugin.scoring:WardsScoringPlugin
        wards_compare = ckanext.wards.plugin.compare:WardsComparePlugin
        wards_dcat = ckanext.wards.plugin.dcat:WardsDcatPlugin
        wards_harvest = ckanext.wards.plugin.harvest:WardsHarvestPlugin

        [ckan.rdf.profiles]
        wards_dcat_ap_3 = ckanext.wards.dcat.profiles.wards_dcat_ap_3:WardsDCATAP3Profile

        [babel.extractors]
        ckan = ckan.lib.extract:extract_ckan
    """,
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
