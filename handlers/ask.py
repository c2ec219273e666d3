"""Free-text questions and entry look-ups: from a question to a reply, for any channel."""

from __future__ import annotations

from handlers import rating
from handlers.messages import Option, Reply, Suggestion
from handlers.texts import t
from knowledge.matcher import SMALLTALK_PREFIX, Matcher, MatchResult, answers_both
from knowledge.model import CONTACT_DETAIL_FIELDS, Entry, KnowledgeBase, Source

MAX_REPLY_CHARS = 4096
MAX_RELATED = 3
# what a question asks for that no source holds -> how the reply names it (handlers/texts.py)
NOT_HELD_TEXTS = {
    "person": "nh_person", "budget": "nh_budget", "staff": "nh_staff", "hours": "nh_hours",
    "procedure": "nh_procedure", "results": "nh_results", "figures": "nh_figures",
    "incentives": "nh_incentives",
    "schedule": "nh_schedule", "year": "nh_year",
}


def topic_lines(kb: KnowledgeBase, lang: str) -> str:
    return "\n".join(f"• {topic.title[lang]}" for topic in kb.topics_in_order())


def topic_options(kb: KnowledgeBase, lang: str) -> list[Option]:
    return [Option(topic.title[lang], f"topic:{topic.id}") for topic in kb.topics_in_order()]


