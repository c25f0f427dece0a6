"""The classroom edition: scripts/classroom.py (notebook → nbgrader source and release) and
scripts/classroom_check.py (the round trip with nbgrader itself).

Fast tests build a tiny synthetic notebook (two exercises graded by notebook 03's real checkers)
and check the transformation: solution regions around the answer only, the checker lines moved
to a locked test cell that grades in strict mode, the folded solutions left out, malformed
exercises refused with the notebook and the cell named. Every course notebook is checked against
the exercise format. The round trip installs nbgrader beside .venv (build/.venv-classroom; it
skips only when that install fails), generates the student version of every notebook, and
autogrades one notebook's three submissions (source, release, planted mistake) with nbgrader.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from notebook_tools import ROOT, notebook_paths

sys.path.insert(0, str(ROOT / "scripts"))
import classroom_check  # noqa: E402

import classroom  # noqa: E402
from helpers.exercises import _check  # noqa: E402

NAME = "03_synthetic.ipynb"
ROUND_TRIP = "04"   # a finished notebook whose lesson runs in a few seconds

XOR_STUB = """W1 = None  # TODO: (2, 2)
b1 = None  # TODO: (2,)
w2 = None  # TODO: (2,)
b2 = None  # TODO: a number"""
XOR_SOLUTION = """W1 = np.array([[1, -1], [-1, 1]])
b1 = np.array([-0.5, -0.5])
w2 = np.array([1, 1])
b2 = -0.5"""
SUM_STUB = '''def sum_to_shape(grad, shape):
    """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
    # TODO: sum over the leading axes, then over the stretched ones
    return None'''
SUM_SOLUTION = '''def sum_to_shape(grad, shape):
    """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
    lead = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return out.sum(axis=stretched, keepdims=True).reshape(shape)'''


def folded(code: str) -> str:
    return f"\n<details><summary>Solution</summary>\n\n```python\n{code}\n```\n\n</details>"


def cell(kind: str, source: str, *tags: str):
    new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    made = new(source)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


