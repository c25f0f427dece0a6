"""Sampling explorer (notebook 11): how the temperature reshapes a character-level language
model's next-character distribution, and what text it then writes.

The model is notebook 11's, embedding → LSTM → affine, given as a dict of parameters
``{"W_embed" (V, D), "Wx" (D, 4H), "Wh" (H, 4H), "b" (4H,), "W_out" (H, V), "b_out" (V,)}``
and its vocabulary ``chars`` (V characters; character ``chars[k]`` has id k). The notebook
passes the model it has just trained. Dividing the scores s by a temperature τ > 0 before the
softmax,

    p_k(τ) = exp(s_k / τ) / Σ_j exp(s_j / τ),

keeps the order of the characters but sharpens the distribution (τ < 1, greedy as τ → 0) or
flattens it (τ > 1, uniform as τ → ∞); τ = 1 is the model's own distribution.

Public functions:

- :func:`softmax_temperature` — p(τ) from scores (any leading shape, softmax over the last axis).
- :func:`sample_text` — a seeded sample from a model after a prompt, at a temperature.
- :func:`explore_sampling` — the pure function behind the widget: every number it draws.
- :func:`sampling_explorer_figure` — the static figure of one state (for headless notebooks).
- :func:`sampling_explorer` — the ipywidgets explorer.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

import helpers.layers as layers
from helpers.plotting import FORWARD, NEUTRAL
from helpers.widgets._figure import FigureImage

__all__ = [
    "softmax_temperature",
    "sample_text",
    "explore_sampling",
    "SamplingView",
    "sampling_explorer_figure",
    "sampling_explorer",
    "PROMPTS",
]

PARAMS = ("W_embed", "Wx", "Wh", "b", "W_out", "b_out")
PROMPTS = ("Shall I compare thee", "My love is", "When I do count the ", "O! ",
           "Thy beauty")
DEFAULTS = dict(prompt=PROMPTS[0], temperature=0.7, seed=0, length=200)
TOP = 12          # bars drawn: the most likely next characters
T_MIN, T_MAX = 0.1, 3.0


def _number(fname: str, name: str, value, low: float, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fname}: {name} expects a number, got {type(value).__name__}")
    if not (np.isfinite(value) and value > low and (high is None or value <= high)):
        where = f"> {low:g}" if high is None else f"in ({low:g}, {high:g}]"
        raise ValueError(f"{fname}: {name} expects a number {where}, got {value!r}")
    return float(value)


def _count(fname: str, name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fname}: {name} expects an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{fname}: {name} expects an int in [{low}, {high}], got {value}")
    return int(value)


def softmax_temperature(scores, temperature: float) -> np.ndarray:
    """p(τ) = softmax(scores / τ) over the last axis, stable for large scores.

    Args:
        scores: class scores, shape (..., V).
        temperature: τ > 0 (at most 1e6).

    Returns:
        probabilities, shape (..., V), each row summing to 1; a new array.
    """
    fname = "softmax_temperature"
    tau = _number(fname, "temperature", temperature, 0.0, 1e6)
    try:
        s = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{fname}: scores expects an array of numbers, got "
                        f"{type(scores).__name__}") from exc
    if s.ndim == 0 or s.shape[-1] == 0:
        raise ValueError(f"{fname}: scores expects shape (..., V) with V ≥ 1, got {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{fname}: scores expects finite numbers, got nan or inf")
    return _softmax(s, tau)


def _softmax(s: np.ndarray, tau: float) -> np.ndarray:
    """softmax(s / τ) over the last axis, unchecked (the sampling loop's inner step)."""
    z = s / tau
    z = z - z.max(axis=-1, keepdims=True)        # the largest becomes exp(0) = 1: no overflow
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _model(fname: str, params, chars) -> None:
    """Check that params and chars describe one model (names, shapes, vocabulary size)."""
    if not isinstance(params, dict) or any(k not in params for k in PARAMS):
        raise TypeError(f"{fname}: params expects a dict with keys {', '.join(PARAMS)}, got "
                        f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
    if not isinstance(chars, str) or len(set(chars)) != len(chars) or not chars:
        raise TypeError(f"{fname}: chars expects a str of distinct characters (the vocabulary), "
                        f"got {type(chars).__name__}")
    V = len(chars)
    if np.shape(params["W_embed"])[0] != V or np.shape(params["W_out"])[-1] != V:
        raise ValueError(f"{fname}: params expects W_embed (V, D) and W_out (H, V) with V = "
                         f"len(chars) = {V}, got W_embed {np.shape(params['W_embed'])} and "
                         f"W_out {np.shape(params['W_out'])}")


def _ids(fname: str, text, chars: str) -> list[int]:
    if not isinstance(text, str):
        raise TypeError(f"{fname}: prompt expects a str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{fname}: prompt expects at least one character, got ''")
    unknown = sorted(set(text) - set(chars))
    if unknown:
        raise ValueError(f"{fname}: prompt expects characters of the model's vocabulary, "
                         f"got {''.join(unknown)!r} (not in the text it was trained on)")
    index = {ch: k for k, ch in enumerate(chars)}
    return [index[ch] for ch in text]


def _prepare(params: dict) -> dict:
    """The arrays sampling needs, as float64 copies; the input projection of every character,
    W_embed·Wx + b (V, 4H), computed once: feeding character k is then one row lookup."""
    return {"xWx": np.asarray(params["W_embed"], dtype=np.float64) @ params["Wx"] + params["b"],
            "Wh": np.array(params["Wh"], dtype=np.float64),
            "W_out": np.array(params["W_out"], dtype=np.float64),
            "b_out": np.array(params["b_out"], dtype=np.float64)}


def _step(model: dict, k: int, h: np.ndarray, c: np.ndarray):
    """Feed character id k: one LSTM step on vectors h, c (H,), inference only.

    The arithmetic of ``helpers.layers.lstm_step_forward`` (gates i, f, o, g; tested equal to
    it) without its argument checks and backward cache, which sampling does not need.
    """
    a = model["xWx"][k] + h @ model["Wh"]
    H = h.shape[0]
    i, f, o = (layers.sigmoid(a[j * H:(j + 1) * H]) for j in range(3))
    c = f * c + i * np.tanh(a[3 * H:])
    return o * np.tanh(c), c


def _read_prompt(model: dict, ids):
    H = model["Wh"].shape[0]
    h, c = np.zeros(H), np.zeros(H)
    for k in ids:
        h, c = _step(model, k, h, c)
    return h, c


def _scores(model: dict, h: np.ndarray) -> np.ndarray:
    return h @ model["W_out"] + model["b_out"]                      # (V,)


def sample_text(params: dict, chars: str, prompt: str, length: int, temperature: float,
                seed: int = 0) -> str:
    """Read ``prompt``, then write ``length`` characters, each drawn from p(τ) and fed back.

    Each draw is an inverse-CDF lookup of one uniform number from
    ``np.random.default_rng(seed)``, so the same seed gives the same text, and the same
    uniforms serve every temperature (what changes is only the distribution they fall into).

    Args:
        params: {"W_embed" (V, D), "Wx" (D, 4H), "Wh" (H, 4H), "b" (4H,), "W_out" (H, V),
            "b_out" (V,)}.
        chars: the vocabulary, V characters.
        prompt: at least one character of ``chars``; the state starts at zero before it.
        length: how many characters to write, 0 … 5000.
        temperature: τ > 0.
        seed: seed of the random generator, 0 … 2³² − 1.

    Returns:
        the ``length`` written characters (without the prompt).
    """
    ids, length, tau, seed = _arguments("sample_text", params, chars, prompt, length,
                                        temperature, seed)
    return _sample(_prepare(params), chars, ids, length, tau, seed)


def _arguments(fname: str, params, chars, prompt, length, temperature, seed):
    """The checked arguments of a sampling call: prompt ids, length, τ and seed."""
    _model(fname, params, chars)
    return (_ids(fname, prompt, chars), _count(fname, "length", length, 0, 5000),
            _number(fname, "temperature", temperature, 0.0, 1e6),
            _count(fname, "seed", seed, 0, 2**32 - 1))


def _sample(model: dict, chars: str, ids, length: int, tau: float, seed: int) -> str:
    rng = np.random.default_rng(seed)
    h, c = _read_prompt(model, ids)
    out = []
    for _ in range(length):
        p = _softmax(_scores(model, h), tau)
        k = min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), len(p) - 1)
        out.append(chars[k])
        h, c = _step(model, k, h, c)
    return "".join(out)


