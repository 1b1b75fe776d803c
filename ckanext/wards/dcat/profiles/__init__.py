"""Our ckanext-dcat profiles, one module each (entry points ``ckan.rdf.profiles`` in
setup.py)."""
from ckanext.wards.dcat.profiles.wards_dcat_ap_3 import WardsDCATAP3Profile

__all__ = ["WardsDCATAP3Profile"]
