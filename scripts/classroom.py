"""The classroom edition: every course notebook as an nbgrader assignment that grades itself.

    python scripts/classroom.py install          # build/.venv-classroom: nbgrader beside .venv
    python scripts/classroom.py build [NN ...]    # build/classroom/: source/ and release/
    python scripts/classroom.py build --source-only [NN ...]   # source/ only (no nbgrader)

`build` writes an nbgrader course to build/classroom/: ``source/NN_name/NN_name.ipynb`` for every
course notebook, then ``release/NN_name/NN_name.ipynb`` made by nbgrader's own
``generate_assignment``. The exercises are found by the course's exercise format (WRITER brief,
"Your turn"), never by notebook:

- a markdown heading ``### Exercise N — warm-up|build it|stretch: title (≈ M min)``;
- the exercise's code cell, tagged ``exercise``: the stub, then ``_ = check_x(...)`` line(s);
- right after it, a markdown cell tagged ``solution`` holding one fenced ``python`` block that
  replaces the stub part of the exercise cell.

In the source, the exercise cell becomes an nbgrader answer cell: the stub's lines stay (its
signature, docstring, TODO comments and placeholders) and the solution's lines that differ sit
in ``### BEGIN SOLUTION`` / ``### END SOLUTION`` regions, so the student version is the stub
again (each region becomes one ``# YOUR CODE HERE`` line). A stub line that ends the function
(``return None``, ``raise NotImplementedError``) follows the region, where the solution's own
``return`` makes it unreachable in the source. The checker lines move to a locked test cell
worth the exercise's points (by its kind, classroom/course.toml), whose hidden part re-runs the
checker in strict mode: a wrong answer raises ``ExerciseNotDone`` and scores 0. The folded
``solution`` cells are left out. A notebook that does not follow the format stops the build
with a message naming the notebook, the cell and what is wrong.

The nbgrader parts need the ``classroom`` extra of pyproject.toml; ``install`` puts it into
build/.venv-classroom, a venv that sees this environment's packages (a .pth file), so it adds
only what nbgrader needs on top and the lab of .venv stays without nbgrader's extensions.
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import functools
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
TEMPLATES = ROOT / "classroom"
COURSE = ROOT / "build" / "classroom"
VENV = ROOT / "build" / ".venv-classroom"

KINDS = ("warm-up", "build it", "stretch")
HEADING = re.compile(r"^#{2,6}\s+Exercise\b.*$", re.M)
HEADING_FORMAT = re.compile(
    r"^#{2,6} Exercise (?P<number>\d+) — (?P<kind>warm-up|build it|stretch): (?P<title>.+?) "
    r"\(≈ (?P<minutes>\d+) min\)$")
FENCE = re.compile(r"^```python\n(.*?)^```\s*$", re.M | re.S)
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
FOLDED_SENTENCE = re.compile(r"[ \t]*\bSolutions are folded under each exercise[^.]*\.")
LINK = re.compile(r"(\]\(|(?:href|src)=\")(?!https?:|mailto:|#|data:)([^)\"\s]+)")
NOTEBOOK_LINK = re.compile(r"^(\d\d_[\w-]+)\.ipynb(#.*)?$")
CLASSROOM_NOTE = (
    "> **Classroom edition.** The exercises below are graded. Write your answer in the cell with "
    "the TODO comments, then run the test cell under it: it prints ✓ or a hint. The autograder "
    "re-runs each check in strict mode, where a wrong answer scores 0, and gives the points "
    "named in the test cell.")


class FormatError(ValueError):
    """A notebook's exercise cells do not follow the course's exercise format."""


# ------------------------------------------------------------------------------ settings

@dataclass
class Settings:
    """classroom/course.toml: points by kind, per-exercise overrides, assignments, links."""

    points: dict[str, int]
    exercise_points: dict[str, int] = field(default_factory=dict)
    notebooks: list[str] = field(default_factory=list)
    duedates: dict[str, str] = field(default_factory=dict)
    repository: str = ""

    def points_for(self, ex: Exercise) -> int:
        return self.exercise_points.get(f"{ex.notebook}.{ex.number}", self.points[ex.kind])


def load_settings(path: Path = TEMPLATES / "course.toml") -> Settings:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    points = {str(k): int(v) for k, v in data.get("points", {}).items()}
    if sorted(points) != sorted(KINDS):
        raise ValueError(f"{path}: [points] needs exactly the kinds {KINDS}, got {sorted(points)}")
    assignments = data.get("assignments", {})
    return Settings(
        points=points,
        exercise_points={str(k): int(v) for k, v in data.get("exercise_points", {}).items()},
        notebooks=[str(n).zfill(2) for n in assignments.get("notebooks", [])],
        duedates={str(k): str(v) for k, v in assignments.get("duedates", {}).items()},
        repository=str(data.get("links", {}).get("repository", "")))


# ------------------------------------------------------------------------------ parsing

@dataclass
class Check:
    """One ``_ = check_x(args)`` line of an exercise cell."""

    line: str           # as written
    name: str           # check_x
    module: str         # helpers.exercises.nbNN
    number: int         # the exercise number the checker is registered under


@dataclass
class Exercise:
    """One exercise of a notebook, as the exercise format lays it out."""

    notebook: str       # "06"
    number: int
    kind: str
    title: str
    minutes: int
    heading_cell: int
    cell: int           # the exercise (stub) cell
    solution_cell: int
    stub: str           # the exercise cell without its checker lines
    solution: str       # the code of the folded solution
    checks: list[Check]

    @property
    def label(self) -> str:
        return f"{self.notebook}.{self.number}"


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _checks(source: str, where: str) -> tuple[str, list[str]]:
    """Split an exercise cell into its stub part and its trailing ``_ = check_x(...)`` lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise FormatError(f"{where}: the exercise cell is not valid Python ({exc.msg}, "
                          f"line {exc.lineno})") from None
    lines = source.splitlines()
    calls = []
    for node in reversed(tree.body):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "_"
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id.startswith("check_")):
            calls.insert(0, node)
        else:
            break
    if not calls:
        raise FormatError(f"{where}: the exercise cell must end with its checker call(s), "
                          "each `_ = check_something(...)`")
    if any(line.strip() for line in lines[calls[-1].end_lineno:]):
        raise FormatError(f"{where}: nothing may follow the checker call(s) in the exercise cell")
    stub = "\n".join(lines[:calls[0].lineno - 1]).rstrip()
    if not stub.strip():
        raise FormatError(f"{where}: the exercise cell has a checker call but no stub above it")
    checks = ["\n".join(lines[c.lineno - 1:c.end_lineno]) for c in calls]
    return stub, checks


