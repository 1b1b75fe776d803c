"""The CKAN plugins of ckanext-wards, one module each (``wards_harvest`` only with
ckanext-harvest).

Plugin classes only wire CKAN interfaces to the plain functions of the concern modules
(``ckanext.wards.schema``, ``.scoring``, ``.report``, ``.compare``, ``.dcat`` ...).
"""
