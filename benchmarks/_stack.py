"""The stack a benchmark runs on, from dev/lib.sh: its own PostgreSQL database and a fresh
Solr (PostgreSQL and Redis are the dev stack's), and CKAN's Flask app on test.ini.

With CKAN_SQLALCHEMY_URL and CKAN_SOLR_URL set, a running stack is used instead.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_INI = str(ROOT / "test.ini")


def ensure_stack(database: str, plugins: str, redis_db: int) -> None:
    """An emptied database with CKAN's tables and the plugins' migrations, and a fresh Solr,
    unless the environment names a stack."""
    if os.environ.get("CKAN_SQLALCHEMY_URL") and os.environ.get("CKAN_SOLR_URL"):
        return
    script = f"""
source {ROOT}/dev/lib.sh
ensure_stack >&2
port=$(free_port)
home="$STATE/solr-{database}"
stop_solr "$home"
start_solr "$home" "$port" fresh >&2
drop_database {database}; ensure_database {database}
echo "$port $home"
"""
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
    port, home = out.stdout.split()[-2:]
    os.environ["CKAN_SQLALCHEMY_URL"] = f"postgresql://ckan_default:pass@127.0.0.1/{database}"
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:{port}/solr/ckan"
    os.environ.setdefault("CKAN_REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    os.environ["WARDS_BENCH_SOLR_HOME"] = home
    ckan = str(ROOT / ".venv" / "bin" / "ckan")
    env = dict(os.environ, CKAN__PLUGINS=plugins)
    for command in (["db", "init"], ["db", "pending-migrations", "--apply"]):
        subprocess.run([ckan, "-c", TEST_INI, *command], check=True, env=env, capture_output=True)


def stop_stack() -> None:
    """Stop the Solr that ensure_stack started, if it started one."""
    home = os.environ.get("WARDS_BENCH_SOLR_HOME")
    if home:
        subprocess.run(["bash", "-c", f"source {ROOT}/dev/lib.sh; stop_solr {home}"], check=False)


def flask_app(plugins: str, options: dict[str, str]):
    """CKAN's Flask app on test.ini with these plugins and config options."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(TEST_INI)
    config["ckan.plugins"] = plugins
    config.update(options)
    app = make_app(config)
    return app._wsgi_app if hasattr(app, "_wsgi_app") else app
