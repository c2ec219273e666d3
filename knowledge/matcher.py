"""Find the knowledge-base entry a question is about, and how sure we are.

The index (knowledge/index.py) ranks candidate entries; the learned model (knowledge/ranker.py,
over the pair features of knowledge/features.py) re-ranks the best of them and says how likely each
is to answer the question. Around that sit the rules no score overrides: a document the knowledge
base does not know, another province, a hidden entry, a question asking for what no source holds.
Long messages are answered from their questions (knowledge/segment.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge import segment
from knowledge.docrefs import doc_refs, known_ref
from knowledge.features import PairFeatures
from knowledge.index import SMALLTALK_PREFIX, Candidate, Index, Query
from knowledge.language import detect_language
from knowledge.legacy import Calibration
from knowledge.model import Entry, KnowledgeBase, gc_paused
from knowledge.normalize import MAX_MATCH_CHARS, Lexicon, Token, fold, raw_tokens
from knowledge.qtype import QuestionKinds
from knowledge.ranker import Ranker, load_ranker
from knowledge.scope import MAX_CHARS as SCOPE_CHARS

__all__ = ["SMALLTALK_PREFIX", "Candidate", "MatchResult", "Matcher", "Query", "lexicon_from"]

_WORD_RE = re.compile(r"[^\W_]+")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
SMALLTALK_THRESHOLD = 45.0
SMALLTALK_SURE = 80.0  # a pattern this close is small talk even with a question word ("bạn là ai")
TOP_K = 8  # candidates the learned model re-ranks
MIN_RANK = 10.0  # ranking score below which an entry is no candidate
SCOPE_DOUBT = 0.5  # scope chance under which a well-matched question is one the sources do not answer
# A ranking score from which a question doubted in scope names what the knowledge base knows: a near
# miss, told so with the entries it names. The earlier-questions memory makes the pair model sure
# such questions are answered by no entry, so its chance no longer says how well one matches.
# On held-outs 7-9 far-off questions ranked at most 40, near misses mostly above 45.
NEAR_MISS_RANK = 45.0
TAUGHT_CONFIDENCE = 99.0  # a question asked exactly as an entry's own phrasing
SHORT_QUESTION = 6  # words: so short it may leave its subject to the context
CLARIFY_RATIO = 0.6  # training sets the clarify threshold at this share of the answer threshold
# A question that points back and is answered this surely alone is not read again in context.
CONTEXT_SURE = 80.0
# A paste longer than this (several stories in a row) is not read in context: the sentences just
# before a question there are seldom its subject, and each reading costs a full match.
CONTEXT_CHARS = 1500
# Two questions in one message are both answered when their answers together are this short (one
# phone screen or two); otherwise the second is offered as an option.
BOTH_ANSWERS_CHARS = 1800


def reading(query: Query) -> str:
    """A question's words as read, the text the earlier-questions memory compares."""
    return " ".join(query.sequence)


def answers_both(first: Entry, second: Entry, lang: str) -> bool:
    """Whether a message's second question is answered in full beside its first."""
    size = sum(len(e.answer.get(lang) or e.answer["vi"]) for e in (first, second))
    return first.id != second.id and size <= BOTH_ANSWERS_CHARS


