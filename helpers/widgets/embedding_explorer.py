"""Learned word vectors in 2-D as training advances (notebook 09).

A language model's embedding table W (V, D) holds one row per word. The notebook saves W at
several moments of training (``snapshots``, shape (S, V, D)); the pure function
:func:`embedding_frames` places every row of every snapshot on one common plane — the two
principal axes of the *last* snapshot, centred on its mean row — so that a word's dot moves
exactly as far as its row moved along those axes. It also measures how much the table has
organised itself: the mean cosine similarity of two words of the same group (animals, people,
food, …) against two words of different groups (:func:`group_similarity`).

:func:`embedding_explorer` is the widget (a matrix to look at, a training step);
:func:`embedding_explorer_figure` returns the static figure of one state and
:func:`word_map_figure` the same map for a single table (e.g. count-based vectors).
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure

from helpers.plotting import NEUTRAL, PALETTE
from helpers.widgets._figure import FigureImage

__all__ = ["GROUPS", "group_similarity", "embedding_frames", "label_positions", "opening_step",
           "embedding_explorer", "embedding_explorer_figure", "word_map_figure"]

# The words of notebook 09's corpus (helpers/data/nb09_corpus.txt) by the role they play in it.
GROUPS = {
    "animals": ["cat", "dog", "fox", "bird", "mouse", "horse", "owl"],
    "people": ["farmer", "baker", "teacher", "child", "girl", "boy"],
    "food": ["fish", "milk", "meat", "bones", "eggs", "seeds", "worms", "cheese", "grain",
             "grass", "apples", "bread", "soup", "cakes", "pear"],
    "places": ["house", "garden", "yard", "forest", "field", "tree", "barn", "market", "school",
               "shop", "river"],
    "verbs": ["eats", "chases", "sleeps", "runs", "likes", "carries", "walks", "sees", "buys",
              "gives", "plays"],
    "describing": ["small", "big", "old", "young", "brown", "white", "black", "happy", "tired",
                   "kind"],
}
# Words written next to their dot: a few per group, enough to name each region (labelling all
# sixty would pile the names of a tight group on top of each other).
LABELLED = frozenset(["cat", "farmer", "bread", "milk", "river", "forest", "eats", "sleeps",
                      "old"])
LABEL_PT = 10.5             # the labels' font size, in points
STYLE = {  # group → (colour, marker): a shape as well as a colour, for colour-blind readers
    "animals": (PALETTE[0], "o"),
    "people": (PALETTE[1], "s"),
    "food": (PALETTE[5], "^"),
    "places": (PALETTE[4], "D"),
    "verbs": (PALETTE[3], "v"),
    "describing": (PALETTE[8], "P"),
    "other": (PALETTE[9], "."),
}


# ----------------------------------------------------------------------------- pure functions

def _check_table(fname: str, name: str, a, ndim: int) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{fname}: {name} expects a numpy array, got {type(a).__name__}")
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{fname}: {name} expects real numbers, got dtype {a.dtype}")
    layout = "(V, D)" if ndim == 2 else "(S, V, D)"
    if a.ndim != ndim or 0 in a.shape:
        raise ValueError(f"{fname}: {name} expects a non-empty {ndim}-D array {layout}, "
                         f"got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{fname}: {name} expects finite numbers, got nan or inf")
    return np.asarray(a, dtype=np.float64)


def _check_words(fname: str, words, V: int) -> list[str]:
    if isinstance(words, str) or not isinstance(words, Sequence):
        raise TypeError(f"{fname}: words expects a list of V = {V} strings, "
                        f"got {type(words).__name__}")
    if len(words) != V or not all(isinstance(w, str) for w in words):
        raise ValueError(f"{fname}: words expects one string per row, V = {V}, "
                         f"got {len(words)} items")
    return list(words)


def _group_of(words: list[str], groups: dict) -> np.ndarray:
    """For each word, the index of its group in ``groups`` (−1: in no group)."""
    where = {w: k for k, members in enumerate(groups.values()) for w in members}
    return np.array([where.get(w, -1) for w in words])


def _pair_means(vectors: np.ndarray, label: np.ndarray) -> tuple[float, float]:
    """Mean cosine over pairs in the same group and over pairs in different groups."""
    keep = label >= 0
    x, lab = vectors[keep], label[keep]
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    cos = x @ x.T
    same = lab[:, None] == lab[None, :]
    off_diagonal = ~np.eye(len(lab), dtype=bool)
    return float(cos[same & off_diagonal].mean()), float(cos[~same].mean())


def group_similarity(vectors, words, groups: dict | None = None) -> tuple[float, float]:
    """How well a table of word vectors groups words by role.

    Args:
        vectors: one row per word, shape (V, D).
        words: the V words, in the order of the rows.
        groups: {group name: [words]}; default :data:`GROUPS`. Words in no group are ignored.

    Returns:
        (within, between): the mean cosine similarity of two different words of the same group,
        and of two words of different groups. Random vectors give about 0 for both.
    """
    fname = "group_similarity"
    vectors = _check_table(fname, "vectors", vectors, 2)
    words = _check_words(fname, words, vectors.shape[0])
    label = _group_of(words, GROUPS if groups is None else groups)
    if len(set(label[label >= 0])) < 2:
        raise ValueError(f"{fname}: groups expects words from at least two groups among the "
                         f"{len(words)} words, found {len(set(label[label >= 0]))}")
    return _pair_means(vectors, label)


def embedding_frames(snapshots, words, groups: dict | None = None) -> dict:
    """Everything the explorer draws, for every snapshot of one embedding table.

    Args:
        snapshots: the table at S moments of training, shape (S, V, D) (S = 1 is fine).
        words: the V words, in the order of the rows.
        groups: {group name: [words]}; default :data:`GROUPS`.

    Returns:
        dict with
        ``"xy"`` (S, V, 2): each row projected on the two principal axes of the last snapshot
        (centred on its mean row); a fixed plane, so a dot moves as its row moves;
        ``"shown"`` float: the share of the last snapshot's variance those two axes show;
        ``"within"``, ``"between"`` (S,): :func:`group_similarity` of each snapshot;
        ``"group"`` (V,) int: each word's group index in ``groups`` (−1: none).
    """
    fname = "embedding_frames"
    snapshots = _check_table(fname, "snapshots", snapshots, 3)
    words = _check_words(fname, words, snapshots.shape[1])
    group = _group_of(words, GROUPS if groups is None else groups)
    if len(set(group[group >= 0])) < 2:
        raise ValueError(f"{fname}: groups expects words from at least two groups among the "
                         f"{len(words)} words")
    last = snapshots[-1]
    centre = last.mean(axis=0)
    _, sing, vt = np.linalg.svd(last - centre, full_matrices=False)
    axes = vt[:2].T                                       # (D, 2); D = 1 gives one axis
    if axes.shape[1] < 2:
        axes = np.hstack([axes, np.zeros((axes.shape[0], 1))])
    xy = (snapshots - centre) @ axes                      # (S, V, 2)
    signs = np.where(xy[-1].max(axis=0) >= -xy[-1].min(axis=0), 1.0, -1.0)
    xy = xy * signs                                       # fixed orientation: SVD signs vary
    total = float(np.sum(sing**2))
    pairs = [_pair_means(s, group) for s in snapshots]
    return {"xy": xy,
            "shown": float(np.sum(sing[:2] ** 2) / total) if total > 0 else 1.0,
            "within": np.array([p[0] for p in pairs]),
            "between": np.array([p[1] for p in pairs]),
            "group": group}


# ----------------------------------------------------------------------------- drawing

def _readout(frames: dict, i: int, step) -> str:
    head = "" if step is None else f"step {step}   ·   "
    within, between = np.round([frames["within"][i], frames["between"][i]], 2) + 0.0  # no −0.00
    return f"{head}mean cosine: same group {within:.2f},  different groups {between:.2f}"


def _limits(xy: np.ndarray) -> tuple[tuple, tuple]:
    """Axis limits that hold every frame (with room for the labels), fixed per table."""
    lo, hi = xy.reshape(-1, 2).min(axis=0), xy.reshape(-1, 2).max(axis=0)
    pad = 0.08 * np.maximum(hi - lo, 1e-9)
    return (lo[0] - pad[0], hi[0] + 3 * pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def _draw(fig: Figure, frames: dict, words: list[str], groups: dict, title: str) -> dict:
    """Create the axes and the artists once; returns the handles :func:`_update` moves."""
    ax = fig.add_subplot(1, 1, 1)
    names = [*groups, "other"]
    dots = {}
    for k, name in enumerate(names):
        colour, marker = STYLE.get(name, (NEUTRAL, "o"))
        members = np.flatnonzero(frames["group"] == (k if name != "other" else -1))
        dots[name] = (members, ax.scatter(np.zeros(len(members)), np.zeros(len(members)),
                                          s=42 if name != "other" else 30, c=colour,
                                          marker=marker, label=name, zorder=3,
                                          edgecolors="white", linewidths=0.5))
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]   # legible over the dots
    labels = {i: ax.text(0, 0, w, fontsize=LABEL_PT, color=NEUTRAL, zorder=4, va="center",
                         path_effects=halo)
              for i, w in enumerate(words) if w in LABELLED}
    ax.set_xlabel(_xlabel(frames))
    ax.set_ylabel("principal axis 2")
    ax.set_title(title, fontsize=13, y=1.08, pad=0)
    readout = ax.text(0.5, 1.015, "", transform=ax.transAxes, ha="center", va="bottom",
                      fontsize=11, color=NEUTRAL,    # drawn as a path: ~3 ms a move, not ~8
                      path_effects=[patheffects.Normal()])
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=11, markerscale=1.2)
    fig.subplots_adjust(left=0.08, right=0.81, bottom=0.13, top=0.85)
    return {"ax": ax, "dots": dots, "labels": labels, "readout": readout}


def label_positions(points, widths, height: float, gap: float) -> np.ndarray:
    """Where to write labels so that no two overlap: next to each point, else moved up or down.

    Args:
        points: the labelled dots, shape (K, 2), in data units.
        widths: each label's width (K,); height: one label's height; gap: the space between a
            dot and its label (all in data units).

    Returns:
        (K, 2): the left end and the vertical centre of each label. Labels are placed from left
        to right; each goes level with its dot, on its right if that place is free, else on its
        left; if neither is, it moves up or down by whole label heights to the nearest free place
        (in a heap of dots it may end up several heights away).
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    placed: list[tuple[float, float, float]] = []
    out = np.empty_like(points)

    def free(x: float, y: float, w: float) -> bool:
        return not any(x < px + pw and px < x + w and abs(y - py) < height
                       for px, py, pw in placed)

    for k in np.argsort(points[:, 0], kind="stable"):
        px, py, w = points[k, 0], points[k, 1], float(widths[k])
        spots = [(x, py + shift * height)
                 for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6)
                 for x in (px + gap, px - gap - w)]
        x, y = next((spot for spot in spots if free(*spot, w)), spots[0])
        placed.append((x, y, w))
        out[k] = x, y
    return out


