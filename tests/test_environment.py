"""The project's set-up is consistent: one source of dependencies, the right `helpers`."""

from __future__ import annotations

import re
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import helpers

ROOT = Path(__file__).resolve().parents[1]


def _names(requirements) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements}


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_helpers_is_imported_from_this_repository():
    assert Path(helpers.__file__).resolve().is_relative_to(ROOT), helpers.__file__


def test_environment_yml_names_every_pyproject_dependency():
    project = _pyproject()["project"]
    wanted = _names(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name == "classroom":  # nbgrader: lecturers only, installed by `make classroom`
            continue
        wanted |= _names(extra)
    text = (ROOT / "environment.yml").read_text()
    conda = _names(re.findall(r"^\s*-\s+([A-Za-z0-9_.\-]+)", text, re.M))
    missing = wanted - conda
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    assert "-e ." in text, "environment.yml must install the repository itself"


def test_every_helpers_package_is_listed_in_pyproject():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "helpers").rglob("__init__.py")}
    assert on_disk == listed


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M)


def test_python_version_check_is_one_clear_line():
    script = ROOT / "scripts" / "check_python.py"
    ok = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stderr == ""
    # Pretend to be Python 3.8: the script must fail with one line, not a traceback.
    code = ("import sys; sys.version_info = (3, 8, 0); "
            f"exec(open({str(script)!r}).read())")
    old = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert old.returncode == 1
    assert old.stderr.count("\n") == 1 and "Python 3.10 or newer" in old.stderr


def test_every_pytest_invocation_keeps_a_notebook_on_one_worker():
    # `pytest -n 2` without the Makefile must not split a notebook's cells across workers.
    addopts = _pyproject()["tool"]["pytest"]["ini_options"]["addopts"].split()
    assert "--dist" in addopts and addopts[addopts.index("--dist") + 1] == "loadscope"
