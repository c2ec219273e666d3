"""The channel-neutral message model: what every channel turns updates into and renders from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: typed text, or picked an option (``action`` set, text empty)."""

    channel: str
    user_id: str
    text: str = ""
    action: str | None = None
    lang: str | None = None
    # a file the person sent (name, content): administrators import the knowledge base this way
    document: tuple[str, bytes] | None = None
    # the name the platform shows for the person: kept for administrators only (the history)
    name: str = ""


@dataclass(frozen=True)
class Option:
    """A choice offered under a reply: a button on Telegram, a numbered line on Zalo or a terminal.

    ``action`` is short and machine-readable ("entry:plan-overview", "topic:tasks", "menu") so it
    fits Telegram's 64-byte callback data.
    """

    label: str
    action: str
    # Options sharing a non-empty ``row`` sit side by side on channels with buttons (👍 👎).
    row: str = ""


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    question: str


@dataclass(frozen=True)
class Delivery:
    """A message for someone other than the sender (an administrator answering a citizen): each
    channel sends those addressed to its own people and reports what it could not deliver."""

    channel: str
    user_id: str
    text: str
    # a notification to the administrators' group: not counted in the sender's delivered / failed
    quiet: bool = False


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (a knowledge-base export); channels without files send nothing."""

    name: str
    data: bytes
    photo: bool = False  # a picture to show (the /stats chart), not a file to download


@dataclass
class Reply:
    text: str
    status: str  # answer | clarify | fallback | smalltalk | menu | info
    lang: str = "vi"
    options: list[Option] = field(default_factory=list)
    entry_id: str | None = None
    score: float = 0.0
    suggestions: list[Suggestion] = field(default_factory=list)
    # Rendering hints for channels that can use them; others send ``text`` as a new message.
    # ``edit``: "replace" the message whose option was picked (menu navigation), or "append"
    # ``text`` to it with ``options`` as its new buttons (a rating). ``notice``: a short
    # acknowledgement (Telegram shows it as the button's toast).
    edit: str = ""
    notice: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def as_json(self) -> dict:
        """The stable JSON contract of ``python -m bot ask --json``."""
        return {
            "status": self.status,
            "entry_id": self.entry_id,
            "score": self.score,
            "lang": self.lang,
            "text": self.text,
            "suggestions": [{"entry_id": s.entry_id, "question": s.question} for s in self.suggestions],
        }


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Cut a long reply into parts of at most ``limit`` (as ``measure`` counts), preferring
    paragraph, then line, then sentence, then word boundaries; never an empty part."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        # the longest prefix that fits, found on characters then checked with ``measure``
        hi = min(len(rest), limit)
        while hi > 1 and measure(rest[:hi]) > limit:
            hi -= max(1, (measure(rest[:hi]) - limit) // 2)
        window = rest[:hi]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", "; ", " "):
            at = window.rfind(sep)
            if at > hi // 4:
                cut = at + (1 if sep in (". ", "? ", "! ", "; ") else 0)
                break
        if cut <= 0:
            cut = hi
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts or [""]


# Citizens' words as administrators see them in lists, views and notices: about this many characters
SHOWN = 200
# what ``clip`` always keeps of the text, unchanged (forget.py looks for it in messages not yet sent)
CLIP_KEEPS = SHOWN // 2


def clip(text: str, limit: int = SHOWN) -> str:
    """At most ``limit`` characters, cut at a word with "…": one spam question of 4,000 characters
    must not push an administrator's screen over one message. The kept part is the text's own
    beginning, unchanged, so it can still be recognised."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    at = cut.rfind(" ")
    return (cut[:at] if at >= limit // 2 else cut) + "…"


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2
