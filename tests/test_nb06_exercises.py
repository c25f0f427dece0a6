"""Notebook 06: every checker accepts a right answer and rejects a wrong one and the stub."""

from __future__ import annotations

import numpy as np

from helpers.exercises import nb06


def right_dWh(h_prev, da):
    return sum(h_prev[t].T @ da[t] for t in range(len(h_prev)))


def test_shared_dWh(capsys):
    assert nb06.check_shared_dWh(right_dWh)
    assert not nb06.check_shared_dWh(lambda h_prev, da: h_prev[-1].T @ da[-1])   # last step only
    assert not nb06.check_shared_dWh(lambda h_prev, da: right_dWh(h_prev, da).T)  # transposed
    assert not nb06.check_shared_dWh(lambda h_prev, da: None)                     # the stub

    def modifies(h_prev, da):
        da *= 2
        return right_dWh(h_prev, da) / 2
    assert not nb06.check_shared_dWh(modifies)

    def raises(h_prev, da):
        raise NotImplementedError
    assert not nb06.check_shared_dWh(raises)
    out = capsys.readouterr().out
    assert "last step" in out and "not yet" in out and "Traceback" not in out


def right_clip(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    scale = min(1.0, max_norm / total)
    return [g * scale for g in grads]


def test_clip_grad_norm(capsys):
    assert nb06.check_clip_grad_norm(right_clip)
    per_array = lambda grads, m: [g * min(1.0, m / np.linalg.norm(g)) for g in grads]  # noqa: E731
    assert not nb06.check_clip_grad_norm(per_array)
    always = lambda grads, m: [g * m / np.sqrt(sum(np.sum(x**2) for x in grads))  # noqa: E731
                               for g in grads]
    assert not nb06.check_clip_grad_norm(always)           # rescales small gradients too
    assert not nb06.check_clip_grad_norm(lambda grads, m: None)

    def in_place(grads, m):
        out = right_clip(grads, m)
        for g, o in zip(grads, out, strict=True):
            g[...] = o
        return grads
    assert not nb06.check_clip_grad_norm(in_place)
    assert "each array on its own" in capsys.readouterr().out


def test_predictions(capsys):
    right = {"A": "vanish", "B": "neither", "C": "explode", "D": "explode", "E": "vanish"}
    assert nb06.check_predictions(right)
    assert not nb06.check_predictions({**right, "E": "explode"})  # σ_max > 1 is not enough
    assert not nb06.check_predictions({k: "?" for k in right})   # the stub
    assert not nb06.check_predictions({"A": "vanish"})
    assert not nb06.check_predictions(["vanish"])
    assert not nb06.check_predictions({**right, "B": "maybe"})
    out = capsys.readouterr().out
    assert out.count("not yet") == 5


def test_prediction_matrices_are_what_the_docstring_says():
    m = nb06.prediction_matrices()
    sig = {k: np.linalg.norm(W, 2) for k, W in m.items()}
    assert abs(sig["A"] - 0.9) < 1e-12 and abs(sig["B"] - 1) < 1e-12
    assert abs(sig["C"] - 1.1) < 1e-12 and sig["E"] > 1
    assert nb06.linear_gradient_ratio(m["E"]) == 0.0


def test_the_notebook_solutions_pass_their_checkers(capsys):
    """The code in the notebook's <details> solutions is right (run against the checkers)."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "notebooks"
              / "06_backprop_through_time.py").read_text(encoding="utf-8")
    blocks = re.findall(r"# ```python\n(.*?)# ```", source, flags=re.S)
    code = "\n".join(re.sub(r"^# ?", "", line) for b in blocks for line in b.splitlines())
    namespace = {"np": np}
    exec(code, namespace)  # noqa: S102 - our own notebook's solution text
    assert nb06.check_shared_dWh(namespace["shared_dWh"])
    assert nb06.check_clip_grad_norm(namespace["clip_grad_norm"])
    answer = re.search(r'`(\{"A": .*?\})`', source).group(1)
    assert nb06.check_predictions(eval(answer))  # noqa: S307


def test_clip_refuses_a_function_that_pops_or_hands_back_its_inputs(capsys):
    def pops(grads, m):
        grads.pop()
        return right_clip(grads, m)

    assert not nb06.check_clip_grad_norm(pops)
    assert "changed its argument grads in place" in capsys.readouterr().out

    def lazy(grads, m):                      # right values, but the small case hands back grads
        total = np.sqrt(sum(np.sum(g**2) for g in grads))
        return grads if total <= m else right_clip(grads, m)

    assert not nb06.check_clip_grad_norm(lazy)
    assert "returned the very arrays it was given" in capsys.readouterr().out


def test_shared_dWh_answers_strings_and_ragged_tuples_calmly(capsys):
    for odd, words in [("dWh", "got a string"), (([1.0, 2.0], [3.0]), "ragged"),
                       (np.array([1.0, None], dtype=object), "contains None")]:
        assert not nb06.check_shared_dWh(lambda h_prev, da, odd=odd: odd)
        out = capsys.readouterr().out
        assert words in out and "nan or inf" not in out
    assert not nb06.check_shared_dWh(lambda h_prev, da: right_dWh(h_prev, da) / 5)
    assert "average over steps" in capsys.readouterr().out
