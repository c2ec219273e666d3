"""The previous matcher's confidence: a logistic calibration over the top entry's match features.

Kept runnable so ``make bench`` can show the learned model next to it; the bot itself answers with
the learned model (knowledge/ranker.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.matcher import Candidate

CALIBRATION_PATH = Path(__file__).resolve().parent / "calibration.json"


def feature_vector(entries: list[Candidate], related: frozenset[tuple[str, str]] = frozenset()
                   ) -> list[float]:
    """What the confidence model reads: the top entry's match features and its lead on the next
    candidate that is not a close relative of it (two related entries both answer the question)."""
    top = entries[0]
    rival = next((c for c in entries[1:] if (top.entry_id, c.entry_id) not in related), None)
    lead = top.features[0] - (rival.features[0] if rival else 0.0)
    return [*top.features, lead]


@dataclass(frozen=True)
class Calibration:
    """Logistic model fitted by bench/calibrate.py: features -> chance (0-100) the answer is right."""

    weights: tuple[float, ...] = ()
    answer_threshold: float = 62.0
    clarify_threshold: float = 45.0

    @classmethod
    def load(cls, path: Path = CALIBRATION_PATH) -> Calibration:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(tuple(float(w) for w in data["weights"]), float(data["answer_threshold"]),
                       float(data["clarify_threshold"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()  # uncalibrated: the ranking score stands in for confidence

    def confidence(self, entries: list[Candidate], related: frozenset[tuple[str, str]] = frozenset()
                   ) -> float:
        x = feature_vector(entries, related)
        if len(self.weights) != len(x) + 1:
            return entries[0].score
        z = self.weights[0] + sum(w * v for w, v in zip(self.weights[1:], x, strict=True))
        return round(100.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 1)
