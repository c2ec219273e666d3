"""Find the knowledge-base entry a question is about, and how sure we are.

Every phrasing and keyword is normalised once at load time into weighted tokens. A question is
normalised the same way; unknown words are corrected against the vocabulary with rapidfuzz when
they look like typos, and otherwise count against the match, because a question full of words the
knowledge base has never seen ("tuyển dụng công chức") is most likely about something else.

The score of a phrasing mixes four signals, each 0..1:
- how much of the question's telling weight the phrasing covers (rare words weigh more: idf),
- how many of the question's adjacent word pairs it shares (Vietnamese words are often two
  syllables: "công chức" must not match "công tác" + "tổ chức"),
- how much of the phrasing the question covers (a short question should not match a long
  phrasing on one shared word),
- rapidfuzz's token_sort_ratio of the two texts.
An entry scores as its best phrasing, nudged by how well all its phrasings together cover the
question. Scores are 0-100; settings decide where "answer" and "clarify" start.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge import segment
from knowledge.docrefs import DOC_FIRST, doc_refs, known_ref
from knowledge.features import PairFeatures
from knowledge.legacy import Calibration
from knowledge.model import KnowledgeBase, gc_paused
from knowledge.normalize import Lexicon, Token, detect_language, fold, is_syllable, raw_tokens, telex_residue
from knowledge.qtype import QuestionKinds
from knowledge.ranker import Ranker, load_ranker

SMALLTALK_PREFIX = "smalltalk:"
_WORD_RE = re.compile(r"[^\W_]+")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
STOP_FACTOR = 0.15
TYPO_CUTOFF = 78.0
MAX_CANDIDATES = 80
MAX_QUERY_TOKENS = 40
MIN_CONTENT_WEIGHT = 2.0
SMALLTALK_THRESHOLD = 45.0
SMALLTALK_SURE = 80.0  # a pattern this close is small talk even with a question word ("bạn là ai")
ACCENT_MISMATCH = 0.45
TOP_K = 8  # candidates the learned model re-ranks
MIN_RANK = 10.0  # ranking score below which an entry is no candidate
SHORT_QUESTION = 6  # words: so short it may leave its subject to the context

def lexicon_from(language: dict) -> Lexicon:
    syn = language.get("synonyms.yaml") or {}
    stop = language.get("stopwords.yaml") or {}
    pad = syn.get("padding") or {}
    return Lexicon.build(
        abbreviations=syn.get("abbreviations") or {},
        contextual=syn.get("contextual") or {},
        synonyms=syn.get("synonyms") or [],
        leading=pad.get("leading") or [],
        trailing=pad.get("trailing") or [],
        particles=pad.get("particles") or [],
        stop_vi=[str(w) for w in stop.get("vi") or []],
        stop_en=[str(w) for w in stop.get("en") or []],
    )


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
    # the learned model's chance (0-100) that this entry answers the question
    chance: float = 0.0


@dataclass
class MatchResult:
    status: str  # answer | clarify | fallback | smalltalk
    lang: str
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    # chance (0-100) that the top candidate is the right answer
    confidence: float = 0.0
    # what the question asks for that no entry holds (reason "not-held"): budget, person, ...
    not_held: frozenset[str] = frozenset()
    # a second question in the same message, answered by another entry: offered as an option
    also: Candidate | None = None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


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


class Matcher:
    """Precomputed index over one knowledge base. Immutable once built; rebuild to reload.

    ``ranker`` is the learned confidence model (loaded from the committed file by default);
    ``legacy=True`` gives the previous matcher, with the logistic calibration, for comparison."""

    def __init__(self, kb: KnowledgeBase, answer_threshold: float | None = None,
                 clarify_threshold: float | None = None, calibration: Calibration | None = None,
                 ranker: Ranker | None = None, legacy: bool = False):
        with gc_paused():
            self._init(kb, answer_threshold, clarify_threshold, calibration, ranker, legacy)

    def _init(self, kb: KnowledgeBase, answer_threshold: float | None, clarify_threshold: float | None,
              calibration: Calibration | None, ranker: Ranker | None, legacy: bool) -> None:
        self.kb = kb
        self.calibration = calibration or Calibration.load()
        self.ranker = None if legacy else (ranker or load_ranker())
        source = self.ranker or self.calibration
        self.answer_threshold = source.answer_threshold if answer_threshold is None else answer_threshold
        self.clarify_threshold = source.clarify_threshold if clarify_threshold is None else clarify_threshold
        self.lexicon = lexicon_from(kb.language)
        self.kinds = QuestionKinds.from_data(kb.language.get("question_types.yaml"))
        docs: dict[str, list[str]] = {}
        # Hidden entries stay in the index, so that their questions are recognised and refused
        # instead of going to the nearest neighbour.
        self.hidden = frozenset(kb.hidden) - frozenset(kb.entries)
        indexed = [*kb.entries.values(), *(kb.hidden[h] for h in sorted(self.hidden))]
        for entry in indexed:
            docs[entry.id] = [*entry.all_questions(), *entry.keywords]
        for talk in kb.smalltalk.values():
            docs[SMALLTALK_PREFIX + talk.id] = list(talk.patterns)
        self.related = frozenset(
            pair for e in indexed for r in e.related for pair in ((e.id, r), (r, e.id))
        )
        self._build(docs)
        # line by line: normalisation reads at most a question's length at a time
        said = {e.id: frozenset(t.fold for text in e.answer.values() for line in text.splitlines()
                                for t in self.lexicon.normalize(line)) for e in indexed}
        declared = {e.id: frozenset(e.answers) for e in indexed}
        self.features = PairFeatures(self, self._phrasing_folds, declared, said)
        del self._phrasing_folds
        def words(lang: str) -> set[str]:
            # Words never span white space, so each distinct white-space-separated piece once will do.
            pieces: set[str] = set()
            for e in kb.entries.values():
                for q in e.questions.get(lang, ()):
                    pieces.update(q.split())
            return {fold(w) for w in set(_WORD_RE.findall(" ".join(pieces).lower()))}

        self._en_words = frozenset(words("en") | self.lexicon.stop_en)
        self._vi_words = frozenset(words("vi") - self.lexicon.stop_en)
        places = (kb.language.get("synonyms.yaml") or {}).get("other_places") or []
        place_keys = {tuple(t.fold for t in raw_tokens(str(p))) for p in places} - {()}
        self.other_places = [key for key in place_keys if not self._phrasings_mention(key)]
        # A place the knowledge base names ("VCCI Thanh Hóa – Ninh Bình") is still another place
        # when the question calls it a province or city ("kế hoạch của tỉnh Ninh Bình").
        self.named_places = [(prefix, *key) for key in place_keys if key not in self.other_places
                             for prefix in ("tinh", "pho")]
        self.home = [("thanh", "hoa"), ("xu", "thanh")]
        self.years = {f for f in self.weights if _YEAR_RE.fullmatch(f)}
        for entry in kb.entries.values():
            for text in entry.answer.values():
                folds = [t.fold for t in raw_tokens(text)]
                self.known_refs |= doc_refs([t.fold for t in self.lexicon.normalize(text)])
                self.years.update(f for f in folds if _YEAR_RE.fullmatch(f))

    # -- index -----------------------------------------------------------------------------
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
    def language(self, text: str, default: str = "vi") -> str:
        return detect_language(text, self._en_words, self._vi_words, default)

    def _repair(self, tok: str) -> tuple[str, float] | None:
        """A known word for an unknown one, with how sure we are; None to leave it unknown."""
        if tok.isdigit() or "/" in tok or is_syllable(tok):
            return None
        telex = telex_residue(tok)
        if telex is not None and telex in self.weights:
            return telex, 0.95
        for suffix, repl in (("ies", "y"), ("s", ""), ("ing", ""), ("ed", ""), ("ed", "e")):
            stem = tok[: -len(suffix)] + repl
            if tok.endswith(suffix) and len(tok) > len(suffix) + 2 and stem in self.weights:
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
                fixed = self._repair(t.fold) or self._repair_in_context(t.fold, prev, nxt)
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

    def read(self, tokens: list[Token], raw_folds: list[str]) -> Query | None:
        """The question as the index reads it; None when it has no words at all."""
        qtoks, ordered = self._query_tokens(tokens)
        if not qtoks:
            return None
        q_total = sum(q.weight for q in qtoks) or 1.0
        unknown = sum(q.weight * (1.0 - q.credit) for q in qtoks
                      if q.credit < 1.0 and not (q.credit == 0.0 and self.lexicon.is_stop(q.fold)))
        not_held = self.kinds.not_held_of(raw_folds)
        if any(_YEAR_RE.fullmatch(f) and f not in self.years for f in raw_folds):
            not_held |= {"year"}  # a year the knowledge base never mentions: nothing to say about it
        return Query(qtoks, ordered, q_total, unknown / q_total, self.kinds.types_of(raw_folds), not_held)

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
        p_doc, p_total, p_content, words_of = self._p_doc, self._p_total, self._p_content, self.words
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
            fz = fuzz.token_sort_ratio(q_content, p_content[idx]) / 100.0
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

    def match(self, text: str, default_lang: str = "vi") -> MatchResult:
        """What to do with a message: answer, clarify, small talk or fall back, in its language.
        A long message is answered from the question(s) in it (knowledge/segment.py)."""
        lang = self.language(text, default_lang)
        if self.ranker is None:  # the previous matcher: the message as a whole, nothing more
            return self._decide(text, lang)
        parts = segment.questions(text)
        if not parts:
            return self._match_one(text, lang)
        results = [self._match_one(part, lang) for part in parts]
        answered = [r for r in results if r.status == "answer"]
        if answered:
            first = answered[0]
            first_id = first.candidates[0].entry_id
            second = next((r for r in answered[1:] if r.candidates[0].entry_id != first_id), None)
            first.also = second.candidates[0] if second else None
            return first
        whole = self._match_one(text, lang)
        if whole.status == "answer":
            return whole
        # a question the bot must refuse for what it asks is refused as such
        refused = next((r for r in results if r.reason in ("not-held", "unknown-document", "other-place",
                                                              "hidden")), None)
        # What the context says ("I used to do paperwork there") is not what the question asks for.
        others = [whole] if whole.reason != "not-held" else []
        return refused or max([*results, *others], key=lambda r: r.confidence)

    def examine(self, text: str) -> tuple[Query | None, list[Candidate], Candidate | None, str]:
        """The question read, its entry candidates (best ranking first), the best small-talk
        candidate, and the reason to refuse whatever the scores ("" if none)."""
        tokens = self.lexicon.normalize(text)
        if not tokens:
            return None, [], None, "empty"
        raw = [t.fold for t in raw_tokens(text)]
        query = self.read(tokens, raw)
        ranked = self._rank_query(query, TOP_K + 4) if query is not None else []
        talk = next((c for c in ranked if c.entry_id.startswith(SMALLTALK_PREFIX)), None)
        # A candidate sharing only common words ("Thanh Hóa", "tỉnh") scores 0: no evidence at all.
        entries = [c for c in ranked
                   if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.score >= MIN_RANK][:TOP_K]
        refs = doc_refs([t.fold for t in tokens])
        if any(not known_ref(ref, self.known_refs) for ref in refs):
            return query, entries, talk, "unknown-document"
        if (self._mentions(raw, self.other_places) or self._mentions(raw, self.named_places)) and not (
                self._mentions(raw, self.home)):
            return query, entries, talk, "other-place"
        if not ranked or query is None:
            return query, entries, talk, "no-match"
        return query, entries, talk, ""

    def pair_rows(self, query: Query, entries: list[Candidate], talk: Candidate | None) -> Any:
        return self.features.rows(query, entries, talk.score if talk else 0.0)

    def _match_one(self, text: str, lang: str) -> MatchResult:
        result = self._decide(text, lang)
        if result.status == "fallback" and result.reason == "low-score" and self.kinds.context:
            # A short question with no subject of its own ("sở nào lo việc này?") is about the plan:
            # asked again with the plan named, it is answered only if that is then clear.
            raw = [t.fold for t in raw_tokens(text)]
            if len(raw) <= SHORT_QUESTION and self.kinds.types_of(raw):
                again = self._decide(f"{text} {self.kinds.context}", lang)
                if again.status == "answer":
                    return again
        return result

    def _decide(self, text: str, lang: str) -> MatchResult:
        query, entries, talk, reason = self.examine(text)
        if reason:
            return MatchResult("fallback", lang, self._visible(entries), reason=reason)
        assert query is not None
        ranked = [talk, *entries] if talk is not None and (not entries or talk.score >= entries[0].score) \
            else [*entries, *([talk] if talk else [])]
        if self.ranker is None:
            return self._legacy_decide(ranked, entries, lang)
        if entries:
            chances = self.ranker.predict(self.pair_rows(query, entries, talk))
            entries = [dataclasses.replace(c, chance=round(100.0 * float(p), 1))
                       for c, p in zip(entries, chances, strict=True)]
            entries.sort(key=lambda c: (-c.chance, -c.score, c.entry_id))
        top = entries[0] if entries else None
        confidence = top.chance if top else 0.0
        # Small talk only when the message is small talk: a short question about "this" with a
        # question word is a question about the plan.
        if talk is not None and talk.score >= SMALLTALK_THRESHOLD and confidence < self.answer_threshold and (
                not query.types or talk.score >= SMALLTALK_SURE or top is None):
            return MatchResult("smalltalk", lang, [talk, *entries], confidence=talk.score)
        if top is not None and top.entry_id in self.hidden:
            return MatchResult("fallback", lang, self._visible(entries), reason="hidden",
                               confidence=confidence)
        held = self.features.facts[top.entry_id].declared if top is not None else frozenset()
        if query.not_held and not query.not_held <= held:
            # It names what the bot knows but asks for what no entry holds: say so, never answer
            # with the general entry.
            return MatchResult("fallback", lang, self._visible(entries)[:3], reason="not-held",
                               confidence=confidence, not_held=query.not_held)
        visible = self._visible(entries)
        if top is None:
            return MatchResult("fallback", lang, reason="low-score")
        if confidence >= self.answer_threshold:
            return MatchResult("answer", lang, visible, confidence=confidence)
        if visible and confidence >= self.clarify_threshold:
            return MatchResult("clarify", lang, visible[:3], confidence=confidence)
        if query.not_held:  # unsure, and it asks for what the sources do not hold: say which
            return MatchResult("fallback", lang, visible[:3], reason="not-held", confidence=confidence,
                               not_held=query.not_held)
        return MatchResult("fallback", lang, visible, reason="low-score", confidence=confidence)

    def _visible(self, candidates: list[Candidate]) -> list[Candidate]:
        return [c for c in candidates
                if c.entry_id not in self.hidden and not c.entry_id.startswith(SMALLTALK_PREFIX)]

    def _legacy_decide(self, ranked: list[Candidate], entries: list[Candidate], lang: str) -> MatchResult:
        """The previous matcher's decision (logistic calibration), kept for comparison."""
        if not ranked:
            return MatchResult("fallback", lang, reason="no-match")
        top = ranked[0]
        if top.entry_id.startswith(SMALLTALK_PREFIX):
            if top.score >= SMALLTALK_THRESHOLD:
                return MatchResult("smalltalk", lang, ranked, confidence=top.score)
            return MatchResult("fallback", lang, ranked, reason="low-score")
        entries = self._visible(entries)
        if not entries:
            return MatchResult("fallback", lang, reason="no-match")
        confidence = self.calibration.confidence(entries, self.related)
        if confidence >= self.answer_threshold:
            return MatchResult("answer", lang, entries, confidence=confidence)
        if confidence >= self.clarify_threshold:
            return MatchResult("clarify", lang, entries[:3], confidence=confidence)
        return MatchResult("fallback", lang, entries, reason="low-score", confidence=confidence)
