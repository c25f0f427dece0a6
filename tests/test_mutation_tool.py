"""scripts/mutation.py: which mutants it makes, which tests it picks, and a real run on a toy."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "scripts" / "mutation.py")
mutation = importlib.util.module_from_spec(_spec)
sys.modules["mutation_tool"] = mutation
_spec.loader.exec_module(mutation)

TOY = '''"""A toy module: nothing in this docstring is mutated."""

__all__ = ["add", "clip"]
LIMIT = 10


def add(a: int, b: int = 2) -> int:
    """Nor in this one."""
    return a + b


def clip(x, hi=LIMIT):
    if x > hi:
        raise ValueError(f"clip: x = {x} is above {hi}")
    return x
'''

TOY_TESTS = '''from toy.calc import add, clip


def test_add():
    assert add(2, 3) == 5


def test_clip():
    assert clip(1, 2) == 1


def test_a_module_from_elsewhere(tmp_path, monkeypatch):
    import toy                       # like a checker test that writes helpers.exercises.nb94
    (tmp_path / "extra.py").write_text("from toy.calc import add\\nVALUE = add(1, 1)\\n")
    monkeypatch.setattr(toy, "__path__", [*toy.__path__, str(tmp_path)])
    import toy.extra
    assert toy.extra.VALUE == 2
'''


def test_mutants_of_the_toy():
    found = [(m.line, m.kind, m.before, m.after) for m in mutation.mutants_of(TOY)]
    assert found == [
        (4, "statement → pass", "LIMIT = 10", "pass"),
        (4, "constant", "10", "(11)"),
        (9, "operator", "a + b", "(a - b)"),
        (9, "return value → None", "a + b", "None"),
        (13, "statement → pass", 'if x > hi:\n        raise ValueError(f"clip: x = {x} is above '
                                 '{hi}")', "pass"),
        (13, "comparison", "x > hi", "(x >= hi)"),
        (13, "condition negated", "x > hi", "not (x > hi)"),
        (15, "return value → None", "x", "None"),
    ]


def test_mutants_apply_to_the_source_bytes_and_compile():
    source = 'def f(x):\n    """σ."""\n    s = "σ ✓"\n    return -x * 2 if not x else x\n'
    data = source.encode("utf-8")
    mutants = mutation.mutants_of(source)
    assert {m.kind for m in mutants} >= {"usub removed", "not removed", "operator", "constant"}
    for m in mutants:
        new = mutation.apply(data, m).decode("utf-8")
        compile(new, "<m>", "exec")
        assert new.count('"""σ."""') == 1          # the docstring is intact
        assert '"σ ✓"' in new or m.kind == "statement → pass"
    assert not [m for m in mutants if "σ" in m.before and m.kind == "constant"]


def test_skipped_places():
    source = ('import os\nfrom typing import Any\n__all__ = ["x"]\n'
              'def f(a: "int" = 3, *, b: list[int] = None) -> "str":\n'
              '    assert a, "a message"\n    print(f"{a + 1}")\n    return "a b"\n'
              'if __name__ == "__main__":\n    f(1 + 2)\n')
    kinds = [(m.line, m.kind, m.before) for m in mutation.mutants_of(source)]
    assert kinds == [(5, "statement → pass", 'assert a, "a message"'),
                     (6, "statement → pass", 'print(f"{a + 1}")'),
                     (7, "return value → None", '"a b"')]


def test_equivalent_mutants_are_made_once():
    source = "def f(x):\n    if not x:\n        raise ValueError\n    return x\n"
    kinds = [(m.line, m.kind) for m in mutation.mutants_of(source)]
    assert kinds == [(2, "statement → pass"), (2, "not removed"), (4, "return value → None")]


def test_operators_and_comparisons_swap():
    source = ("def f(a, b):\n    a += b\n    c = a // b % 2 ** b @ a | b & a << 1 >> 1\n"
              "    return a is b and a in b or a != b or a <= b or a >= b or a == b or a < b\n")
    afters = {m.after for m in mutation.mutants_of(source)}
    for piece in ("a -= b", "(a / b)", "(a // b // 2 ** b)", "(a // b % 2 ** b * a)",
                  "@ a & (b & a << 1 >> 1)", "(2 * b)", "(b | a << 1 >> 1)", "(a >> 1)",
                  "(a << 1 << 1)", "(a is not b)", "(a is b or a in b)", "(a not in b)",
                  "(a == b)", "(a < b)", "(a > b)", "(a != b)", "(a <= b)",
                  "((a is b and a in b) and a != b and"):
        assert any(piece in after for after in afters), piece


def test_tests_are_mapped_to_modules():
    assert mutation.tests_for("helpers/gradcheck.py", ROOT) == ["tests/test_gradcheck.py"]
    assert mutation.tests_for("helpers/exercises/_check.py", ROOT) == ["tests/test_check_core.py"]
    assert mutation.tests_for("helpers/exercises/nb06.py", ROOT) == [
        "tests/test_nb06_exercises.py", "tests/test_checkers_odd_input.py"]
    layers = mutation.tests_for("helpers/layers/rnn.py", ROOT)
    assert "tests/test_layers_recurrent.py" in layers and all("test_layers_" in t for t in layers)
    unit = mutation.tests_for("helpers/no_such_module.py", ROOT)
    assert "tests/test_gradcheck.py" in unit
    assert "tests/test_notebooks.py" not in unit and "tests/test_browser.py" not in unit


@pytest.fixture
def toy_repo(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "__init__.py").write_text("")
    (tmp_path / "toy" / "calc.py").write_text(TOY, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_calc.py").write_text(TOY_TESTS)
    return tmp_path


def test_a_run_on_the_toy_reports_its_survivors_and_never_touches_the_repository(toy_repo):
    before = {p: p.read_bytes() for p in toy_repo.rglob("*") if p.is_file()}
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation.py"), "toy/calc.py",
                          "--repo", str(toy_repo), "--tests", "tests/test_calc.py",
                          "--jobs", "2", "--json", str(toy_repo.parent / "toy.json")],
                         capture_output=True, text=True, timeout=300,
                         # the repository importable as it is (like the editable install of
                         # helpers): the copy's modules must still be the ones tested
                         env={**os.environ, "PYTHONPATH": str(toy_repo)})
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == ("toy/calc.py: 8 mutants, 5 killed, 3 survived, 0 timeouts, 0 errors — "
                        "score 62.5 %")
    assert lines[1:] == [
        "  survived toy/calc.py:4  constant: `10` → `(11)`",
        "  survived toy/calc.py:13  statement → pass: `if x > hi: raise ValueError(f\"clip: x = "
        "{x} is above {hi}\")` → `pass`",
        "  survived toy/calc.py:13  comparison: `x > hi` → `(x >= hi)`"]
    assert "unmutated run" in run.stderr and str(toy_repo) not in run.stderr.split("copy0")[0]
    assert {p: p.read_bytes() for p in toy_repo.rglob("*") if p.is_file()} == before
    assert '"score": 62.5' in (toy_repo.parent / "toy.json").read_text()


def test_a_failing_suite_stops_before_any_mutant(toy_repo):
    (toy_repo / "tests" / "test_calc.py").write_text(TOY_TESTS + "\n\ndef test_no():\n"
                                                     "    assert False\n")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation.py"), "toy/calc.py",
                          "--repo", str(toy_repo), "--tests", "tests/test_calc.py"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "the unit tests fail before any mutation" in run.stderr


def test_list_prints_the_mutants_without_running(toy_repo):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation.py"), "toy/calc.py",
                          "--repo", str(toy_repo), "--list"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert run.stdout.splitlines()[0] == "toy/calc.py: 8 mutants (tests: tests/test_calc.py)"
    assert "  toy/calc.py:9  operator: `a + b` → `(a - b)`" in run.stdout


DECORATED = '''REGISTRY = []


def register(name):
    def wrap(f):
        REGISTRY.append(name)
        return f
    return wrap


@register("add")
def add(a, b):
    return a + b
'''

DECORATED_TESTS = '''from toy.calc import REGISTRY, add


def test_add():
    assert add(2, 3) == 5


def test_registry():
    assert REGISTRY == ["add"]
'''


def test_decorator_mutants_act_at_import():
    found = [(m.line, m.after, m.at_import) for m in mutation.mutants_of(DECORATED)]
    assert (11, "''", True) in found
    assert all(not at_import for line, _, at_import in found if line != 11)
    cls = mutation.mutants_of("@dataclass(frozen=True)\nclass A:\n    x = 1\n")
    assert [(m.line, m.after, m.at_import) for m in cls] == [
        (1, "False", True), (3, "pass", False), (3, "(2)", False)]


def test_a_decorator_mutant_runs_the_tests_that_do_not_call_its_function(toy_repo):
    # the traced call of add() starts on the decorator's line: without the at-import rule only
    # test_add would run against `@register("")`, and it would survive
    (toy_repo / "toy" / "calc.py").write_text(DECORATED)
    (toy_repo / "tests" / "test_calc.py").write_text(DECORATED_TESTS)
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation.py"), "toy/calc.py",
                          "--repo", str(toy_repo), "--lines", "11-11"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines() == [
        "toy/calc.py: 1 mutants, 1 killed, 0 survived, 0 timeouts, 0 errors — score 100.0 %"]


def test_lines_selects_a_piece_of_a_module(toy_repo, capsys):
    assert mutation.main(["toy/calc.py", "--repo", str(toy_repo), "--list",
                          "--lines", "9-13"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "toy/calc.py: 5 mutants (tests: tests/test_calc.py)"
    assert [line.split()[0] for line in out[1:]] == ["toy/calc.py:9"] * 2 + ["toy/calc.py:13"] * 3
    for bad in ("x-3", "5-2", "0-4", "3-x"):
        with pytest.raises(SystemExit):
            mutation.main(["toy/calc.py", "--repo", str(toy_repo), "--list", "--lines", bad])


def test_a_declared_equivalent_mutant_is_listed_not_run(toy_repo, capsys):
    source = ("def sign(x):\n"
              "    return 1 if x >= 0 else -1   # equivalent mutant `(x > 0)`: no, a toy\n")
    found = mutation.mutants_of(source)
    assert [m.after for m in found if m.equivalent] == ["(x > 0)"]
    assert sum(m.equivalent for m in found) == 1 and len(found) > 3
    above = ("def sign(x):\n    # equivalent mutant `(x > 0)`: a toy\n    # (more words)\n"
             "    y = x >= 0\n    return x >= 0\n")   # the declaration reaches one statement
    assert [(m.line, m.after) for m in mutation.mutants_of(above) if m.equivalent] == [
        (4, "(x > 0)")]
    toy = TOY.replace("    if x > hi:\n", "    if x > hi:   # equivalent mutant `(x >= hi)`: toy\n")
    (toy_repo / "toy" / "calc.py").write_text(toy)
    assert mutation.main(["toy/calc.py", "--repo", str(toy_repo), "--list"]) == 0
    assert ("  toy/calc.py:13  comparison: `x > hi` → `(x >= hi)`  (declared equivalent: not run)"
            in capsys.readouterr().out)
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation.py"), "toy/calc.py",
                          "--repo", str(toy_repo), "--tests", "tests/test_calc.py"],
                         capture_output=True, text=True, timeout=300)
    assert run.stdout.splitlines()[0] == (
        "toy/calc.py: 7 mutants, 5 killed, 2 survived, 0 timeouts, 0 errors — score 71.4 % "
        "(1 declared equivalent, not run)")
