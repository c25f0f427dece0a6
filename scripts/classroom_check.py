"""Prove the classroom edition's round trip with nbgrader itself, on throw-away gradebooks.

    python scripts/classroom_check.py [NN ...] [--jobs 2] [--keep]

Run it with build/.venv-classroom/bin/python (``make classroom-check``). For each notebook, in
its own throw-away course folder (so notebooks are checked in parallel, one gradebook each):
build the source as ``scripts/classroom.py build`` does, let ``nbgrader generate_assignment``
make the student version, then ``nbgrader autograde`` three submissions:

- ``source``: the instructor's source notebook, submitted as a student's: every point;
- ``release``: the untouched student version: 0 points, and no cell fails but the test cells,
  each with the checker's ``ExerciseNotDone``;
- ``planted``: the student version with every answer filled in from the solutions, and one
  classic mistake planted in one build-it exercise (a forgotten transpose, ``=`` for ``+=``,
  a loop that runs forward in time, a sign slip, a sum left out: the first that applies): all
  points but that exercise's.

It prints one row per exercise (points possible, source / release / planted) and the hint the
planted mistake got, and exits 1 when any of the three expectations fails. The planted
submission's feedback (``nbgrader generate_feedback``, the HTML a student gets back) must show
the checker's hint.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classroom  # noqa: E402

STUDENTS = ("source", "release", "planted")
# nbgrader's autograde trips SQLAlchemy autoflush warnings about its own objects: harmless noise
warnings.filterwarnings("ignore", message="Object of type <Submitted")


# ------------------------------------------------------------------------------ planting

def _transpose(node):
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "transpose"):
        return node.func.value
    return None


def _overwrite(node):
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
    return None


def _forward_in_time(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == "reversed" and len(node.args) == 1:
        return node.args[0]
    return None


def _sign_slip(node):
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return ast.BinOp(left=node.left, op=ast.Add(), right=node.right)
    return None


def _sum_left_out(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "sum":
        return node.func.value
    return None


# In order of preference: the classic mistakes the course's checkers name.
MISTAKES = (("a forgotten transpose", _transpose), ("= where += belongs", _overwrite),
            ("a loop forward in time", _forward_in_time), ("a sign slip (+ for −)", _sign_slip),
            ("a sum left out", _sum_left_out))


def plant(code: str, mistake) -> str | None:
    """``code`` with the first node (in source order) that ``mistake`` rewrites rewritten;
    None when nothing in it matches."""
    tree = ast.parse(code)
    hits = [n for n in ast.walk(tree) if hasattr(n, "lineno") and mistake(n) is not None]
    if not hits:
        return None
    target = min(hits, key=lambda n: (n.lineno, n.col_offset))

    class Rewrite(ast.NodeTransformer):
        def generic_visit(self, node):
            if node is target:
                return ast.copy_location(mistake(node), node)
            return super().generic_visit(node)

    return ast.unparse(ast.fix_missing_locations(Rewrite().visit(tree)))


@dataclass
class Planted:
    exercise: classroom.Exercise
    mistake: str
    code: str           # the whole mutated solution
    change: str         # the changed line, before → after


def choose_plant(exercises: list[classroom.Exercise], settings) -> Planted | None:
    """The first classic mistake that applies to a graded build-it exercise's solution."""
    build_its = [ex for ex in exercises if ex.kind == "build it" and settings.points_for(ex)]
    for name, mistake in MISTAKES:
        for ex in build_its:
            code = plant(ex.solution, mistake)
            if code is not None:
                before = ast.unparse(ast.parse(ex.solution)).splitlines()
                diff = [line for line in difflib.unified_diff(before, code.splitlines(),
                                                              lineterm="", n=0)
                        if line[:1] in "+-" and line[:3] not in ("+++", "---")]
                change = " → ".join(line[1:].strip() for line in diff[:2])
                return Planted(ex, name, code, change)
    return None


