"""The index the matcher ranks with: every phrasing and keyword normalised once into weighted
tokens, and a question scored against them.

A question is normalised the same way; unknown words are corrected against the vocabulary with
rapidfuzz when they look like typos, and otherwise count against the match, because a question full
of words the knowledge base has never seen ("tuyển dụng công chức") is most likely about something
else.

The score of a phrasing mixes four signals, each 0..1:
- how much of the question's telling weight the phrasing covers (rare words weigh more: idf),
- how many of the question's adjacent word pairs it shares (Vietnamese words are often two
  syllables: "công chức" must not match "công tác" + "tổ chức"),
- how much of the phrasing the question covers (a short question should not match a long
  phrasing on one shared word),
- rapidfuzz's token_sort_ratio of the two texts.
An entry scores as its best phrasing, nudged by how well all its phrasings together cover the
question. These ranking scores choose the candidates; the learned model decides how sure to be.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.docrefs import DOC_FIRST, doc_refs
from knowledge.english import stems
from knowledge.normalize import Lexicon, Token
from knowledge.syllables import is_syllable, telex_residue

SMALLTALK_PREFIX = "smalltalk:"
STOP_FACTOR = 0.15
TYPO_CUTOFF = 78.0
MAX_CANDIDATES = 80
MAX_QUERY_TOKENS = 40
MIN_CONTENT_WEIGHT = 2.0
ACCENT_MISMATCH = 0.45

# The index keeps each phrasing's facts in parallel lists, one item per phrasing (few objects,
# cheap to build, none of them for the cyclic garbage collector to rescan): its text, its entry, its
# total word weight, its content (folded words without stop words), and a dict of its words. That
# dict maps each folded word to how the phrasing writes it: the accented form, the folded word
# itself when it is written without accents at least once (then any accents may be meant), or a
# tuple of the accented forms when it is written in several. The same dict holds each pair of
# adjacent words, keyed by the number Matcher._pair_key gives it (words are text, pairs numbers,
# so the two never clash), mapped to None.
_ABSENT = object()
_FOLD_OF, _ACC_OF = operator.attrgetter("fold"), operator.attrgetter("acc")


def _word_forms(folds: list[str], accs: list[str]) -> dict[str, Any]:
    """The "words" dict of a phrasing whose folded words repeat (see above)."""
    forms: dict[str, Any] = {}
    for f, a in zip(folds, accs, strict=True):
        known = forms.get(f, _ABSENT)
        if known is _ABSENT or a == f:
            forms[f] = a
        elif known in (f, a):
            continue
        elif type(known) is tuple:
            if a not in known:
                forms[f] = (*known, a)
        else:
            forms[f] = (known, a)
    return forms


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float
    phrasing: str
    # (rank score, question coverage, pair coverage, phrasing coverage, rapidfuzz, entry coverage,
    #  log matched content weight, unknown share, known-pair share): what the models read
    features: tuple[float, ...] = ()
    index: int = -1  # the phrasing's number in the index
    # the learned models' confidence (0-100) that this entry answers the question
    chance: float = 0.0
    # the pair model's chance alone (0-100), before the scope chance weighs in
    pair: float = 0.0


@dataclass(slots=True)
class _QTok:
    fold: str
    weight: float
    credit: float
    acc: str | None


@dataclass
class Query:
    """A question as the matcher reads it: weighted words, their order, and what it asks for."""

    qtoks: list[_QTok]
    sequence: list[str]
    total: float
    unknown_share: float
    types: frozenset[str]
    not_held: frozenset[str]


class Index:
    """Phrasings, words, weights and postings of one knowledge base, and ranking against them.
    Subclasses set ``lexicon`` before calling ``_build``."""

    lexicon: Lexicon

    def _build(self, docs: dict[str, list[str]]) -> None:
        normalize = self.lexicon.normalize
        # Pass 1: each text's folded words and their written forms, and document frequencies.
        owners: list[str] = []
        texts_of: list[str] = []
        folds_of: list[list[str]] = []
        accs_of: list[list[str]] = []
        df: Counter[str] = Counter()
        self.doc_tokens: dict[str, dict[str, None]] = {}  # the words of each entry (as dict keys)
        for doc, texts in docs.items():
            # dicts, not sets: the same knowledge base must give the same index in every process
            # (typo repair breaks ties by vocabulary order; set order changes with the hash seed)
            union: dict[str, None] = {}
            for text in texts:
                toks = normalize(text)
                if not toks:
                    continue
                folds = list(map(_FOLD_OF, toks))
                owners.append(doc)
                texts_of.append(text)
                folds_of.append(folds)
                accs_of.append(list(map(_ACC_OF, toks)))
                union.update(dict.fromkeys(folds))
            df.update(union.keys())
            self.doc_tokens[doc] = union
        n = max(len(docs), 1)
        self._idf_max = math.log(1 + n / 0.5)
        self.weights = {tok: self._weight(tok, math.log(1 + n / d)) for tok, d in df.items()}
        self.unknown_weight = self._idf_max * 0.9
        # Pass 2: the phrasings (see above), the postings and the word pairs.
        self._word_ids = {tok: i for i, tok in enumerate(self.weights)}
        self._n_words = n_words = len(self._word_ids)
        word_id = self._word_ids.__getitem__
        times_n = itertools.repeat(n_words)
        nones = itertools.repeat(None)
        is_stop = (self.lexicon.stop_vi | self.lexicon.stop_en).__contains__
        weight_of = self.weights.__getitem__
        self.phrasings: list[str] = texts_of
        self._p_doc: list[str] = owners
        self._p_total: list[float] = []
        self._p_content: list[str] = []
        # the same words sorted: token_sort_ratio is ratio() of sorted texts, and sorting each
        # candidate's text again at every question was a sixth of the candidate loop
        self._p_sorted: list[str] = []
        self.words: list[dict[Any, Any]] = []
        add_total, add_content, add_words = self._p_total.append, self._p_content.append, self.words.append
        self.known_refs: set[tuple[str, str, str]] = set()
        postings: dict[str, list[int]] = defaultdict(list)
        pairs: set[int] = set()
        written: dict[str, str] = {}  # accented form -> folded word, from phrasings with accents
        # The phrasing numbers are made here, all together, so that they lie side by side in memory:
        # a question walks thousands of them in the postings, and scattered ones cost cache misses.
        numbers = list(range(len(folds_of)))
        for idx, folds in zip(numbers, folds_of, strict=True):
            accs = accs_of[idx]
            if not DOC_FIRST.isdisjoint(folds):
                # Phrasings show which numbers people use; only answers say who issued what.
                self.known_refs |= {(kind, number, "") for kind, number, _ in doc_refs(folds)}
            if accs != folds:  # written with accents
                written.update(zip(accs, folds, strict=True))
            words = dict(zip(folds, accs, strict=True))
            if len(words) != len(folds):
                words = _word_forms(folds, accs)
            ids = list(map(word_id, folds))
            bigrams = list(map(operator.add, map(operator.mul, ids, times_n), ids[1:]))  # _pair_key
            pairs.update(bigrams)
            words.update(zip(bigrams, nones, strict=False))
            add_words(words)
            distinct = dict.fromkeys(folds)
            add_total(sum(map(weight_of, distinct)) or 1.0)
            add_content(" ".join(itertools.filterfalse(is_stop, folds)) or " ".join(folds))
            self._p_sorted.append(" ".join(sorted(self._p_content[-1].split())))
            for f in distinct:
                postings[f].append(idx)
        self.postings: dict[str, tuple[int, ...]] = {f: tuple(ids) for f, ids in postings.items()}
        # each entry's phrasings (folded words), in index order, for the pair features
        self._phrasing_folds: dict[str, list[list[str]]] = defaultdict(list)
        for doc, folds in zip(owners, folds_of, strict=True):
            if not doc.startswith(SMALLTALK_PREFIX):
                self._phrasing_folds[doc].append(folds)
        self.pairs = frozenset(pairs)
        # The accented forms each folded word takes in phrasings written with accents (as keys).
        forms: dict[str, list[str]] = defaultdict(list)
        for a, f in written.items():
            forms[f].append(a)
        self.acc_forms: dict[str, dict[str, None]] = {f: dict.fromkeys(accs) for f, accs in forms.items()}
        self.vocab_by_len: dict[int, list[str]] = defaultdict(list)
        for tok in self.weights:
            if not tok.isdigit():
                self.vocab_by_len[len(tok)].append(tok)

    def _phrasings_mention(self, key: tuple[str, ...]) -> bool:
        """Whether the content of some phrasing has these words in a row. Only phrasings with the
        rarest of them can, and the postings say which those are."""
        needle = f" {' '.join(key)} "
        fewest = min((self.postings.get(word, ()) for word in key), key=len)
        return any(needle in f" {self._p_content[idx]} " for idx in fewest)

    def _pair_key(self, first: str | None, second: str | None) -> int | None:
        """How the index spells a pair of adjacent words; None for a pair no phrasing can have."""
        a, b = self._word_ids.get(first), self._word_ids.get(second)  # type: ignore[arg-type]
        return None if a is None or b is None else a * self._n_words + b

    def _weight(self, tok: str, idf: float) -> float:
        return idf * STOP_FACTOR if self.lexicon.is_stop(tok) else idf

    # -- query -----------------------------------------------------------------------------
    def _repair(self, tok: str) -> tuple[str, float] | None:
        """A known word for an unknown one, with how sure we are; None to leave it unknown."""
        if tok.isdigit() or "/" in tok or is_syllable(tok):
            return None
        telex = telex_residue(tok)
        if telex is not None and telex in self.weights:
            return telex, 0.95
        stem = next((s for s in stems(tok) if s in self.weights), None)
        if stem is not None:  # an English inflection of a word the index knows
            return stem, 1.0
        return self._correct(tok)

    def _repair_in_context(self, tok: str, prev: str | None, nxt: str | None) -> tuple[str, float] | None:
        """A one-letter slip that makes a real syllable ("vuu" for "vụ") is only corrected when the
        fix forms a word pair the knowledge base uses ("ngoại vụ"): "quốc khánh" stays unknown
        rather than becoming "quốc thanh"."""
        if len(tok) < 2 or tok.isdigit() or "/" in tok:
            return None
        pool: list[str] = []
        for size in (len(tok) - 1, len(tok), len(tok) + 1):
            pool.extend(self.vocab_by_len.get(size, ()))
        best: tuple[str, float] | None = None
        for cand, _, _ in process.extract_iter(tok, pool, scorer=Levenshtein.distance, score_cutoff=1):
            if self._pair_key(prev, cand) in self.pairs or self._pair_key(cand, nxt) in self.pairs:
                weight = self.weights[cand]
                if best is None or weight > best[1]:
                    best = (cand, weight)
        return (best[0], 0.8) if best else None

    def _correct(self, tok: str) -> tuple[str, float] | None:
        if len(tok) < 3:
            return None
        pool: list[str] = []
        for size in (len(tok) - 1, len(tok), len(tok) + 1):
            pool.extend(self.vocab_by_len.get(size, ()))
        hit = process.extractOne(tok, pool, scorer=Levenshtein.normalized_similarity,
                                 score_cutoff=TYPO_CUTOFF / 100)
        if hit is None:
            return None
        return hit[0], float(hit[1])

    def _query_tokens(self, tokens: list[Token]) -> tuple[list[_QTok], list[str]]:
        """Weighted distinct tokens, and the question's token sequence after typo correction."""
        out: dict[str, _QTok] = {}
        sequence: list[str] = []
        tokens = tokens[:MAX_QUERY_TOKENS]
        for i, t in enumerate(tokens):
            if t.fold in out:
                sequence.append(t.fold)
                continue
            known_forms = self.acc_forms.get(t.fold) if t.accented else None
            if known_forms and t.acc not in known_forms and not self.lexicon.is_stop_token(t):
                # Typed with accents the knowledge base never uses for these letters ("sông" where
                # it only has "song phương"): most likely another word, at best a slip.
                weight = max(self.weights.get(t.fold, 0.0), self.unknown_weight * 0.5)
                q = _QTok(t.fold, weight, ACCENT_MISMATCH, None)
            elif t.fold in self.weights:
                q = _QTok(t.fold, self.weights[t.fold], 1.0, t.acc if t.accented else None)
            elif self.lexicon.is_stop_token(t):
                q = _QTok(t.fold, self._idf_max * STOP_FACTOR, 0.0, None)
            else:
                prev = sequence[-1] if sequence else None
                nxt = tokens[i + 1].fold if i + 1 < len(tokens) else None
                # A real syllable typed with its accents ("khánh") is a word the knowledge base
                # does not have, not a slip to mend from its neighbours ("quốc thanh").
                fixed = self._repair(t.fold) or (
                    None if t.accented else self._repair_in_context(t.fold, prev, nxt))
                if fixed is not None and fixed[0] not in out:
                    # A corrected word counts, but less than a word typed right.
                    q = _QTok(fixed[0], self.weights[fixed[0]], fixed[1] * 0.85, None)
                else:
                    # An unknown small number ("5 năm") is a quantity, not a telling identifier.
                    small_number = t.fold.isdigit() and len(t.fold) <= 2
                    q = _QTok(t.fold, self.unknown_weight * (0.3 if small_number else 1.0), 0.0, None)
            out[q.fold] = q
            sequence.append(q.fold)
        return list(out.values()), sequence

    def score_all(self, text: str, limit: int = 5) -> list[Candidate]:
        """Ranked candidates (entries and small talk), best first, ranking scores 0-100."""
        return self._rank(self.lexicon.normalize(text), limit)

    def _rank(self, tokens: list[Token], limit: int = 5) -> list[Candidate]:
        query = self.read(tokens, [])
        return self._rank_query(query, limit) if query is not None else []

    def _rank_query(self, query: Query, limit: int = 5) -> list[Candidate]:
        qtoks, ordered, q_total = query.qtoks, query.sequence, query.total
        weights = self.weights
        by_fold = {q.fold: q for q in qtoks}
        q_bigrams = dict.fromkeys(b for b in itertools.pairwise(ordered) if b[0] != b[1])
        bigram_w = {b: by_fold[b[0]].weight + by_fold[b[1]].weight for b in q_bigrams
                    if b[0] in by_fold and b[1] in by_fold}
        b_total = sum(bigram_w.values())
        bigram_keys = [(self._pair_key(a, b), w) for (a, b), w in bigram_w.items()]
        q_content = " ".join(f for f in ordered if not self.lexicon.is_stop(f)) or " ".join(ordered)
        unknown_share = query.unknown_share
        # How much of the question's word pairs the knowledge base uses anywhere: questions about
        # other things are made of pairs it never says ("giám đốc", "mua nhà").
        pairs = self.pairs
        pair_share = (sum(w for b, w in bigram_keys if b in pairs) / b_total) if b_total else 1.0

        best: dict[str, tuple[float, int, tuple[float, float, float, float]]] = {}
        p_doc, p_total, p_sorted, words_of = self._p_doc, self._p_total, self._p_sorted, self.words
        q_sorted, ratio = " ".join(sorted(q_content.split())), fuzz.ratio
        for idx in self._candidates(qtoks):
            doc = p_doc[idx]
            words = words_of[idx]
            matched = 0.0
            p_matched = 0.0
            for q in qtoks:
                if q.credit == 0.0:
                    continue
                form = words.get(q.fold, _ABSENT)
                if form is _ABSENT:
                    continue
                w = weights[q.fold]
                credit = q.credit
                if (q.acc is not None and form != q.acc and form != q.fold
                        and (type(form) is not tuple or q.acc not in form)):
                    credit *= ACCENT_MISMATCH  # same letters, another word once accents are read
                matched += q.weight * credit
                p_matched += w * credit
            if matched == 0.0:
                continue
            cq = matched / q_total
            cp = p_matched / p_total[idx]
            cb = (sum(w for b, w in bigram_keys if b in words) / b_total) if b_total else cq
            fz = ratio(q_sorted, p_sorted[idx]) / 100.0  # token_sort_ratio, texts sorted once
            score = 0.45 * cq + 0.2 * cb + 0.2 * cp + 0.15 * fz
            if score > best.get(doc, (0.0, -1))[0]:
                best[doc] = (score, idx, (cq, cb, cp, fz))
        ranked = []
        for doc, (score, idx, parts) in best.items():
            union = self.doc_tokens[doc]
            ce = sum(q.weight * q.credit for q in qtoks if q.fold in union) / q_total
            # Only common words in common ("Thanh Hóa", "tỉnh") is no evidence at all.
            content = sum(q.weight * q.credit for q in qtoks
                          if q.fold in union and not self.lexicon.is_stop(q.fold))
            final = 0.85 * score + 0.15 * ce
            if not doc.startswith(SMALLTALK_PREFIX):
                final *= min(1.0, content / MIN_CONTENT_WEIGHT)
            features = (final, *parts, ce, math.log1p(content), unknown_share, pair_share)
            ranked.append(Candidate(doc, round(min(100.0, 100.0 * final), 1), self.phrasings[idx],
                                    features, idx))
        ranked.sort(key=lambda c: (-c.score, c.entry_id))
        return ranked[:limit]

    def _candidates(self, qtoks: list[_QTok]) -> Iterable[int]:
        """The phrasings worth scoring in full: those sharing the most telling weight with the
        question. Stop words only nominate candidates when nothing else does (small talk)."""
        for use_stop in (False, True):
            acc: dict[int, float] = defaultdict(float)
            for q in qtoks:
                if q.credit == 0.0 or (self.lexicon.is_stop(q.fold) and not use_stop):
                    continue
                w = q.weight * q.credit
                for idx in self.postings.get(q.fold, ()):
                    acc[idx] += w
            if acc:
                if len(acc) <= MAX_CANDIDATES:
                    return acc.keys()
                return [idx for idx, _ in heapq.nlargest(MAX_CANDIDATES, acc.items(), key=itemgetter(1))]
        return ()

    @staticmethod
    def _mentions(folds: list[str], phrases: list[tuple[str, ...]]) -> bool:
        firsts = {p[0] for p in phrases}
        return any(
            tuple(folds[i : i + len(p)]) == p
            for i, f in enumerate(folds) if f in firsts
            for p in phrases if p[0] == f
        )
