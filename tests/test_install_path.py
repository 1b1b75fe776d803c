"""docs/install.md, followed as an operator would on a ward portal that already holds data.

A private stack (tests/isolated_stack.py) runs a plain CKAN 2.12 portal from its own venv,
which has only CKAN and CKAN's requirements (tests/install_venv.py). It is seeded through
CKAN's action API with the default-schema records of tests/fixtures/install/portal.yaml
(a ward whose departments are organisations). Then:

1. the worktree's wheel is built and ``pip install``-ed into that venv, dependencies resolved
   by pip from what the wheel declares;
2. the ini gets the settings blocks of docs/install.md, and every ``ckan -c <ini> ...`` line of
   the guide runs, in order, with that venv's ``ckan`` (gunicorn serves the portal through the
   ``wsgi.py`` of docs/operations.md);
3. every dataset's ``package_show`` before and after is compared: nothing may vanish, every
   rewrite must be in migrate's report (test-artifacts/install-diff.json keeps the diff);
4. each dataset's edit form is saved unchanged in Chromium: nothing may change;
5. a resource is added and edited in the form with the byte size left empty;
6. the DCAT output passes the SHACL shapes, and the ward's departments add up to one ward.
"""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests import install_venv
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.isolated_stack import IsolatedStack

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "install"
ARTIFACTS = ROOT / "test-artifacts"
GUIDE = ROOT / "docs" / "install.md"
SEED = yaml.safe_load((FIXTURES / "portal.yaml").read_text(encoding="utf-8"))
PORTAL_PLUGINS = "activity"
WARD_CODE = "131016"  # 千代田区, the guide's example and the seed's ward
# Of the guide's optional settings, this portal's choice: its ward's code (its departments
# are organisations). The others are alternatives to it (ward_organizations) or would make
# this closed machine reach the outside (peers' reports, link checks of the seed's URLs).
CHOSEN_OPTIONS = {"ckanext.wards.ward_code"}
# CKAN's core dataset fields: they must keep their place and value (issue 16, item 1).
CORE_FIELDS = ("name", "title", "notes", "url", "version", "author", "author_email",
               "maintainer", "maintainer_email", "owner_org", "private", "state", "type",
               "tags", "groups", "metadata_created")
# Set by CKAN on every write, or derived from license_id (an open licence must stay open:
# checked on its own).
VOLATILE = {"metadata_modified", "revision_id", "license_title", "license_url", "isopen"}
ADMIN = "portal-admin"
PASSWORD = "stack-admin-pass-1"  # IsolatedStack.sysadmin_token's

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


# --- docs/install.md, read as written ------------------------------------------------------------

def guide_sections() -> list[tuple[str, str]]:
    """``(heading, body)`` of each ``## `` section of the guide."""
    parts = re.split(r"^## +(.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def code_blocks(body: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", body, flags=re.M | re.S)


