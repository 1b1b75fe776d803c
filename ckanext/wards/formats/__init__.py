"""Resource formats: what a resource is (``classify``: declared label, media type and URL to
an EU file type, IANA media type, machine readability, 5 stars, API) and what its file is
(``sniff``: file type and text encoding from the bytes).

Import the submodules (``from ckanext.wards.formats import classify, sniff``); this
``__init__`` re-exports nothing, so that ``formats.classify`` is always the module.
"""
