"""Vietnamese-aware text normalisation shared by the knowledge base and the questions people send.

Both sides go through the same pipeline, so a phrasing written "Thanh Hóa" and a question typed
"thanh hoa", "THANH HOÁ" or in decomposed Unicode end up as the same tokens. Each token keeps two
forms: ``acc`` (lower case, tone mark in one canonical place) and ``fold`` (no diacritics, đ → d).
The matcher compares on ``fold`` and uses ``acc`` to settle collisions that folding creates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from knowledge.english import EnglishForms
from knowledge.text import (
    MAX_MATCH_CHARS,
    TOKEN_RE,
    Token,
    canonical_tone,
    clean,
    fold,
    may_have_date,
    prepare,
    raw_tokens,
    token_of,
    tokens_of,
)

__all__ = ["MAX_MATCH_CHARS", "Lexicon", "Token", "canonical_tone", "clean", "fold", "raw_tokens"]

# Flags of a piece of text (Lexicon._piece).
_LEADS, _TRAILS, _CONTEXTUAL, _PHRASE, _PARTICLE = 1, 2, 4, 8, 16
_PIECES_MAX = 1 << 17


def _phrase(text: str) -> tuple[Token, ...]:
    return tuple(raw_tokens(text))


def other_script(folded: str) -> bool:
    """A word written in another script (Korean, Japanese, Chinese, Thai, Lao, Cyrillic...):
    people abroad add "궁금해요" or "本当ですか" to a Vietnamese question. The knowledge base is
    written in Vietnamese and English, so such a word tells nothing about which entry is asked."""
    return any(ch.isalpha() and ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in folded)


@dataclass
class Lexicon:
    """The language resources (synonyms.yaml, stopwords.yaml), compiled for fast rewriting."""

    # single token (canonical accented form) -> replacement tokens
    expand: dict[str, tuple[Token, ...]] = field(default_factory=dict)
    # folded token -> (replacement next to a number, replacement otherwise or None)
    contextual: dict[str, tuple[tuple[Token, ...], tuple[Token, ...] | None]] = field(default_factory=dict)
    # folded phrase (tuple of folds) -> canonical tokens; longest phrases tried first
    phrases: dict[tuple[str, ...], tuple[Token, ...]] = field(default_factory=dict)
    # folded phrase -> its spellings with accents, when every variant of it has some: typed with
    # accents, a phrase must be spelled so ("bán hàng" is not "bạn hàng"); None accepts any
    phrase_forms: dict[tuple[str, ...], tuple[tuple[Token, ...], ...] | None] = field(default_factory=dict)
    # first folded word of a phrase -> the phrase lengths starting with it, longest first
    phrase_starts: dict[str, list[int]] = field(default_factory=dict)
    # padding phrases, indexed by their first (leading) or last (trailing) folded word
    leading: dict[str, list[tuple[Token, ...]]] = field(default_factory=dict)
    trailing: dict[str, list[tuple[Token, ...]]] = field(default_factory=dict)
    particles_acc: frozenset[str] = frozenset()
    particles_fold: frozenset[str] = frozenset()
    stop_vi: frozenset[str] = frozenset()
    stop_en: frozenset[str] = frozenset()
    # accented forms of the Vietnamese stop words: "nghe" (listen) is one, "Nghệ" (An) is not
    stop_vi_acc: frozenset[str] = frozenset()
    # words of other languages that people abroad mix in ("ich wohne in Leipzig", "c'est quel
    # numéro"): padding, like the stop words, but no reason to answer in English
    stop_other: frozenset[str] = frozenset()
    # inflected and misspelt English words -> the form the tables list (build() sets it)
    english: EnglishForms | None = field(default=None, repr=False, compare=False)
    # Folded and accented forms of every word a rewrite (or the particle filter) starts from: a text
    # with none of them past its padding comes out of the pipeline as it went in.
    _rewrite_folds: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _rewrite_accs: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    # space-free piece of prepared text -> what the pipeline makes of it alone (see _piece)
    _pieces: dict[str, tuple[tuple[Token, ...], tuple[Token, ...], int]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    # the first two folded words of every phrase (None if a phrase has fewer: build() makes none)
    _phrase_heads: frozenset[tuple[str, str]] | None = field(default=None, init=False, repr=False,
                                                              compare=False)

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        """Derived lookups; run again after changing the tables (build() does)."""
        self._rewrite_folds = frozenset(self.contextual) | frozenset(self.phrase_starts) | self.particles_fold
        self._rewrite_accs = frozenset(self.expand) | self.particles_acc
        self._pieces = {}
        self._phrase_heads = (frozenset((key[0], key[1]) for key in self.phrases)
                              if all(len(key) > 1 for key in self.phrases) else None)

    @classmethod
    def build(
        cls,
        abbreviations: Mapping[str, str] | None = None,
        contextual: Mapping[str, Mapping[str, str]] | None = None,
        synonyms: Iterable[Sequence[str]] | None = None,
        leading: Iterable[str] = (),
        trailing: Iterable[str] = (),
        particles: Iterable[str] = (),
        stop_vi: Iterable[str] = (),
        stop_en: Iterable[str] = (),
        stop_other: Iterable[str] = (),
    ) -> Lexicon:
        lex = cls()
        for key, value in (abbreviations or {}).items():
            lex.expand[canonical_tone(key.lower())] = _phrase(value)
        for key, rule in (contextual or {}).items():
            other = rule.get("otherwise")
            lex.contextual[fold(key)] = (_phrase(rule["near_number"]), _phrase(other) if other else None)
        multi: list[tuple[tuple[Token, ...], tuple[Token, ...]]] = []
        for group in synonyms or ():
            canonical = _phrase(group[0])
            for variant in group:
                tokens = _phrase(variant)
                key = tuple(t.fold for t in tokens)
                if len(key) == 1:
                    lex.expand.setdefault(canonical_tone(variant.strip().lower()), canonical)
                elif len(key) > 1:
                    lex.phrases[key] = canonical
                    multi.append((tokens, canonical))
                    _add_form(lex.phrase_forms, key, tokens)
        # Words are expanded before phrases are looked for, so a phrase is also known by its
        # expanded words: "department of foreign affairs" arrives as "sở of foreign affairs".
        for tokens, canonical in multi:
            spelled = tuple(t for tok in tokens for t in lex.expand.get(tok.acc, (tok,)))
            expanded = tuple(t.fold for t in spelled)
            if len(expanded) > 1 and lex.phrases.setdefault(expanded, canonical) is canonical:
                _add_form(lex.phrase_forms, expanded, spelled)
        starts: dict[str, set[int]] = {}
        for key in lex.phrases:
            starts.setdefault(key[0], set()).add(len(key))
        lex.phrase_starts = {k: sorted(v, reverse=True) for k, v in starts.items()}
        for pads, target, end in ((leading, lex.leading, 0), (trailing, lex.trailing, -1)):
            for pad in sorted((_phrase(p) for p in pads), key=len, reverse=True):
                if pad:
                    target.setdefault(pad[end].fold, []).append(pad)
        particle_tokens = [t for p in particles for t in _phrase(p)]
        lex.particles_acc = frozenset(t.acc for t in particle_tokens)
        lex.particles_fold = frozenset(t.fold for t in particle_tokens if not t.accented)
        vi_tokens = [t for w in stop_vi for t in _phrase(w)]
        lex.stop_vi = frozenset(t.fold for t in vi_tokens)
        lex.stop_vi_acc = frozenset(t.acc for t in vi_tokens)
        lex.stop_en = frozenset(t.fold for w in stop_en for t in _phrase(w))
        lex.stop_other = frozenset(t.fold for w in stop_other for t in _phrase(w))
        lex.english = EnglishForms(
            [t.fold for key in lex.expand for t in _phrase(key) if not t.accented]
            + [w for key in lex.phrases for w in key] + list(lex.stop_en))
        lex._compile()
        return lex

    def is_stop(self, folded: str) -> bool:
        return folded in self.stop_vi or folded in self.stop_en or self._foreign(folded)

    def _foreign(self, folded: str) -> bool:
        return folded in self.stop_other or (not folded.isascii() and other_script(folded))

    def is_stop_token(self, tok: Token) -> bool:
        """Like is_stop, but a word typed with accents must be the stop word, not a look-alike
        (words of other languages keep their own accents: "für", "plaît")."""
        if tok.accented:
            return tok.acc in self.stop_vi_acc or self._foreign(tok.fold)
        return self.is_stop(tok.fold)

    def normalize(self, text: str) -> list[Token]:
        """The full pipeline: tokens, shorthand and abbreviations, synonyms, padding removed."""
        prepared = prepare(text)
        if may_have_date(prepared):  # a date may span spaces ("15 / 5"): the text as a whole
            return self._pipeline(tokens_of(prepared))
        # Otherwise tokens never span a space, and each word's tokens and expansion depend on that
        # word alone, unless padding is stripped or a word is read by its neighbours ("kh 119"):
        # then the text goes through the whole pipeline.
        pieces = self._pieces
        parts = [pieces.get(word) or self._piece(word) for word in prepared.split(" ")]
        first, last = parts[0], parts[-1]
        if not first[0] or not last[0] or first[2] & _LEADS or last[2] & _TRAILS:
            return self._pipeline(tokens_of(prepared))
        flags = 0
        for part in parts:
            flags |= part[2]
        if flags & _CONTEXTUAL:
            return self._pipeline(tokens_of(prepared))
        tokens = [tok for part in parts for tok in part[1]]
        if flags & _PHRASE:
            rewritten = self._rewrite_phrases(tokens)
            if rewritten is not tokens:
                return self._drop_particles(rewritten)
        if flags & _PARTICLE:
            return self._drop_particles(tokens)
        return tokens

    def _piece(self, word: str) -> tuple[tuple[Token, ...], tuple[Token, ...], int]:
        """A space-free piece of prepared text: its tokens, their expansions, and flags for what
        may need its neighbours (padding at an end, a contextual word, a phrase) or the particle
        filter."""
        tokens = tuple(token_of(w) for w in TOKEN_RE.findall(word))
        flags = 0
        if tokens and tokens[0].fold in self.leading:
            flags |= _LEADS
        if tokens and tokens[-1].fold in self.trailing:
            flags |= _TRAILS
        expanded: list[Token] = []
        for tok in tokens:
            if tok.fold in self.contextual:
                flags |= _CONTEXTUAL
            tok = self._english(tok)
            expansion = self.expand.get(tok.acc)
            if expansion is None:
                expanded.append(tok)
            else:
                expanded.extend(expansion)
        p_acc, p_fold = self.particles_acc, self.particles_fold
        for tok in expanded:
            if tok.fold in self.phrase_starts:
                flags |= _PHRASE
            if tok.acc in p_acc or (tok.acc == tok.fold and tok.fold in p_fold):
                flags |= _PARTICLE
        if len(self._pieces) >= _PIECES_MAX:
            self._pieces.clear()
        entry = (tokens, tuple(expanded), flags)
        self._pieces[word] = entry
        return entry

    def _english(self, tok: Token) -> Token:
        """"directives" and "directiv" as "directive": the form the synonym tables list."""
        english = self.english
        if english is None or tok.accented or tok.acc in self.expand:
            return tok
        base = english.base(tok.fold)
        return tok if base is None else token_of(base)

    def _drop_particles(self, tokens: list[Token]) -> list[Token]:
        # "ha" typed bare may be the particle "hả"; "Hà" (Nội) typed with its accent never is.
        p_acc, p_fold = self.particles_acc, self.particles_fold
        kept = [t for t in tokens if t.acc not in p_acc and (t.acc != t.fold or t.fold not in p_fold)]
        return kept or tokens

    def _pipeline(self, tokens: list[Token]) -> list[Token]:
        tokens = self._strip_padding(tokens)
        folds, accs, english = self._rewrite_folds, self._rewrite_accs, self.english
        for tok in tokens:
            if tok.fold in folds or tok.acc in accs:
                break
            if english is not None and not tok.accented and english.base(tok.fold) is not None:
                break
        else:
            return tokens
        return self._drop_particles(self._rewrite_phrases(self._expand_tokens(tokens)))

    def _expand_tokens(self, tokens: list[Token]) -> list[Token]:
        contextual, expand = self.contextual, self.expand
        out: list[Token] = []
        for i, tok in enumerate(tokens):
            rule = contextual.get(tok.fold)
            if rule is not None:
                near = (i + 1 < len(tokens) and tokens[i + 1].fold.isdigit()) or (
                    i > 0 and (tokens[i - 1].fold.isdigit() or tokens[i - 1].fold in contextual)
                )
                replacement = rule[0] if near else rule[1]
                out.extend(replacement if replacement is not None else (tok,))
                continue
            # Exact form only: "dn" is shorthand for doanh nghiệp, "dần" is a word of its own.
            tok = self._english(tok)
            expansion = expand.get(tok.acc)
            if expansion is None:
                out.append(tok)
            else:
                out.extend(expansion)
        return out

    def _rewrite_phrases(self, tokens: list[Token]) -> list[Token]:
        starts, phrases = self.phrase_starts, self.phrases
        if not phrases:
            return tokens
        folds = [t.fold for t in tokens]
        # Every phrase has two words or more: none can match without one's first two in a row.
        heads = self._phrase_heads
        if heads is not None and heads.isdisjoint(pairwise(folds)):
            return tokens
        # Left to right, a phrase only where one can start; what it covers is not looked at again.
        at = [i for i, f in enumerate(folds) if f in starts]
        out: list[Token] = []
        done = 0
        n = len(tokens)
        for i in at:
            if i < done:
                continue
            for size in starts[folds[i]]:
                if size > n - i:
                    continue
                key = tuple(folds[i : i + size])
                canonical = phrases.get(key)
                forms = self.phrase_forms.get(key)
                if canonical is not None and forms is not None and not any(
                        all(map(_same, tokens[i : i + size], form)) for form in forms):
                    canonical = None  # typed with other accents: another word ("bán hàng")
                if canonical is not None:
                    out.extend(tokens[done:i])
                    out.extend(canonical)
                    done = i + size
                    break
        out.extend(tokens[done:])
        return out

    def _strip_padding(self, tokens: list[Token]) -> list[Token]:
        changed = True
        while changed and tokens:
            changed = False
            for pad in self.leading.get(tokens[0].fold, ()):
                if len(pad) < len(tokens) and all(map(_same, tokens[: len(pad)], pad)):
                    tokens, changed = tokens[len(pad) :], True
                    break
            for pad in self.trailing.get(tokens[-1].fold, ()) if tokens else ():
                if len(pad) < len(tokens) and all(map(_same, tokens[-len(pad) :], pad)):
                    tokens, changed = tokens[: -len(pad)], True
                    break
        return tokens


def _add_form(forms: dict[tuple[str, ...], tuple[tuple[Token, ...], ...] | None], key: tuple[str, ...],
              tokens: tuple[Token, ...]) -> None:
    """Record one spelling of a phrase; a spelling without any accent lets any typing match."""
    if not any(t.accented for t in tokens):
        forms[key] = None
    elif key not in forms or forms[key] is not None:
        forms[key] = (*(forms.get(key) or ()), tokens)


def _same(tok: Token, pattern: Token) -> bool:
    """A typed word is a padding word when it is spelled the same, or typed without accents:
    "ha" may be the particle "hả", but "Hà" (Nội) never is."""
    return tok.acc == pattern.acc if tok.accented else tok.fold == pattern.fold