# ------------------------------------------------------------------------------ one notebook

@dataclass
class Result:
    name: str
    rows: list[tuple[classroom.Exercise, int, dict[str, float]]] = field(default_factory=list)
    planted: Planted | None = None
    hint: str = ""
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def submissions(course: Path, name: str, exercises, planted: Planted | None) -> None:
    """submitted/{source,release,planted}/<name>/<name>.ipynb."""
    source = course / "source" / name / f"{name}.ipynb"
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    answers = {f"ex{ex.number}": ex.solution for ex in exercises}
    if planted is not None:
        answers[f"ex{planted.exercise.number}"] = planted.code
    filled = nbformat.from_dict(release)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    for student, nb in (("source", nbformat.read(source, as_version=4)), ("release", release),
                        ("planted", filled)):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")


def failures(course: Path, student: str, name: str) -> tuple[list[str], dict[str, str]]:
    """Errors of the autograded notebook: (cells that must not fail, {test cell: hint})."""
    nb = nbformat.read(course / "autograded" / student / name / f"{name}.ipynb", as_version=4)
    bad, hints = [], {}
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and out["ename"] == "ExerciseNotDone":
                hints[meta["grade_id"]] = out["evalue"]
            else:
                bad.append(f"cell {i} raised {out['ename']}: {out['evalue'][:200]}")
    return bad, hints


def check_notebook(path: Path, root: Path, settings) -> Result:
    """The round trip of one course notebook in its own course folder under ``root``."""
    from nbgrader.api import Gradebook

    start = time.perf_counter()
    course = root / path.stem
    classroom.write_config(course)
    name, exercises = classroom.write_source(path, course, settings)
    result = Result(name)
    api, config = classroom.nbgrader_api(course)
    generated = api.generate_assignment(name, force=True, create=True)
    if not generated["success"]:
        result.problems.append(f"generate_assignment failed: {generated.get('error', '')}")
        return result
    classroom.verify_release(course, name, exercises, config.ClearSolutions.code_stub["python"])
    result.planted = choose_plant(exercises, settings)
    if result.planted is None:
        result.problems.append("no classic mistake applies to a graded build-it exercise")
    submissions(course, name, exercises, result.planted)
    for student in STUDENTS:
        graded = api.autograde(name, student, force=True, create=True)
        if not graded["success"]:
            result.problems.append(f"autograde of {student} failed: {graded.get('error', '')}")
    scores = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for student in STUDENTS:
            nb = gb.find_submission_notebook(name, name, student)
            scores[student] = {g.name: g.score for g in nb.grades}
    for ex in exercises:
        points = settings.points_for(ex)
        if points:
            key = f"ex{ex.number}-test"
            result.rows.append((ex, points, {s: scores[s].get(key, float("nan"))
                                             for s in STUDENTS}))
    for student in STUDENTS:
        bad, hints = failures(course, student, name)
        if bad:
            more = f" (and {len(bad) - 1} more cells)" if len(bad) > 1 else ""
            result.problems.append(f"{student}: {bad[0]}{more}")
        if student == "planted" and result.planted:
            result.hint = hints.get(f"ex{result.planted.exercise.number}-test", "")
        if student == "source" and hints:
            result.problems.append(f"source: checks failed: {hints}")
    result.problems += expectations(result)
    result.problems += feedback(api, course, name, result)
    result.seconds = time.perf_counter() - start
    return result


def feedback(api, course: Path, name: str, result: Result) -> list[str]:
    """``nbgrader generate_feedback`` for the planted submission: the HTML a student gets back
    names the exercise that lost its points and the checker's hint."""
    made = api.generate_feedback(name, "planted")
    html = course / "feedback" / "planted" / name / f"{name}.html"
    if not made["success"] or not html.exists():
        return [f"generate_feedback failed: {made.get('error', '') or made.get('log', '')}"]
    text = html.read_text(encoding="utf-8")
    if result.planted and result.hint and "ExerciseNotDone" not in text:
        return [f"the feedback {html.name} does not show the planted exercise's hint"]
    return []


