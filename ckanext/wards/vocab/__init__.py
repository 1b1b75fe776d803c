"""The vocabularies of ckanext-wards and the rules that read them."""
