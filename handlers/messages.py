"""The channel-neutral message model: what every channel turns updates into and renders from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: typed text, or picked an option (``action`` set, text empty)."""

    channel: str
    user_id: str
    text: str = ""
    action: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Option:
    """A choice offered under a reply: a button on Telegram, a numbered line on Zalo or a terminal.

    ``action`` is short and machine-readable ("entry:plan-overview", "topic:tasks", "menu") so it
    fits Telegram's 64-byte callback data.
    """

    label: str
    action: str


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    question: str


@dataclass
class Reply:
    text: str
    status: str  # answer | clarify | fallback | smalltalk | menu | info
    lang: str = "vi"
    options: list[Option] = field(default_factory=list)
    entry_id: str | None = None
    score: float = 0.0
    suggestions: list[Suggestion] = field(default_factory=list)

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
