"""Statistics for administrators: /stats as text with a 30-day chart, and the daily digest."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from handlers import review
from handlers.admin.common import LIST_CHARS, back, one_line
from handlers.context import Ctx
from handlers.messages import Document, Reply
from handlers.ports import Store
from handlers.texts import t
from handlers.vntime import vn_datetime
from knowledge.model import KnowledgeBase


async def stats_reply(ctx: Ctx) -> Reply:
    """The statistics as text, and the daily volume by outcome over 30 days as a picture."""
    text = await stats_text(ctx.storage, ctx.kb, ctx.lang)
    picture = await stats_chart(ctx.storage, ctx.lang)
    if picture is not None:
        text += "\n\n" + t("adm_chart_legend", ctx.lang)
    return Reply(text, "info", ctx.lang, [back(ctx.lang)], documents=[picture] if picture else [])


async def stats_chart(storage: Store, lang: str = "vi") -> Document | None:
    """None when nobody asked anything in 30 days (an empty chart says nothing). Drawn in a thread:
    matplotlib takes about half a second, which would stall every other chat."""
    now = time.time()  # one moment for the counts and the dates under them
    days = await storage.daily_outcomes(30, now)
    if not any(days):
        return None
    data = await asyncio.to_thread(_draw, days, vn_datetime(now).date(), lang)
    return Document("stats-30-days.png", data, photo=True)


def _draw(days: list[dict[str, int]], last: dt.date, lang: str) -> bytes:
    """Imports matplotlib on first use, in the thread: a second that neither start-up (the CLI,
    every test) nor the event loop should pay."""
    from handlers.admin import chart

    return chart.daily_chart(days, last, lang)


async def digest_text(storage: Store, kb: KnowledgeBase, lang: str = "vi") -> str:
    """The daily digest for the administrators' group (ADMIN_CHAT_ID)."""
    return t("adm_digest", lang) + "\n\n" + await stats_text(storage, kb, lang)


async def stats_text(storage: Store, kb: KnowledgeBase, lang: str) -> str:
    """Volume, outcome shares over 30 days, the most asked entries and unanswered questions,
    ratings, new feedback and subscribers: what /stats and the digest both say."""
    st = await storage.stats()
    total = sum(st.outcomes.values()) or 1

    def share(outcome: str) -> str:
        return f"{100 * st.outcomes.get(outcome, 0) / total:.0f}%"

    lines = [t("adm_stats_head", lang, today=str(st.today), week=str(st.week), month=str(st.month)),
             t("adm_stats_outcomes", lang, answer=share("answer"), clarify=share("clarify"),
               fallback=share("fallback"), smalltalk=share("smalltalk"))]
    if st.top_entries:
        lines.append(t("adm_stats_top", lang))
        for eid, n in st.top_entries:
            entry = kb.entries.get(eid or "")
            lines.append(f"• {entry.title(lang) if entry else eid} ({n})")
    groups = [g for g in review.group_items(await storage.review_items()) if g.kind == "unanswered"][:5]
    if groups:
        lines.append(t("adm_stats_unanswered", lang))
        lines += [f"• {one_line(g.text, LIST_CHARS)} (×{g.count})" for g in groups]
    lines.append(t("adm_stats_ratings", lang, up=str(st.up), down=str(st.down)))
    lines.append(t("adm_stats_other", lang, feedback=str(st.feedback_new),
                   subscribers=str(st.subscribers)))
    if st.undelivered or st.pending:
        lines.append(t("adm_stats_outbox", lang, undelivered=str(st.undelivered), pending=str(st.pending)))
    return "\n".join(lines)
