"""``ckan -c <ini> wards ...``: thin click wrappers over the plain functions of each concern.

Each command only parses options, calls one function and prints its result; the logic
lives in the concern modules so tests can call it without the CLI.
"""
from __future__ import annotations

import click


@click.group(short_help="ckanext-wards: schema, scoring, ward reports, DCAT")
def wards():
    """Shared vocabulary, quality scoring, ward comparison and DCAT for ward portals."""


# --- schema commands (migrate) ---

# --- standard-check commands (check-standard) ---

# --- scoring commands (score, scorecard) ---

# --- compare commands (report, collect, demo-data) ---

# --- dcat commands (validate-dcat) ---


def get_commands():
    return [wards]