@dataclass
class SamplingView:
    """What the explorer shows for one (prompt, temperature, seed).

    Attributes:
        top_chars: the TOP most likely next characters at τ = 1, most likely first (the order
            is the same at every τ: dividing by τ keeps the order of the scores).
        p: (TOP,) their probabilities at τ.
        p_model: (TOP,) their probabilities at τ = 1.
        entropy: entropy of the whole next-character distribution at τ, in nats.
        sample: the text written after the prompt.
        prompt, temperature, seed: the inputs.
    """

    top_chars: list
    p: np.ndarray
    p_model: np.ndarray
    entropy: float
    sample: str
    prompt: str
    temperature: float
    seed: int


def explore_sampling(params: dict, chars: str, prompt: str = DEFAULTS["prompt"],
                     temperature: float = DEFAULTS["temperature"],
                     seed: int = DEFAULTS["seed"], length: int = DEFAULTS["length"]
                     ) -> SamplingView:
    """Every number the explorer draws for a model ``(params, chars)`` (see :func:`sample_text`)."""
    ids, length, tau, seed = _arguments("explore_sampling", params, chars, prompt, length,
                                        temperature, seed)
    model = _prepare(params)
    scores = _scores(model, _read_prompt(model, ids)[0])
    p_model = softmax_temperature(scores, 1.0)
    p = softmax_temperature(scores, tau)
    order = np.argsort(-p_model, kind="stable")[:TOP]
    entropy = float(-np.sum(p * np.log(np.maximum(p, 1e-300))))
    return SamplingView(top_chars=[chars[k] for k in order], p=p[order], p_model=p_model[order],
                        entropy=entropy,
                        sample=_sample(model, chars, ids, length, tau, seed),
                        prompt=prompt, temperature=tau, seed=int(seed))


