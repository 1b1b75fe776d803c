"""The shared vocabularies: the term lists of ``schemas/vocab/`` (``loader``), the licences
and CKAN's licence register (``licences``), the 23 wards and their local government codes
(``wards``)."""