def _update(handles: dict, frames: dict, i: int, step) -> None:
    xy = frames["xy"][i]
    for members, artist in handles["dots"].values():
        artist.set_offsets(xy[members])
    rows = list(handles["labels"])
    if rows:
        per_x, per_y = _data_per_point(handles["ax"])
        texts = [handles["labels"][r] for r in rows]
        widths = [0.6 * LABEL_PT * len(t.get_text()) * per_x for t in texts]
        where = label_positions(xy[rows], widths, 1.2 * LABEL_PT * per_y, 6.0 * per_x)
        for text, (x, y) in zip(texts, where, strict=True):
            text.set_position((x, y))
    handles["readout"].set_text(_readout(frames, i, step))


def _data_per_point(ax) -> tuple[float, float]:
    """How many data units one typographic point is along x and along y, in these axes."""
    box = ax.get_position()                                   # in figure fractions
    width_in, height_in = ax.figure.get_size_inches()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return ((x1 - x0) / (72 * box.width * width_in), (y1 - y0) / (72 * box.height * height_in))


def _set_limits(handles: dict, frames: dict) -> None:
    xlim, ylim = _limits(frames["xy"])
    handles["ax"].set_xlim(*xlim)
    handles["ax"].set_ylim(*ylim)


def _dynamic(handles: dict) -> list:
    return [a for _, a in handles["dots"].values()] + [*handles["labels"].values(),
                                                       handles["readout"]]


