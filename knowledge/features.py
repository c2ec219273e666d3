"""Features of a (question, candidate entry) pair: what the learned confidence model reads.

Every feature is computed from the knowledge base itself (its vocabulary, idf weights, phrasings
and the types of question they are), never from entry ids, so the model also serves entries that
administrators add in the chat. The model file records a hash of this file: change a feature and
the bot refuses to start until ``make train`` has rebuilt the model.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

if TYPE_CHECKING:
    from knowledge.matcher import Candidate, Matcher, Query

FEATURE_NAMES = (
    "rank_score", "q_coverage", "pair_coverage", "phrasing_coverage", "token_sort", "entry_coverage",
    "log_content", "unknown_share", "known_pair_share",
    "rank_position", "rank_margin", "bm25_norm", "bm25_relative", "char_cosine", "char_margin",
    "wratio", "partial_ratio", "token_set", "rarest_missing", "missing_share", "numbers", "numbers_missing",
    "log_length", "type_agreement", "type_known", "not_held", "not_held_declared", "close_rivals",
    "smalltalk_score", "entry_phrasings", "answer_coverage", "rarest_missing_answer", "answer_missing_share",
    "english",
)
FEATURE_HASH = hashlib.sha256(
    Path(__file__).read_bytes() + repr(FEATURE_NAMES).encode()).hexdigest()[:16]
BM25_K1, BM25_B = 1.2, 0.75


def _fuzz_text(folds: list[str]) -> str:
    return " ".join(folds)


@dataclass(frozen=True)
class EntryFacts:
    """What the features need to know of one entry, precomputed at index time."""

    tf: Counter[str]
    length: int
    types: frozenset[str]
    declared: frozenset[str]
    rows: tuple[int, int]  # its phrasings' rows in the character n-gram matrix
    n_phrasings: int
    said: frozenset[str]  # the words of its answer: what it can actually tell


class PairFeatures:
    """Built with the matcher's index; turns a question and its candidates into feature rows."""

    def __init__(self, matcher: Matcher, entry_texts: dict[str, list[list[str]]],
                 declared: dict[str, frozenset[str]], answers: dict[str, frozenset[str]]):
        self.matcher = matcher
        texts: list[str] = []
        self.facts: dict[str, EntryFacts] = {}
        df: Counter[str] = Counter()
        kinds = matcher.kinds
        for doc, phrasings in entry_texts.items():
            tf: Counter[str] = Counter()
            types: set[str] = set()
            held: set[str] = set(declared.get(doc, ()))
            start = len(texts)
            for folds in phrasings:
                tf.update(folds)
                types |= kinds.types_of(folds)
                held |= kinds.not_held_of(folds)  # its own phrasings ask for it: it answers it
                texts.append(_fuzz_text(folds))
            df.update(tf.keys())
            self.facts[doc] = EntryFacts(tf, sum(tf.values()), frozenset(types), frozenset(held),
                                         (start, len(texts)), len(phrasings), answers.get(doc, frozenset()))
        n = max(len(entry_texts), 1)
        self.bm25_idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.avgdl = (sum(f.length for f in self.facts.values()) / n) or 1.0
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                          dtype=np.float32)
        self.matrix = self.vectorizer.fit_transform(texts or [" "]).tocsr()
        # The question's vector is made here rather than by transform(): the same numbers
        # (sublinear tf, idf, l2 norm), without the per-call validation that costs milliseconds.
        self._analyse = self.vectorizer.build_analyzer()
        self._vocabulary = self.vectorizer.vocabulary_
        self._idf = self.vectorizer.idf_.astype(np.float32)

    def _char_vector(self, text: str) -> np.ndarray | None:
        counts = Counter(g for g in self._analyse(text) if g in self._vocabulary)
        if not counts:
            return None
        vec = np.zeros(len(self._idf), dtype=np.float32)
        for gram, n in counts.items():
            col = self._vocabulary[gram]
            vec[col] = (1.0 + math.log(n)) * self._idf[col]
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else None

    def _bm25(self, folds: list[str], facts: EntryFacts) -> float:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * facts.length / self.avgdl)
        score = 0.0
        for t in folds:
            f = facts.tf.get(t)
            if f:
                score += self.bm25_idf[t] * f * (BM25_K1 + 1) / (f + norm)
        return score

    def rows(self, query: Query, candidates: list[Candidate], smalltalk_score: float,
             english: bool = False) -> np.ndarray:
        """One row of FEATURE_NAMES per candidate, in the candidates' order. ``english``: the
        question is in English, whose words the normaliser maps onto the plan's terms only in part,
        so the same overlap means more than in Vietnamese."""
        m = self.matcher
        related = m.related
        q_folds = list(dict.fromkeys(query.sequence))
        q_text = _fuzz_text(query.sequence)
        q_content = " ".join(f for f in query.sequence if not m.lexicon.is_stop(f)) or q_text
        q_vec = self._char_vector(q_text)
        sims = self.matrix @ q_vec if q_vec is not None else None
        content = [q for q in query.qtoks if not m.lexicon.is_stop(q.fold)] or query.qtoks
        numbers = [q.fold for q in query.qtoks if any(ch.isdigit() for ch in q.fold)]
        q_total = query.total
        ideal = sum(self.bm25_idf.get(t, 0.0) for t in q_folds) or 1.0
        n_len = math.log1p(len(query.sequence))
        types = query.types
        bm25s, chars, phrasings = [], [], []
        for c in candidates:
            facts = self.facts[c.entry_id]
            bm25s.append(self._bm25(q_folds, facts))
            lo, hi = facts.rows
            chars.append(float(sims[lo:hi].max()) if sims is not None and hi > lo else 0.0)
            phrasings.append(m._p_content[c.index])
        top_bm25 = max(bm25s) or 1.0
        out = np.zeros((len(candidates), len(FEATURE_NAMES)), dtype=np.float64)
        for i, c in enumerate(candidates):
            facts = self.facts[c.entry_id]
            vocab = m.doc_tokens[c.entry_id]
            others = [o for j, o in enumerate(candidates)
                      if j != i and (c.entry_id, o.entry_id) not in related]
            rival = max((o.features[0] for o in others), default=0.0)
            rival_char = max((chars[j] for j, o in enumerate(candidates)
                              if j != i and (c.entry_id, o.entry_id) not in related), default=0.0)
            missing = [q for q in content if q.fold not in vocab]
            rarest = max((q.weight for q in missing), default=0.0) / m._idf_max
            missing_share = sum(q.weight for q in missing) / q_total
            n_missing_numbers = sum(1 for x in numbers if x not in vocab)
            entry_types = facts.types | facts.declared
            agreement = 1.0 if types & entry_types else (0.0 if types else 0.5)
            known = len(types & entry_types) / len(types) if types else 0.5
            declared_held = 1.0 if query.not_held and query.not_held <= facts.declared else 0.0
            close = sum(1 for o in others if o.features[0] >= 0.8 * c.features[0])
            # The answer's own words: a question about "bầu cử" is not answered by an entry whose
            # answer never says it, however well the question matches its phrasings.
            told = facts.said
            unsaid = [q for q in content if q.fold not in told and q.fold not in vocab]
            content_weight = sum(q.weight for q in content) or 1.0
            ph = phrasings[i]
            out[i] = (
                *c.features, i, c.features[0] - rival, bm25s[i] / ideal, bm25s[i] / top_bm25,
                chars[i], chars[i] - rival_char,
                fuzz.WRatio(q_content, ph) / 100.0, fuzz.partial_ratio(q_content, ph) / 100.0,
                fuzz.token_set_ratio(q_content, ph) / 100.0,
                rarest, missing_share, len(numbers), n_missing_numbers, n_len, agreement, known,
                1.0 if query.not_held else 0.0, declared_held, close, smalltalk_score / 100.0,
                math.log1p(facts.n_phrasings),
                sum(q.weight for q in content if q.fold in told) / content_weight,
                max((q.weight for q in unsaid), default=0.0) / m._idf_max,
                sum(q.weight for q in unsaid) / content_weight, 1.0 if english else 0.0,
            )
        return out
