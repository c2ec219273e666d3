"""Is a question one the sources can answer at all? A second, question-level opinion.

The pair model judges "does this entry answer this question" from how the two overlap, and a near
miss overlaps well: "chủ tịch Ủy ban MTTQ tỉnh hiện nay là ai" shares every topic word with the
Front's entry and still asks for what no source holds. How people ask for such things (the
current holder of a post, this year's events, fees, forms, a document's full contents) is learned
here from written questions, in scope or not, by a logistic regression over word 1-2-grams of the
question as the index reads it (``Matcher.scope_reading``: normalised, so English, shorthand and
missing accents weigh as the plan's own terms). The bot's confidence is the product of the
two chances, the scope chance weighing as its cube: that the question is in scope, and that the
candidate answers it.

The model knows the entries it was trained with, by their content (not by id); an entry added in
the chat later, or edited there (a phrasing added from the review queue, an answer rewritten),
is new to it, so its opinion is not applied to that entry (see ``knows``).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from knowledge.model import Entry
from knowledge.normalize import fold

# LogisticRegression's C. Cross-validated at 96 % refusal, with one fold per writer: 86.6 % in
# scope right at C = 4, 88.1 % at 16, 88.3 % at 32 (dealt out in turn: 86.8, 88.5, 88.8 %).
REGULARISATION = 16.0
MAX_CHARS = 600  # a long message's question is read from its segments; the whole is cut here


def _text(question: str) -> str:
    return " ".join(fold(question[:MAX_CHARS]).lower().split())


def _content(entry: Entry) -> str:
    """What an entry answers and is asked as: when an administrator adds a phrasing, the entry has
    been taught that question, whatever this model thought of its kind."""
    said = [f"{lang}:{text}" for lang, text in sorted(entry.answer.items())]
    asked = [f"{lang}?{q}" for lang, qs in sorted(entry.questions.items()) for q in qs]
    return hashlib.sha256("\n".join([*said, *asked]).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ScopeModel:
    pipeline: Pipeline
    entries: frozenset[str]  # content hashes of the entries it was trained with

    @classmethod
    def fit(cls, questions: Sequence[str], in_scope: Sequence[int], entries: Iterable[Entry],
            weights: Sequence[float] | None = None) -> ScopeModel:
        features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"))
        pipeline = make_pipeline(features, LogisticRegression(C=REGULARISATION, max_iter=3000))
        pipeline.fit([_text(q) for q in questions], list(in_scope),
                     logisticregression__sample_weight=None if weights is None else list(weights))
        return cls(pipeline, frozenset(_content(e) for e in entries))

    def chance(self, question: str) -> float:
        """Chance (0-1) that some source answers the question."""
        return self._scorer(_text(question))

    def chance_by_sklearn(self, question: str) -> float:
        """The same chance through scikit-learn's pipeline (for checking the fast path)."""
        return float(self.pipeline.predict_proba([_text(question)])[0, 1])

    @cached_property
    def _scorer(self) -> Callable[[str], float]:
        """The fitted pipeline as plain lookups. Through scikit-learn one question costs about 3 ms,
        nearly all of it validation and the FeatureUnion's job machinery; the same arithmetic on
        one short text is a few dictionary lookups (checked against predict_proba in the tests)."""
        union, model = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
        coef = model.coef_[0]
        parts, offset = [], 0
        for _, vectorizer in union.transformer_list:
            size = len(vectorizer.vocabulary_)
            weights = {term: (float(vectorizer.idf_[i]), float(coef[offset + i]))
                       for term, i in vectorizer.vocabulary_.items()}
            parts.append((vectorizer.build_analyzer(), weights))
            offset += size
        intercept = float(model.intercept_[0])

        def score(text: str) -> float:
            z = intercept
            for analyse, weights in parts:
                dot = norm = 0.0
                for term, count in Counter(analyse(text)).items():
                    known = weights.get(term)
                    if known is not None:
                        value = (1.0 + math.log(count)) * known[0]  # sublinear tf x idf
                        norm += value * value
                        dot += value * known[1]
                if norm:
                    z += dot / math.sqrt(norm)  # each vectorizer's row is l2-normalised
            return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

        return score

    def knows(self, entry: Entry) -> bool:
        return _content(entry) in self.entries