def _solution_code(source: str, where: str) -> str:
    """The one fenced python block of a folded ``solution`` cell."""
    if "<details>" not in source or "</details>" not in source:
        raise FormatError(f"{where}: the solution cell must fold its code in "
                          "<details><summary>Solution</summary> … </details>")
    blocks = FENCE.findall(source)
    if len(blocks) != 1:
        raise FormatError(f"{where}: the solution cell must hold exactly one ```python block, "
                          f"found {len(blocks)}")
    code = blocks[0].rstrip()
    try:
        ast.parse(code)
    except SyntaxError as exc:
        raise FormatError(f"{where}: the solution's code is not valid Python ({exc.msg}, "
                          f"line {exc.lineno})") from None
    return code


def _resolve_check(line: str, notebook: str, where: str) -> Check:
    name = ast.parse(line).body[0].value.func.id
    module = f"helpers.exercises.nb{notebook}"
    try:
        checker = getattr(importlib.import_module(module), name)
        record = checker.exercise
    except (ImportError, AttributeError):
        raise FormatError(f"{where}: {name} is not a checker registered in {module} "
                          "(@exercise)") from None
    if record.notebook != notebook:
        raise FormatError(f"{where}: {name} is registered for notebook {record.notebook}")
    return Check(line, name, module, record.number)


def _heading(cells, start: int, stop: int) -> tuple[int, str] | None:
    """The last ``Exercise`` heading in the markdown cells start..stop-1: (cell, line)."""
    found = None
    for i in range(start, stop):
        if cells[i].cell_type == "markdown":
            for line in HEADING.findall(cells[i].source):
                found = (i, line.strip())
    return found


