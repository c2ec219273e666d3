"""The learned confidence: a gradient-boosted model over (question, candidate) pair features.

``make train`` fits it (knowledge/training.py) and writes ``knowledge/ranker.pkl``; the bot loads it
at start. The file records the hash of the feature code it was fitted with, so a model that no
longer fits the features is refused with one clear line instead of giving quiet nonsense.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from threadpoolctl import threadpool_limits

from knowledge import memory as memory_module
from knowledge import scope as scope_module
from knowledge.features import FEATURE_HASH, FEATURE_NAMES
from knowledge.memory import Memory
from knowledge.scope import ScopeModel

RANKER_PATH = Path(__file__).resolve().parent / "ranker.pkl"
# The pair features and the scope model's reading of a question: a model fitted with other code
# is refused.
MODEL_HASH = hashlib.sha256(FEATURE_HASH.encode() + Path(scope_module.__file__).read_bytes()
                            + Path(memory_module.__file__).read_bytes()).hexdigest()[:16]
# One thread: a prediction is 8 rows, far too small to share out, and OpenMP threads waiting for
# each other on a busy machine stalled single questions for seconds.
threadpool_limits(limits=1, user_api="openmp")


# The scope chance weighs as its cube. The two chances are fitted apart, and the product of them
# alone let the pair model's certainty about WHICH entry outvote the scope model's doubt WHETHER
# any entry answers: cross-validated at 92 / 94 / 96 / 98 % refusal, in-scope right was 89.6 /
# 87.4 / 84.1 / 78.1 % with the plain product, 90.4 / 88.7 / 85.6 / 80.1 squared, 90.0 / 88.8 /
# 86.5 / 80.7 cubed, 88.6 / 88.6 / 86.5 / 81.4 to the fourth power.
SCOPE_POWER = 3.0


class RankerError(Exception):
    """The model file is missing, unreadable or was fitted on other features."""


class Forest:
    """The fitted trees as flat arrays, walked for all trees and rows at once.

    scikit-learn predicts tree by tree, a Python call each: 250 trees cost milliseconds per
    question, most of the bot's time. The same numbers (checked against predict_proba in the
    tests) come from a few numpy steps per tree level. Only numerical splits are used here."""

    def __init__(self, model: Any):
        # Deepest trees first: level by level, only the first trees still have nodes to descend, so
        # a walk costs the sum of the trees' depths, not the number of trees times the deepest.
        trees = sorted((per_class[0].nodes for per_class in model._predictors),
                       key=lambda t: -int(t["depth"].max()))
        depths = np.array([int(t["depth"].max()) for t in trees], dtype=np.intp)
        feature, threshold, child, missing_left, value = [], [], [], [], []
        start = 0
        for tree in trees:
            # Breadth first, so a node's two children sit side by side: the right one is the left
            # one plus one, and a step is one addition. A leaf is its own child; its test (x > +inf)
            # never moves it, and a missing value keeps it too.
            order, at = [0], {0: 0}
            for i in order:
                if not tree["is_leaf"][i]:
                    for c in (int(tree["left"][i]), int(tree["right"][i])):
                        at[c] = len(order)
                        order.append(c)
            nodes = tree[np.array(order)]
            leaf = nodes["is_leaf"].astype(bool)
            lefts = np.array([at.get(int(c), 0) for c in nodes["left"]], dtype=np.intp)
            own = np.arange(len(order), dtype=np.intp)
            feature.append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.intp))
            threshold.append(np.where(leaf, np.inf, nodes["num_threshold"]).astype(np.float64))
            child.append(start + np.where(leaf, own, lefts))
            missing_left.append(leaf | nodes["missing_go_to_left"].astype(bool))
            value.append(nodes["value"].astype(np.float64))
            start += len(order)
        self.feature = np.concatenate(feature)
        self.threshold = np.concatenate(threshold)
        self.child = np.concatenate(child)
        self.missing_left = np.concatenate(missing_left)
        self.value = np.concatenate(value)
        self.roots = np.cumsum([0, *(len(v) for v in value[:-1])]).astype(np.intp)
        # at level k, the trees deeper than k (a prefix of the order above)
        self.active = [int((depths > k).sum()) for k in range(int(depths.max()) if len(depths) else 0)]
        self.baseline = float(np.ravel(model._baseline_prediction)[0])

    def predict(self, rows: np.ndarray) -> np.ndarray:
        n_rows, n_cols = rows.shape
        flat = rows.ravel()
        row_base = (np.arange(n_rows) * n_cols)[None, :]
        node = np.repeat(self.roots[:, None], n_rows, axis=1)
        missing = bool(np.isnan(flat).any())
        for n in self.active:
            here = node[:n]
            x = flat[row_base + self.feature[here]]
            if missing:
                right = ~np.where(np.isnan(x), self.missing_left[here], x <= self.threshold[here])
            else:
                right = x > self.threshold[here]
            node[:n] = self.child[here] + right
        raw = self.baseline + self.value[node].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass(frozen=True)
class Ranker:
    model: Any
    answer_threshold: float  # 0-100: confidence from which the bot answers
    clarify_threshold: float  # 0-100: from which it offers choices
    info: dict
    scope: ScopeModel | None = None
    memory: Memory | None = None  # earlier questions: their columns follow the pair features

    @cached_property
    def forest(self) -> Forest:
        """The model's trees in flat form, made on first use."""
        return Forest(self.model)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Chance (0-1) that each candidate answers the question."""
        if not len(rows):
            return np.zeros(0)
        return self.forest.predict(np.asarray(rows, dtype=np.float64))

    def in_scope(self, readings: Sequence[str]) -> float:
        """Chance that some source answers the question. ``readings``: the question as written and,
        for a short question read in the bot's context, also as read (the geometric mean)."""
        if self.scope is None or not readings:
            return 1.0
        return math.prod(self.scope.chance(r) for r in readings) ** (1.0 / len(readings))

    @staticmethod
    def scope_factor(inside: float) -> float:
        """What the scope chance weighs in the confidence (see SCOPE_POWER)."""
        return inside ** SCOPE_POWER

    def weigh(self, pairs: np.ndarray, inside: float, judged: Sequence[bool]) -> np.ndarray:
        """The confidence that each candidate answers the question: the pair model's chance
        ``pairs``, times the scope factor of ``inside`` for the candidates whose ``judged`` is true."""
        if not len(pairs):
            return pairs
        return pairs * np.where(np.asarray(judged, dtype=bool), self.scope_factor(inside), 1.0)

    def to_file(self, path: Path = RANKER_PATH) -> None:
        data = {"model": self.model, "answer_threshold": self.answer_threshold,
                "clarify_threshold": self.clarify_threshold, "info": self.info,
                "scope": self.scope, "memory": self.memory, "feature_hash": MODEL_HASH,
                "feature_names": FEATURE_NAMES,
                "sklearn": sklearn.__version__}
        path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


@lru_cache(maxsize=4)
def load_ranker(path: Path = RANKER_PATH) -> Ranker:
    """The committed model; RankerError (one line, for people) when it cannot be used."""
    hint = "run `make train` to rebuild it"
    try:
        data = pickle.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise RankerError(f"{path}: the answer-confidence model is missing; {hint}") from None
    except Exception as exc:  # a truncated or foreign file: say so, never a traceback
        raise RankerError(f"{path}: the answer-confidence model cannot be read ({exc}); {hint}") from None
    if not isinstance(data, dict) or data.get("feature_hash") != MODEL_HASH:
        raise RankerError(f"{path}: the answer-confidence model was fitted on other features; {hint}")
    if str(data.get("sklearn")).split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise RankerError(f"{path}: the model was saved with scikit-learn {data.get('sklearn')}, "
                          f"this is {sklearn.__version__}; {hint}")
    return Ranker(data["model"], float(data["answer_threshold"]), float(data["clarify_threshold"]),
                  dict(data.get("info") or {}), data.get("scope"), data.get("memory"))
