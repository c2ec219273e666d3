"""Which language a question is in: Vietnamese letters decide at once; otherwise the words only one
language uses."""

from __future__ import annotations

from knowledge.normalize import clean, raw_tokens

# Said in Vietnamese chats as often as in English ones: no sign of either language.
NEUTRAL = frozenset({"ok", "okay", "oke", "okie", "oki", "hi", "hello", "helo", "alo", "bye"})
_VI_LETTERS = frozenset("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def detect_language(
    text: str, en_words: frozenset[str], vi_words: frozenset[str], default: str = "vi"
) -> str:
    """'vi' or 'en'. Vietnamese letters decide at once; otherwise count words only one language has."""
    lowered = clean(text).lower()
    if any(c in _VI_LETTERS for c in lowered):
        return "vi"
    words = [t.fold for t in raw_tokens(lowered) if not t.fold.isdigit() and t.fold not in NEUTRAL]
    en = sum(1 for w in words if w in en_words and w not in vi_words)
    vi = sum(1 for w in words if w in vi_words and w not in en_words)
    if en == vi:
        return default
    return "en" if en > vi else "vi"
