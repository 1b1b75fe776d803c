"""ckanext-dcat profile for the shared vocabulary (filled in by the DCAT issue)."""
from ckanext.dcat.profiles import EuropeanDCATAP3Profile


class WardsDCATAP3Profile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 plus the shared vocabulary; for now the stock euro_dcat_ap_3 output."""
