"""Notebook 09: each checker passes the right answer, refuses the course's reference layer, and
names the classic mistake behind each planted wrong answer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from helpers import layers
from helpers.exercises import nb09

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "09_embeddings_and_weight_tying.py"


def _verdict(capsys, checker, fn) -> tuple[bool, str]:
    result = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out                     # one line, ✓ or not yet
    return result, out


# ----------------------------------------------------------------------------- exercise 1

def right_token_gradient(ids, dout, k):
    return dout[ids == k].sum(axis=0)


def test_token_gradient_right_answers(capsys):
    assert _verdict(capsys, nb09.check_token_gradient, right_token_gradient)[0]
    loop = lambda ids, dout, k: sum((dout[n, t] for n, t in np.argwhere(ids == k)),  # noqa: E731
                                    np.zeros(dout.shape[-1]))
    assert _verdict(capsys, nb09.check_token_gradient, loop)[0]


@pytest.mark.parametrize("wrong, hint", [
    (lambda ids, dout, k: dout.reshape(-1, dout.shape[-1])[np.flatnonzero(ids == k)[-1]]
     if np.any(ids == k) else np.zeros(dout.shape[-1]), "only the last occurrence"),
    (lambda ids, dout, k: dout.reshape(-1, dout.shape[-1])[np.flatnonzero(ids == k)[0]]
     if np.any(ids == k) else np.zeros(dout.shape[-1]), "only the first occurrence"),
    (lambda ids, dout, k: dout[ids == k].mean(axis=0) if np.any(ids == k)
     else np.zeros(dout.shape[-1]), "the mean"),
    (lambda ids, dout, k: dout.sum(axis=(0, 1)), "every position"),
    (lambda ids, dout, k: nb09._scatter(ids, dout, int(ids.max()) + 5)[: int(ids.max()) + 5],
     "return only row"),
    (lambda ids, dout, k: None, "fill in the lines marked TODO"),
    (lambda ids, dout, k: dout[ids == k].sum(axis=0) if np.any(ids == k) else None,
     "word 3 does not occur in ids, so no gradient reaches its row: return zeros, shape (3,)"),
    (lambda ids, dout, k: 1 / 0, "not yet: your code raised ZeroDivisionError"),
    (lambda ids, dout, k: np.zeros(dout.shape[-1] + 1), "should have shape (3,), got (4,)"),
    (lambda ids, dout, k: 2 * dout[ids == k].sum(axis=0),
     "add up dout at the positions where ids == "),
])
def test_token_gradient_mistakes(capsys, wrong, hint):
    ok, out = _verdict(capsys, nb09.check_token_gradient, wrong)
    assert not ok and out.startswith("not yet") and hint in out


# ----------------------------------------------------------------------------- exercise 2

def right_embedding_backward(dout, ids, V):
    dW = np.zeros((V, dout.shape[-1]))
    np.add.at(dW, ids, dout)
    return dW


def one_hot_embedding_backward(dout, ids, V):
    X = np.eye(V)[ids.ravel()]                                  # (N·T, V)
    return X.T @ dout.reshape(-1, dout.shape[-1])


def buffered_plus(dout, ids, V):
    dW = np.zeros((V, dout.shape[-1]))
    dW[ids] += dout
    return dW


def buffered_set(dout, ids, V):
    dW = np.zeros((V, dout.shape[-1]))
    dW[ids] = dout
    return dW


def mean_rows(dout, ids, V):
    counts = np.bincount(ids.ravel(), minlength=V)[:, None]
    return right_embedding_backward(dout, ids, V) / np.maximum(counts, 1)


def calls_the_reference(dout, ids, V):
    return layers.embedding_backward(dout, (ids, V))


def test_embedding_backward_right_answers(capsys):
    assert _verdict(capsys, nb09.check_embedding_backward, right_embedding_backward)[0]
    assert _verdict(capsys, nb09.check_embedding_backward, one_hot_embedding_backward)[0]


@pytest.mark.parametrize("wrong, hint", [
    (buffered_plus, "dW: a word used several times keeps only its last gradient"),
    (buffered_set, "numpy buffers the writes"),
    (lambda dout, ids, V: np.full((V, dout.shape[-1]), np.nan), "dW contains nan"),
    (mean_rows, "the sum of the k"),
    (lambda dout, ids, V: np.zeros_like(dout), "one row per word of the vocabulary"),
    (lambda dout, ids, V: right_embedding_backward(dout, ids, V).T, "transposed shape"),
    (lambda dout, ids, V: right_embedding_backward(dout, ids, V) / ids.shape[0] / ids.shape[1],
     "1/"),
    (calls_the_reference, "without helpers.layers.embedding_backward"),
])
def test_embedding_backward_mistakes(capsys, wrong, hint):
    ok, out = _verdict(capsys, nb09.check_embedding_backward, wrong)
    assert not ok and out.startswith("not yet") and hint in out


def test_embedding_backward_leaves_its_inputs_alone(capsys):
    def edits(dout, ids, V):
        dout *= 1.0
        ids[...] = ids[::-1] if ids.ndim == 1 else ids[:, ::-1]
        return right_embedding_backward(dout, ids, V)
    ok, out = _verdict(capsys, nb09.check_embedding_backward, edits)
    assert not ok and "in place" in out


# ----------------------------------------------------------------------------- exercise 3

def right_tied_projection_backward(dscores, cache):
    h, W = cache
    return dscores @ W, dscores.T @ h, dscores.sum(axis=0)


def via_affine(dscores, cache):
    h, W = cache
    _, cache_affine = layers.affine_forward(h, W.T, np.zeros(W.shape[0]))
    dh, dWT, db = layers.affine_backward(dscores, cache_affine)
    return dh, dWT.T, db


def test_tied_projection_right_answer(capsys):
    assert _verdict(capsys, nb09.check_tied_projection_backward,
                    right_tied_projection_backward)[0]


@pytest.mark.parametrize("wrong, hint", [
    (lambda ds, c: (ds @ c[1], c[0].T @ ds, ds.sum(axis=0)), "dW: W is used transposed"),
    (lambda ds, c: (ds @ c[1], ds.T @ c[0] / len(ds), ds.sum(axis=0)),
     "dW: dscores already carries the 1/M"),
    (lambda ds, c: (ds @ c[1], ds.T @ c[0], ds.mean(axis=0)), "db: a bias added to every row"),
    (lambda ds, c: (ds @ c[1].T, ds.T @ c[0], ds.sum(axis=0)), "your code raised ValueError"),
    (lambda ds, c: (ds.T @ c[0], ds @ c[1], ds.sum(axis=0)),
     "dh: that is dW (dscoresᵀ·h): return dh, dW, db in this order"),
    (lambda ds, c: (ds @ c[1], ds.T @ c[0], ds), "db: b was added to every one of the M rows, "
     "so db sums dscores over the rows (axis 0): shape (V,)"),
    (lambda ds, c: (ds @ c[1], ds.T @ c[0], ds.sum(axis=1)),
     "db: that sums each row's V scores (axis 1); db sums over the M rows (axis 0)"),
    (lambda ds, c: (ds @ c[1], ds.T @ c[0]), "return 3 arrays, in this order: dh, dW, db"),
    (via_affine, "without helpers.layers.affine_backward"),
])
def test_tied_projection_mistakes(capsys, wrong, hint):
    ok, out = _verdict(capsys, nb09.check_tied_projection_backward, wrong)
    assert not ok and out.startswith("not yet") and hint in out


# ----------------------------------------------------------------------------- exercise 4

def right_projected(dscores, cache):
    h, P, W = cache
    du = dscores @ W
    return du @ P.T, h.T @ du, dscores.T @ (h @ P), dscores.sum(axis=0)


def test_projected_tied_right_answer(capsys):
    assert _verdict(capsys, nb09.check_projected_tied_backward, right_projected)[0]


def _replace(i, value_fn):
    def fn(dscores, cache):
        out = list(right_projected(dscores, cache))
        out[i] = value_fn(dscores, *cache)
        return tuple(out)
    return fn


@pytest.mark.parametrize("wrong, hint", [
    (_replace(2, lambda ds, h, P, W: ds.T @ h), "dW: W meets h·P, not h"),
    (_replace(1, lambda ds, h, P, W: h.T @ ds), "dP: P meets the gradient that reaches h·P"),
    (_replace(0, lambda ds, h, P, W: ds @ W), "dh: that is the gradient of h·P"),
    (_replace(3, lambda ds, h, P, W: ds.mean(axis=0)), "db: a bias added to every row"),
    (_replace(3, lambda ds, h, P, W: ds), "db: b was added to every one of the M rows"),
    (_replace(3, lambda ds, h, P, W: ds.sum(axis=1)), "db: that sums each row's V scores"),
    (_replace(1, lambda ds, h, P, W: (h.T @ (ds @ W)).T), "transposed shape"),
])
def test_projected_tied_mistakes(capsys, wrong, hint):
    ok, out = _verdict(capsys, nb09.check_projected_tied_backward, wrong)
    assert not ok and out.startswith("not yet") and hint in out


def test_projected_tied_refuses_the_reference(capsys):
    def via_affine_twice(dscores, cache):
        h, P, W = cache
        u, c_top = layers.affine_forward(h @ P, W.T, np.zeros(W.shape[0]))
        du, dWT, db = layers.affine_backward(dscores, c_top)
        return du @ P.T, h.T @ du, dWT.T, db
    ok, out = _verdict(capsys, nb09.check_projected_tied_backward, via_affine_twice)
    assert not ok and "without helpers.layers.affine_backward" in out


# ----------------------------------------------------------------------------- the cases

def _numbers(label: str) -> dict:
    return {k: int(v) for k, v in re.findall(r"\b([MNTVHD]) = (\d+)", label)}


@pytest.mark.parametrize("seed", [1, 2])
def test_id_cases_are_what_their_labels_say(seed):
    """Batch 1 and a batch of several, ids in [0, V), a repeated word and an absent one."""
    (label1, ids1, *_), (label3, *_) = cases = nb09._ids_cases(seed)
    for label, ids, V, D in cases:
        assert _numbers(label) == {"N": ids.shape[0], "T": ids.shape[1], "V": V, "D": D}, label
        assert ids.min() >= 0 and ids.max() < V
        counts = np.bincount(ids.ravel(), minlength=V)
        assert counts.max() >= 2 and counts.min() == 0
    assert ids1.shape[0] == 1 and np.bincount(ids1.ravel()).max() == 2   # the smallest repeat
    assert _numbers(label3)["N"] > 1


def test_matrix_cases_are_what_their_labels_say():
    for label, dscores, h, W in nb09._gaussian_cases(0, nb09.PROJECTION_CASES):
        (M, V), D = dscores.shape, W.shape[1]
        assert _numbers(label) == {"M": M, "V": V, "D": D}, label
        assert h.shape == (M, D) and W.shape == (V, D)
    for label, dscores, h, P, W in nb09._gaussian_cases(0, nb09.PROJECTED_CASES):
        (M, V), (H, D) = dscores.shape, P.shape
        assert _numbers(label) == {"M": M, "V": V, "H": H, "D": D}, label
        assert h.shape == (M, H) and W.shape == (V, D)
    for cases in (nb09.PROJECTION_CASES, nb09.PROJECTED_CASES):   # batch 1, then non-square
        assert cases[0][1][0][0] == 1 and len(set(cases[1][1][-1])) == 2


# ----------------------------------------------------------------------------- the notebook

def test_the_notebook_solutions_pass_their_checkers(capsys):
    """The code in the notebook's folded solutions is right (run against the checkers), and
    the shipped stubs are not."""
    source = NOTEBOOK.read_text(encoding="utf-8")
    blocks = re.findall(r"# ```python\n(.*?)# ```", source, flags=re.S)
    assert len(blocks) == 4
    code = "\n".join(re.sub(r"^# ?", "", line) for b in blocks for line in b.splitlines())
    namespace = {"np": np}
    exec(code, namespace)  # noqa: S102 - our own notebook's solution text
    assert nb09.check_token_gradient(namespace["token_gradient"])
    assert nb09.check_embedding_backward(namespace["embedding_backward"])
    assert nb09.check_tied_projection_backward(namespace["tied_projection_backward"])
    assert nb09.check_projected_tied_backward(namespace["projected_tied_backward"])
    assert capsys.readouterr().out.count("✓") == 4


def test_the_checkers_are_exercises_one_to_four(capsys):
    """progress("09") counts the four checkers, numbered as the notebook's headings."""
    from helpers.exercises._check import progress

    nb09.check_token_gradient(right_token_gradient)
    nb09.check_embedding_backward(lambda dout, ids, V: None)
    capsys.readouterr()
    _, total = progress("09")
    out = capsys.readouterr().out
    assert total == 4 and re.search(r"\(1 ✓ · 2 not yet · 3 [^·]+ · 4 [^)]+\)", out), out