# --------------------------------------------------------------------------- drawing


def _label(ch: str) -> str:
    return {" ": "␣", "\n": "↵"}.get(ch, ch)


def _title(v: SamplingView) -> str:
    return f"τ = {v.temperature:.2f}: entropy {v.entropy:.2f} nats"


def _draw(ax, v: SamplingView) -> dict:
    """Bars at τ with the τ = 1 outlines over them; returns the artists (in drawing order)."""
    x = np.arange(len(v.top_chars))
    art = {}
    art["bars"] = ax.bar(x, v.p, width=0.55, color=FORWARD, zorder=2,
                         label="at temperature τ")
    art["model"] = ax.bar(x, v.p_model, width=0.8, color="none", edgecolor=NEUTRAL, lw=1.2,
                          ls="--", zorder=3, label="τ = 1 (the model)")
    ax.set_xticks(x, [_label(ch) for ch in v.top_chars])
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel(_xlabel(v))
    ax.set_ylabel("probability")
    art["legend"] = ax.legend(loc="upper right", fontsize=10)
    # y pinned where matplotlib puts it anyway (no tick labels on top): otherwise every
    # draw measures all the y tick labels again to decide that
    art["title"] = ax.set_title(_title(v), y=1.0)
    return art


def _xlabel(v: SamplingView) -> str:
    return f"next character after “{v.prompt}” (␣ space, ↵ new line)"


def _dynamic(art: dict) -> list:
    """What a widget redraws on every move, in zorder: bars, outlines, legend, title."""
    return [*art["bars"], *art["model"], art["legend"], art["title"]]


def _update(art: dict, v: SamplingView) -> None:
    for bar, height in zip(art["bars"], v.p, strict=True):
        bar.set_height(height)
    art["title"].set_text(_title(v))


def _new_prompt(ax, art: dict, v: SamplingView) -> None:
    """Update the artists for a new prompt: the τ = 1 outlines and the characters under them
    (the bars keep their number: the TOP most likely characters of the same vocabulary)."""
    for bar, height in zip(art["model"], v.p_model, strict=True):
        bar.set_height(height)
    ax.set_xticks(np.arange(len(v.top_chars)), [_label(ch) for ch in v.top_chars])
    ax.set_xlabel(_xlabel(v))
    _update(art, v)


def _wrap(text: str, width: int) -> str:
    """Hard-wrap long lines for the static figure (the sample keeps its own line breaks)."""
    lines = []
    for line in text.split("\n"):
        while len(line) > width:
            lines.append(line[:width])
            line = line[width:]
        lines.append(line)
    return "\n".join(lines)


