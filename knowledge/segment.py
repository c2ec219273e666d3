"""Find the question in a long message.

People write "Em là sinh viên…, em đang làm tiểu luận…, cho em hỏi …?" or put two questions in one
message. Matched whole, the self-introduction and the padding outweigh the question. The message
is cut into sentences; those that introduce the writer or only thank are set aside; the ones that
ask (a question mark, a question word, "cho hỏi", "muốn biết") are the questions, in order.
"""

from __future__ import annotations

import itertools
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
    "nao", "gi", "ai", "bao nhieu", "bao gio", "khi nao", "the nao", "ra sao", "sao", "may",
    "what", "which", "who", "when", "why", "how", "where", "is there", "are there", "do i", "does", "can i",
    "could you", "please tell", "i would like to know", "i want to know", "wondering",
)
# Where a sentence turns from the story to asking, after a comma, a colon, a dash or "and"/"nên"/
# "nhưng"/"so": the words that ask, as typed with or without accents.
_ASKING_TURN = re.compile(
    r"(?:[,:;–-]|\s(?:và|va|nên|nen|nhưng|nhung|mà|ma|and|so|but))\s+"
    r"((?:(?:cho|xin|nhờ|nho)\s+(?:(?:em|tôi|toi|mình|minh|cháu|chau|con|anh|chị|chi)\s+)?(?:xin\s+)?"
    r"(?:hỏi|hoi|được hỏi|duoc hoi|biết|biet)|"
    r"(?:em|tôi|toi|mình|minh|cháu|chau|con)\s+(?:muốn|muon|cần|can)\s+(?:hỏi|hoi|biết|biet)|"
    r"xin\s+(?:cho\s+)?(?:biết|biet|hỏi|hoi)|"
    r"(?:could|can|would)\s+you\s+(?:please\s+)?(?:tell|let)\s+me|please\s+tell\s+me|"
    r"i\s*(?:would|'d|’d)\s+like\s+to\s+know|i\s+want\s+to\s+know|i\s+(?:was\s+)?wondering|"
    r"my\s+question\s+is|thứ\s+(?:nhất|hai|ba)|thu\s+(?:nhat|hai|ba)|(?:first|second|third)(?:ly)?)\b)"
    # or where, mid-sentence, English turns to the question itself: "…asked me to find out | which…"
    r"|(?:find\s+out|tell\s+me|wondering|to\s+know|to\s+understand)\s+"
    r"((?:which|who|what|when|whether|how|why|if)\b)",
    re.IGNORECASE,
)
# "không" and "chưa" ask at the end of a sentence ("có chương trình nào cho kiều bào không ạ");
# inside one they say "not" ("tôi chưa đọc kế hoạch").
_YES_NO_END = re.compile(r"(?:^| )(?:khong|chua|ko|k|hok|hong)(?: (?:a|vay|nhi|nhe|ha|ta|ban|ad|ak|z|nha|"
                         r"the|day|bot|em|anh|chi|ban oi|ad oi))*$")
_TURN_WORDS = ("hỏi", "hoi", "biết", "biet", "tell", "know", "wonder", "find out", "question", "thứ", "thu ",
               "first", "second", "third", "understand")
# Question words whose folded form is also a common word ("xưởng may" is a garment workshop, "mấy"
# asks how many): in a sentence typed with accents, only the accented form asks.
_ACCENTED_ASKS = {"may": "mấy", "nao": "nào", "gi": "gì", "ai": "ai", "sao": "sao"}
# Greetings that open a sentence before the writer introduces themselves (folded, whole).
_GREETING = re.compile(
    r"(?:(?:xin|em|toi|minh|chau|con|kinh) )?chao(?: (?:ban|ad|admin|anh|chi|em|bot|moi nguoi|quy co quan|"
    r"ca nha|cac ban))*|hi|hello|hey|dear(?: \w+){0,2}|kinh gui|da|ad oi|ban oi")
