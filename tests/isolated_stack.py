"""A private copy of the whole stack, for tests and benchmarks that stop, restart or load it.

Each service runs from a temporary directory on a free loopback port: a PostgreSQL cluster of
its own (initdb), a Redis server, a fresh Apache Solr 9 home, and CKAN served by gunicorn with
several workers and an RQ job worker. Killing any of them disturbs nothing else on the machine
(not the suite's main services, not a developer's `dev/serve`).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


class Postgres:
    def __init__(self, workdir: Path):
        self.dir = workdir / "pg"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql://ckan_default:pass@127.0.0.1:{self.port}/ckan"

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o700)
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres",
                      "-A", "trust", "-E", "UTF-8", "--no-sync"])
        self.start()
        psql = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc"]
        _as_postgres([*psql, "create role ckan_default login superuser password 'pass'"])
        _as_postgres([*psql, "create database ckan owner ckan_default"])

    def start(self) -> None:
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-w", "-l",
                      str(self.dir / "log"), "-o",
                      f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                      "start"])

    def stop(self, mode: str = "fast") -> None:
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-w", "-m", mode, "stop"])

    def restart(self) -> None:
        self.stop()
        self.start()


class _Server:
    """A server process of this test run on a free loopback port."""
    stop_timeout = 10

    def __init__(self, workdir: Path):
        self.dir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(self.stop_timeout)


class Redis(_Server):
    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() is None,
                   20, "Redis")


class Solr(_Server):
    stop_timeout = 30

    def __init__(self, workdir: Path):
        super().__init__(workdir)
        self.home = workdir / "solr-home"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/solr/ckan"

    def init(self) -> None:
        import ckan

        shutil.copytree(ROOT / "dev" / "solr" / "home-template", self.home)
        shutil.copyfile(Path(ckan.__file__).parent / "config" / "solr" / "schema.xml",
                        self.home / "ckan" / "conf" / "managed-schema")

    def ping(self) -> bool:
        with urllib.request.urlopen(f"{self.url}/admin/ping?wt=json", timeout=2) as r:
            return r.status == 200

    def start(self) -> None:
        solr_dir = ROOT / "dev" / "solr"
        self.proc = subprocess.Popen(
            ["java", "-Xms128m", "-Xmx512m", "-Duser.timezone=UTC",
             f"-Dlog4j2.configurationFile=file:{solr_dir / 'log4j2.xml'}",
             f"-Dsolr.log.dir={self.home.parent}",
             "-cp", f"{solr_dir / 'target' / 'solr-lib'}/*", str(solr_dir / "RunSolr.java"),
             str(self.home), str(self.port)],
            stdout=open(self.home.parent / "solr.log", "ab"), stderr=subprocess.STDOUT,
        )
        wait_until(self.ping, 120, "Solr")


class IsolatedStack:
    """Everything a portal runs. Use as a context manager; it cleans up after itself."""

    def __init__(self, workers: int = 3, plugins: str | None = None, extra_config: dict | None = None,
                 venv_bin: Path | None = None, ini_template: Path | None = None,
                 wsgi_dir: Path | None = None):
        """``venv_bin``: the venv whose ``ckan`` and ``gunicorn`` run the portal (default: this
        test run's own); ``ini_template``: the ini the portal starts from (default: test.ini);
        ``wsgi_dir``: where gunicorn finds ``wsgi.py`` (default: dev/)."""
        self.venv_bin = Path(venv_bin) if venv_bin else VENV_BIN
        self.ini_template = Path(ini_template) if ini_template else ROOT / "test.ini"
        self.wsgi_dir = Path(wsgi_dir) if wsgi_dir else ROOT / "dev"
        self.workdir = Path(tempfile.mkdtemp(prefix="wards-stack-"))
        os.chmod(self.workdir, 0o755)
        self.postgres = Postgres(self.workdir)
        self.redis = Redis(self.workdir)
        self.solr = Solr(self.workdir)
        self.workers = workers
        self.plugins = plugins
        self.extra_config = extra_config or {}
        self.web_port = free_port()
        self.web: subprocess.Popen | None = None
        self.job_worker: subprocess.Popen | None = None
        self.ini = self.workdir / "ckan.ini"

    # -- set-up ---------------------------------------------------------------------------
    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            CKAN_INI=str(self.ini),
            CKAN_SQLALCHEMY_URL=self.postgres.url,
            CKAN_SOLR_URL=self.solr.url,
            CKAN_REDIS_URL=self.redis.url,
            CKAN_SITE_URL=self.base_url,
            CKAN_STORAGE_PATH=str(self.workdir / "storage"),
        )
        if self.venv_bin != VENV_BIN:  # another venv: nothing of this run's Python path leaks in
            env.pop("PYTHONPATH", None)
            env["VIRTUAL_ENV"] = str(self.venv_bin.parent)
            env["PATH"] = f"{self.venv_bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    @property
    def cwd(self) -> Path | None:
        """Another venv's commands run outside the checkout (as on a portal); ours as before."""
        return self.workdir if self.venv_bin != VENV_BIN else None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _write_ini(self) -> None:
        text = self.ini_template.read_text(encoding="utf-8")
        lines = []
        overrides = dict(self.extra_config)
        if self.plugins is not None:
            overrides["ckan.plugins"] = self.plugins
        overrides.setdefault("cache_dir", str(self.workdir / "cache"))
        for line in text.splitlines():
            key = line.split("=", 1)[0].strip()
            if key in overrides:
                continue
            lines.append(line)
            if line.strip() == "[app:main]":
                lines.extend(f"{k} = {v}" for k, v in overrides.items())
        self.ini.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def ckan(self, *args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv_bin / "ckan"), "-c", str(self.ini), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=check,
                              cwd=self.cwd)

    def start(self) -> "IsolatedStack":
        self._write_ini()
        self.postgres.init()
        self.redis.start()
        self.solr.init()
        self.solr.start()
        self.ckan("db", "init")
        self.ckan("db", "pending-migrations", "--apply")
        self.start_web()
        return self

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [str(self.venv_bin / "gunicorn"), "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{self.web_port}", "--timeout", "120", "--chdir", str(self.wsgi_dir),
             "--log-level", "warning", "wsgi:application"],
            env=self.env, stdout=open(self.workdir / "web.log", "ab"), stderr=subprocess.STDOUT,
        )
        wait_until(lambda: self.get("/api/3/action/status_show")[0] == 200, 120, "CKAN (gunicorn)")

    def stop_web(self) -> None:
        if self.web and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(30)

    def reconfigure(self, plugins: str, extra_config: dict | None = None) -> None:
        """Rewrite the ini (as an operator edits it) and restart the web server."""
        self.stop_web()
        self.plugins = plugins
        self.extra_config.update(extra_config or {})
        self._write_ini()
        self.start_web()

    def start_job_worker(self) -> subprocess.Popen:
        self.job_worker = subprocess.Popen(
            [str(self.venv_bin / "ckan"), "-c", str(self.ini), "jobs", "worker"], env=self.env,
            cwd=self.cwd,
            stdout=open(self.workdir / "worker.log", "ab"), stderr=subprocess.STDOUT,
        )
        return self.job_worker

    def stop(self) -> None:
        for proc in (self.job_worker, self.web):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(20)
                if proc.poll() is None:
                    proc.kill()
        self.solr.stop()
        self.redis.stop()
        with contextlib.suppress(Exception):
            self.postgres.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "IsolatedStack":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- HTTP -----------------------------------------------------------------------------
    def get(self, path: str, timeout: float = 30, headers: dict | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base_url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def action(self, name: str, data: dict | None = None, api_token: str | None = None,
               timeout: float = 60) -> tuple[int, dict]:
        import json

        headers = {"Content-Type": "application/json"}
        if api_token:
            headers["Authorization"] = api_token
        req = urllib.request.Request(f"{self.base_url}/api/3/action/{name}",
                                     data=json.dumps(data or {}).encode(), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = e.read()
            try:
                return e.code, json.loads(body)
            except ValueError:
                return e.code, {"raw": body.decode("utf-8", "replace")}

    def sysadmin_token(self, name: str = "stack-admin") -> str:
        self.ckan("user", "add", name, f"email={name}@example.org", "password=stack-admin-pass-1")
        self.ckan("sysadmin", "add", name)
        out = self.ckan("user", "token", "add", name, "tests").stdout.strip().splitlines()
        return out[-1].strip()