def parse(nb, notebook: str, name: str) -> list[Exercise]:
    """The notebook's exercises; FormatError listing every problem (notebook, cell, what)."""
    cells, errors, exercises = nb.cells, [], []
    claimed, previous = set(), 0
    for i, cell in enumerate(cells):
        where = f"{name} cell {i}"
        if "solution" in tags(cell) and not (i > 0 and "exercise" in tags(cells[i - 1])):
            errors.append(f"{where}: a `solution` cell must come right after its `exercise` "
                          "cell")
        if "exercise" not in tags(cell):
            continue
        heading = _heading(cells, previous, i)
        claimed.add(heading and heading[0])
        try:
            exercises.append(_exercise(cells, i, previous, notebook, where))
        except FormatError as exc:
            errors.append(str(exc))
        previous = i + 1
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and i not in claimed and HEADING.search(cell.source):
            errors.append(f"{name} cell {i}: the heading "
                          f"{HEADING.search(cell.source).group(0).strip()!r} has no cell "
                          "tagged `exercise` under it")
    numbers = [ex.number for ex in exercises]
    if len(set(numbers)) != len(numbers):
        errors.append(f"{name}: exercise numbers repeat: {numbers}")
    if not exercises and not errors:
        errors.append(f"{name}: no cell is tagged `exercise` (the notebook does not follow the "
                      "exercise format yet)")
    if errors:
        raise FormatError("\n".join(errors))
    return exercises


def _exercise(cells, i: int, previous: int, notebook: str, where: str) -> Exercise:
    cell = cells[i]
    if cell.cell_type != "code":
        raise FormatError(f"{where}: a cell tagged `exercise` must be a code cell")
    heading = _heading(cells, previous, i)
    if heading is None:
        raise FormatError(f"{where}: no `### Exercise N — kind: title (≈ M min)` heading above "
                          "this exercise cell")
    found = HEADING_FORMAT.match(heading[1])
    if not found:
        raise FormatError(
            f"{where}: the heading {heading[1]!r} (cell {heading[0]}) does not read "
            f"'### Exercise N — kind: title (≈ M min)' with kind one of {', '.join(KINDS)}")
    stub, lines = _checks(cell.source, where)
    if i + 1 >= len(cells) or "solution" not in tags(cells[i + 1]) \
            or cells[i + 1].cell_type != "markdown":
        raise FormatError(f"{where}: the exercise cell must be followed by a markdown cell "
                          "tagged `solution`")
    solution = _solution_code(cells[i + 1].source, f"{where.rsplit(' ', 1)[0]} {i + 1}")
    checks = [_resolve_check(line, notebook, where) for line in lines]
    number = int(found.group("number"))
    if {c.number for c in checks} != {number}:
        raise FormatError(f"{where}: the heading says exercise {number}, its checker(s) are "
                          f"registered as {sorted({c.number for c in checks})}")
    return Exercise(notebook, number, found.group("kind"), found.group("title"),
                    int(found.group("minutes")), heading[0], i, i + 1, stub, solution, checks)


# ------------------------------------------------------------------------------ regions

def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def _ends_flow(line: str) -> bool:
    word = line.strip().split("(")[0].split(" ")[0]
    return word in ("return", "raise")


def answer_source(stub: str, solution: str, where: str = "") -> str:
    """The source's answer cell: the stub's lines, the solution's differing lines in regions.

    Removing the regions gives the stub back; removing the stub-only lines (and the region
    markers) gives the solution back. Stub lines that end the function go after the region.
    """
    a, b = stub.splitlines(), solution.splitlines()
    matcher = difflib.SequenceMatcher(None, [s.rstrip() for s in a], [s.rstrip() for s in b],
                                      autojunk=False)
    out, dead = [], []      # dead: indexes of the stub's closing lines
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += a[i1:i2]
            continue
        chunk = a[i1:i2]
        cut = next((k for k, line in enumerate(chunk) if _ends_flow(line)), len(chunk))
        out += chunk[:cut]
        if j2 > j1:
            body = b[j1:j2]
            first = next((line for line in body if line.strip()), body[0])
            indent = _indent(chunk[cut]) if chunk[cut:] else _indent(first)
            out += [indent + BEGIN, *body, indent + END]
        dead += range(len(out), len(out) + len(chunk) - cut)
        out += chunk[cut:]
    source = "\n".join(out)
    _check_unreachable(source, dead, where)
    return source


