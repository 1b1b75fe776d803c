"""The standard ward report: one format for every ward portal, computed from the stored
scores and served as JSON, CSV and W3C DQV, plus the national オープンデータ一覧 CSV.

- ``figures``: the per-organisation figures (one SQL aggregate) and their short-lived cache;
- ``document``: the report document, built from the figures of a ward's organisations,
  and its validation (JSON Schema ``schemas/ward-report.schema.json`` and the rules it
  cannot say);
- ``measurements``: the metrics (``schemas/ward-report-metrics.yaml``, ``METRIC_NS``) read
  from a document;
- ``export``: the JSON, CSV and DQV Turtle files;
- ``open_data_list``: the オープンデータ一覧 (A-06) CSV.

Which organisations make up a ward is ``ckanext.wards.vocab.organizations``.
"""