def synthetic():
    """Exercise 2 (warm-up, module-level answers) and 4 (build it, a function) of '03'."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("code", "import numpy as np\nfrom helpers.exercises._check import progress\n"
                     "from helpers.exercises.nb03 import check_sum_to_shape, check_xor_weights"),
        cell("markdown", "## Your turn\n\nTwo exercises. Solutions are folded under each "
                         "exercise; try first."),
        cell("markdown", "### Exercise 2 — warm-up: XOR a second way (≈ 5 min)"),
        cell("code", XOR_STUB + "\n\n_ = check_xor_weights(W1, b1, w2, b2)", "exercise"),
        cell("markdown", folded(XOR_SOLUTION), "solution"),
        cell("markdown", "### Exercise 4 — build it: undo a broadcast (≈ 10 min)\n\n"
                         "![the gate](../figures/nb03_matmul_gate.png) Next: "
                         "[04](04_jacobians_and_shape_convention.ipynb#top), "
                         "[glossary](../GLOSSARY.md), [web](https://example.org/x.png)."),
        cell("code", SUM_STUB + "\n\n\n_ = check_sum_to_shape(sum_to_shape)", "exercise"),
        cell("markdown", folded(SUM_SOLUTION), "solution"),
        cell("code", 'progress("03")'),
    ]
    return nb


@pytest.fixture
def settings():
    return classroom.load_settings()


def built(settings, nb=None):
    nb = nb or synthetic()
    exercises = classroom.parse(nb, "03", NAME)
    source, figures = classroom.classroom_source(nb, exercises, settings, NAME)
    return exercises, source, figures


def by_grade_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


# ------------------------------------------------------------------------------ parsing

def test_parse_reads_each_exercise_from_its_heading_cell_and_checker():
    xor, total = classroom.parse(synthetic(), "03", NAME)
    assert (xor.number, xor.kind, xor.title, xor.minutes) == (2, "warm-up", "XOR a second way", 5)
    assert (total.number, total.kind, total.minutes) == (4, "build it", 10)
    assert (xor.heading_cell, xor.cell, xor.solution_cell) == (2, 3, 4)
    assert xor.stub == XOR_STUB and xor.solution == XOR_SOLUTION
    assert total.stub == SUM_STUB and total.solution == SUM_SOLUTION
    assert [(c.name, c.module, c.number) for c in total.checks] == [
        ("check_sum_to_shape", "helpers.exercises.nb03", 4)]


def test_points_come_from_the_kind_table_and_its_overrides(settings):
    xor, total = classroom.parse(synthetic(), "03", NAME)
    assert settings.points == {"warm-up": 1, "build it": 3, "stretch": 1}
    assert (settings.points_for(xor), settings.points_for(total)) == (1, 3)
    settings.exercise_points = {"03.4": 5}
    assert settings.points_for(total) == 5


# ------------------------------------------------------------------------------ regions

def test_the_region_wraps_the_body_and_the_stubs_return_follows_it():
    assert classroom.answer_source(SUM_STUB, SUM_SOLUTION) == '''def sum_to_shape(grad, shape):
    """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
    # TODO: sum over the leading axes, then over the stretched ones
    ### BEGIN SOLUTION
    lead = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return out.sum(axis=stretched, keepdims=True).reshape(shape)
    ### END SOLUTION
    return None'''


def test_module_level_placeholders_stay_above_the_region():
    assert classroom.answer_source(XOR_STUB, XOR_SOLUTION) == (
        f"{XOR_STUB}\n### BEGIN SOLUTION\n{XOR_SOLUTION}\n### END SOLUTION")


def test_a_helper_the_solution_adds_gets_its_own_region():
    stub = 'def f(x):\n    """x → 2x."""\n    return None'
    solution = 'def double(x):\n    return x + x\n\n\ndef f(x):\n    """x → 2x."""\n' \
               '    return double(x)'
    assert classroom.answer_source(stub, solution) == (
        '### BEGIN SOLUTION\ndef double(x):\n    return x + x\n\n\n### END SOLUTION\n'
        'def f(x):\n    """x → 2x."""\n    ### BEGIN SOLUTION\n    return double(x)\n'
        '    ### END SOLUTION\n    return None')


def test_a_stub_return_that_would_run_in_the_source_is_refused():
    stub = "def f(x):\n    return None"
    solution = "def f(x):\n    y = 2 * x\n    print(y)"
    with pytest.raises(classroom.FormatError, match="would run in the source"):
        classroom.answer_source(stub, solution, "nb cell 7")


def test_clearing_the_regions_gives_the_stub_and_the_code_stub_line_back():
    source = classroom.answer_source(SUM_STUB, SUM_SOLUTION)
    cleared = classroom.clear_regions(source, "# YOUR CODE HERE")
    assert "    # YOUR CODE HERE" in cleared.splitlines()
    assert cleared.replace("    # YOUR CODE HERE\n", "") == SUM_STUB
    assert classroom.clear_regions(source) == SUM_STUB


# ------------------------------------------------------------------------------ the source

def test_checker_lines_move_to_a_locked_test_cell_worth_the_kinds_points(settings):
    _, source, _ = built(settings)
    cells = by_grade_id(source)
    assert set(cells) == {"ex2", "ex2-test", "ex4", "ex4-test"}
    for number, points in ((2, 1), (4, 3)):
        answer, test = cells[f"ex{number}"], cells[f"ex{number}-test"]
        assert "check_" not in answer.source and answer.outputs == []
        assert answer.metadata["nbgrader"] == classroom.nbgrader_meta(f"ex{number}",
                                                                      solution=True)
        assert test.metadata["nbgrader"]["points"] == points
        assert test.metadata["nbgrader"]["locked"] and test.metadata["nbgrader"]["grade"]
        assert source.cells[source.cells.index(answer) + 1] is test
        visible, hidden = test.source.split(classroom.BEGIN_HIDDEN)
        assert visible.splitlines()[-1].startswith("_ = check_")
        assert "_grading.strict(True)" in hidden and hidden.rstrip().endswith(
            classroom.END_HIDDEN)


def test_the_folded_solutions_are_left_out_and_links_fit_the_assignment_folder(settings):
    _, source, figures = built(settings)
    text = "\n".join(c.source for c in source.cells)
    assert not [c for c in source.cells if "solution" in classroom.tags(c)]
    assert "<details>" not in text and "Solutions are folded" not in text
    assert source.cells[2].source == classroom.CLASSROOM_NOTE      # before the first exercise
    assert "](figures/nb03_matmul_gate.png)" in text and figures == {"nb03_matmul_gate.png"}
    assert "](../04_jacobians_and_shape_convention/04_jacobians_and_shape_convention.ipynb#top)" \
        in text
    assert f"]({settings.repository}GLOSSARY.md)" in text
    assert "](https://example.org/x.png)" in text
    assert source.cells[-1].source == 'progress("03")'


def test_an_exercise_worth_zero_points_stays_as_in_the_course(settings):
    settings.exercise_points = {"03.2": 0}
    _, source, _ = built(settings)
    assert set(by_grade_id(source)) == {"ex4", "ex4-test"}
    original = synthetic()
    assert [c.source for c in source.cells[2:5]] == [c.source for c in original.cells[2:5]]


def _run(cells, namespace):
    for code in cells:
        exec(code, namespace)  # noqa: S102 - the synthetic notebook's own cells


def test_the_test_cells_grade_in_strict_mode_and_switch_it_off_again(settings, capsys):
    _, source, _ = built(settings)
    cells = by_grade_id(source)
    answers = [cells["ex2"].source, cells["ex4"].source]
    tests = [cells["ex2-test"].source, cells["ex4-test"].source]
    namespace = {}
    _run([source.cells[0].source, *answers, *tests], namespace)        # the instructor's source
    assert capsys.readouterr().out.count("✓") == 4                     # visible + hidden, twice
    released = [classroom.clear_regions(a, "# YOUR CODE HERE") for a in answers]
    for answer, test in zip(released, tests, strict=True):
        _run([answer], namespace)
        visible = test.split(classroom.BEGIN_HIDDEN)[0]
        _run([visible], namespace)                                     # what students run
        assert "not yet" in capsys.readouterr().out
        with pytest.raises(_check.ExerciseNotDone):                   # what nbgrader runs
            _run([test], namespace)
        assert not _check.is_strict()
    wrong = classroom_check.plant(SUM_SOLUTION, classroom_check._sum_left_out)
    assert wrong is not None and wrong != SUM_SOLUTION
    _run([wrong], namespace)
    with pytest.raises(_check.ExerciseNotDone):
        _run([tests[1]], namespace)
    assert not _check.is_strict()


def test_a_planted_mistake_changes_one_node_of_the_solution():
    solution = "def f(a, b):\n    d = a.T @ b\n    d += b.T\n    return d - 1"
    assert classroom_check.plant(solution, classroom_check._transpose) == \
        "def f(a, b):\n    d = a @ b\n    d += b.T\n    return d - 1"
    assert classroom_check.plant(solution, classroom_check._overwrite) == \
        "def f(a, b):\n    d = a.T @ b\n    d = b.T\n    return d - 1"
    assert classroom_check.plant(solution, classroom_check._forward_in_time) is None


def test_a_rebuild_keeps_the_lecturers_nbgrader_config(tmp_path):
    classroom.write_config(tmp_path)
    config = tmp_path / "nbgrader_config.py"
    assert config.read_text() == (classroom.TEMPLATES / "nbgrader_config.py").read_text()
    config.write_text(config.read_text() + 'c.Exchange.root = "/srv/exchange"\n')
    classroom.write_config(tmp_path)
    assert config.read_text().endswith('c.Exchange.root = "/srv/exchange"\n')


# ------------------------------------------------------------------------------ refusals

def _broken(change):
    nb = synthetic()
    change(nb.cells)
    return nb


MALFORMED = {
    "no solution cell": (lambda c: c.pop(4), "cell 3: the exercise cell must be followed by "
                                             "a markdown cell tagged `solution`"),
    "heading without its kind": (
        lambda c: setattr(c[2], "source", "### Exercise 2 — XOR a second way (≈ 5 min)"),
        "cell 3: the heading '### Exercise 2 — XOR a second way (≈ 5 min)' (cell 2) does not "
        "read"),
    "heading without a time": (
        lambda c: setattr(c[2], "source", "### Exercise 2 — warm-up: XOR"), "does not read"),
    "code after the checker": (
        lambda c: setattr(c[3], "source", c[3].source + "\nprint(W1)"),
        "cell 3: the exercise cell must end with its checker call"),
    "no checker call": (lambda c: setattr(c[3], "source", XOR_STUB),
                        "cell 3: the exercise cell must end with its checker call"),
    "two code blocks": (
        lambda c: setattr(c[4], "source", folded(XOR_SOLUTION) + "\n```python\nx = 1\n```"),
        "cell 4: the solution cell must hold exactly one ```python block, found 2"),
    "unfolded solution": (lambda c: setattr(c[4], "source", f"```python\n{XOR_SOLUTION}\n```"),
                          "cell 4: the solution cell must fold its code"),
    "unknown checker": (
        lambda c: setattr(c[3], "source", XOR_STUB + "\n_ = check_nothing(W1)"),
        "cell 3: check_nothing is not a checker registered in helpers.exercises.nb03"),
    "wrong number": (
        lambda c: setattr(c[2], "source", "### Exercise 3 — warm-up: XOR (≈ 5 min)"),
        "cell 3: the heading says exercise 3, its checker(s) are registered as [2]"),
    "tag on markdown": (lambda c: c.__setitem__(3, cell("markdown", "x", "exercise")),
                        "cell 3: a cell tagged `exercise` must be a code cell"),
    "untagged exercise": (lambda c: c[3].metadata.update(tags=[]),
                          "cell 2: the heading '### Exercise 2 — warm-up: XOR a second way "
                          "(≈ 5 min)' has no cell tagged `exercise` under it"),
    "stray solution cell": (lambda c: c.insert(2, cell("markdown", folded("x = 1"), "solution")),
                            "cell 2: a `solution` cell must come right after its `exercise` "
                            "cell"),
    "invalid stub": (lambda c: setattr(c[3], "source", "W1 = (\n_ = check_xor_weights(W1)"),
                     "cell 3: the exercise cell is not valid Python"),
    "no exercises at all": (lambda c: c.__delitem__(slice(2, 8)),
                            "no cell is tagged `exercise` (the notebook does not follow the "
                            "exercise format yet)"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_exercise_is_refused_naming_the_notebook_and_cell(case):
    change, message = MALFORMED[case]
    with pytest.raises(classroom.FormatError) as refused:
        classroom.parse(_broken(change), "03", NAME)
    assert f"{NAME}" in str(refused.value) and message in str(refused.value), str(refused.value)


def test_every_problem_of_a_notebook_is_listed_at_once():
    def two(c):
        c[2].source = "### Exercise 2: XOR"
        c.pop(7)
    with pytest.raises(classroom.FormatError) as refused:
        classroom.parse(_broken(two), "03", NAME)
    assert [line.split(":")[0] for line in str(refused.value).splitlines()] == [
        f"{NAME} cell 3", f"{NAME} cell 6"]


# ------------------------------------------------------------------------------ the course

@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_course_notebook_follows_the_exercise_format(path, settings):
    """Every notebook must build (scripts/classroom.py names the cell that breaks the format)."""
    nb = nbformat.read(path, as_version=4)
    try:
        exercises, problem = classroom.parse(nb, path.name[:2], path.name), None
    except classroom.FormatError as exc:
        problem = str(exc)
    if problem:
        pytest.fail(f"{path.name} does not follow the exercise format (WRITER brief, 'Your "
                    f"turn'), so the classroom edition cannot grade it:\n{problem}\n(cell "
                    "numbers count from 0 in the built .ipynb; fix the notebook's .py source "
                    "and rebuild it)", pytrace=False)
    assert any(ex.kind == "build it" for ex in exercises), "no build-it exercise"
    source, _ = classroom.classroom_source(nb, exercises, settings, path.name)
    for ex in exercises:
        answer = by_grade_id(source)[f"ex{ex.number}"].source
        assert classroom.clear_regions(answer) == ex.stub
    assert classroom_check.choose_plant(exercises, settings) is not None


# ------------------------------------------------------------------------------ round trip

@pytest.fixture(scope="module")
def classroom_python():
    try:
        return classroom.install()
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"nbgrader (the classroom extra) could not be installed: {exc}")


def conforming() -> list[str]:
    numbers = []
    for path in notebook_paths():
        try:
            classroom.parse(nbformat.read(path, as_version=4), path.name[:2], path.name)
            numbers.append(path.name[:2])
        except classroom.FormatError:
            pass    # test_course_notebook_follows_the_exercise_format names it
    return numbers


def test_nbgrader_generates_every_student_version(classroom_python, tmp_path):
    numbers = conforming()
    done = subprocess.run([str(classroom_python), str(ROOT / "scripts" / "classroom.py"),
                           "build", "--out", str(tmp_path), *numbers],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    for number in numbers:
        (release,) = (tmp_path / "release").glob(f"{number}_*/{number}_*.ipynb")
        nb = nbformat.read(release, as_version=4)
        assert not [c for c in nb.cells if "solution" in classroom.tags(c)
                    and "<details>" in c.source and "nbgrader" not in c.metadata]
        for figure in (tmp_path / "source" / release.parent.name / "figures").iterdir():
            assert (release.parent / "figures" / figure.name).exists()


def test_round_trip_source_full_marks_release_zero_planted_loses_one(classroom_python):
    done = subprocess.run([str(classroom_python), str(ROOT / "scripts" / "classroom_check.py"),
                           ROUND_TRIP, "--jobs", "1"], capture_output=True, text=True, cwd=ROOT)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    total = next(line for line in done.stdout.splitlines() if line.startswith("total"))
    points, source, release, planted = (float(x) for x in total.split()[1:])
    assert source == points and release == 0 and 0 < planted < points
