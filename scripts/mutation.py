"""Mutation testing of ``helpers/`` by the unit tests alone (issue 10 §4); no dependency but pytest.

    python scripts/mutation.py helpers/gradcheck.py [more modules] [--tests tests/test_x.py ...]
                               [--jobs 2] [--max N] [--lines A-B] [--list]

For each module it makes small changes one at a time (mutants): an operator swapped
(``+``/``-``, ``*``/``/``, ``<``/``<=``, ``==``/``!=``, ``and``/``or``, ``in``/``not in``), a
number plus one, ``True``/``False`` flipped, a short code string emptied, a unary minus or
``not`` removed, an ``if`` condition negated, a statement (an assignment, a call, a ``raise``, an
``if`` guard, a loop) replaced by ``pass``, ``return x`` replaced by ``return None``. Docstrings,
``__all__``, imports, type annotations, default argument values, f-strings, message strings
(strings with a space) and everything inside a ``raise`` are left alone. A mutant declared
equivalent on its line or just above (``# equivalent mutant `(x > 0)`: the reason``) is
listed, not run.

Each mutant runs the module's unit tests (never the notebooks) with ``-x``. The tests come
from a small explicit map plus a naming rule (``--tests`` overrides). A first, unmutated run
records which tests execute each line, so a mutant runs only the tests that reach it.

Everything happens in a private copy of the repository under /tmp: the files in the
repository itself are only read (other engineers import ``helpers`` from it all the time). A
smoke check asserts that the copy's module is the one the tests import. Mutants run in forked
children of a process that has already imported numpy, pytest and the other libraries the
tests need, so one module of a few hundred mutants takes a few minutes on one core.

Per module it prints the number of mutants, killed, survived (each with file:line and the
change), timeouts and the score (killed + timeouts) / mutants.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Explicit module → unit-test map; anything else follows the naming rule of tests_for().
TEST_MAP = {
    "helpers/gradcheck.py": ["tests/test_gradcheck.py"],
    "helpers/exercises/_check.py": ["tests/test_check_core.py"],
    "helpers/graph.py": ["tests/test_graph.py"],
    "helpers/graph_draw.py": ["tests/test_graph_draw.py", "tests/test_graph.py"],
}
# A mutant that cannot change any result (e.g. ``x >= 0`` → ``x > 0`` where both branches agree
# at 0) is declared on its line or in a comment line right above, with the reason:
# ``# equivalent mutant `(x > 0)`: why``. The text in backticks is the mutant's replacement
# exactly as --list prints it after the arrow.
EQUIVALENT = re.compile(r"#.*?equivalent mutant `([^`]+)`")
NOT_UNIT = {"test_notebooks.py", "test_browser.py"}    # these run notebooks or a browser
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", ".hypothesis", ".ruff_cache",
                                     "__pycache__", "*.egg-info", "*.ipynb", ".ipynb_checkpoints",
                                     "node_modules")


# ------------------------------------------------------------------------------ tests to run

def tests_for(module: str, repo: Path) -> list[str]:
    """The unit-test files for ``module`` (a path relative to ``repo``).

    The explicit map first; then ``helpers/exercises/nbNN.py`` → ``tests/test_nbNN_exercises.py``
    and the odd-input test; ``helpers/layers/*.py`` → every ``tests/test_layers_*.py``; else
    ``tests/test_<name>.py`` and ``tests/test_<folder>_<name>.py`` when they exist; else every
    unit test (``tests/test_*.py`` without the notebook and browser tests).
    """
    if module in TEST_MAP:
        return TEST_MAP[module]
    path = Path(module)
    found: list[str] = []
    if path.parent.name == "exercises" and path.stem.startswith("nb"):
        found = [f"tests/test_{path.stem}_exercises.py", "tests/test_checkers_odd_input.py"]
    elif path.parent.name == "layers":
        found = sorted(str(p.relative_to(repo)) for p in (repo / "tests").glob("test_layers_*.py"))
    else:
        found = [f"tests/test_{path.stem}.py", f"tests/test_{path.parent.name}_{path.stem}.py"]
    found = [t for t in found if (repo / t).is_file()]
    if found:
        return found
    return sorted(str(p.relative_to(repo)) for p in (repo / "tests").glob("test_*.py")
                  if p.name not in NOT_UNIT)


# ------------------------------------------------------------------------------ mutants

@dataclass
class Mutant:
    line: int
    last_line: int
    kind: str
    before: str
    after: str
    start: int            # byte offsets of the replaced text in the module's source
    end: int
    at_import: bool = False   # in a decorator: it acts when the module is imported
    equivalent: bool = False  # declared equivalent in the source (see EQUIVALENT): not run

    def describe(self) -> str:
        return f"{self.kind}: `{_short(self.before)}` → `{_short(self.after)}`"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
               ast.MatMult: ast.Mult, ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr,
               ast.LShift: ast.RShift, ast.RShift: ast.LShift}
CMP_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
             ast.In: ast.NotIn, ast.NotIn: ast.In}
DELETABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise, ast.If, ast.For,
             ast.While, ast.With, ast.Return, ast.Assert, ast.Delete, ast.Break, ast.Continue,
             ast.Try)


def _is_docstring(stmt: ast.stmt, body: list[ast.stmt]) -> bool:
    return (stmt is body[0] and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str))


def _is_main_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test)


def _names_all(stmt: ast.stmt) -> bool:
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                               and isinstance(node.value, str))


class _Collector:
    def __init__(self, source: str):
        self.data = source.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.mutants: list[Mutant] = []

    def span(self, node) -> tuple[int, int]:
        return (self.starts[node.lineno - 1] + node.col_offset,
                self.starts[node.end_lineno - 1] + node.end_col_offset)

    def text(self, node) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode("utf-8")

    def add(self, node, kind: str, after: str):
        start, end = self.span(node)
        self.mutants.append(Mutant(node.lineno, node.end_lineno, kind, self.text(node), after,
                                   start, end))

    def replace_op(self, node, kind: str, **changes):
        clone = ast.parse(ast.unparse(node), mode="eval").body   # a detached copy
        for attr, value in changes.items():
            setattr(clone, attr, value)
        self.add(node, kind, f"({ast.unparse(clone)})")

    # -- statements
    def body(self, stmts: list[ast.stmt], guard: bool = False, last_returns: bool = False):
        """``guard``: the body of an ``if`` without ``else`` (deleting its only statement is
        deleting the ``if``); ``last_returns``: a function body (a final ``return x`` deleted
        is ``return None``, already a mutant)."""
        for stmt in stmts:
            if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
                continue
            if _is_docstring(stmt, stmts) or _is_main_guard(stmt) or _names_all(stmt):
                continue
            same_as_other = (guard and len(stmts) == 1) or (
                last_returns and stmt is stmts[-1] and isinstance(stmt, ast.Return))
            if isinstance(stmt, DELETABLE) and not same_as_other:
                self.add(stmt, "statement → pass", "pass")
            self.stmt(stmt)

    def stmt(self, stmt: ast.stmt):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.decorators(stmt)
            self.body(stmt.body, last_returns=True)  # defaults, annotations: left alone
        elif isinstance(stmt, ast.ClassDef):
            self.decorators(stmt)
            self.body(stmt.body)
        elif isinstance(stmt, ast.Raise):
            return                        # the message and the exception type: left alone
        elif isinstance(stmt, ast.Return):
            if stmt.value is not None and not (isinstance(stmt.value, ast.Constant)
                                               and stmt.value.value is None):
                self.add(stmt.value, "return value → None", "None")
                self.expr(stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.expr(stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            swap = BINOP_SWAPS.get(type(stmt.op))
            if swap is not None:
                start, end = self.span(stmt)
                new = ast.AugAssign(target=stmt.target, op=swap(), value=stmt.value)
                self.mutants.append(Mutant(stmt.lineno, stmt.end_lineno, "operator",
                                           self.text(stmt), ast.unparse(new), start, end))
            self.expr(stmt.value)
        elif isinstance(stmt, ast.If):
            test = stmt.test
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                self.add(test, "not removed", f"({self.text(test.operand)})")
                test = test.operand           # (the same as negating the condition)
            else:
                self.add(test, "condition negated", f"not ({self.text(test)})")
            self.expr(test)
            self.body(stmt.body, guard=not stmt.orelse)
            self.body(stmt.orelse)
        elif isinstance(stmt, (ast.For, ast.While)):
            self.expr(stmt.iter if isinstance(stmt, ast.For) else stmt.test)
            self.body(stmt.body)
            self.body(stmt.orelse)
        elif isinstance(stmt, ast.With):
            for item in stmt.items:
                self.expr(item.context_expr)
            self.body(stmt.body)
        elif isinstance(stmt, ast.Try):
            self.body(stmt.body)
            for handler in stmt.handlers:
                self.body(handler.body)
            self.body(stmt.orelse)
            self.body(stmt.finalbody)
        else:
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.expr(child)

    def decorators(self, stmt):
        """Mutants of a definition's decorators, marked ``at_import``.

        A decorator runs once, when the module is imported, and may act on more than calls of
        its function (``@exercise(...)`` registers a checker that other tests list). The line
        map would credit the decorator's first line to the tests that call the function (the
        traced call starts there), so these mutants run every test instead."""
        first = len(self.mutants)
        for deco in stmt.decorator_list:
            self.expr(deco)
        for m in self.mutants[first:]:
            m.at_import = True

    # -- expressions
    def expr(self, node: ast.AST):
        if isinstance(node, ast.JoinedStr):
            return                                        # messages
        if isinstance(node, ast.Lambda):
            self.expr(node.body)
            return
        if isinstance(node, ast.BinOp):
            swap = BINOP_SWAPS.get(type(node.op))
            if swap is not None and not (_is_text(node.left) or _is_text(node.right)):
                self.replace_op(node, "operator", op=swap())
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not,
                                                                     ast.Invert)):
            self.add(node, f"{type(node.op).__name__.lower()} removed",
                     f"({self.text(node.operand)})")
        elif isinstance(node, ast.BoolOp):
            self.replace_op(node, "and/or", op=ast.Or() if isinstance(node.op, ast.And)
                            else ast.And())
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = CMP_SWAPS.get(type(op))
                if swap is not None:
                    ops = list(node.ops)
                    ops[i] = swap()
                    self.replace_op(node, "comparison", ops=ops)
        elif isinstance(node, ast.Constant):
            self.constant(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.comprehension):
                for part in [child.iter, *child.ifs]:
                    self.expr(part)
            elif isinstance(child, ast.keyword):
                self.expr(child.value)

    def constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool):
            self.add(node, "constant", repr(not value))
        elif isinstance(value, (int, float)):
            self.add(node, "constant", f"({value + 1!r})")
        elif isinstance(value, str) and not any(c.isspace() for c in value):
            self.add(node, "constant", repr("") if value else repr("mutant"))


def mutants_of(source: str) -> list[Mutant]:
    """Every mutant of a module's source, in line order (duplicates of the same change dropped)."""
    collector = _Collector(source)
    collector.body(ast.parse(source).body)
    seen, unique = set(), []
    for m in sorted(collector.mutants, key=lambda m: (m.start, m.end, m.kind, m.after)):
        key = (m.start, m.end, m.after)
        if key in seen or m.after == m.before:
            continue
        seen.add(key)
        try:
            compile(apply(collector.data, m), "<mutant>", "exec")
        except SyntaxError:
            continue
        unique.append(m)
    declared, above = [], set()          # per line: its own declarations and the comments'
    for line in source.splitlines():  # lines right above it
        found = set(EQUIVALENT.findall(line))
        declared.append(above | found)
        above = (above | found) if line.lstrip().startswith("#") else set()
    for m in unique:
        m.equivalent = any(m.after in declared[i - 1] for i in range(m.line, m.last_line + 1))
    return unique


def apply(data: bytes, mutant: Mutant) -> bytes:
    return data[:mutant.start] + mutant.after.encode("utf-8") + data[mutant.end:]


# ------------------------------------------------------------------------------ running

@dataclass
class Baseline:
    seconds: float
    lines: dict[int, list[str]]          # line → node ids of the tests that execute it
    order: list[str]                     # every selected test's node id, in run order
    modules: dict[str, str] = field(default_factory=dict)   # every module the run imported


class _Select:
    """pytest plugin: keep only the given node ids (in their collected order)."""

    def __init__(self, keep):
        self.keep = set(keep)

    def pytest_collection_modifyitems(self, config, items):
        items[:] = [item for item in items if item.nodeid in self.keep]


class _LineMap:
    """pytest plugin: which test executes which line of one file (sys.settrace, that file only)."""

    def __init__(self, filename: str):
        self.filename = filename
        self.current = None
        self.lines: dict[int, set] = {}
        self.order: list[str] = []

    def _local(self, frame, event, arg):
        if event == "line" and self.current is not None:
            self.lines.setdefault(frame.f_lineno, set()).add(self.current)
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            if self.current is not None:
                self.lines.setdefault(frame.f_lineno, set()).add(self.current)
            return self._local
        return None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        self.order.append(item.nodeid)
        sys.settrace(self._global)
        try:
            return (yield)
        finally:
            sys.settrace(None)
            self.current = None


def _pytest_args(tests: list[str], exitfirst: bool = True) -> list[str]:
    args = [*tests, "-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:xdist",
            "-p", "no:randomly", "-p", "no:hypothesispytest", "-o", "addopts=", "--no-header",
            "--assert=plain"]   # plain asserts: no rewriting on every run (0.9 → 0.35 s a run)
    return [*args, "-x"] if exitfirst else args


def _child(slot: Path, work, quiet: bool = True) -> None:
    """In a forked child: run ``work()`` inside the copy, exit with its code (never return)."""
    code = 99
    try:
        os.setpgrp()
        os.chdir(slot)
        sys.path.insert(0, str(slot))
        sys.dont_write_bytecode = True
        if quiet:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
        code = int(work())
    except BaseException:   # noqa: BLE001 - any failure of the child is its exit code
        code = 99
    finally:
        os._exit(code)


def _module_name(module: str) -> str:
    return module[:-3].replace("/", ".").removesuffix(".__init__")


def run_baseline(slot: Path, module: str, tests: list[str], result_file: Path) -> Baseline:
    """Run the unmutated tests once in the copy: check it imports the copy, map lines to tests."""
    target = str((slot / module).resolve())

    def work():
        imported = importlib.import_module(_module_name(module))
        if os.path.realpath(imported.__file__) != os.path.realpath(target):
            raise SystemExit(f"the tests import {imported.__file__}, not the copy {target}")
        linemap = _LineMap(imported.__file__)
        code = pytest.main(_pytest_args(tests, exitfirst=False), plugins=[linemap])
        modules = {name: str(getattr(m, "__file__", "") or "")
                   for name, m in list(sys.modules.items())}
        result_file.write_text(json.dumps({
            "code": int(code), "order": linemap.order, "modules": modules,
            "lines": {str(k): sorted(v) for k, v in linemap.lines.items()}}))
        return code

    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _child(slot, work, quiet=not os.environ.get("MUTATION_VERBOSE"))
    _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
    if not result_file.exists():
        raise SystemExit(f"mutation: the unmutated tests of {module} did not run in the copy "
                         f"{slot} (exit status {status}); is {_module_name(module)} importable "
                         "there?")
    info = json.loads(result_file.read_text())
    if info["code"] != 0:
        raise SystemExit(f"mutation: the unit tests fail before any mutation ({' '.join(tests)}"
                         f", pytest exit code {info['code']}); fix them first")
    return Baseline(seconds, {int(k): v for k, v in info["lines"].items()}, info["order"],
                    info["modules"])


def preload(modules: dict[str, str]) -> int:
    """Import in this (parent) process the installed libraries the tests import (numpy, pytest,
    …), so forked children start warm. Never a package of the copy (``helpers``, the tests):
    the children must import those, mutated, from the copy."""
    installed = tuple(str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix})
    own = {name.split(".")[0] for name, file in modules.items()
           if file and not str(Path(file).resolve()).startswith(installed)}
    own -= set(sys.builtin_module_names) | {"__main__", "__mp_main__"}   # (multiprocessing)
    done = 0
    for name in modules:
        if name in sys.modules or name.split(".")[0] in own:
            continue
        try:
            importlib.import_module(name)
            done += 1
        except BaseException:   # noqa: BLE001 - a module that cannot load twice: skip it
            pass
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in own)
    if leaked:
        raise SystemExit(f"mutation: preloading imported the project's own modules {leaked}")
    return done


@dataclass
class Outcome:
    mutant: Mutant
    status: str                 # killed, survived, timeout, error, not reached
    seconds: float = 0.0


def run_mutants(slots: list[Path], module: str, tests: list[str], baseline: Baseline,
                mutants: list[Mutant], timeout: float, progress: bool = True) -> list[Outcome]:
    original = (slots[0] / module).read_bytes()
    outcomes: list[Outcome] = []
    queue = list(mutants)
    running: dict[int, tuple[Path, Mutant, float]] = {}
    free = list(slots)
    total = len(mutants)

    def reached(m: Mutant) -> list[str]:
        ids = set()
        for line in range(m.line, m.last_line + 1):
            ids.update(baseline.lines.get(line, ()))
        return [i for i in baseline.order if i in ids]

    def finish(pid: int, status: str):
        slot, m, began = running.pop(pid)
        (slot / module).write_bytes(original)
        free.append(slot)
        outcomes.append(Outcome(m, status, time.perf_counter() - began))
        if progress:
            print(f"\r  {len(outcomes)}/{total} mutants run", end="", file=sys.stderr, flush=True)
        elif len(outcomes) % max(1, total // 10) == 0:
            print(f"  {len(outcomes)}/{total} mutants run", file=sys.stderr, flush=True)

    while queue or running:
        while queue and free:
            m = queue.pop(0)
            keep = reached(m)
            module_level = m.at_import or not any(baseline.lines.get(line) for line in
                                                  range(m.line, m.last_line + 1))
            if module_level:
                keep = list(baseline.order)    # runs at import only: every test may notice
            slot = free.pop()
            (slot / module).write_bytes(apply(original, m))
            select = _Select(keep)

            def work(select=select):
                if _module_name(module) in sys.modules:   # preloaded: it would not be mutated
                    return 98
                return pytest.main(_pytest_args(tests), plugins=[select])

            pid = os.fork()
            if pid == 0:
                _child(slot, work)
            running[pid] = (slot, m, time.perf_counter())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.perf_counter()
            for p, (_, _, began) in list(running.items()):
                if now - began > timeout:
                    try:
                        os.killpg(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    os.waitpid(p, 0)
                    finish(p, "timeout")
            time.sleep(0.005)
            continue
        if pid not in running:
            continue
        if os.WIFSIGNALED(status):
            finish(pid, "timeout" if os.WTERMSIG(status) == signal.SIGKILL else "killed")
            continue
        code = os.WEXITSTATUS(status)
        finish(pid, {0: "survived", 1: "killed", 2: "killed", 3: "killed"}.get(code, "error"))
    if progress:
        print(file=sys.stderr)
    return sorted(outcomes, key=lambda o: (o.mutant.line, o.mutant.start))


def report(module: str, outcomes: list[Outcome], equivalent: int = 0) -> dict:
    counts = {s: sum(1 for o in outcomes if o.status == s)
              for s in ("killed", "survived", "timeout", "error")}
    total = len(outcomes)
    score = 100.0 * (counts["killed"] + counts["timeout"]) / total if total else 100.0
    declared = f" ({equivalent} declared equivalent, not run)" if equivalent else ""
    print(f"{module}: {total} mutants, {counts['killed']} killed, {counts['survived']} survived, "
          f"{counts['timeout']} timeouts, {counts['error']} errors — score {score:.1f} %"
          f"{declared}")
    for o in outcomes:
        if o.status in ("survived", "error"):
            print(f"  {o.status:8s} {module}:{o.mutant.line}  {o.mutant.describe()}")
    return {"module": module, "mutants": total, **counts, "equivalent": equivalent,
            "score": round(score, 1),
            "survivors": [f"{module}:{o.mutant.line} {o.mutant.describe()}"
                          for o in outcomes if o.status == "survived"]}


def _line_range(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        lines = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects A-B (two line numbers), got {text!r}") \
            from None
    if not 1 <= lines[0] <= lines[1]:
        raise argparse.ArgumentTypeError(f"expects 1 <= A <= B, got {text!r}")
    return lines


def _in_lines(mutants: list[Mutant], lines: tuple[int, int] | None) -> list[Mutant]:
    if lines is None:
        return mutants
    return [m for m in mutants if lines[0] <= m.line <= lines[1]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+", help="module paths relative to the repository")
    parser.add_argument("--tests", nargs="+", help="test files (default: mapped per module)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at the same time")
    parser.add_argument("--repo", type=Path, default=REPO, help="the repository (read only)")
    parser.add_argument("--max", type=int, default=0, help="run at most N mutants per module")
    parser.add_argument("--lines", type=_line_range, metavar="A-B",
                        help="only the mutants that start on lines A to B (a big module in "
                             "pieces; the score is then the piece's)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    modules = [str(Path(m).resolve().relative_to(repo)) if Path(m).is_absolute() else m
               for m in args.modules]
    if args.list:
        for module in modules:
            found = _in_lines(mutants_of((repo / module).read_text(encoding="utf-8")),
                              args.lines)
            print(f"{module}: {len(found)} mutants (tests: {' '.join(tests_for(module, repo))})")
            for m in found:
                mark = "  (declared equivalent: not run)" if m.equivalent else ""
                print(f"  {module}:{m.line}  {m.describe()}{mark}")
        return 0

    work = Path(tempfile.mkdtemp(prefix="mutation-"))
    if work.resolve().is_relative_to(repo):
        raise SystemExit(f"mutation: refusing to work inside the repository ({work})")
    results = []
    try:
        slots = []
        for k in range(max(1, args.jobs)):
            slot = work / f"copy{k}"
            shutil.copytree(repo, slot, ignore=COPY_IGNORE, symlinks=True)
            slots.append(slot)
        for module in modules:
            tests = args.tests or tests_for(module, repo)
            found = _in_lines(mutants_of((slots[0] / module).read_text(encoding="utf-8")),
                              args.lines)
            equivalent = sum(m.equivalent for m in found)
            found = [m for m in found if not m.equivalent]
            if args.max:
                found = found[:: max(1, len(found) // args.max)][: args.max]
            print(f"{module}: {len(found)} mutants, tests {' '.join(tests)}", file=sys.stderr)
            base = run_baseline(slots[0], module, tests, work / "baseline.json")
            (work / "baseline.json").unlink()
            warmed = preload(base.modules)
            timeout = 10 + 3 * base.seconds
            print(f"  unmutated run {base.seconds:.1f} s in {slots[0]} ({len(base.order)} tests; "
                  f"{warmed} modules preloaded; timeout {timeout:.0f} s)", file=sys.stderr)
            began, cpu = time.perf_counter(), os.times()
            results.append(report(module, run_mutants(slots, module, tests, base, found,
                                                      timeout, sys.stderr.isatty()), equivalent))
            after = os.times()
            used = (after.children_user + after.children_system + after.user + after.system
                    - cpu.children_user - cpu.children_system - cpu.user - cpu.system)
            print(f"  {time.perf_counter() - began:.0f} s wall, {used:.0f} s CPU", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        total = sum(r["mutants"] for r in results)
        caught = sum(r["killed"] + r["timeout"] for r in results)
        print(f"all: {total} mutants — score {100.0 * caught / max(total, 1):.1f} %")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