def guide_ini_settings() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The guide's ini settings, values verbatim: ``(required, optional, key -> section)``.
    Required: the block with ``ckan.plugins`` up to a ``# optional`` line; optional: the rest
    of that block and every other ini block."""
    required, optional, where = {}, {}, {}
    for heading, body in guide_sections():
        for block in code_blocks(body, "ini"):
            target = required if "ckan.plugins" in block and not required else optional
            for line in block.splitlines():
                if re.match(r"\s*#\s*optional", line, flags=re.I):
                    target = optional
                elif "=" in line and not line.lstrip().startswith(("#", ";")):
                    key, value = line.split("=", 1)
                    target[key.strip()] = value.strip()
                    where[key.strip()] = heading
    assert "ckan.plugins" in required, "docs/install.md has no ```ini block with ckan.plugins"
    return required, optional, where


def operations_wsgi() -> str:
    """The ``wsgi.py`` of docs/operations.md (CKAN's own, beside ckan.ini)."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    blocks = [b for b in code_blocks(text, "python") if "application" in b and "make_app" in b]
    assert blocks, "docs/operations.md shows no wsgi.py (a ```python block with make_app)"
    return blocks[0]


def guide_commands() -> list[dict]:
    """Every ``ckan -c <ini> ...`` line of the guide's bash blocks, in order, with its section."""
    steps = []
    for heading, body in guide_sections():
        for block in code_blocks(body, "bash"):
            for line in block.splitlines():
                match = re.match(r"\s*ckan -c \S+ (.+?)(?:\s+#.*)?$", line)
                if match:
                    command, _, redirect = match.group(1).partition(" > ")
                    steps.append({"section": heading, "line": line.strip(),
                                  "args": command.split(), "stdout_file": redirect.strip() or None})
    return steps


def fill_placeholders(args: list[str], values: dict[str, str]) -> tuple[list[str], list[str]]:
    """The command with its ``<placeholders>`` filled in, and the ones this test cannot fill."""
    out, unknown = [], []
    for arg in args:
        for name in re.findall(r"<([^>]+)>", arg):
            if name in values:
                arg = arg.replace(f"<{name}>", values[name])
            else:
                unknown.append(name)
        out.append(arg)
    return out, unknown


def is_service(args: list[str]) -> bool:
    """A command that runs until stopped (the job worker, the development server)."""
    return args[:2] == ["jobs", "worker"] or args[:1] == ["run"]


# --- package_show, flattened and compared ----------------------------------------------------------

def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def leaves(pkg: dict) -> dict[str, object]:
    """``path -> value`` of a package_show result: extras by key, resources by id, tags and
    groups as sorted name lists; empty values left out (an empty field holds nothing)."""
    out: dict[str, object] = {}

    def walk(path: str, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}" if path else k, v)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, v in enumerate(value):
                walk(f"{path}[{i}]", v)
        elif not is_empty(value):
            out[path] = value

    for key, value in pkg.items():
        if key in VOLATILE or key in ("organization", "relationships_as_object",
                                      "relationships_as_subject"):
            continue
        if key == "extras":
            for extra in value or []:
                if not is_empty(extra.get("value")):
                    out[f"extras.{extra['key']}"] = extra["value"]
        elif key in ("tags", "groups"):
            names = sorted(item["name"] for item in value or [])
            if names:
                out[key] = names
        elif key == "resources":
            for res in value or []:
                for rkey, rvalue in res.items():
                    if rkey not in VOLATILE and rkey not in ("position", "package_id"):
                        walk(f"resources[{res['id']}].{rkey}", rvalue)
        else:
            walk(key, value)
    return out


def all_values(flat: dict[str, object]) -> set[str]:
    """Every value of a flattened record as text, JSON-encoded text decoded too."""
    texts: set[str] = set()

    def add(value):
        if isinstance(value, str):
            texts.add(value)
            if value[:1] in "[{":
                try:
                    add(json.loads(value))
                except ValueError:
                    pass
        elif isinstance(value, dict):
            for v in value.values():
                add(v)
        elif isinstance(value, list):
            for v in value:
                add(v)
        elif value is not None:
            texts.add(json.dumps(value))
    for v in flat.values():
        add(v)
    return texts


def as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def report_blocks(text: str) -> dict[str, list[str]]:
    """migrate's text report per dataset: ``name -> [its lines]`` (a block starts unindented)."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        match = re.match(r"^(\S+?):\s*(.*)$", line)
        if match and not line.startswith(" "):
            current = match.group(1)
            blocks.setdefault(current, []).append(line)
        elif current and line.startswith(" "):
            blocks[current].append(line)
    return blocks


def reported(lines: list[str], key: str, old, new) -> bool:
    """A line of the dataset's report names the key and says what it becomes (or was)."""
    values = [as_text(v) for v in (old, new) if not is_empty(v)]
    return any(key in line and ("->" in line or "→" in line or any(v in line for v in values))
               for line in lines)


def diff_migration(before: dict, after: dict, report_lines: list[str]) -> dict:
    """Every non-empty value of the default-schema record, and where it is now."""
    b, a = leaves(before), leaves(after)
    values_after = all_values(a)
    entries, problems = [], []
    for path, old in b.items():
        new = a.get(path)
        key = path.rsplit(".", 1)[-1] if "." in path else path
        bare = path.split(".", 1)[1] if path.startswith("extras.") else key
        entry = {"path": path, "before": old, "after": new}
        top = path.split(".", 1)[0].split("[", 1)[0]
        if new == old:
            entry["state"] = "kept"
        elif top in CORE_FIELDS:
            entry["state"] = "core field changed" if new is not None else "core field lost"
        else:
            elsewhere = sorted(p for p, v in a.items() if v == old or
                               (isinstance(v, str) and as_text(old) in all_values({p: v})))
            if path.startswith("extras.") and a.get(bare) == old:
                elsewhere = [bare]
            was_reported = reported(report_lines, key, old, new)
            if elsewhere and (new is None or was_reported):
                entry.update(state="moved" if new is None else "rewritten, original kept", where=elsewhere)
            elif was_reported and top != "license_id":
                entry["state"] = "rewritten, reported"
            elif top == "license_id":
                entry["state"] = ("licence rewritten, original not kept" if was_reported
                                  else "licence rewritten silently")
            elif as_text(old) in values_after:
                entry["state"] = "rewritten silently" if new is not None else "moved silently"
            else:
                entry["state"] = "rewritten silently" if new is not None else "vanished"
        entries.append(entry)
        if entry["state"] not in ("kept", "moved", "rewritten, original kept", "rewritten, reported"):
            problems.append(entry)
    if before.get("isopen") and not after.get("isopen"):
        problems.append({"path": "isopen", "before": True, "after": after.get("isopen"),
                         "state": "open licence no longer open"})
    return {"entries": entries, "problems": problems,
            "added": {p: v for p, v in a.items() if p not in b}}


def diff_save(before: dict, after: dict) -> list[dict]:
    """What a save without changes changed (nothing may)."""
    b, a = leaves(before), leaves(after)
    return [{"path": p, "before": b.get(p), "after": a.get(p)}
            for p in sorted(set(b) | set(a)) if b.get(p) != a.get(p)]


# --- the portal ---------------------------------------------------------------------------------

def seed(stack: IsolatedStack, token: str) -> None:
    for org in SEED["organizations"]:
        status, body = stack.action("organization_create", org, token)
        assert status == 200, body
    for group in SEED["groups"]:
        status, body = stack.action("group_create", group, token)
        assert status == 200, body
    for record in SEED["datasets"]:
        data = dict(record)
        data["tags"] = [{"name": t} for t in record.get("tags", [])]
        data["groups"] = [{"name": g} for g in record.get("groups", [])]
        data["extras"] = [{"key": k, "value": v} for k, v in record.get("extras", {}).items()]
        status, body = stack.action("package_create", data, token)
        assert status == 200, (record["name"], body)


def show_all(stack: IsolatedStack, token: str) -> dict[str, dict]:
    shown = {}
    for record in SEED["datasets"]:
        status, body = stack.action("package_show", {"id": record["name"]}, token)
        assert status == 200, (record["name"], body)
        shown[record["name"]] = body["result"]
    return shown


def write_artifact(name: str, data) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                                  encoding="utf-8")