def expectations(result: Result) -> list[str]:
    """Source: every point; release: none; planted: all but the planted exercise's."""
    problems = []
    target = result.planted.exercise.number if result.planted else None
    for ex, points, got in result.rows:
        want = {"source": points, "release": 0,
                "planted": 0 if ex.number == target else points}
        for student in STUDENTS:
            if got[student] != want[student]:
                problems.append(f"exercise {ex.number}: {student} scored {got[student]}, "
                                f"expected {want[student]}")
    return problems


# ------------------------------------------------------------------------------ report

def table(results: list[Result]) -> str:
    head = f"{'notebook':<36} {'exercise':<14} {'points':>6} {'source':>7} {'release':>8} " \
           f"{'planted':>8}"
    lines = [head, "-" * len(head)]
    totals = dict.fromkeys(("points", *STUDENTS), 0.0)
    for r in results:
        for k, (ex, points, got) in enumerate(r.rows):
            mark = " *" if r.planted and ex is r.planted.exercise else ""
            lines.append(f"{r.name if k == 0 else '':<36} {f'{ex.number} {ex.kind}':<14} "
                         f"{points:>6} {got['source']:>7g} {got['release']:>8g} "
                         f"{got['planted']:>8g}{mark}")
            totals["points"] += points
            for s in STUDENTS:
                totals[s] += got[s]
    lines += ["-" * len(head),
              f"{'total':<36} {'':<14} {totals['points']:>6g} {totals['source']:>7g} "
              f"{totals['release']:>8g} {totals['planted']:>8g}",
              "", "* the planted mistake, and the hint the checker gave:"]
    for r in results:
        if r.planted:
            lines.append(f"  {r.name[:2]}.{r.planted.exercise.number} {r.planted.mistake}: "
                         f"{r.planted.change}")
            lines.append(f"       hint: {r.hint or '(none)'}")
    return "\n".join(lines)


def _job(args):
    path, root, config = args
    settings = classroom.load_settings(config)
    try:
        return check_notebook(path, root, settings)
    except classroom.FormatError as exc:
        return Result(path.stem, problems=[str(exc)])
    except Exception:   # noqa: BLE001 - one notebook's failure must not hide the others'
        return Result(path.stem, problems=[traceback.format_exc()])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook numbers (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--config", type=Path, default=classroom.TEMPLATES / "course.toml")
    parser.add_argument("--keep", action="store_true", help="keep the course folders")
    parser.add_argument("--from", dest="folder", type=Path, default=classroom.NOTEBOOKS,
                        help="the folder of the course notebooks (default: notebooks/)")
    args = parser.parse_args(argv)
    settings = classroom.load_settings(args.config)
    selected = tuple(n.zfill(2) for n in args.notebooks) or tuple(settings.notebooks)
    # the last notebooks first (the course grows heavier; the capstone trains for a minute), so
    # that the last job to start is a short one
    paths = classroom.course_notebooks(selected, args.folder)[::-1]
    root = Path(tempfile.mkdtemp(prefix="classroom-check-"))
    start = time.perf_counter()
    try:
        with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(_job, [(p, root, args.config) for p in paths]))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    results.sort(key=lambda r: r.name)
    print(table([r for r in results if r.rows]))
    print(f"\n{len(paths)} notebooks in {time.perf_counter() - start:.0f} s ("
          + ", ".join(f"{r.name[:2]} {r.seconds:.0f} s" for r in results) + ")"
          + (f"; course folders kept in {root}" if args.keep else ""))
    failed = [r for r in results if r.problems]
    for r in failed:
        lines = [line for problem in r.problems for line in problem.splitlines()]
        print(f"\nFAILED {r.name}:\n  " + "\n  ".join(lines), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