def _xlabel(frames: dict) -> str:
    table = "the final table" if len(frames["xy"]) > 1 else "the table"
    return f"principal axis 1 of {table} (axes 1 and 2 show {frames['shown']:.0%} of its variance)"


def _title(name: str) -> str:
    return f"{name}: one dot per row, in 2-D"


def _check_snapshots(fname: str, snapshots, steps) -> tuple[dict, list]:
    if not isinstance(snapshots, dict) or not snapshots:
        raise TypeError(f"{fname}: snapshots expects a non-empty dict {{name: (S, V, D) array}}, "
                        f"got {type(snapshots).__name__}")
    steps = list(steps)
    for name, value in snapshots.items():
        arr = _check_table(fname, f"snapshots[{name!r}]", value, 3)
        if arr.shape[0] != len(steps):
            raise ValueError(f"{fname}: snapshots[{name!r}] expects one snapshot per step, "
                             f"{len(steps)}, got {arr.shape[0]}")
    return snapshots, steps


def opening_step(steps):
    """The step the explorer opens at: the middle saved step, so the slider can move either way.

    (Opened at the last step, a slider moved right — the arrow key, a drag — would not move.)
    """
    steps = list(steps)
    if not steps:
        raise ValueError("opening_step: steps expects at least one training step, got none")
    return steps[(len(steps) - 1) // 2]


def _step_index(fname: str, steps: list, step) -> int:
    if step is None:
        step = opening_step(steps)
    if step not in steps:
        raise ValueError(f"{fname}: step expects one of the saved steps {steps}, got {step!r}")
    return steps.index(step)


def embedding_explorer_figure(snapshots: dict, steps, words, name: str | None = None,
                              step=None, groups: dict | None = None) -> Figure:
    """The static figure of one state of the explorer (default: the widget's opening state,
    the first table at :func:`opening_step`).

    Args:
        snapshots: {table name: array (S, V, D)}; steps: the S training steps; words: V words;
        name: which table; step: which saved step.
    """
    snapshots, steps = _check_snapshots("embedding_explorer_figure", snapshots, steps)
    name = next(iter(snapshots)) if name is None else name
    i = _step_index("embedding_explorer_figure", steps, step)
    groups = GROUPS if groups is None else groups
    frames = embedding_frames(snapshots[name], words, groups)
    fig = Figure(figsize=(9.0, 4.6), dpi=100)
    handles = _draw(fig, frames, list(words), groups, _title(name))
    _set_limits(handles, frames)
    _update(handles, frames, i, steps[i])
    return fig


def word_map_figure(vectors, words, title: str, groups: dict | None = None) -> Figure:
    """The same map for one table of word vectors (V, D), e.g. count-based vectors."""
    vectors = _check_table("word_map_figure", "vectors", vectors, 2)
    groups = GROUPS if groups is None else groups
    frames = embedding_frames(vectors[None], words, groups)
    fig = Figure(figsize=(9.0, 4.6), dpi=100)
    handles = _draw(fig, frames, list(words), groups, title)
    _set_limits(handles, frames)
    _update(handles, frames, 0, None)
    return fig


def embedding_explorer(snapshots: dict, steps, words, groups: dict | None = None, step=None):
    """A dropdown for the table (e.g. tied W, untied input, untied output) and a slider over the
    training steps at which it was saved; one map of the rows in 2-D.

    It opens at ``step`` (default :func:`opening_step`, the middle saved step: the slider can
    move both ways), the state :func:`embedding_explorer_figure` draws by default. The frames of
    every table are computed once (:func:`embedding_frames`); a slider move only moves the dots,
    the labels and the readout, blitted over a background cached per table (its axis limits
    hold every step, so a word's path stays on screen).

    Returns an ``ipywidgets.VBox``; its ``.figure_image`` is the
    :class:`~helpers.widgets._figure.FigureImage`.
    """
    snapshots, steps = _check_snapshots("embedding_explorer", snapshots, steps)
    start = steps[_step_index("embedding_explorer", steps, step)]
    groups = GROUPS if groups is None else groups
    words = list(words)
    frames = {name: embedding_frames(s, words, groups) for name, s in snapshots.items()}
    first = next(iter(snapshots))
    table = W.Dropdown(options=list(snapshots), value=first, description="table")
    slider = W.SelectionSlider(options=steps, value=start, description="training step",
                               style={"description_width": "initial"}, continuous_update=True,
                               layout=W.Layout(width="420px"))
    image = FigureImage(figsize=(9.0, 4.6), dpi=90)
    handles = _draw(image.fig, frames[first], words, groups, _title(first))
    image.dynamic = _dynamic(handles)

    def show(full: bool = False) -> None:
        f = frames[table.value]
        if full:
            handles["ax"].set_title(_title(table.value), fontsize=13, y=1.08, pad=0)
            handles["ax"].set_xlabel(_xlabel(f))
            _set_limits(handles, f)
        _update(handles, f, steps.index(slider.value), slider.value)
        image.refresh(key=table.value, full=False)

    table.observe(lambda _change: show(full=True), names="value")
    slider.observe(lambda _change: show(), names="value")
    show(full=True)
    box = W.VBox([W.HBox([table, slider]), image.image])
    box.figure_image = image
    return box
