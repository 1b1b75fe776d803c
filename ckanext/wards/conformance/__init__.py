"""Conformance of a resource's file to the national standard datasets (自治体標準オープンデータセット)
and the 2026 government machine-readability rules.

- ``standards``: the standard datasets (``schemas/standard-datasets/``), their layouts and columns;
- ``reading``: a file as rows in bounded memory (CSV, XLSX), ``Limits``;
- ``values``: cell value types; ``rows``: the data rows checked in batches;
- ``rules``: the machine-readability rules and their level scores;
- ``checker``: ``check_file`` / ``check_rows``, the layout match, ``fingerprint``;
- ``result``: the ``Report``, the result dict, the verdict, ``format_text``;
- ``messages``: every message in English and Japanese;
- ``runner`` and ``store`` (need CKAN): ``run_check`` of a resource's file, results in Redis.

Import the submodules; this ``__init__`` re-exports nothing (it is loaded before any of
them, and the pure ones must not pull in CKAN).
"""
