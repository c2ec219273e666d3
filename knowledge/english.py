"""English words as people type them: inflected ("provinces", "directives"), British or American,
or misspelt on a phone ("directiv", "goverment", "responsable").

The synonym rewrite turns the plan's English terms into Vietnamese ones before matching, so the
index never sees "directive" and its typo repair cannot mend "directiv". This module maps such a
word to the form the language resources list, before that rewrite. An English word list (from
pyspellchecker) keeps real words as they are: "besides" is not a typo of "resides".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.syllables import is_syllable, telex_residue

# Words seen fewer times than this in the word list's corpus are rare or misspellings themselves.
KNOWN_FREQUENCY = 100
MIN_LENGTH = 4  # shorter words have too many neighbours one letter away
LONG_WORD = 8  # from this length two slips are still one word
# Inflections, longest first: (suffix, what replaces it).
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("es", ""), ("ed", ""),
             ("ed", "e"), ("s", ""), ("d", ""))
# British spellings the (American) word list lacks: ending -> American ending.
_BRITISH = (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
            ("ises", "izes"), ("our", "or"), ("ours", "ors"), ("tre", "ter"), ("mme", "m"),
            ("mmes", "ms"), ("ence", "ense"), ("lled", "led"), ("lling", "ling"))


def stems(word: str) -> Iterator[str]:
    """The word without an English inflection, longest suffix first ("directives": "directive",
    "directiv"); the caller keeps the first stem it knows."""
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(repl) >= MIN_LENGTH:
            yield word[: -len(suffix)] + repl


@cache
def _known_words() -> frozenset[str]:
    """The common words of the English word list, loaded once per process, when first needed."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n >= KNOWN_FREQUENCY)


def is_english_word(word: str) -> bool:
    known = _known_words()
    if word in known:
        return True
    return any(word.endswith(british) and word[: -len(british)] + american in known
               for british, american in _BRITISH)


class EnglishForms:
    """Maps a typed English word to one the language resources know, or None to leave it."""

    def __init__(self, targets: Iterable[str]) -> None:
        # Only plain lower-case ASCII words: Vietnamese words are not mended here.
        self.targets = frozenset(w for w in targets if w.isascii() and w.isalpha())
        self._by_len: dict[int, list[str]] = {}
        for word in sorted(self.targets):
            if len(word) >= MIN_LENGTH:
                self._by_len.setdefault(len(word), []).append(word)
        self._memo: dict[str, str | None] = {}

    def base(self, word: str) -> str | None:
        if word in self.targets or not word.isascii() or not word.isalpha():
            return None
        memo = self._memo
        if word in memo:
            return memo[word]
        found = self._inflected(word) or self._corrected(word)
        if len(memo) > 65536:
            memo.clear()
        memo[word] = found
        return found

    def _inflected(self, word: str) -> str | None:
        return next((stem for stem in stems(word) if stem in self.targets), None)

    def _corrected(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH + 1 or is_syllable(word) or telex_residue(word) is not None:
            return None
        if is_english_word(word):
            return None
        limit = 2 if len(word) >= LONG_WORD else 1
        pool: list[str] = []
        for size in range(len(word) - limit, len(word) + limit + 1):
            pool.extend(self._by_len.get(size, ()))
        if not pool:
            return None
        # The closest; between equally close ones, a common English word, then the first listed.
        known = _known_words()
        best: tuple[int, bool, str] | None = None
        for cand, dist, _ in process.extract_iter(word, pool, scorer=OSA.distance, score_cutoff=limit):
            key = (int(dist), cand not in known, cand)
            if best is None or key < best:
                best = key
        return best[2] if best else None