GREETING_WORDS = 4  # the longest greeting looked for, in words
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
        """Whether the sentence opens with one of ``prefixes``, after any greeting ("Chào bạn, tôi là…")."""
        pattern = _starts_re(prefixes)
        if pattern.match(self.folded) is not None:
            return True
        if _GREETING.match(self.folded) is None:  # no greeting opens it
            return False
        words = self.folded.split()
        return any(_GREETING.fullmatch(" ".join(words[:k])) and pattern.match(" ".join(words[k:]))
                   for k in range(1, min(GREETING_WORDS, len(words) - 1) + 1))

    @property
    def asks(self) -> bool:
        if self.text.rstrip().endswith("?"):
            return True
        folded = _SEVERAL.sub(" ", f" {self.folded} ")
        ambiguous = [plain for plain in _ACCENTED_ASKS if f" {plain} " in folded]
        if ambiguous and self.accented:
            words = set(_WORD_RE.findall(self.text.lower()))
            for plain in ambiguous:
                if _ACCENTED_ASKS[plain] not in words:
                    folded = folded.replace(f" {plain} ", "  ")
        return _ASKS_RE.search(folded) is not None or _YES_NO_END.search(self.folded) is not None

    @property
    def accented(self) -> bool:
        """Typed with accents: then "may" is not "mấy". A word or two of accents may be an
        autocorrect, so it takes several."""
        typed = _WORD_RE.findall(self.text.lower())
        marked = sum(1 for a, b in zip(typed, self.folded.split(), strict=False) if a != b)
        return marked >= max(2, len(typed) // 3)


@lru_cache(maxsize=8)
def _starts_re(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for "the sentence is, or starts with, one of these phrases" (a long message has
    dozens of sentences, each checked against dozens of phrases)."""
    return re.compile("(?:" + "|".join(re.escape(p) for p in prefixes) + ")(?: |$)")


def _at_lead_ins(piece: str) -> list[str]:
    """A run-on sentence cut where it turns to asking: "em là sinh viên năm ba, cho em hỏi kế hoạch…"
    is a self-introduction and a question."""
    lowered = piece.lower()
    if not any(word in lowered for word in _TURN_WORDS):  # most sentences: no regex scan at all
        return [piece]
    cuts = [m.start(1) if m.group(1) else m.start(2) for m in _ASKING_TURN.finditer(piece)]
    if not cuts:
        return [piece]
    bounds = [0, *cuts, len(piece)]
    return [piece[a:b] for a, b in itertools.pairwise(bounds)]


def sentences(text: str) -> list[Sentence]:
    out = []
    for piece in (part for chunk in _SENTENCE_RE.split(text) for part in _at_lead_ins(chunk)):
        piece = piece.strip(" \t,.;:-–")
        if piece and _WORD_RE.search(piece):
            out.append(Sentence(piece, " ".join(_WORD_RE.findall(fold(piece)))))
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
    # "…, can you tell me?" asks nothing of its own: the question is in the sentence before.
    said = [_WORD_RE.search(_LEAD_INS.sub("", s.text, count=1)) is not None for s in parts]
    found = [i for i, s in enumerate(parts) if said[i] and s.asks and not s.starts(_THANKS)
             and (not s.starts(_INTRO_STARTS) or s.text.rstrip().endswith("?"))]
    if not found:
        found = [i for i, s in enumerate(parts)
                 if said[i] and not s.starts(_INTRO_STARTS) and not s.starts(_THANKS)][-1:]
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
    """Each question of a long message that points back at what the sentences just before it name,
    read with them: "Nghe nói tỉnh đã kết nghĩa với một tỉnh của Nhật. Đó là tỉnh nào?" asks about
    what the sentence before names."""
    return [joined for _, joined in readings(text) if joined is not None]


def readings(text: str) -> list[tuple[str, str | None]]:
    """Each question of a long message (lead-ins stripped) with its reading in context when it
    points back ("Quan hệ này bắt đầu từ năm nào?"), else None; [] for a short message. Read
    alone, such a question has lost its subject, so the context reading comes first."""
    parts, found = _found(text)
    out: list[tuple[str, str | None]] = []
    for i in found:
        question = strip_lead_in(parts[i].text)
        joined = None
        if _POINTS_BACK & set(_WORD_RE.findall(parts[i].text.lower())):
            # what the writer says of themselves is context only when nothing else comes before
            told = [p for p in parts[:i] if not p.starts(_THANKS)]
            story = [p for p in told if not p.starts(_INTRO_STARTS)]
            before = [p.text for p in (story or told)[-CONTEXT_SENTENCES:]]
            if before:
                joined = ". ".join([*before, question])
        out.append((question, joined))
    return out
