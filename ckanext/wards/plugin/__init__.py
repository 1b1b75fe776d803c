"""The four CKAN plugins of ckanext-wards, one module each.

Plugin classes only wire CKAN interfaces to the plain functions of the concern modules
(``ckanext.wards.schema``, ``.scoring``, ``.report``, ``.compare``, ``.dcat`` ...).
"""
