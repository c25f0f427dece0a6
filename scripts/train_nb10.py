"""Train notebook 10's encoder–decoder over several seeds, with and without attention.

    python scripts/train_nb10.py          # writes helpers/data/nb10_models.npz and nb10_seeds.npz

Notebook 10 trains seed 0 live (a few seconds); ten seeds do not fit its 30-second budget, so
this script trains them with the very same functions (helpers.widgets.attention_explorer) and
stores what the notebook plots:

- ``nb10_models.npz``: the seed-0 parameters with attention (``attention/<name>``) and without
  (``plain/<name>``), for the explorer widget's default state;
- ``nb10_seeds.npz``: for every seed, the accuracy at each output position on 1,000 held-out
  sequences (with attention, without, and without after four times as many steps), the
  training losses, and the median ‖∂ℓ/∂h_enc_t‖ over 200 held-out sequences at
  initialisation and after training.

Deterministic: the same numpy build gives the same files. About 80 s of CPU on one core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.widgets.attention_explorer import (  # noqa: E402
    MODELS_FILE,
    SEEDS_FILE,
    SIZES,
    TASK,
    TRAINING,
    encoder_gradient_profile,
    init_seq2seq,
    position_accuracy,
    reverse_batch,
    train_seq2seq,
)

SEEDS = range(10)
LONG = 4                       # the no-attention model also gets LONG × the steps
TEST_SEED, TEST_N, GRAD_N = 7, 1000, 200


def test_set():
    """The held-out sequences every model is scored on: x, y (TEST_N, T)."""
    return reverse_batch(np.random.default_rng(TEST_SEED), TEST_N)


def run_seed(seed: int, x, y) -> dict:
    """Train one seed with and without attention; everything the notebook plots."""
    xg, yg = x[:GRAD_N], y[:GRAD_N]
    P0 = init_seq2seq(np.random.default_rng(seed))          # the start both models share
    out = {"grad_init_attention": encoder_gradient_profile(P0, xg, yg, True),
           "grad_init_plain": encoder_gradient_profile(P0, xg, yg, False)}
    models = {}
    for kind, attend in (("attention", True), ("plain", False)):
        P, losses = train_seq2seq(attend, seed)
        models[kind] = P
        out[f"acc_{kind}"] = position_accuracy(P, x, y, attend)
        out[f"loss_{kind}"] = losses
        out[f"grad_trained_{kind}"] = encoder_gradient_profile(P, xg, yg, attend)
    P_long, _ = train_seq2seq(False, seed, steps=LONG * TRAINING["steps"])
    out["acc_plain_long"] = position_accuracy(P_long, x, y, False)
    return out, models


def main(outdir: Path = ROOT / "helpers" / "data") -> list[Path]:
    x, y = test_set()
    rows, start = [], time.process_time()
    for seed in SEEDS:
        out, models = run_seed(seed, x, y)
        rows.append(out)
        if seed == 0:
            seed0 = models
        print(f"seed {seed}: accuracy with attention {out['acc_attention'].mean():.3f}, "
              f"without {out['acc_plain'].mean():.3f}, without after {LONG}x the steps "
              f"{out['acc_plain_long'].mean():.3f}  ({time.process_time() - start:.0f} s CPU)",
              flush=True)
    seeds_path, models_path = outdir / SEEDS_FILE, outdir / MODELS_FILE
    config = {**TASK, **SIZES, **TRAINING, "long": LONG, "test_seed": TEST_SEED,
              "test_n": TEST_N, "grad_n": GRAD_N}
    np.savez(seeds_path, seeds=np.array(list(SEEDS)),
             **{key: np.stack([r[key] for r in rows]) for key in rows[0]},
             **{f"config/{k}": np.array(v) for k, v in config.items()})
    np.savez(models_path, **{f"{kind}/{name}": value for kind, P in seed0.items()
                             for name, value in P.items()})
    print(f"wrote {seeds_path.relative_to(ROOT)} and {models_path.relative_to(ROOT)}")
    return [seeds_path, models_path]


if __name__ == "__main__":
    main()
