"""Words as typed, in two forms: ``acc`` (lower case, tone mark in one canonical place) and
``fold`` (no diacritics, đ → d).

This is the part of normalisation that needs no language resources: cleaning, dates kept as one
token, letters cut from digits. The rewrites that do (shorthand, synonyms, padding) are the
Lexicon's, in knowledge/normalize.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining marks that carry the five Vietnamese tones (grave, acute, tilde, hook, dot below).
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
# Questions longer than this are cut before matching: nobody's question needs more, and the
# cut keeps a 100,000-character paste as cheap as a normal question.
MAX_MATCH_CHARS = 600

_POSSESSIVE_RE = re.compile(r"(?<=\w)['’](s|re|ve|ll|d)\b")
_DATE_RE = re.compile(r"(?<![\d/.-])(\d{1,2})\s?[/.-]\s?(\d{1,2})(?:\s?[/.-]\s?(\d{4}))?(?![\d/-])")
# A date is one token ("15/5/2023"), so its parts do not pose as document numbers. Letters glued
# to digits ("kh119") are separate tokens: a run of word characters is cut where letters meet digits.
TOKEN_RE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{4})?|\d+|[^\W\d_]+", re.UNICODE)


class _FoldTable(dict):
    """Code point -> what it becomes once decomposed (NFD) without its combining marks.

    NFD decomposes character by character and only reorders combining marks among themselves, so
    dropping the marks of each character's decomposition gives what dropping them from the whole
    decomposed text gives. Filled on demand; bounded, because questions come from anyone.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(self) < _FOLD_TABLE_MAX:
            self[code] = folded
        return folded


_FOLD_TABLE_MAX = 8192
_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip every diacritic (đ → d): how people type without Vietnamese input."""
    text = text.lower().replace("đ", "d").replace("Đ", "d")
    if text.isascii():  # nothing to decompose
        return text
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=65536)
def canonical_tone(word: str) -> str:
    """Put the tone mark of a syllable in one fixed place, so hoà/hòa and thuỷ/thủy compare equal.

    The tone goes on the last vowel of the first vowel run. That is not always the orthographic
    rule, but the form is only compared, never shown, and it is the same for old and new styles.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if not tones:
        return unicodedata.normalize("NFC", decomposed)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    start = next((i for i, c in enumerate(base) if c in _VOWELS), None)
    if start is None:
        return base
    end = start
    while end + 1 < len(base) and base[end + 1] in _VOWELS:
        end += 1
    return unicodedata.normalize("NFC", base[: end + 1] + tones[0] + base[end + 1 :])


def clean(text: str) -> str:
    """NFC, no control or format characters, bounded length: safe to match, log or echo."""
    text = unicodedata.normalize("NFC", text[: MAX_MATCH_CHARS * 4])
    if not text.isprintable():  # the per-character pass only when something needs removing
        text = "".join(
            " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text
        )
    return " ".join(text.split())[:MAX_MATCH_CHARS]


@dataclass(frozen=True, slots=True)
class Token:
    acc: str
    fold: str

    @property
    def accented(self) -> bool:
        return self.acc != self.fold


def _date(match: re.Match[str]) -> str:
    day, month, year = match.group(1), match.group(2), match.group(3)
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return match.group(0)
    return f" {int(day)}/{int(month)}" + (f"/{year} " if year else " ")


def prepare(text: str) -> str:
    """Cleaned, lower case, possessives dropped: what dates are read and tokens are cut from."""
    text = clean(text).lower()
    # Each pass only where it can change something: most texts have no apostrophe and no date.
    if "'" in text or "’" in text:
        text = _POSSESSIVE_RE.sub("", text)
    return text


def may_have_date(prepared: str) -> bool:
    return "/" in prepared or "." in prepared or "-" in prepared


def tokens_of(prepared: str) -> list[Token]:
    if may_have_date(prepared):
        # The date pattern ignores letters around it, so gluing letters to digits makes no odds.
        prepared = _DATE_RE.sub(_date, prepared)
    return [token_of(word) for word in TOKEN_RE.findall(prepared)]


def raw_tokens(text: str) -> list[Token]:
    """Split into word tokens; letters glued to digits ("kh119") are separated."""
    return tokens_of(prepare(text))


@lru_cache(maxsize=65536)
def token_of(word: str) -> Token:
    acc = canonical_tone(word)
    return Token(acc, fold(acc))
