# Shared functions of dev/serve and dev/test: install and start the real stack
# (PostgreSQL and Redis from Debian, Apache Solr 9 from Maven Central, a Python venv).
# Every step is idempotent: a second run checks and returns quickly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.dev"          # venv-independent runtime state: logs, solr homes, pids
VENV="$ROOT/.venv"
SOLR_DIR="$ROOT/dev/solr"
PG_USER=ckan_default
PG_PASS=pass
mkdir -p "$STATE"

log() { printf '\033[1m[wards-dev]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_debian_packages() {
  local wanted=(postgresql redis-server libpq-dev gcc default-jre-headless maven chromium chromium-driver fonts-noto-cjk curl)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  # A JDK 17+ and Maven may come with the machine instead of Debian's packages.
  if command -v java >/dev/null && command -v mvn >/dev/null; then
    missing=("${missing[@]/default-jre-headless}"); missing=("${missing[@]/maven}")
  fi
  read -r -a missing <<< "${missing[*]}"
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}"
  fi
}

ensure_venv() {
  local stamp="$VENV/.wards-requirements"
  local want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating the Python virtual environment in .venv"
    python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing pinned Python requirements (CKAN 2.12, scheming, dcat, pyshacl, ...)"
    "$VENV/bin/pip" install -q --upgrade pip wheel setuptools
    "$VENV/bin/pip" install -q -r "$ROOT/requirements-dev.txt"
    "$VENV/bin/pip" install -q --no-deps -e "$ROOT"
    echo "$want" > "$stamp"
  fi
  compile_translations
}

compile_translations() {
  # .mo files are built from the committed .po catalogues (newer .po → rebuild).
  local po mo
  for po in "$ROOT"/i18n/*/LC_MESSAGES/ckanext-wards.po; do
    [ -e "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
      "$VENV/bin/pybabel" -q compile -d "$ROOT/i18n" -D ckanext-wards -l "$(basename "$(dirname "$(dirname "$po")")")" || {
        log "could not compile $po"; return 1; }
    fi
  done
}

ensure_solr_libs() {
  if [ ! -f "$SOLR_DIR/target/solr-lib/solr-core-9.10.1.jar" ]; then
    log "resolving Apache Solr 9.10.1 from Maven Central (about 85 MB, once)"
    (cd "$SOLR_DIR" && mvn -B -q package)
  fi
}

start_postgres() {
  local version
  version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
    as_root pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster "$version" main start
  fi
  local i
  for i in $(seq 1 30); do
    as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  if [ "$(as_root su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='$PG_USER'\"")" != 1 ]; then
    as_root su postgres -c "psql -qc \"create role $PG_USER login superuser password '$PG_PASS'\""
  fi
}

ensure_database() {  # name
  local db="$1"
  if [ "$(as_root su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$db'\"")" != 1 ]; then
    as_root su postgres -c "createdb -O $PG_USER -E UTF-8 -T template0 $db"
  fi
}

drop_database() {  # name
  as_root su postgres -c "dropdb --if-exists --force $1" >/dev/null 2>&1 || true
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
      --logfile "$STATE/redis.log" --dir "$STATE" >/dev/null
    local i
    for i in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.3; done
  fi
}

solr_ping() {  # port
  curl -sf "http://127.0.0.1:$1/solr/ckan/admin/ping?wt=json" >/dev/null 2>&1
}

start_solr() {  # home port [fresh]
  local home="$1" port="$2" fresh="${3:-}"
  if solr_ping "$port"; then return 0; fi
  if [ -n "$fresh" ] || [ ! -f "$home/ckan/conf/managed-schema" ]; then
    rm -rf "$home"
    mkdir -p "$(dirname "$home")"
    cp -r "$SOLR_DIR/home-template" "$home"
    # CKAN's own schema, from the installed ckan package.
    "$VENV/bin/python" - "$home/ckan/conf/managed-schema" <<'PY'
import os, shutil, sys, ckan
shutil.copyfile(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"), sys.argv[1])
PY
  fi
  log "starting Apache Solr 9.10.1 on 127.0.0.1:$port (home $home)"
  nohup java -Xms256m -Xmx768m -Duser.timezone=UTC -Dsolr.log.dir="$STATE" \
    -Dlog4j2.configurationFile="file:$SOLR_DIR/log4j2.xml" \
    -cp "$SOLR_DIR/target/solr-lib/*" "$SOLR_DIR/RunSolr.java" "$home" "$port" \
    > "$home.log" 2>&1 &
  echo $! > "$home.pid"
  local i
  for i in $(seq 1 240); do
    if solr_ping "$port"; then return 0; fi
    if ! kill -0 "$(cat "$home.pid")" 2>/dev/null; then
      log "Solr exited during start-up; its log:"; tail -50 "$home.log" >&2; return 1
    fi
    sleep 0.5
  done
  log "Solr did not answer within 120 s; its log:"; tail -50 "$home.log" >&2
  return 1
}

stop_solr() {  # home
  local pidfile="$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ensure_stack() {
  ensure_debian_packages
  ensure_venv
  ensure_solr_libs
  start_postgres
  start_redis
}
