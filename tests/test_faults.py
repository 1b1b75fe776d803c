"""Faults and concurrency on a private copy of the whole stack (tests/isolated_stack.py).

Each scenario stops or kills a real service of its own stack (Solr, Redis, PostgreSQL, the
RQ worker, a peer portal) and checks that the pages still answer, that errors are clear
and that nothing acknowledged is lost once the service is back. The suite's main services
are never touched.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import pytest

from tests.isolated_stack import IsolatedStack
from tests import loopback
from tests.loopback import reply

WARDS_PLUGINS = "activity dcat wards_schema wards_scoring wards_compare wards_dcat"


class PeerPortal(BaseHTTPRequestHandler):
    """A peer's report server whose behaviour the test switches: good, garbage or hanging."""

    mode = "good"
    document: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.mode == "hang":
            time.sleep(8)
        body = json.dumps(self.document).encode() if self.mode == "good" else b"\x00garbage{"
        reply(self, body, "application/json")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def peer():
    from tests.test_report import good_report

    PeerPortal.document = good_report()  # 墨田区 (131075), not one of the stack's own wards
    server = loopback.start(PeerPortal)
    yield server
    loopback.stop(server)


@pytest.fixture(scope="module")
def stack(peer):
    peer_url = f"http://127.0.0.1:{peer.server_address[1]}/wards/report/sumida.json"
    with IsolatedStack(workers=2, plugins=WARDS_PLUGINS, extra_config={
        "ckanext.wards.peers": peer_url,
        "ckanext.wards.collect.timeout": "2",
        # the safe fetcher refuses loopback: allow this peer's address and port only
        "ckanext.wards.fetch.allowed_networks": "127.0.0.1/32",
        "ckanext.wards.fetch.allowed_ports": str(peer.server_address[1]),
    }) as s:
        s.token = s.sysadmin_token()
        s.ckan("wards", "demo-data", "--seed", "7", "--wards", "2", "--scale", "0.05",
               "--user", "stack-admin", timeout=900)
        s.ckan("wards", "score", "--all", timeout=900)
        s.ckan("wards", "collect", timeout=300)
        yield s


def _orgs(stack) -> list[str]:
    status, body = stack.action("organization_list")
    assert status == 200
    return body["result"]


def _datasets(stack, org: str) -> list[dict]:
    status, body = stack.action("package_search", {"fq": f"organization:{org}", "rows": 1000})
    assert status == 200
    return body["result"]["results"]


def _stored_points(stack, org: str) -> dict[str, int]:
    status, body = stack.action("wards_scorecard", {"organization": org, "include_private": True},
                                stack.token)
    assert status == 200, body
    return {row["name"]: row["mqa_points"] for row in body["result"]["rows"]}


def _fresh_points(stack, names) -> dict[str, int]:
    points = {}
    for name in names:
        status, body = stack.action("wards_dataset_score", {"id": name}, stack.token)
        assert status == 200, body
        points[name] = body["result"]["mqa_points"]
    return points


OUR_PAGES = ("/wards/compare", "/wards/{org}", "/wards/report/{org}.json", "/organization/{org}/scorecard")


def _pages_answer(stack, org: str, pages=OUR_PAGES + ("/dataset/",)) -> None:
    for template in pages:
        path = template.format(org=org)
        status, body = stack.get(path, timeout=60)
        assert status == 200, (path, status, body[:300])


def test_the_stack_serves_our_pages_under_gunicorn(stack):
    org = _orgs(stack)[0]
    _pages_answer(stack, org)
    status, body = stack.get("/wards/compare?format=json")
    names = json.dumps(json.loads(body), ensure_ascii=False)
    assert "131075" in names  # the collected peer report is on the comparison


def test_solr_down_pages_answer_and_nothing_acknowledged_is_lost(stack):
    org = _orgs(stack)[0]
    target = _datasets(stack, org)[0]["name"]
    stack.solr.stop()
    try:
        # Our pages read stored scores and snapshots from PostgreSQL, not Solr. (CKAN's own
        # dataset page needs Solr for its organisation sidebar, and answers 500 meanwhile.)
        _pages_answer(stack, org, OUR_PAGES)
        status, _ = stack.action("package_show", {"id": target})
        assert status == 200
        status, body = stack.action("package_search", {"q": "*:*"})
        assert status >= 400 and "search" in json.dumps(body).lower()  # a clear search error
        status, body = stack.action("package_patch", {"id": target, "title": "Edited while Solr was down"},
                                    stack.token)
        acknowledged = status == 200
        if not acknowledged:
            assert "index" in json.dumps(body).lower() or "search" in json.dumps(body).lower()
    finally:
        stack.solr.start()
    stack.ckan("search-index", "rebuild", timeout=600)
    _, shown = stack.action("package_show", {"id": target}, stack.token)
    if acknowledged:
        assert shown["result"]["title"] == "Edited while Solr was down"
    _, found = stack.action("package_search", {"q": f"name:{target}"})
    assert found["result"]["results"][0]["title"] == shown["result"]["title"]


