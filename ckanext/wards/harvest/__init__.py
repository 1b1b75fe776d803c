"""Harvesting another ward portal's DCAT with ckanext-dcat's ``dcat_rdf`` harvester.

- ``unchanged``: the datasets whose harvested content equals what the last successful run
  imported are skipped, so a run updates only what changed at the source (ckanext-dcat
  calls ``package_update`` on every dataset of every run otherwise).
"""
