"""Notebook 02's static figure script: the circuit numbers and the PNG it writes."""

from __future__ import annotations

import numpy as np
from notebook_tools import load_figure_script

from helpers.gradcheck import numerical_gradient


def _load():
    return load_figure_script("02")


def test_circuit_numbers_are_the_classic_ones():
    v = _load().sigmoid_neuron_values()
    assert round(v["f"][0], 2) == 0.73
    assert np.allclose([v["x0"][1], v["x1"][1]], [0.39, -0.59], atol=0.005)
    assert np.allclose([v["w0"][1], v["w1"][1], v["w2"][1]], [-0.20, -0.39, 0.20], atol=0.005)


def test_circuit_gradients_match_numerical():
    mod = _load()
    w, x = np.array([0.7, -1.3, 0.4]), np.array([1.1, 0.5])
    v = mod.sigmoid_neuron_values(tuple(w), tuple(x))

    def f_of_w(w_):
        return mod.sigmoid_neuron_values(tuple(w_), tuple(x))["f"][0]

    def f_of_x(x_):
        return mod.sigmoid_neuron_values(tuple(w), tuple(x_))["f"][0]

    assert np.allclose([v["w0"][1], v["w1"][1], v["w2"][1]],
                       numerical_gradient(f_of_w, w.copy()), rtol=1e-7)
    assert np.allclose([v["x0"][1], v["x1"][1]], numerical_gradient(f_of_x, x.copy()),
                       rtol=1e-7)


def test_main_writes_the_png(tmp_path):
    paths = _load().main(tmp_path)
    assert [p.name for p in paths] == ["nb02_sigmoid_circuit.png"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
