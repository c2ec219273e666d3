"""Fit the matcher's confidence: a logistic model over its match features, so that the score it
reports (0-100) is the estimated chance, in percent, that the answer is the right one.

Trains on bench/train.yaml (questions written for training, in scope and out of scope) and reports
on bench/dev.yaml and bench/heldout.yaml, which it never trains on. Re-run after large changes to
the knowledge base or the matcher:

    .venv/bin/python bench/calibrate.py            # fit and report
    .venv/bin/python bench/calibrate.py --write    # ...and save knowledge/calibration.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from bench import judge  # noqa: E402
from handlers.ask import Asker  # noqa: E402
from knowledge.loader import DEFAULT_DIR, load_dir  # noqa: E402
from knowledge.matcher import CALIBRATION_PATH, SMALLTALK_PREFIX, Matcher, feature_vector  # noqa: E402

TARGET_OOS_REFUSED = 0.93


def samples(matcher: Matcher, asker: Asker, path: Path) -> list[tuple[list[float], int, dict]]:
    out = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        if matcher.match(case["q"]).reason in ("unknown-document", "other-place", "empty"):
            # refused before any score is read; counted as refused, not fitted
            out.append(([], 0, case))
            continue
        ranked = matcher.score_all(case["q"])
        entries = [c for c in ranked if not c.entry_id.startswith(SMALLTALK_PREFIX)]
        if ranked and ranked[0].entry_id.startswith(SMALLTALK_PREFIX) and case.get("oos"):
            continue  # small talk is its own outcome, not an answer to calibrate
        if not entries:
            continue
        top = entries[0]
        if case.get("oos"):
            label = 0
        else:
            lang = matcher.language(case["q"])
            label = int(judge(case, "answer", asker.entry_reply(top.entry_id, lang).text))
        out.append((feature_vector(entries, matcher.related), label, case))
    return out


def fit(data: list[tuple[list[float], int, dict]], l2: float = 0.001, steps: int = 6000, lr: float = 1.0
        ) -> list[float]:
    """Plain batch gradient descent on the log loss; the data set is a few hundred rows."""
    n_feat = len(data[0][0])
    w = [0.0] * (n_feat + 1)
    data = [row for row in data if row[0]]
    pos = sum(y for _, y, _ in data)
    # Balance the classes so a big in-scope set does not drown the out-of-scope one.
    cw = {1: len(data) / (2 * max(pos, 1)), 0: len(data) / (2 * max(len(data) - pos, 1))}
    for _ in range(steps):
        grad = [0.0] * (n_feat + 1)
        for x, y, _ in data:
            z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - y) * cw[y]
            grad[0] += g
            for i, xi in enumerate(x):
                grad[i + 1] += g * xi
        for i in range(n_feat + 1):
            reg = l2 * w[i] if i else 0.0
            w[i] -= lr * (grad[i] / len(data) + reg)
    return w


def prob(w: list[float], x: list[float]) -> float:
    if not x:
        return 0.0
    z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x, strict=True))
    return 100 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def rates(w: list[float], data, threshold: float) -> tuple[float, float]:
    ins = [(prob(w, x) >= threshold and y == 1) for x, y, c in data if not c.get("oos")]
    oos = [(prob(w, x) < threshold) for x, y, c in data if c.get("oos")]
    return sum(ins) / max(len(ins), 1), sum(oos) / max(len(oos), 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--kb", default=str(DEFAULT_DIR), help="knowledge directory (default: the project's)")
    args = ap.parse_args()
    kb = load_dir(args.kb)
    matcher = Matcher(kb)
    asker = Asker(kb, matcher)
    train = samples(matcher, asker, BENCH / "train.yaml")
    w = fit(train)
    # The answer threshold: the lowest that keeps TARGET_OOS_REFUSED of out-of-scope training
    # questions refused; clarify starts where the model still gives the top entry a fair chance.
    answer_t = next(t for t in range(1, 100) if rates(w, train, t)[1] >= TARGET_OOS_REFUSED)
    clarify_t = max(5, answer_t - 25)
    print("weights:", [round(v, 3) for v in w])
    sets = {name: samples(matcher, asker, BENCH / name) for name in ("train.yaml", "dev.yaml", "heldout.yaml")}
    for t in range(40, 80, 3):
        print(t, "  ".join(f"{n[:5]} {rates(w, d, t)[0]:.0%}/{rates(w, d, t)[1]:.0%}" for n, d in sets.items()))
    print(f"answer threshold {answer_t}, clarify threshold {clarify_t}")
    for name in ("train.yaml", "dev.yaml", "heldout.yaml"):
        data = samples(matcher, asker, BENCH / name)
        ins, oos = rates(w, data, answer_t)
        print(f"{name:14s} in-scope right {ins:.1%}  out-of-scope refused {oos:.1%}")
    if args.write:
        CALIBRATION_PATH.write_text(json.dumps(
            {"weights": [round(v, 4) for v in w], "answer_threshold": answer_t, "clarify_threshold": clarify_t,
             "fitted_on": "bench/train.yaml"}, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