@pytest.fixture(scope="module")
def portal_venv():
    """The portal's venv (CKAN only), reset to that state, then the wheel pip-installed."""
    bin_dir = install_venv.base_venv()
    install_venv.reset(bin_dir)
    return bin_dir


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return install_venv.build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def portal(portal_venv, wheel):
    """The seeded plain-CKAN portal, taken through the guide. Records what each step did;
    the tests below assert on it (a failing step fails its test, not the fixture)."""
    state: dict = {"steps": [], "venv": portal_venv}
    stack = IsolatedStack(workers=2, plugins=PORTAL_PLUGINS, venv_bin=portal_venv,
                          ini_template=FIXTURES / "portal.ini")
    # the portal's own wsgi.py beside its ckan.ini, as docs/operations.md writes it
    (stack.workdir / "wsgi.py").write_text(operations_wsgi(), encoding="utf-8")
    stack.wsgi_dir = stack.workdir
    with stack:
        token = stack.sysadmin_token(ADMIN)
        seed(stack, token)
        state.update(stack=stack, token=token, before=show_all(stack, token))

        # 1. Install the package (into the portal's venv, with the dependencies it declares)
        started = time.monotonic()
        state["pip"] = install_venv.install_wheel(portal_venv, wheel)
        state["pip_seconds"] = round(time.monotonic() - started, 1)

        # the guide's ini settings: the operator edits the ini (the web server restarts below)
        required, optional, _ = guide_ini_settings()
        settings = dict(required)
        settings.update({k: v for k, v in optional.items() if k in CHOSEN_OPTIONS})
        plugins = settings.pop("ckan.plugins").replace("<your other plugins>", "").split()
        state["settings"] = settings
        stack.stop_web()
        # the guide's plugins, and the portal's own ones kept
        stack.plugins = " ".join(dict.fromkeys(plugins + PORTAL_PLUGINS.split()))
        stack.extra_config.update(settings)
        stack.extra_config["ckanext.wards.linkcheck.enabled"] = "false"
        stack._write_ini()

        # every command of the guide, in order
        placeholders = {"org": SEED["organizations"][1]["name"]}
        for step in guide_commands():
            args, unknown = fill_placeholders(step["args"], placeholders)
            if unknown:
                state["steps"].append({**step, "args": args, "returncode": "not run", "stdout": "",
                                       "stderr": f"no value for the placeholders {unknown}"})
                continue
            if is_service(args):  # runs until stopped; this test counts the queue instead
                continue
            started = time.monotonic()
            result = stack.ckan(*args, timeout=900, check=False)
            output = result.stdout
            for flag in ("--output", "-o"):
                if flag in args[:-1] and (stack.workdir / args[args.index(flag) + 1]).exists():
                    output = (stack.workdir / args[args.index(flag) + 1]).read_text(encoding="utf-8-sig")
            state["steps"].append({**step, "args": args, "returncode": result.returncode,
                                   "stdout": result.stdout, "stderr": result.stderr, "output": output,
                                   "seconds": round(time.monotonic() - started, 1)})
        dry_runs = [s for s in state["steps"] if s["args"][:3] == ["wards", "migrate", "--dry-run"]]
        state["dry_run"] = dry_runs[0]["stdout"] if dry_runs else ""
        # jobs the guide's commands left in the queue (no worker runs: they stay countable)
        queued = stack.ckan("jobs", "list", "--ids", check=False).stdout.split()
        state["queued_jobs"] = [] if "pending" in queued else queued
        # a second dry run: datasets already in the shared schema are left alone
        state["second_dry_run"] = stack.ckan("wards", "migrate", "--dry-run", check=False).stdout

        try:
            stack.start_web()
        except TimeoutError as e:
            log = (stack.workdir / "web.log").read_text(encoding="utf-8", errors="replace")
            state["web_error"] = f"{e}; web.log:\n{log[-3000:]}"
        else:
            state["after"] = show_all(stack, token)
        yield state


