"""Numbered options, for channels without buttons (Zalo, the terminal).

A reply's options are shown as a numbered list ("Gõ số 1, 2 hoặc 3 để chọn."), and a message that
is just one of those numbers picks the option. Where the options are kept between messages is the
channel's choice (Zalo: in storage, so a number still works after a restart; the terminal: in
memory).
"""

from __future__ import annotations

import re

from handlers.messages import Option, Reply, split_text, utf16_len
from handlers.texts import t

NUMBER = re.compile(r"\s*(\d{1,3})\s*[.)]?\s*")
ROW_WIDTH = 60  # options sharing a row (👍 👎, Gửi / Hủy) go on one line when this short


def pick(text: str, actions: list[str]) -> str | None:
    """The action whose number ``text`` is ("2", " 2. "), if it is one of ``actions``' numbers."""
    number = NUMBER.fullmatch(text)
    if number and 1 <= int(number.group(1)) <= len(actions):
        return actions[int(number.group(1)) - 1]
    return None


def number_hint(count: int, lang: str) -> str:
    """"Gõ số 1, 2 hoặc 3 để chọn." — a range once the list is long."""
    if count == 1:
        numbers = "1"
    elif count <= 5:
        numbers = f"{', '.join(str(i) for i in range(1, count))} {t('pick_or', lang)} {count}"
    else:
        numbers = t("pick_range", lang, n=str(count))
    return t("pick_number", lang, numbers=numbers)


def option_lines(options: list[Option]) -> list[str]:
    """One numbered line per option; a short row (👍 👎) stays on one line, as a short choice."""
    lines: list[str] = []
    last_row = ""
    for i, option in enumerate(options, 1):
        label = option.label.removeprefix(f"{i}. ")  # a label that already carries its number
        item = f"{i}. {label}"
        if option.row and lines and option.row == last_row and len(lines[-1]) + len(item) + 3 <= ROW_WIDTH:
            lines[-1] += "   " + item
        else:
            lines.append(item)
        last_row = option.row
    return lines


def numbered_in_place(text: str, options: list[Option]) -> str | None:
    """The text with its own list of the options numbered, when it already lists every one of them
    in order (as "• label" or "1. label" lines: the topics under /start, the suggestions of a
    clarify): the same list twice is noise on a phone. None when it does not."""
    lines = text.split("\n")
    at = 0
    for i, option in enumerate(options, 1):
        label = option.label.removeprefix(f"{i}. ")
        wanted = {f"• {label}", f"{i}. {label}"}
        while at < len(lines) and lines[at].strip() not in wanted:
            at += 1
        if at == len(lines):
            return None
        lines[at] = f"{i}. {label}"
        at += 1
    return "\n".join(lines)


def render(reply: Reply, text: str | None = None) -> str:
    """``text`` (default: the reply's) with the reply's options numbered and the hint to type one."""
    text = (reply.text if text is None else text).strip() or reply.notice
    if not reply.options:
        return text
    hint = number_hint(len(reply.options), reply.lang)
    inline = numbered_in_place(text, reply.options)
    if inline is not None:
        return f"{inline}\n\n{hint}"
    block = "\n".join(option_lines(reply.options))
    return f"{text}\n\n{block}\n\n{hint}".strip()


def render_text_only(reply: Reply) -> str:
    """The reply as one text for a platform without buttons or files (Zalo's two APIs): options
    numbered, files pointed to Telegram; the /stats chart is left out, as its figures are in the
    text."""
    text = reply.text
    files = [doc.name for doc in reply.documents if not doc.photo]
    if files:
        text += "\n\n" + t("zalo_no_files", reply.lang, names=", ".join(files))
    return render(reply, text)


def parts(text: str, limit: int) -> list[str]:
    """Parts of at most ``limit`` UTF-16 units (the safe count where a platform does not say how
    it counts), cut at paragraph, line, sentence, then word boundaries."""
    return [part for part in split_text(text, limit, utf16_len) if part.strip()]
