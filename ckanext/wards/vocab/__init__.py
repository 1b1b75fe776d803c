"""The shared vocabularies and the rules that read them: the term lists of ``schemas/vocab/``
(``loader``), the licences and CKAN's licence register (``licences``), the 23 wards and their
local government codes (``wards``), and which organisation is which ward (``organizations``)."""
