"""A ward portal's own virtual environment, for tests that install the built wheel into it.

The base venv holds what a CKAN 2.12 portal has before ckanext-wards: CKAN, CKAN's own
requirements (the ``requirements`` extra of CKAN's wheel, at this repository's pins) and a
WSGI server. Nothing of the extension's own dependencies (scheming, dcat, pyshacl, openpyxl,
...): those must come from the wheel's ``install_requires``.

Building the base takes a minute or two, so it is cached under ``.dev/`` keyed by the pins;
every run first removes whatever was installed on top of it, so each wheel install starts
from a portal that never had the extension.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".dev"
# A portal's WSGI server; not a dependency of CKAN's wheel nor of the extension.
SERVER = "gunicorn"


def _pins(path: Path) -> dict[str, str]:
    """``name -> requirement line`` of a pip requirements file (no -r includes)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]
            pins[_canonical(name)] = line
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ckan_requirements(python: Path) -> list[str]:
    """CKAN's own requirements, as its installed wheel declares them (extra ``requirements``)."""
    probe = ("import importlib.metadata as m, re\n"
             "for r in m.requires('ckan') or []:\n"
             "    if re.search(r'extra\\s*==\\s*.requirements.', r):\n"
             "        print(re.split(r'[=<>!~\\[; ]', r, maxsplit=1)[0])\n")
    out = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True).stdout
    return [_canonical(n) for n in out.split()]


def _run(args: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def _freeze(python: Path) -> set[str]:
    out = _run([python, "-m", "pip", "list", "--format=freeze", "--exclude-editable"]).stdout
    return {_canonical(line.split("==")[0]) for line in out.splitlines() if "==" in line}


def base_venv() -> Path:
    """The cached CKAN-only venv (built on first use); returns its ``bin`` directory."""
    key_parts = [(ROOT / "requirements.txt").read_bytes(), (ROOT / "requirements-dev.txt").read_bytes(),
                 Path(__file__).read_bytes(), sys.version.encode()]
    key = hashlib.sha256(b"\0".join(key_parts)).hexdigest()[:16]
    venv = CACHE / f"portal-venv-{key}"
    stamp = venv / ".portal-base"
    python = venv / "bin" / "python"
    if not stamp.exists():
        for old in CACHE.glob("portal-venv-*"):
            shutil.rmtree(old, ignore_errors=True)
        CACHE.mkdir(exist_ok=True)
        # the interpreter the dev venv was made from, not the dev venv itself
        _run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", venv])
        pins = _pins(ROOT / "requirements.txt") | _pins(ROOT / "requirements-dev.txt")
        _run([python, "-m", "pip", "install", "-q", "--no-deps", pins["ckan"]])
        wanted = [pins.get(name, name) for name in ckan_requirements(python)] + [pins[SERVER]]
        # --no-deps: exactly CKAN's list at the portal's pins, nothing pulled in besides
        _run([python, "-m", "pip", "install", "-q", "--no-deps", *wanted], timeout=1800)
        stamp.write_text("\n".join(sorted(_freeze(python))) + "\n", encoding="utf-8")
    return venv / "bin"


def reset(bin_dir: Path) -> list[str]:
    """Uninstall everything added since the base was built; returns what was removed."""
    python = bin_dir / "python"
    base = set((bin_dir.parent / ".portal-base").read_text(encoding="utf-8").split())
    extra = sorted(_freeze(python) - base)
    out = _run([python, "-m", "pip", "list", "--format=freeze"]).stdout
    if "ckanext-wards" in out or "ckanext_wards" in out:
        extra.append("ckanext-wards")
    if extra:
        _run([python, "-m", "pip", "uninstall", "-y", "-q", *sorted(set(extra))])
    return extra


def build_wheel(out_dir: Path) -> Path:
    """The worktree's wheel, as ``pip wheel`` builds it (build tools from the dev venv)."""
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", out_dir, ROOT], timeout=600)
    (wheel,) = Path(out_dir).glob("ckanext_wards-*.whl")
    return wheel


def install_wheel(bin_dir: Path, wheel: Path) -> subprocess.CompletedProcess:
    """``pip install <wheel>`` with its dependencies resolved as pip does for an operator;
    the repository's pins are only constraints (they pin versions, they install nothing)."""
    return subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", str(wheel),
                           "-c", str(ROOT / "requirements.txt")],
                          capture_output=True, text=True, timeout=1200)
