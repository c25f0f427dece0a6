"""Train notebook 10's encoder–decoder over ten seeds: with attention, without, and three
controls that pull the two causes apart (the gradient path, the 32-number bottleneck).

    python scripts/train_nb10.py          # writes helpers/data/nb10_models.npz and nb10_seeds.npz

Notebook 10 trains seed 0 live; ten seeds of five models do not fit its 30-second budget, so
this script trains them with the very same functions (:mod:`helpers.seq2seq`). The models:

- ``attention``: with attention; ``plain``: without (the context fixed at 0);
- ``plain_long``: without, LONG × the steps (is it only slower?);
- ``plain_wide``: without, a hidden state WIDE numbers wide instead of 32 (is it the room?);
- ``cut``: with attention, but the keys and values pass no gradient to the encoder
  (``shortcut=False``): every encoder state is in reach, the one-hop gradient is not.

Each model gets its own learning rate: the one of LRS whose seed-0 run reaches the lowest
cross-entropy on a validation set (seed VALID_SEED, never scored). Then every seed is scored
on the held-out test set (seed TEST_SEED). Stored:

- ``nb10_models.npz``: the seed-0 parameters with attention (``attention/<name>``) and without
  (``plain/<name>``), for the explorer widget's default state;
- ``nb10_seeds.npz``: per model, ``acc_<model>`` (seeds, T) the accuracy at each output on the
  TEST_N test sequences, ``lr/<model>`` the chosen rate and ``lr_grid/<model>`` (len(LRS),)
  the validation losses behind the choice; ``lr_grid`` the rates; for the kinds attention and
  plain, ``loss_<kind>`` (seeds, steps) the training losses and ``grad_init_<kind>``,
  ``grad_trained_<kind>`` (seeds, T) the median ‖∂ℓ/∂h_enc_t‖ over GRAD_N test sequences at
  initialisation and after training; ``grad_init_plain_wide`` likewise for the wide start;
  ``config/<name>`` the settings.

Deterministic: the same numpy build gives the same files. About 6 minutes of CPU on one core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.seq2seq import (  # noqa: E402
    MODELS_FILE,
    SEEDS_FILE,
    SIZES,
    TASK,
    TRAINING,
    encoder_gradient_profile,
    init_seq2seq,
    position_accuracy,
    reverse_batch,
    seq2seq_loss,
    train_seq2seq,
)

SEEDS = range(10)
LONG, WIDE = 4, 128            # plain_long: LONG × the steps; plain_wide: WIDE hidden numbers
LRS = (1e-3, 3e-3, 1e-2, 3e-2)
TEST_SEED, TEST_N, GRAD_N = 7, 1000, 200
VALID_SEED, VALID_N = 8, 500
MODELS = {                     # name: (attend, keyword arguments of train_seq2seq)
    "attention": (True, {}),
    "plain": (False, {}),
    "plain_long": (False, {"steps": LONG * TRAINING["steps"]}),
    "plain_wide": (False, {"H": WIDE}),
    "cut": (True, {"shortcut": False}),
}


def held_out(seed: int, N: int):
    """N sequences no training batch draws from (their own seed): x, y (N, T)."""
    return reverse_batch(np.random.default_rng(seed), N)


def choose_lr(name: str, valid) -> tuple[float, np.ndarray]:
    """The rate of LRS with the lowest validation loss after seed 0's run, and those losses."""
    attend, kwargs = MODELS[name]
    losses = np.array([seq2seq_loss(train_seq2seq(attend, 0, lr=lr, **kwargs)[0], *valid,
                                    attend)[0] for lr in LRS])
    return LRS[int(np.argmin(losses))], losses


def run_seed(seed: int, lrs: dict, test) -> tuple[dict, dict]:
    """Train every model for one seed; what the notebook plots, and the seed's models."""
    xg, yg = test[0][:GRAD_N], test[1][:GRAD_N]
    out = {"grad_init_plain_wide":
           encoder_gradient_profile(init_seq2seq(np.random.default_rng(seed), H=WIDE), xg, yg,
                                    False)}
    P0 = init_seq2seq(np.random.default_rng(seed))           # the start both models share
    for kind, attend in (("attention", True), ("plain", False)):
        out[f"grad_init_{kind}"] = encoder_gradient_profile(P0, xg, yg, attend)
    models = {}
    for name, (attend, kwargs) in MODELS.items():
        P, losses = train_seq2seq(attend, seed, lr=lrs[name], **kwargs)
        models[name] = P
        out[f"acc_{name}"] = position_accuracy(P, *test, attend)
        if name in ("attention", "plain"):
            out[f"loss_{name}"] = losses
            out[f"grad_trained_{name}"] = encoder_gradient_profile(P, xg, yg, attend)
    return out, models


def main(outdir: Path = ROOT / "helpers" / "data") -> list[Path]:
    test, valid = held_out(TEST_SEED, TEST_N), held_out(VALID_SEED, VALID_N)
    start = time.process_time()
    lrs, grids = {}, {}
    for name in MODELS:
        lrs[name], grids[name] = choose_lr(name, valid)
        print(f"{name:10s}: validation loss {np.round(grids[name], 3)} for lr {LRS} → "
              f"{lrs[name]:g}  ({time.process_time() - start:.0f} s CPU)", flush=True)
    rows = []
    for seed in SEEDS:
        out, models = run_seed(seed, lrs, test)
        rows.append(out)
        if seed == 0:
            seed0 = models
        print(f"seed {seed}: " + ", ".join(f"{name} {out[f'acc_{name}'].mean():.3f}"
                                           for name in MODELS)
              + f"  ({time.process_time() - start:.0f} s CPU)", flush=True)
    seeds_path, models_path = outdir / SEEDS_FILE, outdir / MODELS_FILE
    config = {**TASK, **SIZES, **TRAINING, "long": LONG, "wide": WIDE, "test_seed": TEST_SEED,
              "test_n": TEST_N, "grad_n": GRAD_N, "valid_seed": VALID_SEED, "valid_n": VALID_N}
    np.savez_compressed(seeds_path, seeds=np.array(list(SEEDS)), lr_grid=np.array(LRS),
             **{key: np.stack([r[key] for r in rows]) for key in rows[0]},
             **{f"lr/{name}": np.array(lr) for name, lr in lrs.items()},
             **{f"lr_grid/{name}": grid for name, grid in grids.items()},
             **{f"config/{k}": np.array(v) for k, v in config.items()})
    np.savez_compressed(models_path, **{f"{kind}/{name}": value for kind in ("attention", "plain")
                             for name, value in seed0[kind].items()})
    print(f"wrote {seeds_path} and {models_path}")
    return [seeds_path, models_path]


if __name__ == "__main__":
    main()