def served(portal) -> IsolatedStack:
    """The portal's stack, once its web server runs with the plugins (else fail, saying why)."""
    assert "web_error" not in portal, \
        f"the web server did not start with the guide's ini settings {portal['settings']}: {portal['web_error']}"
    return portal["stack"]


# --- the tests, in the guide's order ------------------------------------------------------------

def test_wheel_brings_every_dependency_its_code_imports(portal):
    pip = portal["pip"]
    assert pip.returncode == 0, f"step 1 `pip install <wheel>` failed:\n{pip.stdout[-3000:]}\n{pip.stderr[-3000:]}"
    python = portal["venv"] / "python"
    # every module the installed package imports, at module level or inside a function
    probe = r"""
import ast, importlib.util, pathlib, sys, ckanext.wards as w
root = pathlib.Path(w.__path__[0])
assert "site-packages" in str(root), root
missing = {}
for path in root.rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
        for name in names:
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and importlib.util.find_spec(top) is None:
                missing.setdefault(top, str(path.relative_to(root)))
print(missing)
"""
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd="/",
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr
    missing = ast.literal_eval(out.stdout.strip())
    assert not missing, f"imported by the installed code but not brought by the wheel: {missing}"


def test_xlsx_check_works_in_the_portal_venv(portal, tmp_path):
    import openpyxl  # the dev venv makes the file; the portal venv must read it

    book = openpyxl.Workbook()
    book.active.append(["名称", "所在地", "緯度", "経度"])
    book.active.append(["区役所", "千代田区九段南1-2-1", 35.6940, 139.7536])
    path = tmp_path / "shisetsu.xlsx"
    book.save(path)
    result = portal["stack"].ckan("wards", "check-standard", "--file", str(path), check=False)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in (0, 1) and result.stdout.strip(), (result.stdout, result.stderr[-2000:])