def _check_unreachable(source: str, line_indexes: list[int], where: str) -> None:
    """Each statement starting on a listed (0-based) line must follow a return or raise of its
    own block, so that the stub's closing lines never run in the source."""
    if not line_indexes:
        return
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise FormatError(f"{where}: stub and solution do not combine into valid Python "
                          f"({exc.msg}, line {exc.lineno})") from None
    dead, placed = {n + 1 for n in line_indexes}, set()
    for node in ast.walk(tree):
        for key in ("body", "orelse", "finalbody"):
            body = getattr(node, key, None)
            if not isinstance(body, list):
                continue
            ended = False
            for stmt in body:
                if stmt.lineno in dead:
                    if not ended:
                        line = source.splitlines()[stmt.lineno - 1].strip()
                        raise FormatError(f"{where}: the stub's {line!r} would run in the "
                                          "source: the solution's part before it must end "
                                          "with `return` or `raise`")
                    placed.update(range(stmt.lineno, stmt.end_lineno + 1))
                ended = ended or isinstance(stmt, (ast.Return, ast.Raise))
    lines = source.splitlines()
    left = [n for n in dead - placed if lines[n - 1].strip()
            and not lines[n - 1].strip().startswith("#")]
    if left:
        raise FormatError(f"{where}: could not place the stub's line {lines[left[0] - 1]!r} "
                          "after the solution")


def clear_regions(source: str, code_stub: str | None = None) -> str:
    """What nbgrader's ClearSolutions makes of a source cell (stub lines at each BEGIN's indent);
    ``code_stub=None`` drops the regions without a stub."""
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
            if code_stub is not None:
                out += [_indent(line) + s for s in code_stub.split("\n")]
        elif END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def grading_source(ex: Exercise, points: int) -> str:
    """The locked test cell: the checker lines, then (hidden) the same checks in strict mode."""
    lines = [f"# Exercise {ex.number} ({ex.kind}, {points} point{'s' * (points != 1)}): run this "
             "cell to check your answer.", *[c.line for c in ex.checks], BEGIN_HIDDEN,
             "# Graded: the same checker(s), imported afresh, in strict mode (a wrong answer "
             "raises).",
             "from helpers.exercises import _check as _grading"]
    for k, check in enumerate(ex.checks):
        lines.append(f"from {check.module} import {check.name} as _checker_{k}")
    lines += ["", "_grading.strict(True)", "try:"]
    for k, check in enumerate(ex.checks):
        call = ast.parse(check.line).body[0].value
        args = ", ".join(ast.get_source_segment(check.line, a) for a in call.args)
        kwargs = ", ".join(f"{kw.arg}={ast.get_source_segment(check.line, kw.value)}"
                           for kw in call.keywords)
        lines.append(f"    _checker_{k}({', '.join(p for p in (args, kwargs) if p)})")
    lines += ["finally:", "    _grading.strict(False)", END_HIDDEN]
    return "\n".join(lines)


# ------------------------------------------------------------------------------ notebooks

def nbgrader_meta(grade_id: str, *, solution: bool, points: int | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def relink(source: str, repository: str, figures: set[str]) -> str:
    """Rewrite a markdown cell's relative links for an assignment folder (NN_name/NN_name.ipynb);
    the figures it shows are collected into ``figures`` (copied next to the notebook)."""
    def target(path: str) -> str:
        found = NOTEBOOK_LINK.match(path)
        if found:
            return f"../{found.group(1)}/{found.group(1)}.ipynb{found.group(2) or ''}"
        if path.startswith("../figures/"):
            figures.add(path[len("../figures/"):].split("#")[0])
            return path[len("../"):]
        if path.startswith("../") and repository:
            return repository + path[len("../"):]
        return path
    return LINK.sub(lambda m: m.group(1) + target(m.group(2)), source)


def classroom_source(nb, exercises: list[Exercise], settings: Settings, name: str):
    """The instructor's notebook: answer cells with solution regions, locked test cells, the
    solution cells left out, a classroom note before the first graded exercise. Returns
    (notebook, figures its markdown shows)."""
    nb = copy.deepcopy(nb)
    by_cell = {ex.cell: ex for ex in exercises}
    graded = {ex.cell for ex in exercises if settings.points_for(ex) > 0}
    first_heading = min((ex.heading_cell for ex in exercises if ex.cell in graded), default=None)
    cells, figures = [], set()
    for i, cell in enumerate(nb.cells):
        if i == first_heading:
            cells.append(nbformat.v4.new_markdown_cell(CLASSROOM_NOTE, id="classroom-note"))
        ex = by_cell.get(i)
        if cell.cell_type == "markdown":
            if "solution" in tags(cell) and i - 1 in graded:
                continue
            cell.source = relink(FOLDED_SENTENCE.sub("", cell.source) if graded else cell.source,
                                 settings.repository, figures)
        if ex is None or i not in graded:
            cells.append(cell)
            continue
        points = settings.points_for(ex)
        cell.source = answer_source(ex.stub, ex.solution, f"{name} cell {i}")
        cell.outputs, cell.execution_count = [], None
        cell.metadata["nbgrader"] = nbgrader_meta(f"ex{ex.number}", solution=True)
        test = nbformat.v4.new_code_cell(grading_source(ex, points), id=f"ex{ex.number}-test")
        test.metadata["nbgrader"] = nbgrader_meta(f"ex{ex.number}-test", solution=False,
                                                  points=points)
        test.metadata["slideshow"] = {"slide_type": "-"}
        cells += [cell, test]
    nb.cells = cells
    return nb, figures


def course_notebooks(selected=(), folder: Path = NOTEBOOKS) -> list[Path]:
    paths = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not selected or p.name[:2] in selected]


