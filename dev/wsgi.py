"""WSGI entry point for serving CKAN with a real WSGI server (gunicorn), as a portal would.

    CKAN_INI=/path/to/ckan.ini gunicorn --workers 4 --bind 127.0.0.1:8080 --chdir dev wsgi:application
"""
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

application = make_app(load_config(os.environ["CKAN_INI"]))