def test_guide_ini_block_has_no_trailing_comments():
    required, optional, where = guide_ini_settings()
    commented = {f"'{where[k]}': {k}": v for k, v in {**required, **optional}.items()
                 if re.search(r"\s[#;]", v)}
    # CKAN's ini parser keeps an inline comment as part of the value
    assert not commented, f"docs/install.md: values with a trailing comment: {commented}"


def test_every_command_of_the_guide_succeeds(portal):
    assert portal["steps"], "docs/install.md lists no `ckan -c <ini> ...` commands"
    failed = [f"'{s['section']}': `{s['line']}` -> exit {s['returncode']}\n"
              f"{s['stdout'][-1500:]}\n{s['stderr'][-1500:]}"
              for s in portal["steps"] if s["returncode"] != 0]
    assert not failed, "\n\n".join(failed)
    # the dry run announces what the migration then does, dataset by dataset
    dry = {n: b[0] for n, b in report_blocks(portal["dry_run"]).items() if n in portal["before"]}
    done = next((s for s in portal["steps"] if s["args"][:2] == ["wards", "migrate"]
                 and "--dry-run" not in s["args"]), None)
    assert done and portal["dry_run"], "docs/install.md has no `wards migrate --dry-run` and `wards migrate`"
    real = {n: b[0] for n, b in report_blocks(done["stdout"]).items() if n in portal["before"]}
    assert set(dry) == set(portal["before"]), "the dry run does not report every dataset"
    would = {n for n, line in dry.items() if "would update" in line}
    updated = {n for n, line in real.items() if re.search(r":\s*updated", line)}
    assert would == updated, {"dry run says would update, not updated": sorted(would - updated),
                              "updated without notice": sorted(updated - would)}
    assert updated == set(portal["before"]), sorted(set(portal["before"]) - updated)


def test_migrate_queues_no_rescore_per_dataset(portal):
    # one bulk score after the migration (the guide's `wards score --all`), not a job each
    queued = portal["queued_jobs"]
    assert len(queued) <= 1, f"{len(queued)} background jobs queued by the guide's commands " \
                             f"for {len(portal['before'])} datasets"


def test_a_second_migrate_leaves_migrated_datasets_alone(portal):
    done = next((s for s in portal["steps"] if s["args"][:2] == ["wards", "migrate"]
                 and "--dry-run" not in s["args"]), {"stdout": ""})
    updated = {n for n, b in report_blocks(done["stdout"]).items() if re.search(r":\s*updated", b[0])}
    assert updated, "migrate updated no dataset"
    again = report_blocks(portal["second_dry_run"])
    would = sorted(n for n, b in again.items() if n in updated and "would update" in b[0])
    assert not would, f"migrate --dry-run after migrate would rewrite again: {would}"


def test_migration_keeps_every_value_and_reports_every_rewrite(portal):
    served(portal)
    blocks = report_blocks(portal["dry_run"])
    diffs = {name: diff_migration(before, portal["after"][name], blocks.get(name, []))
             for name, before in portal["before"].items()}
    write_artifact("install-diff.json", {
        "settings": portal["settings"],
        "steps": [{k: s.get(k) for k in ("section", "line", "returncode", "seconds")}
                  for s in portal["steps"]],
        "queued_jobs_after_the_guide": len(portal["queued_jobs"]),
        "pip_install_seconds": portal["pip_seconds"],
        "datasets": diffs,
    })
    problems = {name: d["problems"] for name, d in diffs.items() if d["problems"]}
    summary = {}
    for name, found in problems.items():
        for p in found:
            summary.setdefault(p["state"], []).append(f"{name}:{p['path']}={as_text(p['before'])!r}"
                                                      f"->{as_text(p['after'])!r}")
    assert not problems, "test-artifacts/install-diff.json; " + json.dumps(
        {state: f"{len(items)}: " + "; ".join(items[:8]) for state, items in summary.items()},
        ensure_ascii=False, indent=1)


def test_departments_add_up_to_one_ward(portal):
    stack = served(portal)
    public = [d["name"] for d in SEED["datasets"] if not d.get("private")]
    status, body = stack.action("wards_compare", {})
    assert status == 200, body
    rows = [r for r in body["result"]["rows"] if r["code"] == WARD_CODE]
    assert len(rows) == 1 and rows[0]["datasets"] == len(public), \
        [(r.get("organization"), r["datasets"]) for r in rows]