def sampling_explorer_figure(params: dict, chars: str, prompt: str = DEFAULTS["prompt"],
                             temperature: float = DEFAULTS["temperature"],
                             seed: int = DEFAULTS["seed"], length: int = 100) -> Figure:
    """The static figure of one explorer state: the bars above, the sample below."""
    v = explore_sampling(params, chars, prompt, temperature, seed, length)
    fig = Figure(figsize=(8.5, 4.5), dpi=100)
    ax = fig.add_axes([0.1, 0.47, 0.86, 0.44])
    _draw(ax, v)
    fig.text(0.02, 0.3, f"sample (seed {v.seed}):", fontsize=11, color=NEUTRAL, va="bottom")
    fig.text(0.02, 0.28, _wrap(v.prompt + v.sample, 90), family="monospace", fontsize=10,
             va="top")
    return fig


def _readout(v: SamplingView) -> str:
    prompt = html.escape(v.prompt)
    sample = html.escape(v.sample)
    return (f"<pre style='font-size:13px;line-height:1.3;margin:4px 0'><b>{prompt}</b>"
            f"{sample}</pre>")


def sampling_explorer(params: dict, chars: str, prompt: str = DEFAULTS["prompt"],
                      temperature: float = DEFAULTS["temperature"],
                      seed: int = DEFAULTS["seed"]) -> W.Widget:
    """A temperature slider, a prompt and a seed → the next-character bars and a sample.

    The model's arrays are copied once (read-only), so training it further later does not
    change what the widget shows.

    Returns an ipywidgets ``VBox``; ``.controls`` holds the controls, ``.view`` the
    :class:`FigureImage` and ``.state`` the current :class:`SamplingView` and the last
    recompute/redraw times in ms.
    """
    _model("sampling_explorer", params, chars)
    params = {name: np.array(params[name], dtype=np.float64) for name in PARAMS}
    for arr in params.values():
        arr.flags.writeable = False
    style = {"description_width": "110px"}
    s_tau = W.FloatLogSlider(value=temperature, base=10, min=np.log10(T_MIN),
                             max=np.log10(T_MAX), step=0.02, readout_format=".2f",
                             description="temperature τ", style=style,
                             layout=W.Layout(width="420px"))
    d_prompt = W.Dropdown(options=list(dict.fromkeys([prompt, *PROMPTS])), value=prompt,
                          description="prompt", style=style, layout=W.Layout(width="420px"))
    i_seed = W.BoundedIntText(value=seed, min=0, max=10**6, description="seed", style=style,
                              layout=W.Layout(width="200px"))
    readout = W.HTML()

    view = FigureImage(figsize=(7.5, 3.8), dpi=90)
    ax = view.fig.add_subplot()
    t0 = time.perf_counter()
    v = explore_sampling(params, chars, prompt, temperature, seed)
    compute_ms = 1e3 * (time.perf_counter() - t0)
    art = _draw(ax, v)
    view.fig.tight_layout()
    view.dynamic = _dynamic(art)        # the bars move; axes, ticks and labels are cached
    view.refresh(key=prompt, full=True)
    readout.value = _readout(v)
    box = W.VBox([W.HBox([W.VBox([s_tau, d_prompt]), i_seed]), view.image, readout])
    box.state = {"view": v, "compute_ms": compute_ms, "render_ms": view.last_render_ms}
    drawn = {"prompt": prompt}

    def on_change(_change=None):
        t0 = time.perf_counter()
        v = explore_sampling(params, chars, d_prompt.value, s_tau.value, i_seed.value)
        compute_ms = 1e3 * (time.perf_counter() - t0)
        if v.prompt != drawn["prompt"]:              # new characters on the x axis
            _new_prompt(ax, art, v)
            drawn["prompt"] = v.prompt
        else:
            _update(art, v)
        view.refresh(key=v.prompt)                  # one background per prompt
        readout.value = _readout(v)
        box.state.update(view=v, compute_ms=compute_ms, render_ms=view.last_render_ms)

    for control in (s_tau, d_prompt, i_seed):
        control.observe(on_change, names="value")
    box.controls = {"temperature": s_tau, "prompt": d_prompt, "seed": i_seed}
    box.view = view
    return box