def test_redis_down_edits_succeed_and_missed_rescores_catch_up(stack):
    org = _orgs(stack)[0]
    target = _datasets(stack, org)[1]["name"]
    stack.redis.stop()
    try:
        status, body = stack.action("package_patch", {"id": target, "notes": "", "url": ""}, stack.token)
        assert status == 200, body  # the re-score job could not be queued: logged, not fatal
        _pages_answer(stack, org)
    finally:
        stack.redis.start()
    out = stack.ckan("wards", "score", "--stale", timeout=600).stdout
    assert "scored" in out and not out.startswith("scored 0 ")
    assert _stored_points(stack, org)[target] == _fresh_points(stack, [target])[target]
    assert stack.ckan("wards", "score", "--stale").stdout.startswith("scored 0 ")


def test_postgresql_restart_pages_answer_afterwards(stack):
    org = _orgs(stack)[0]
    stack.postgres.restart()
    # The first request after a restart may meet a dead pooled connection; the pool
    # replaces it, and from then on every page answers.
    stack.get("/wards/compare")
    _pages_answer(stack, org)


def test_peer_hanging_or_sending_garbage_keeps_the_last_good_report(stack, peer):
    def sumida_rows():
        _, body = stack.get("/wards/compare?format=json")
        return [r for r in json.loads(body)["rows"] if r.get("code") == "131075"]

    assert sumida_rows()
    for mode in ("garbage", "hang"):
        PeerPortal.mode = mode
        try:
            started = time.monotonic()
            result = stack.ckan("wards", "collect", timeout=120, check=False)
            assert time.monotonic() - started < 60  # the 2 s timeout held
            assert "131075" not in result.stdout or "reject" in (result.stdout + result.stderr).lower()
            assert ("reject" in (result.stdout + result.stderr).lower()
                    or "invalid" in (result.stdout + result.stderr).lower()
                    or "timed out" in (result.stdout + result.stderr).lower())
        finally:
            PeerPortal.mode = "good"
        rows = sumida_rows()
        assert len(rows) == 1 and rows[0]["datasets"] == 10  # the last good snapshot still shows
        assert rows[0]["stale"]  # its report (computed 2026-04-01) is older than stale_hours
        status, page = stack.get("/wards/compare")
        assert status == 200
        assert b"wards-stale-notice" in page and "Sumida".encode() in page


def test_concurrent_updates_while_jobs_run_end_with_fresh_scores_even_after_a_killed_worker(stack):
    org = _orgs(stack)[-1]
    names = [d["name"] for d in _datasets(stack, org)][:8]
    assert len(names) >= 4
    worker = stack.start_job_worker()

    def edit(i: int) -> int:
        name = names[i % len(names)]
        patch = {"id": name, "notes": f"edit {i}" if i % 3 else "",
                 "tag_string": ",".join(f"tag{j}" for j in range(i % 4))}
        return stack.action("package_patch", patch, stack.token)[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(edit, range(24)))
    assert statuses == [200] * 24

    time.sleep(1.5)
    worker.kill()  # mid-job: SIGKILL, as an OOM killer or a crash would
    worker.wait(10)
    stack.start_job_worker()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if "scored 0 " in stack.ckan("wards", "score", "--stale", "--org", org).stdout:
            break
        time.sleep(2)
    stored = _stored_points(stack, org)
    assert {n: stored[n] for n in names} == _fresh_points(stack, names)
    stack.job_worker.kill()


def _sql(stack, query: str) -> str:
    from tests.isolated_stack import PG_BIN, _as_postgres

    return _as_postgres([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(stack.postgres.port),
                         "-U", "postgres", "-d", "ckan", "-tAc", query]).stdout.strip()


def test_concurrent_collections_store_each_new_report_exactly_once(stack, peer):
    import copy

    count_sql = "select count(*) from wards_compare_snapshot where ward_code = '131075'"
    before = int(_sql(stack, count_sql))
    newer = copy.deepcopy(PeerPortal.document)
    newer["computed_at"] = "2026-11-01T09:00:00+09:00"
    PeerPortal.document = newer
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: stack.ckan("wards", "collect", "--no-local", timeout=300,
                                                     check=False), range(3)))
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    assert int(_sql(stack, count_sql)) == before + 1  # none lost, none duplicated
    assert _sql(stack, count_sql + " and computed_at = '2026-11-01 00:00:00'") == "1"
