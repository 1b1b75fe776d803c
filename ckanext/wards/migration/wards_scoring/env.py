"""Alembic environment of the wards_scoring plugin (``ckan db upgrade -p wards_scoring``)."""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
fileConfig(config.config_file_name)
target_metadata = metadata

name = os.path.basename(os.path.dirname(__file__))
# the tables this plugin owns (autogenerate must not touch CKAN's or other plugins')
OWN_TABLES = ("wards_dataset_score", "wards_resource_score", "wards_link_check")


def include_object(object, object_name, type_, reflected, compare_to):
    if type_ == "table":
        return object_name in OWN_TABLES
    return True


def _configure(**kwargs):
    context.configure(target_metadata=target_metadata,
                      version_table=f"{name}_alembic_version",
                      include_object=include_object, **kwargs)


def run_migrations_offline():
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
