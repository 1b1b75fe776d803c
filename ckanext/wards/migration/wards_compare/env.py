"""Alembic environment of the wards_compare plugin (``ckan db upgrade -p wards_compare``).

Its own version table (``wards_compare_alembic_version``) keeps it independent of
CKAN core's and of the other wards plugins' migrations.
"""
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
VERSION_TABLE = f"{name}_alembic_version"


def include_object(object, object_name, type_, reflected, compare_to):
    # autogenerate only sees this plugin's tables
    if type_ == "table":
        return object_name.startswith(name)
    return True


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
        literal_binds=True, version_table=VERSION_TABLE, include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table=VERSION_TABLE, include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
