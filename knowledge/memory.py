"""What people have asked before: the written training questions, each with the entries that answer it.

The knowledge base's phrasings are a few dozen ways of asking each thing; the training sets hold
thousands more, typed by many people ("cái sở lo đối ngoại", "giới làm ăn"). The pair model reads
how close a question is to the earlier questions a candidate entry answered, beside how close it is
to the entry's own phrasings. Measured on the training sets before it was built: where the bot was
wrong or unsure, the nearest earlier question (from other writers) pointed to a right entry for 72 %
of them.

An earlier question is remembered with the entries that answer it. An entry added in the chat has
no earlier questions: its own phrasings stand in for them (Memory.question_columns). An entry whose
answer an administrator rewrites keeps its earlier questions: an answer is updated far more often
than its subject changes, and remembering them by the answer's text instead made the entry lose
its questions to a neighbour.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

MEMORY_NAMES = ("memory_sim", "memory_rival", "memory_best", "memory_nearest", "memory_oos")
# A longer message is mostly its story: its reading says little of its question, and comparing it
# costs as much as its length. Its questions, read alone, are compared.
MAX_CHARS = 300


@dataclass
class Memory:
    """Earlier questions as word 1-2-gram TF-IDF vectors, and what each was: the entries that
    answer it, none when no source does."""

    vectorizer: TfidfVectorizer
    matrix_t: sparse.csr_matrix  # n-grams x questions, rows l2-normalised before transposing
    labels: list[frozenset[str]]
    oos: np.ndarray
    groups: np.ndarray  # the written case each came from (for leaving it out in training)
    by_entry: dict[str, np.ndarray] = field(init=False)

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("vectorizer", "matrix_t", "labels", "oos", "groups")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def __post_init__(self) -> None:
        rows: dict[str, list[int]] = {}
        for i, entries in enumerate(self.labels):
            for e in entries:
                rows.setdefault(e, []).append(i)
        self.by_entry = {e: np.asarray(r, dtype=np.intp) for e, r in rows.items()}
        self._analyse = self.vectorizer.build_analyzer()
        self._vocabulary = self.vectorizer.vocabulary_
        self._idf = self.vectorizer.idf_.astype(np.float32)
        self._oos_rows = np.flatnonzero(self.oos)

    @classmethod
    def build(cls, readings: Sequence[str], labels: Sequence[frozenset[str]], oos: Sequence[bool],
              groups: Sequence[int]) -> Memory:
        # Words and word pairs of the reading (already normalised: accents, shorthand, synonyms),
        # not character n-grams: these weighed the words a question is framed with ("... còn tồn
        # tại không") as much as its subject; cross-validated the same, and a tenth of the work.
        vectorizer = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+",
                                     sublinear_tf=True, dtype=np.float32)
        matrix = vectorizer.fit_transform(list(readings) or [" "])
        return cls(vectorizer, matrix.T.tocsr(), list(labels), np.asarray(oos, dtype=bool),
                   np.asarray(groups, dtype=np.intp))

    def __len__(self) -> int:
        return len(self.labels)

    def vectors(self, readings: Sequence[str]) -> sparse.csr_matrix:
        """The readings' l2-normalised vectors, made as the vectorizer would, without its per-call
        validation (milliseconds a question)."""
        data, cols, ptr = [], [], [0]
        for text in readings:
            counts = Counter(self._vocabulary[g] for g in self._analyse(text) if g in self._vocabulary)
            values = [(1.0 + math.log(n)) * float(self._idf[c]) for c, n in counts.items()]
            norm = math.sqrt(sum(v * v for v in values)) or 1.0
            cols += counts.keys()
            data += (v / norm for v in values)
            ptr.append(len(cols))
        return sparse.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(cols, dtype=np.intp),
                                  np.asarray(ptr, dtype=np.intp)), shape=(len(readings), len(self._idf)))

    def similarities(self, readings: Sequence[str]) -> np.ndarray:
        """Cosine of each reading with each earlier question (readings x questions)."""
        return np.asarray((self.vectors(readings) @ self.matrix_t).todense(), dtype=np.float32)

    def columns(self, sims: np.ndarray, candidates: Sequence[str], related: Collection[tuple[str, str]],
                allowed: np.ndarray | None = None, newcomers: dict[str, float] | None = None) -> np.ndarray:
        """MEMORY_NAMES for each candidate entry of one question, from the question's similarities
        to the earlier questions; ``allowed``: which of them count (training leaves some out);
        ``newcomers``: for entries no earlier question knows, the similarity to their own phrasings."""
        s = sims if allowed is None else np.where(allowed, sims, 0.0)
        extra = newcomers or {}
        own = np.array([float(s[self.by_entry[k]].max()) if k in self.by_entry else extra.get(k, 0.0)
                        for k in candidates])
        best = float(s.max()) if len(s) else 0.0
        nearest = self.labels[int(s.argmax())] if len(s) and best > 0.0 else frozenset()
        oos = float(s[self._oos_rows].max()) if len(self._oos_rows) else 0.0
        out = np.zeros((len(candidates), len(MEMORY_NAMES)))
        for i, e in enumerate(candidates):
            rival = max((own[j] for j, o in enumerate(candidates) if j != i and (e, o) not in related),
                        default=0.0)
            out[i] = (own[i], own[i] - rival, best, 1.0 if e in nearest else 0.0, oos)
        return out

    def renamed(self, ids: dict[str, str]) -> Memory:
        """The same memory with entries known by other ids (a knowledge base renamed)."""
        labels = [frozenset(ids.get(e, e) for e in entries) for entries in self.labels]
        return Memory(self.vectorizer, self.matrix_t, labels, self.oos, self.groups)

    def masked(self, keep: np.ndarray) -> Memory:
        """The same memory with only the questions ``keep`` marks (cross-validation's folds)."""
        cols = np.flatnonzero(keep)
        return Memory(self.vectorizer, self.matrix_t[:, cols].tocsr(), [self.labels[i] for i in cols],
                      self.oos[cols], self.groups[cols])

    def question_columns(self, reading: str, candidates: Sequence[str], related: Collection[tuple[str, str]],
                         phrasings: dict[str, sparse.csr_matrix] | None = None) -> np.ndarray:
        """``phrasings``: the vectors (``vectors``) of the own phrasings of entries that no earlier
        question knows (added in the chat): their phrasings stand in for earlier questions, or the
        entries that have some would always win over them."""
        if len(reading) > MAX_CHARS:  # a whole long message: not compared (see MAX_CHARS)
            return np.zeros((len(candidates), len(MEMORY_NAMES)))
        vector = self.vectors([reading])
        newcomers = {e: float((vector @ phrasings[e].T).max()) for e in candidates
                     if phrasings and e in phrasings and e not in self.by_entry}
        return self.columns(np.asarray((vector @ self.matrix_t).todense(), dtype=np.float32)[0], candidates,
                            related, newcomers=newcomers)


def memory_columns(memory: Memory, readings: Sequence[str], candidates: Sequence[Sequence[str]],
                   groups: Sequence[int], related: Collection[tuple[str, str]],
                   masks: Sequence[np.ndarray | None], chunk: int = 256) -> list[list[np.ndarray]]:
    """MEMORY_NAMES for training blocks (one question's candidates each), once per mask of earlier
    questions allowed: a block never sees the written case it came from (``groups``; -1: none)."""
    own: dict[int, list[int]] = {}
    for i, g in enumerate(memory.groups):
        own.setdefault(int(g), []).append(i)
    out: list[list[np.ndarray]] = [[] for _ in masks]
    for start in range(0, len(readings), chunk):
        sims = memory.similarities(readings[start:start + chunk])
        for k, s in enumerate(sims):
            block = start + k
            if len(readings[block]) > MAX_CHARS:  # as question_columns reads it
                for columns in out:
                    columns.append(np.zeros((len(candidates[block]), len(MEMORY_NAMES))))
                continue
            mine = own.get(int(groups[block]))
            if mine:
                s = s.copy()
                s[mine] = 0.0
            for columns, mask in zip(out, masks, strict=True):
                columns.append(memory.columns(s, candidates[block], related, mask))
    return out