def write_source(path: Path, course: Path, settings: Settings) -> tuple[str, list[Exercise]]:
    """source/NN_name/NN_name.ipynb (and its figures) for one course notebook."""
    nb = nbformat.read(path, as_version=4)
    exercises = parse(nb, path.name[:2], path.name)
    source, figures = classroom_source(nb, exercises, settings, path.name)
    folder = course / "source" / path.stem
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "figures").mkdir(parents=True)
    for figure in sorted(figures):
        shutil.copy2(FIGURES / figure, folder / "figures" / figure)
    nbformat.validate(source)
    nbformat.write(source, folder / path.name)
    return path.stem, exercises


def write_config(course: Path) -> None:
    """The course folder's nbgrader_config.py, from classroom/nbgrader_config.py when it has
    none yet: a lecturer's edits (the exchange root, the course id) survive a rebuild."""
    course.mkdir(parents=True, exist_ok=True)
    if not (course / "nbgrader_config.py").exists():
        shutil.copy2(TEMPLATES / "nbgrader_config.py", course / "nbgrader_config.py")


# ------------------------------------------------------------------------------ nbgrader

def generate(course: Path, built: dict[str, list[Exercise]], settings: Settings) -> None:
    """``nbgrader generate_assignment`` for each assignment (in this process), each release
    verified, due dates set."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    api, config = nbgrader_api(course)
    for name, exercises in built.items():
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n"
                               f"{result.get('error', '')}\n{result.get('log', '')}")
        verify_release(course, name, exercises, config.ClearSolutions.code_stub["python"])
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for name, due in settings.duedates.items():
            if name in built:
                gb.update_or_create_assignment(name, duedate=parse_utc(due))


def nbgrader_api(course: Path):
    """nbgrader's Python API on the course folder, configured by its nbgrader_config.py."""
    import nbgrader.api
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    # A new gradebook is stamped with the head of nbgrader's migrations, which nbgrader asks a
    # fresh `alembic heads` process for (seconds of imports, once per gradebook): read it here.
    if getattr(nbgrader.api, "get_alembic_version", None) is not None:
        nbgrader.api.get_alembic_version = _alembic_head
    # the fallback, nbgrader's own `alembic` process, found on PATH: this venv's bin first
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(CourseDirectory(config=config), config=config), config


@functools.cache
def _alembic_head() -> str:
    """The head revision of nbgrader's gradebook migrations, as `alembic heads` prints it."""
    import nbgrader
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def verify_release(course: Path, name: str, exercises: list[Exercise], code_stub: str) -> None:
    """The student version as nbgrader made it: each graded exercise's answer cell is its stub
    (plus the code stub lines), its test cell shows no hidden test, and no solution is left."""
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    stub_lines = {line.strip() for line in code_stub.split("\n")}
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    for ex in exercises:
        cell = by_id.get(f"ex{ex.number}")
        if cell is None:
            continue        # ungraded: kept as in the course
        kept = "\n".join(line for line in cell.source.split("\n") if line.strip() not in stub_lines)
        if kept.rstrip() != ex.stub.rstrip():
            raise RuntimeError(f"{name}: the student version of exercise {ex.number} is not its "
                               f"stub:\n{cell.source}")
        if BEGIN_HIDDEN in by_id[f"ex{ex.number}-test"].source or "strict" in by_id[
                f"ex{ex.number}-test"].source:
            raise RuntimeError(f"{name}: exercise {ex.number}'s hidden tests are visible")
        index = release.cells.index(cell)
        if release.cells[index + 1] is not by_id[f"ex{ex.number}-test"]:
            raise RuntimeError(f"{name}: exercise {ex.number}'s test cell must follow it")
    for i, cell in enumerate(release.cells):
        if BEGIN in cell.source or END in cell.source:
            raise RuntimeError(f"{name} cell {i}: a solution region is left in the student "
                               "version")


