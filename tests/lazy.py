"""CKAN's test factories, imported on first use: modules that mix pure tests with stack
tests import them from here, so ``dev/unit`` (which runs only the pure ones) never pays
for loading factory_boy and Faker."""
from __future__ import annotations

import importlib
from typing import Any


class _LazyModule:
    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr == "pytestmark":  # pytest's collection probes these
            raise AttributeError(attr)
        return getattr(importlib.import_module(self._name), attr)


factories = _LazyModule("ckan.tests.factories")
