"""Find the question in a long message.

People write "Em là sinh viên…, em đang làm tiểu luận…, cho em hỏi …?" or put two questions in one
message. Matched whole, the self-introduction and the padding outweigh the question. The message
is cut into sentences; those that introduce the writer or only thank are set aside; the ones that
ask (a question mark, a question word, "cho hỏi", "muốn biết") are the questions, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.normalize import fold

SHORT_WORDS = 22  # a message this short is one question, whatever its punctuation
MAX_QUESTIONS = 2
CONTEXT_SENTENCES = 2  # read before a question that does not stand on its own
_SENTENCE_RE = re.compile(r"(?<=[.?!;…])\s+|\n+|(?<=\?)(?=\S)")
_WORD_RE = re.compile(r"[^\W_]+")
# How a sentence that only introduces the writer or the situation starts (folded).
_INTRO_STARTS = (
    "toi la", "em la", "minh la", "chau la", "con la", "chung toi la", "chung em la", "toi dang", "em dang",
    "minh dang", "toi mo", "toi song", "em song", "minh song", "toi co", "nha toi", "gia dinh toi",
    "hoi truoc", "truoc day", "toi vua", "em vua", "minh vua", "toi lam", "em lam", "minh lam", "toi hien",
    "em hien", "hien toi", "hien em", "i am", "i m", "im a", "i work", "i live", "i run", "my name",
    "we are", "our company", "i have", "i recently", "i was", "thay huong dan", "co giao", "anh em",
    "con trai", "con gai",
)
_THANKS = ("cam on", "xin cam on", "thank", "thanks", "tran trong", "mong duoc", "rat mong", "mong nhan")
# Words and phrases that make a sentence a question (folded).
_ASKS = (
    "cho hoi", "xin hoi", "muon hoi", "muon biet", "can biet", "cho biet", "xin cho biet", "hoi la",
    "giai dap",
    "nao", "gi", "ai", "bao nhieu", "bao gio", "khi nao", "the nao", "ra sao", "sao", "khong", "chua", "may",
    "what", "which", "who", "when", "why", "how", "where", "is there", "are there", "do i", "does", "can i",
    "could you", "please tell", "i would like to know", "i want to know", "wondering",
)
# Words by which a question points back at what an earlier sentence named (as typed: folded, "đó"
# would be "do", which means "by").
_POINTS_BACK = frozenset(("đó", "này", "ấy", "kia", "it", "that", "this", "they", "them", "there", "these",
                          "those"))
# "mấy chục năm" is "several decades", not "how many": a sentence saying it does not ask.
_SEVERAL = re.compile(r" may (?=(?:chuc|tram|nghin|ngan|muoi) )")
_ASKS_RE = re.compile(" (?:" + "|".join(re.escape(a) for a in _ASKS) + ") ")
_LEAD_INS = re.compile(
    r"^(?:(?:và|va|còn|con|vậy|vay|thế|the|nên|nen|vì thế|vi the|do đó|do do|and|also)\s+)?"
    r"(?:(?:cho|xin)\s+(?:em|tôi|toi|mình|minh|cháu|chau|con)?\s*(?:xin\s+)?(?:hỏi|hoi|được hỏi|duoc hoi)|"
    r"(?:em|tôi|toi|mình|minh|cháu|chau)\s+(?:muốn|muon|cần|can)\s+(?:hỏi|hoi|biết|biet)|"
    r"xin\s+(?:cho\s+)?(?:biết|biet|hỏi|hoi)|i would like to know|i want to know|could you tell me|"
    r"can you tell me|please tell me)\s*(?:là|la|:|,)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    folded: str

    def starts(self, prefixes: tuple[str, ...]) -> bool:
        return _starts_re(prefixes).match(self.folded) is not None

    @property
    def asks(self) -> bool:
        if self.text.rstrip().endswith("?"):
            return True
        return _ASKS_RE.search(_SEVERAL.sub(" ", f" {self.folded} ")) is not None


@lru_cache(maxsize=8)
def _starts_re(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for "the sentence is, or starts with, one of these phrases" (a long message has
    dozens of sentences, each checked against dozens of phrases)."""
    return re.compile("(?:" + "|".join(re.escape(p) for p in prefixes) + ")(?: |$)")


def sentences(text: str) -> list[Sentence]:
    out = []
    for piece in _SENTENCE_RE.split(text):
        piece = piece.strip(" \t,.;")
        if piece and _WORD_RE.search(piece):
            out.append(Sentence(piece, " ".join(_WORD_RE.findall(fold(piece).lower()))))
    return out


def strip_lead_in(text: str) -> str:
    """"cho em hỏi là kế hoạch…" -> "kế hoạch…"; the text itself when nothing is left."""
    rest = _LEAD_INS.sub("", text, count=1).strip()
    return rest or text


@lru_cache(maxsize=64)
def _found(text: str) -> tuple[tuple[Sentence, ...], tuple[int, ...]]:
    """The message's sentences and the positions of its questions (none for a short message).
    Cached: the matcher asks for the questions and then for them in context."""
    parts = tuple(sentences(text))
    if len(parts) < 2:
        return parts, ()
    if len(_WORD_RE.findall(text)) <= SHORT_WORDS and sum(p.text.endswith("?") for p in parts) < 2:
        return parts, ()  # short and at most one question: matched whole
    # A sentence that introduces the writer is context even when it contains "không" or "gì",
    # unless it ends with a question mark.
    found = [i for i, s in enumerate(parts) if s.asks and not s.starts(_THANKS)
             and (not s.starts(_INTRO_STARTS) or s.text.rstrip().endswith("?"))]
    if not found:
        found = [i for i, s in enumerate(parts) if not s.starts(_INTRO_STARTS) and not s.starts(_THANKS)][-1:]
    return parts, tuple(found[:MAX_QUESTIONS])


def questions(text: str) -> list[str]:
    """The questions of a long message, in order, each with lead-ins stripped; [] for a message
    short enough to be matched whole."""
    parts, found = _found(text)
    return [strip_lead_in(parts[i].text) for i in found]


def asked(text: str) -> str:
    """The part of a message that asks: its question sentences, or the whole of a short message.
    What a message asks for ("kinh phí", a year) is read here, not in the story around it: "hồi
    trước công ty em hay làm hồ sơ ở sở đó" is context, not a request for a procedure."""
    parts, found = _found(text)
    return " ".join(parts[i].text for i in found) if found else text


def in_context(text: str) -> list[str]:
    """Each question of a long message with the sentences just before it: "Nghe nói tỉnh đã kết
    nghĩa với một tỉnh của Nhật. Đó là tỉnh nào?" asks about what the sentence before names."""
    parts, found = _found(text)
    out = []
    for i in found:
        if not _POINTS_BACK & set(_WORD_RE.findall(parts[i].text.lower())):
            continue
        before = [p.text for p in parts[max(0, i - CONTEXT_SENTENCES):i] if not p.starts(_THANKS)]
        if before:
            out.append(". ".join([*before, strip_lead_in(parts[i].text)]))
    return out