# ------------------------------------------------------------------------------ building

def build(selected=(), course: Path = COURSE, settings: Settings | None = None,
          release: bool = True, folder: Path = NOTEBOOKS
          ) -> tuple[dict[str, list[Exercise]], list[str]]:
    """Write the course: ``({assignment: exercises}, format errors)``. Every notebook is tried;
    one that breaks the exercise format is left out and named in the errors."""
    settings = settings or load_settings()
    selected = tuple(selected) or tuple(settings.notebooks)
    paths = course_notebooks(selected, folder)
    if not paths:
        raise SystemExit(f"classroom: no notebook in {folder} matches {selected or 'NN_*'}")
    write_config(course)
    built, errors = {}, []
    for path in paths:
        try:
            name, exercises = write_source(path, course, settings)
            built[name] = exercises
        except FormatError as exc:
            errors.append(str(exc))
            shutil.rmtree(course / "source" / path.stem, ignore_errors=True)   # no stale copy
    if release and built:
        generate(course, built, settings)
    return built, errors


def summary(built: dict[str, list[Exercise]], settings: Settings) -> str:
    rows = []
    for name, exercises in built.items():
        parts = [f"{ex.number} {ex.kind} {settings.points_for(ex)}" for ex in exercises]
        total = sum(settings.points_for(ex) for ex in exercises)
        rows.append(f"  {name:<40} {total:>2} points  ({'; '.join(parts)})")
    return "\n".join(rows)


# ------------------------------------------------------------------------------ install

def requirements() -> list[str]:
    """The ``classroom`` extra of pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["project"]["optional-dependencies"]["classroom"])


def install(venv: Path = VENV) -> Path:
    """A venv on top of this environment (a .pth adds its site-packages) with the classroom
    extra installed; pip adds only what this environment lacks. Returns its python."""
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    wanted = json.dumps({"requirements": requirements(), "base": sys.prefix})
    if not (stamp.exists() and stamp.read_text() == wanted and python.exists()):
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                           check=True)
        site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                    "get_path('purelib'))"], check=True, capture_output=True,
                                   text=True).stdout.strip())
        base = sysconfig.get_path("purelib")
        (site / "_backprop_base_env.pth").write_text(f"import site; site.addsitedir({base!r})\n")
        # pip (>= 22.3, as `make install` leaves it) installs into the other interpreter's
        # venv; --no-compile: the few modules nbgrader imports compile on first use
        subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                        "--quiet", "--no-compile", *requirements()], check=True)
        stamp.write_text(wanted)
    # nbconvert looks for its templates under sys.prefix/share/jupyter only, and this venv's
    # has none: `nbgrader generate_feedback` renders with those of this environment
    templates = venv / "share" / "jupyter" / "nbconvert"
    if not templates.exists() and not templates.is_symlink():
        templates.parent.mkdir(parents=True, exist_ok=True)
        templates.symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    return python


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="make build/.venv-classroom (nbgrader beside .venv)")
    b = sub.add_parser("build", help="write build/classroom (source/ and release/)")
    b.add_argument("notebooks", nargs="*", help="notebook numbers (default: course.toml, or all)")
    b.add_argument("--out", type=Path, default=COURSE)
    b.add_argument("--config", type=Path, default=TEMPLATES / "course.toml")
    b.add_argument("--source-only", action="store_true", help="skip nbgrader generate_assignment")
    b.add_argument("--from", dest="folder", type=Path, default=NOTEBOOKS,
                   help="the folder of the course notebooks (default: notebooks/)")
    args = parser.parse_args(argv)
    if args.command == "install":
        print(install())
        return 0
    settings = load_settings(args.config)
    built, errors = build([n.zfill(2) for n in args.notebooks], args.out, settings,
                          release=not args.source_only, folder=args.folder)
    print(f"classroom: {len(built)} assignments in {args.out}\n{summary(built, settings)}")
    if errors:
        print("classroom: FAILED - these notebooks do not follow the exercise format (WRITER "
              "brief, 'Your turn') and were left out:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