def lexicon_from(language: dict) -> Lexicon:
    syn = language.get("synonyms.yaml") or {}
    stop = language.get("stopwords.yaml") or {}
    pad = syn.get("padding") or {}
    # YAML reads a bare 119 as a number: every word is text here.
    return Lexicon.build(
        abbreviations={str(k): str(v) for k, v in (syn.get("abbreviations") or {}).items()},
        contextual=syn.get("contextual") or {},
        synonyms=[[str(v) for v in group] for group in syn.get("synonyms") or []],
        leading=[str(w) for w in pad.get("leading") or []],
        trailing=[str(w) for w in pad.get("trailing") or []],
        particles=[str(w) for w in pad.get("particles") or []],
        stop_vi=[str(w) for w in stop.get("vi") or []],
        stop_en=[str(w) for w in stop.get("en") or []],
        stop_other=[str(w) for w in stop.get("other") or []],
    )


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
    # a second question in the same message, answered by another entry: answered too when
    # both answers are short (answers_both), else offered as an option
    also: Candidate | None = None
    # a question in the same message refused for asking what no source holds (reason "not-held"):
    # the reply says so beside the answer, rather than passing over it
    declined: MatchResult | None = None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher(Index):
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
        self._scope_known: dict[str, bool] = {}
        self._memo: dict[tuple[str, str, str | None], tuple[Any, ...]] | None = None
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
        memory = self.ranker.memory if self.ranker is not None else None
        self._newcomers = {doc: memory.vectors([" ".join(f) for f in folds])
                           for doc, folds in self._phrasing_folds.items()
                           if memory is not None and doc in kb.entries and doc not in memory.by_entry}
        self._taught = self._own_phrasings(indexed)
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
    def language(self, text: str, default: str = "vi") -> str:
        return detect_language(text, self._en_words, self._vi_words, default)

    def read(self, tokens: list[Token], raw_folds: list[str], asked: list[str] | None = None) -> Query | None:
        """The question as the index reads it; None when it has no words at all. ``asked``: the
        words of the sentences that ask (segment.asked), which say what kind of answer is wanted
        and what it asks for that no entry holds; by default all of them."""
        qtoks, ordered = self._query_tokens(tokens)
        if not qtoks:
            return None
        q_total = sum(q.weight for q in qtoks) or 1.0
        unknown = sum(q.weight * (1.0 - q.credit) for q in qtoks
                      if q.credit < 1.0 and not (q.credit == 0.0 and self.lexicon.is_stop(q.fold)))
        asked = raw_folds if asked is None else asked
        not_held = self.kinds.not_held_of(asked)
        if any(_YEAR_RE.fullmatch(f) and f not in self.years for f in asked) and not (
                self.kinds.checks_statement(asked)):
            not_held |= {"year"}  # a year the knowledge base never mentions: nothing to say about it
        return Query(qtoks, ordered, q_total, unknown / q_total, self.kinds.types_of(asked), not_held)

    def match(self, text: str, default_lang: str = "vi") -> MatchResult:
        """What to do with a message: answer, clarify, small talk or fall back, in its language.
        A long message is answered from the question(s) in it (knowledge/segment.py)."""
        lang = self.language(text, default_lang)
        if self.ranker is None:  # the previous matcher: the message as a whole, nothing more
            return self._decide(text, lang)
        parts = segment.readings(text)
        if not parts:
            return self._match_one(text, lang)
        results: list[MatchResult] = []
        first: MatchResult | None = None
        for part, joined in parts:  # until the first answer and a second one from another entry
            result = self._match_one(part, lang)
            # It points back: read it with what the sentences before name too, unless it is clear
            # alone or is a second question answered alone (each reading of a long paste costs a
            # full match).
            if joined is not None and len(text) <= CONTEXT_CHARS and not (result.status == "answer" and (
                    result.confidence >= CONTEXT_SURE or first is not None)):
                again = self._match_one(joined, lang)
                if again.status == "answer" and (result.status != "answer"
                                                 or again.confidence > result.confidence):
                    result = again
            results.append(result)
            if result.status != "answer":
                continue
            if first is None:
                first = result
            elif result.candidates[0].entry_id != first.candidates[0].entry_id:
                first.also = result.candidates[0]
                break
        if first is not None:
            first.declined = next((r for r in results if r.reason == "not-held"), None)
            return first
        # Read whole too, unless it is longer than the matcher reads (then only its opening would be
        # read: the introduction, rarely the question).
        whole = self._match_one(text, lang) if len(text) <= MAX_MATCH_CHARS else None
        if whole is not None and whole.status == "answer":
            return whole
        # a question the bot must refuse for what it asks is refused as such
        refused = next((r for r in results if r.reason in ("not-held", "unknown-document", "other-place",
                                                              "hidden")), None)
        # What the context says ("I used to do paperwork there") is not what the question asks for.
        others = [whole] if whole is not None and whole.reason != "not-held" else []
        return refused or max([*results, *others], key=lambda r: r.confidence)

    def examine(self, text: str) -> tuple[Query | None, list[Candidate], Candidate | None, str]:
        """The question read, its entry candidates (best ranking first), the best small-talk
        candidate, and the reason to refuse whatever the scores ("" if none)."""
        tokens = self.lexicon.normalize(text)
        if not tokens:
            return None, [], None, "empty"
        raw = [t.fold for t in raw_tokens(text)]
        question = segment.asked(text)
        query = self.read(tokens, raw, raw if question == text else [t.fold for t in raw_tokens(question)])
        ranked = self._rank_query(query, TOP_K + 4) if query is not None else []
        talk = next((c for c in ranked if c.entry_id.startswith(SMALLTALK_PREFIX)), None)
        # A candidate sharing only common words ("Thanh Hóa", "tỉnh") scores 0: no evidence at all.
        entries = [c for c in ranked
                   if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.score >= MIN_RANK][:TOP_K]
        refs = doc_refs([t.fold for t in tokens])
        unknown = [ref for ref in refs if not known_ref(ref, self.known_refs)]
        # "Chỉ thị 15 thay Chỉ thị 30 phải không?" checks a premise about a document it knows
        if unknown and not (len(unknown) < len(refs) and self.kinds.checks_statement(raw)):
            return query, entries, talk, "unknown-document"
        if (self._mentions(raw, self.other_places) or self._mentions(raw, self.named_places)) and not (
                self._mentions(raw, self.home)):
            return query, entries, talk, "other-place"
        if not ranked or query is None:
            return query, entries, talk, "no-match"
        return query, entries, talk, ""

    def scope_reading(self, text: str) -> str:
        """A question as the scope model reads it: its words normalised, as the index reads them."""
        return " ".join(t.fold for t in self.lexicon.normalize(text[:SCOPE_CHARS]))

    def pair_rows(self, query: Query, entries: list[Candidate], talk: Candidate | None,
                  lang: str = "vi") -> Any:
        return self.features.rows(query, entries, talk.score if talk else 0.0, lang == "en")

    def model_rows(self, query: Query, entries: list[Candidate], talk: Candidate | None,
                   lang: str = "vi") -> Any:
        """What the learned model reads: the pair features, then how close the question is to
        the earlier questions each candidate answered (knowledge/memory.py)."""
        rows = self.pair_rows(query, entries, talk, lang)
        memory = self.ranker.memory if self.ranker is not None else None
        if memory is None:
            return rows
        extra = memory.question_columns(reading(query), [c.entry_id for c in entries], self.related,
                                        self._newcomers)
        return np.hstack([rows, extra])

    def _match_one(self, text: str, lang: str) -> MatchResult:
        result = self._decide(text, lang)
        unsure = result.status == "clarify" or (result.status == "fallback" and result.reason == "low-score")
        if unsure and self.kinds.context:
            # A short question with no subject of its own ("sở nào lo việc này?") is about the plan:
            # asked again with the plan named, it is answered only if that is then clear.
            raw = [t.fold for t in raw_tokens(text)]
            if len(raw) <= SHORT_QUESTION and self.kinds.types_of(raw) and not self._has_unknown(text):
                again = self._decide(f"{text} {self.kinds.context}", lang, asked=text)
                if again.status == "answer":
                    return again
        return result

    def _has_unknown(self, text: str) -> bool:
        """Whether a word of the question is one the knowledge base does not know: then it has a
        subject of its own ("ngày quốc khánh là ngày nào"), not one left to the context."""
        tokens = self.lexicon.normalize(text)
        query = self.read(tokens, [t.fold for t in raw_tokens(text)]) if tokens else None
        return query is not None and query.unknown_share > 0.0

    def _decide(self, text: str, lang: str, asked: str | None = None) -> MatchResult:
        """``asked``: what the person wrote, when ``text`` adds the bot's context to it: whether
        the sources answer it is judged on both readings."""
        key = (text, lang, asked)
        found = self._memo.get(key) if self._memo is not None else None
        if found is None:
            query, entries, talk, reason = self.examine(text)
            scored = self._scored(query, entries, talk, text, lang, asked) \
                if not reason and query is not None and self.ranker is not None else None
            found = (query, entries, talk, reason, scored)
            if self._memo is not None:
                self._memo[key] = found
        query, entries, talk, reason, scored = found
        if reason:
            return MatchResult("fallback", lang, self._visible(entries), reason=reason)
        assert query is not None
        if scored is None:
            first = talk is not None and (not entries or talk.score >= entries[0].score)
            ranked = [talk, *entries] if first else [*entries, *([talk] if talk else [])]
            return self._legacy_decide(ranked, entries, lang)
        return self._decide_scored(query, *scored, talk, lang)

    def breakpoints(self) -> set[float]:
        """Answer thresholds at which a decision on the memoised texts could change: where the top
        chance meets the answer threshold, or the clarify one, or the scope doubt's bound."""
        out: set[float] = set()
        ratio = self.clarify_threshold / self.answer_threshold if self.answer_threshold else CLARIFY_RATIO
        for *_, scored in (self._memo or {}).values():
            if scored and scored[0]:
                chance, inside = scored[0][0].chance, scored[1]
                pair = scored[0][0].pair
                out |= {chance, chance / ratio, *([pair / ratio] if inside > 0 else [])}
        return out

    @contextmanager
    def memoised(self) -> Iterator[None]:
        """Score each text once while inside: deciding the same messages at many thresholds then
        costs only the decisions (training chooses the thresholds this way)."""
        self._memo = {}
        try:
            yield
        finally:
            self._memo = None

    def _scored(self, query: Query, entries: list[Candidate], talk: Candidate | None, text: str, lang: str,
                asked: str | None) -> tuple[list[Candidate], float, set[str]]:
        """The candidates with the model's chances (best first), the scope chance, and the
        candidates the scope model judges."""
        inside = self.ranker.in_scope([self.scope_reading(t) for t in ([text, asked] if asked else [text])]
                                      ) if self.ranker else 0.0
        judged: set[str] = set()
        if entries and self.ranker is not None:
            judged = {c.entry_id for c in entries if self._scope_judges(query, c.entry_id)}
            pairs = self.ranker.predict(self.model_rows(query, entries, talk, lang))
            chances = self.ranker.weigh(pairs, inside, [c.entry_id in judged for c in entries])
            # A question asked exactly as one of an entry's phrasings was taught that entry (by
            # whoever wrote it, often an administrator from the review queue): it is answered.
            own = self._taught.get(tuple(t.fold for t in self.lexicon.normalize(text)))
            entries = [dataclasses.replace(c, chance=max(round(100.0 * float(p), 1),
                                                         TAUGHT_CONFIDENCE if c.entry_id == own else 0.0),
                                           pair=round(100.0 * float(alone), 1))
                       for c, p, alone in zip(entries, chances, pairs, strict=True)]
            entries.sort(key=lambda c: (-c.chance, -c.score, c.entry_id))
        return entries, inside, judged

    def _decide_scored(self, query: Query, entries: list[Candidate], inside: float, judged: set[str],
                       talk: Candidate | None, lang: str) -> MatchResult:
        """The decision at this matcher's thresholds; no scoring here, so that training can try
        many thresholds on one scoring (``memoised``)."""
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
            return MatchResult("fallback", lang, self._about(entries), reason="not-held",
                               confidence=confidence, not_held=query.not_held)
        visible = self._visible(entries)
        if top is None:
            return MatchResult("fallback", lang, reason="low-score")
        if (confidence < self.answer_threshold and top.entry_id in judged and 0.0 < inside < SCOPE_DOUBT
                and (top.pair >= self.clarify_threshold or top.score >= NEAR_MISS_RANK)):
            # The entry matches well but the question is unlike what the sources answer ("who chairs
            # the Front now?"): say plainly there is no information on that, and offer the entries.
            return MatchResult("fallback", lang, self._about(entries), reason="not-held",
                               confidence=confidence, not_held=query.not_held)
        if confidence >= self.answer_threshold:
            return MatchResult("answer", lang, visible, confidence=confidence)
        if visible and confidence >= self.clarify_threshold:
            return MatchResult("clarify", lang, visible[:3], confidence=confidence)
        if query.not_held:  # unsure, and it asks for what the sources do not hold: say which
            return MatchResult("fallback", lang, self._about(entries), reason="not-held",
                               confidence=confidence, not_held=query.not_held)
        return MatchResult("fallback", lang, visible, reason="low-score", confidence=confidence)

    def _about(self, entries: list[Candidate]) -> list[Candidate]:
        """The entries a question the sources cannot answer is about, to offer: by how well they
        match its words. The model gives each a chance near nought, and that order says little
        ("who chairs the Front now?" offers the Front's entries, not the friendship union's)."""
        return sorted(self._visible(entries), key=lambda c: (-c.score, c.entry_id))[:3]

    def _own_phrasings(self, indexed: list[Entry]) -> dict[tuple[str, ...], str]:
        """Each phrasing, as read, to the one entry it belongs to ("" when several share it)."""
        asked = {e.id: frozenset(e.all_questions()) for e in indexed}
        taught: dict[tuple[str, ...], str] = {}
        position: dict[str, int] = defaultdict(int)
        for text, doc in zip(self.phrasings, self._p_doc, strict=True):
            if doc.startswith(SMALLTALK_PREFIX):
                continue
            folds = self._phrasing_folds[doc][position[doc]]
            position[doc] += 1
            if text in asked.get(doc, ()):
                key = tuple(folds)
                taught[key] = doc if taught.get(key, doc) == doc else ""
        return taught

    def _scope_judges(self, query: Query, entry_id: str) -> bool:
        """Whether the scope model's opinion counts for this candidate: not for an entry it never
        saw (added or rewritten in the chat), and not for a request for contacts, which live in
        contacts.yaml rather than in the sources."""
        if self.ranker is None or self.ranker.scope is None:
            return False
        if "contact" in query.types and "contact" in self.features.facts[entry_id].types:
            return False
        known = self._scope_known.get(entry_id)
        if known is None:
            entry = self.kb.entries.get(entry_id) or self.kb.hidden[entry_id]
            known = self._scope_known[entry_id] = self.ranker.scope.knows(entry)
        return known

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