def fit(text: str, limit: int = MAX_REPLY_CHARS) -> str:
    """Keep a reply within one message: cut at the last paragraph or line that fits."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n\n", "\n", ". ", " "):
        at = cut.rfind(sep)
        if at > limit // 2:
            return cut[:at].rstrip() + " …"
    return cut + "…"


SHORT_TALK = 3  # words: up to this, small talk is answered in the person's own language


def source_line(src: Source, lang: str) -> str:
    """Short enough for a phone: the short title, the publisher and the date, then the link if the
    source has one; a source without a short title keeps its full reference."""
    if not src.short:
        where = src.where_en if lang == "en" and src.where_en else src.where
        return f"{src.title} — {where}"
    by = ", ".join(x for x in (src.publisher, src.when()) if x)
    line = f"{src.short} — {by}" if by else src.short
    return f"{line} · {src.url}" if src.url else line


class Asker:
    """Turns questions into replies using one knowledge base and its matcher."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher):
        self.kb = kb
        self.matcher = matcher

    def ask(self, text: str, default_lang: str = "vi") -> Reply:
        """Answer in the language of the question; ``default_lang`` when the text does not tell."""
        result = self.matcher.match(text, default_lang)
        lang = result.lang
        if result.status == "answer":
            also = self.kb.entries.get(result.also.entry_id) if result.also else None
            declined = result.declined and self._not_held_line(result.declined, lang, "not_held_other")
            return self.entry_reply(result.candidates[0].entry_id, lang, score=result.confidence, also=also,
                                    declined=declined)
        if result.status == "smalltalk":
            # "cảm ơn", "thanks", "ok": a word of thanks says nothing of the language the person
            # chose; their setting does
            return self._smalltalk(result, default_lang if len(text.split()) <= SHORT_TALK else lang)
        if result.status == "clarify":
            return self._clarify(result, lang)
        return self._fallback(result, lang)

    # -- pieces --------------------------------------------------------------------------------
    def entry_reply(self, entry_id: str, lang: str, score: float = 100.0, question_id: int = 0,
                    also: Entry | None = None, heading: bool = False, declined: str | None = None) -> Reply:
        """The whole answer, built once for every channel and the CLI: the text with its sources,
        👍/👎 and the related questions; ``also``, a second question of the same message, is
        offered first; ``heading``: the question first (opened from a button's short label);
        ``declined``: what to say of a question in the same message that no source answers."""
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return Reply(t("unknown_option", lang), "fallback", lang, topic_options(self.kb, lang))
        related = [self.kb.entries[r] for r in entry.related if r in self.kb.entries][:MAX_RELATED]
        text = self.render_entry(entry, lang)
        if heading:
            text = f"❓ {entry.title(lang)}\n\n{text}"
        both = also is not None and answers_both(entry, also, lang)
        if both and also is not None:  # the second question answered too, under its own heading
            text += f"\n\n❓ {also.title(lang)}\n\n{self.render_entry(also, lang)}"
        elif also is not None and also.id != entry.id:
            text += "\n\n" + t("also_asked", lang, question=also.title(lang))
        if declined:
            text += "\n\n" + declined
        # Not cut: the knowledge base keeps answers short enough, and a channel splits what is
        # longer than its messages allow.
        reply = rating.with_rating(self.kb, Reply(
            text=text, status="answer", lang=lang, entry_id=entry.id, score=score,
            suggestions=[Suggestion(r.id, r.title(lang)) for r in related],
        ), question_id)
        if also is not None and also.id != entry.id and not both:
            first = Option(also.label(lang), f"entry:{also.id}")
            votes = [o for o in reply.options if o.row == "rate"]
            rest = [o for o in reply.options if o.row != "rate" and o.action != first.action]
            reply.options = [*votes, first, *rest][: len(votes) + MAX_RELATED + 1]
        return reply

    def render_entry(self, entry: Entry, lang: str) -> str:
        parts = [entry.answer.get(lang) or entry.answer["vi"]]
        if lang != "vi" and not entry.answer.get(lang):  # added in the chat in Vietnamese only
            parts.insert(0, t("only_in_vietnamese", lang))
        contact = self.kb.contacts.get(entry.contact) if entry.contact else None
        if contact is not None:
            details = [f"{t(k, lang)}: {contact.details[k]}" for k in CONTACT_DETAIL_FIELDS
                       if contact.details.get(k)]
            if details:
                parts.append("\n".join([f"{t('contact', lang)}: {contact.name[lang]}", *details]))
        # One source per line: on a phone a run-on list of sources is unreadable.
        sources = [source_line(self.kb.sources[sid], lang) for sid in entry.sources]
        footer = f"{t('source', lang)}: " + "\n".join(sources)
        footer += f"\n{t('as_of', lang)}: {entry.as_of.day:02d}/{entry.as_of.month:02d}/{entry.as_of.year}"
        parts.append(footer)
        return "\n\n".join(parts)

    def _smalltalk(self, result: MatchResult, lang: str) -> Reply:
        talk = self.kb.smalltalk[result.candidates[0].entry_id.removeprefix(SMALLTALK_PREFIX)]
        text = talk.replies[lang].replace("{topics}", topic_lines(self.kb, lang))
        options = topic_options(self.kb, lang) if talk.show_menu else []
        return Reply(fit(text), "smalltalk", lang, options, score=result.confidence)

    def _clarify(self, result: MatchResult, lang: str) -> Reply:
        picks = [self.kb.entries[c.entry_id] for c in result.candidates[:3]]
        lines = [t("clarify", lang)]
        lines += [f"{i}. {entry.title(lang)}" for i, entry in enumerate(picks, 1)]
        lines.append(t("clarify_hint", lang))
        return Reply(
            text=fit("\n".join(lines)),
            status="clarify",
            lang=lang,
            options=[Option(e.label(lang), f"entry:{e.id}") for e in picks],
            score=result.confidence,
            suggestions=[Suggestion(e.id, e.title(lang)) for e in picks],
        )

    def _not_held(self, result: MatchResult, lang: str) -> Reply:
        """It names what the bot knows but asks for what no source holds: say so plainly, offer
        what the bot does know about it, and say where to ask."""
        picks = [self.kb.entries[c.entry_id] for c in result.candidates if c.entry_id in self.kb.entries][:3]
        lines = [self._not_held_line(result, lang)]
        if picks:
            lines.append(t("not_held_related", lang))
            lines += [f"{i}. {entry.title(lang)}" for i, entry in enumerate(picks, 1)]
        return Reply(
            text=fit("\n".join(lines)), status="fallback", lang=lang,
            options=[Option(e.label(lang), f"entry:{e.id}") for e in picks] or topic_options(self.kb, lang),
            score=result.confidence, suggestions=[Suggestion(e.id, e.title(lang)) for e in picks],
        )

    def _not_held_line(self, result: MatchResult, lang: str, key: str = "not_held") -> str:
        """What no source holds, said plainly, and whom to ask: the body of the entries it names."""
        what = ", ".join(t(NOT_HELD_TEXTS[k], lang) for k in sorted(result.not_held) if k in NOT_HELD_TEXTS)
        picks = [self.kb.entries[c.entry_id] for c in result.candidates if c.entry_id in self.kb.entries][:3]
        contacts = [self.kb.contacts.get(e.contact) for e in picks if e.contact]
        where = next((c.name[lang] for c in contacts if c is not None), t("not_held_where", lang))
        return t(key, lang, what=what or t("nh_asked", lang), where=where)

    def _fallback(self, result: MatchResult, lang: str) -> Reply:
        if result.reason == "not-held":
            return self._not_held(result, lang)
        if result.reason == "empty":
            return Reply(t("empty", lang), "fallback", lang, topic_options(self.kb, lang))
        key = "unknown_document" if result.reason == "unknown-document" else "fallback"
        text = t(key, lang)  # the topics follow as options, listed once
        return Reply(fit(text), "fallback", lang, topic_options(self.kb, lang), score=result.confidence)