def test_search_facets_and_scorecard_after_the_guide(portal):
    stack = served(portal)
    public = [d["name"] for d in SEED["datasets"] if not d.get("private")]
    status, facets = stack.action("package_search", {"facet.field": '["wards_rating"]', "rows": 0})
    assert status == 200, facets
    assert sum(facets["result"]["facets"].get("wards_rating", {}).values()) == len(public), \
        "search documents without a score after the guide's steps"
    # the guide's scorecard step: one row per public dataset of that department
    org = SEED["organizations"][1]["name"]
    step = next(s for s in portal["steps"] if s["args"][:2] == ["wards", "scorecard"])
    rows = list(csv.DictReader(io.StringIO(step["output"].lstrip("\ufeff"))))
    assert sorted(r["name"] for r in rows) == sorted(
        d["name"] for d in SEED["datasets"] if d["owner_org"] == org and not d.get("private"))


def test_pages_show_what_was_kept(portal):
    stack = served(portal)
    org = SEED["organizations"][1]["name"]
    for path in (f"/organization/{org}/scorecard", "/wards/compare", f"/wards/report/{org}.json"):
        status, body = stack.get(path)
        assert status == 200, (path, body[:500])
    hidden = {}
    for record in SEED["datasets"]:
        if record.get("private"):
            continue
        status, body = stack.get(f"/dataset/{record['name']}")
        assert status == 200, (record["name"], body[:500])
        if record is next(d for d in SEED["datasets"] if d["owner_org"] == record["owner_org"]):
            status, ttl = stack.get(f"/dataset/{record['name']}.ttl")
            assert status == 200, (record["name"], ttl[:500])
        page = body.decode("utf-8")
        shown = [record.get(f) for f in ("maintainer", "author", "version")] + \
            [v for k, v in record.get("extras", {}).items() if k in ("備考", "作成部署")]
        missing = [v for v in shown if v and str(v) not in page]
        if missing:
            hidden[record["name"]] = missing
    assert not hidden, f"kept values not shown on the dataset page: {hidden}"


def test_migrated_datasets_pass_shacl(portal):
    result = portal["stack"].ckan("wards", "validate-dcat", timeout=900, check=False)
    failing = [line for line in result.stdout.splitlines() if re.search(r"\d+ violation", line)]
    assert result.returncode == 0 and not failing, (failing[:10], result.stdout[-3000:], result.stderr[-2000:])


# --- the web forms, in Chromium -----------------------------------------------------------------

@pytest.fixture(scope="module")
def admin_page(portal):
    from playwright.sync_api import sync_playwright

    base = served(portal).base_url
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = chromium.new_page()
        server_errors = []
        page.on("response", lambda r: r.status >= 500 and server_errors.append(f"{r.status} {r.url}"))
        page.goto(f"{base}/user/login")
        page.fill("#field-login", ADMIN)
        page.fill("#field-password", PASSWORD)
        with page.expect_navigation():
            page.press("#field-password", "Enter")
        assert "/user/login" not in page.url, "the sysadmin could not log in"
        page.server_errors = server_errors
        yield page
        chromium.close()


def save_unchanged(page, url: str, screenshot: str = "") -> dict:
    response = page.goto(url)
    outcome = {"open": response.status if response else None}
    if screenshot:  # the form and the page after the save, for a person to look at
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}-form.png"), full_page=True)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("form#dataset-edit button.btn-primary[name=save], "
                   "form#resource-edit button.btn-primary[name=save]")
    outcome["url"] = page.url
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}-saved.png"), full_page=True)
    errors = page.locator(".error-explanation, .error-block")
    outcome["errors"] = [t.strip() for t in errors.all_inner_texts()] if errors.count() else []
    return outcome


