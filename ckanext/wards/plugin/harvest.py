from __future__ import annotations

import ckan.plugins as p
from ckanext.dcat.interfaces import IDCATRDFHarvester

from ckanext.wards.harvest import unchanged


class WardsHarvestPlugin(p.SingletonPlugin):
    """With ckanext-harvest and ckanext-dcat's ``dcat_rdf_harvester``: a run updates only
    the datasets that changed at the source."""

    p.implements(IDCATRDFHarvester, inherit=True)

    def before_update(self, harvest_object, dataset_dict, temp_dict):
        unchanged.before_update(harvest_object, dataset_dict)
