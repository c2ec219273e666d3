"""/lienhe: who to contact, from contacts.yaml and the details administrators confirmed in the chat
(no detail is ever made up)."""

from __future__ import annotations

from handlers.messages import Option, Reply
from handlers.texts import t
from knowledge.model import CONTACT_DETAIL_FIELDS, Contact, KnowledgeBase

# Businesses see the investment-promotion bodies first, then the rest of their audience.
BUSINESS_FIRST = ("trung-tam-xuc-tien", "so-tai-chinh", "vcci-thanh-hoa", "hiep-hoi-doanh-nghiep")


def _ordered(kb: KnowledgeBase, business: bool) -> list[Contact]:
    contacts = list(kb.contacts.values())
    if not business:
        return contacts
    rank = {cid: i for i, cid in enumerate(BUSINESS_FIRST)}
    chosen = [c for c in contacts if "business" in c.audience or c.id in rank]
    return sorted(chosen, key=lambda c: rank.get(c.id, len(rank)))


def _block(contact: Contact, lang: str) -> tuple[str, bool]:
    lines = [f"• {contact.name[lang]}"]
    role = contact.role.get(lang) or contact.role.get("vi")
    if role:
        lines.append(f"  {role}")
    details = [f"  {t(k, lang)}: {contact.details[k]}"
               for k in CONTACT_DETAIL_FIELDS if contact.details.get(k)]
    return "\n".join(lines + details), bool(details)


def contacts_reply(kb: KnowledgeBase, lang: str, business: bool = False) -> Reply:
    blocks, complete = [], True
    for contact in _ordered(kb, business):
        text, has_details = _block(contact, lang)
        blocks.append(text)
        complete = complete and has_details
    intro = t("contacts_business_intro" if business else "contacts_intro", lang)
    parts = [intro, "\n\n".join(blocks)]
    if not complete:
        parts.append(t("contacts_pending", lang))
    switch = Option(t("contacts_all", lang), "contacts:all") if business else \
        Option(t("contacts_business", lang), "contacts:business")
    return Reply("\n\n".join(parts), "info", lang, [switch, Option(t("back", lang), "menu")])
