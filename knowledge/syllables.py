"""Whether a folded word can be a Vietnamese syllable, and what Telex typing left behind: the typo
repair only corrects words that cannot be real syllables."""

from __future__ import annotations

import re

# The shape of a Vietnamese syllable without diacritics. Words of another shape ("chir", "bik",
# "department") are typos, Telex leftovers or foreign words, and worth correcting; a word of
# this shape is a real syllable more often than not, and correcting it makes false matches.
_SYLLABLE_RE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
# Spellings the orthography rules out: "ngh", "gh" and "k" before e, i (and y for "k"), "ng", "g"
# and "c" elsewhere. "ngiệp" is a slip for "nghiệp", not a syllable.
_MISSPELT_RE = re.compile(r"^(?:ng[ie]|ngh[aouy]|gh[aouy]|k[aou]|c[iey]|ge)")
_TELEX_TONE = "sfrxj"


def is_syllable(folded: str) -> bool:
    return bool(_SYLLABLE_RE.match(folded)) and not _MISSPELT_RE.match(folded)


def telex_residue(folded: str) -> str | None:
    """"chir" → "chi", "ddaauf" → "dau": what Telex typing leaves when the input method is off."""
    if is_syllable(folded) or len(folded) < 2:
        return None
    word = folded
    if word[-1] in _TELEX_TONE:
        word = word[:-1]
    for double, single in (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"),
                           ("aw", "a"), ("w", "u")):
        word = word.replace(double, single)
    return word if word != folded and is_syllable(word) else None