def test_saving_each_form_unchanged_changes_nothing(portal, admin_page):
    stack, token = portal["stack"], portal["token"]
    saved, changed = {}, {}
    for number, record in enumerate(SEED["datasets"]):
        name = record["name"]
        outcome = save_unchanged(admin_page, f"{stack.base_url}/dataset/edit/{name}",
                                 screenshot="install-dataset" if number == 0 else "")
        status, body = stack.action("package_show", {"id": name}, token)
        assert status == 200, body
        saved[name] = outcome
        delta = diff_save(portal["after"][name], body["result"])
        outcome["saved"] = outcome["url"].rstrip("/").endswith(f"/dataset/{name}")
        if delta or outcome["errors"] or outcome["open"] != 200 or not outcome["saved"]:
            changed[name] = {"form": outcome, "changes": delta}
    write_artifact("install-form-save.json", {"changed": changed, "saved": saved})
    assert not admin_page.server_errors, admin_page.server_errors
    assert not changed, "test-artifacts/install-form-save.json; " + json.dumps(
        {n: [f"{c['path']}: {as_text(c['before'])!r} -> {as_text(c['after'])!r}" for c in v["changes"]][:6]
         + v["form"]["errors"][:2] + ([] if v["form"]["saved"] else [f"not saved: {v['form']['url']}"])
         for n, v in list(changed.items())[:6]}, ensure_ascii=False, indent=1)


def test_resource_with_an_empty_size_through_the_form(portal, admin_page):
    stack, token, page = portal["stack"], portal["token"], admin_page
    name = "churinjo"
    response = page.goto(f"{stack.base_url}/dataset/{name}/resource/new")
    assert response.status == 200
    assert page.locator("[name=size]").count(), "the resource form has no size field"
    page.evaluate("""() => { const u = document.querySelector('[name=url]');
                             u.value = 'https://www.city.chiyoda.example/opendata/churinjo-2.csv'; }""")
    page.fill("[name=name]", "駐輪場一覧（第2版）")
    page.fill("[name=size]", "")
    if page.locator("[name=format]").count():
        page.fill("[name=format]", "CSV")
    with page.expect_navigation() as nav:
        page.click("form#resource-edit button.btn-primary[name=save]")
    assert nav.value is None or nav.value.status < 500, nav.value.status
    _, body = stack.action("package_show", {"id": name}, token)
    added = [r for r in body["result"]["resources"] if r.get("name") == "駐輪場一覧（第2版）"]
    assert len(added) == 1, (page.url, [r.get("name") for r in body["result"]["resources"]])
    resource = added[0]
    assert is_empty(resource.get("size")), resource.get("size")

    outcome = save_unchanged(page, f"{stack.base_url}/dataset/{name}/resource/{resource['id']}/edit")
    assert not outcome["errors"], outcome
    # the edit of the seed's resource whose size was already empty
    seeded = next(r for r in body["result"]["resources"] if r.get("name") == "駐輪場一覧")
    outcome = save_unchanged(page, f"{stack.base_url}/dataset/{name}/resource/{seeded['id']}/edit")
    assert not outcome["errors"], outcome
    assert not page.server_errors, page.server_errors
    # every worker still answers (a broken database session would answer 500 from now on)
    for _ in range(6):
        status, shown = stack.action("package_show", {"id": name}, token)
        assert status == 200, shown
        assert stack.get(f"/dataset/{name}")[0] == 200



def test_the_seed_spellings_land_in_the_vocabulary(portal):
    stack, token = served(portal), portal["token"]
    expected = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
    after = portal["after"]

    def resource(entry):
        return next(r for r in after[entry["dataset"]]["resources"] if r.get("name") == entry["resource"])

    wrong = []
    for entry in expected["resource_scores"]:
        status, body = stack.action("wards_resource_score", {"id": resource(entry)["id"]}, token)
        assert status == 200, body
        for key in ("code", "is_api"):
            if key in entry and body["result"].get(key) != entry[key]:
                wrong.append(f"{entry['why']}: {key} = {body['result'].get(key)!r}, not {entry[key]!r}")
    for entry in expected["resource_fields"]:
        value = resource(entry).get(entry["field"])
        if value != entry["value"]:
            wrong.append(f"{entry['why']}: {entry['field']} = {value!r}, not {entry['value']!r}")
    for entry in expected["dataset_fields"]:
        if is_empty(after[entry["dataset"]].get(entry["field"])):
            wrong.append(f"{entry['why']}: {entry['dataset']}.{entry['field']} is empty")
    assert not wrong, wrong
