"""The shortcuts taken for loading speed give exactly what the plain definitions give."""

from __future__ import annotations

import random
import re
import unicodedata

from knowledge import text as N
from knowledge.loader import phrasing_key
from knowledge.model import gc_paused


def plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


_POSSESSIVE = re.compile(r"(?<=\w)['’](s|re|ve|ll|d)\b")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_WORD_OR_DATE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{4})?|[^\W_]+")


def plain_raw_tokens(text: str) -> list[tuple[str, str]]:
    """Every regex pass, every time, letters and digits split before dates are read."""
    text = _POSSESSIVE.sub("", N.clean(text).lower())
    text = N._DATE_RE.sub(N._date, _LETTER_DIGIT.sub(" ", text))
    return [(N.canonical_tone(w), plain_fold(N.canonical_tone(w))) for w in _WORD_OR_DATE.findall(text)]


PIECES = [*"aăâbdđeêioôơuưy0123456789 '’/.-_,?!\t\n", "\u0301", "\u0323", "\u00a0", "\u2000", "Σ", "ς", "İ",
          "ß", "²", "٣", "ǅ", "\u200b", "kh", "119", "15/5", "2023", "'s", "ngày", "Hóa", "hoá", "ΟΔΟΣ"]


def random_texts(seed: int, count: int, words: list[str] = ()) -> list[str]:
    rng = random.Random(seed)
    pool = PIECES + [f" {w} " for w in words]
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 14))) for _ in range(count)]


def test_fold_matches_its_definition_on_every_code_point():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert [N.fold(c) for c in chars] == [plain_fold(c) for c in chars]


def test_fold_raw_tokens_and_phrasing_key_match_their_definitions():
    for text in random_texts(1, 4000):
        assert N.fold(text) == plain_fold(text)
        assert [(t.acc, t.fold) for t in N.raw_tokens(text)] == plain_raw_tokens(text)
        assert phrasing_key(text) == " ".join(re.findall(r"\w+", plain_fold(text)))


def test_normalize_by_pieces_matches_the_whole_pipeline(lexicon, kb):
    words = sorted({w for e in kb.entries.values() for q in e.all_questions() for w in q.split()})
    syn = kb.language.get("synonyms.yaml") or {}
    pad = syn.get("padding") or {}
    words += [str(p) for k in ("leading", "trailing", "particles") for p in pad.get(k) or []]
    words += [str(k) for k in (syn.get("abbreviations") or {})] + [str(k) for k in syn.get("contextual") or {}]
    words += [str(v) for group in syn.get("synonyms") or [] for v in group]
    for text in random_texts(2, 6000, words):
        whole = lexicon._pipeline(N.tokens_of(N.prepare(text)))
        assert lexicon.normalize(text) == whole, text


def test_gc_paused_restores_the_collector():
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
