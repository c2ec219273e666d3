"""What a contact detail or a source link may be: checked the same way in the curated files and in
the chat, so a value a citizen is shown is always one they can dial, write to or open.

Each check gives the value as it will be stored (white space tidied) and its problems as text keys
(``handlers/texts.yaml``) with parameters; ``ENGLISH`` has the messages the file loader prints.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_TEXT = 200  # an address or opening hours: one screen line or two on a phone
MAX_URL = 300
MAX_PHONES = 3

DetailProblem = tuple[str, dict[str, str]]

# 0 + area code and number (landlines 0237 3 852 …, 11 digits; mobiles, 10), the same after +84
# without the 0, and the nationwide hotlines 1800/1900 with 4 or 6 more digits
_PHONE_RES = (re.compile(r"0[1-9]\d{8,9}"), re.compile(r"\+84[1-9]\d{8,9}"),
              re.compile(r"1[89]00(\d{4}|\d{6})"))
_PHONE_CHARS = re.compile(r"[\d\s.()+-]+")
_PHONE_SPLIT = re.compile(r"\s*[;,/]\s*")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_HOST_RE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")

ENGLISH = {
    "adm_err_phone": "{value!r} is not a Vietnamese phone number: write it as 0237 3 852 …, "
                     "+84 237 3 852 … or a 1800/1900 hotline",
    "adm_err_phones": "at most {max} phone numbers, separated by ';'",
    "adm_err_email": "{value!r} is not an e-mail address (name@example.org)",
    "adm_err_url_https": "{value!r} must start with https://",
    "adm_err_url": "{value!r} is not a web address (https://example.org/…)",
    "adm_err_detail_long": "at most {max} characters (has {n})",
}


def english(problem: DetailProblem) -> str:
    key, params = problem
    return ENGLISH[key].format(**{k: v for k, v in params.items()})


def check_phone(value: str) -> tuple[str, list[DetailProblem]]:
    """One to three numbers, each in a Vietnamese format, kept as the administrator grouped them."""
    parts = [" ".join(p.split()) for p in _PHONE_SPLIT.split(value.strip()) if p.strip()]
    if len(parts) > MAX_PHONES:
        return value, [("adm_err_phones", {"max": str(MAX_PHONES)})]
    problems = []
    for part in parts:
        digits = re.sub(r"[\s.()-]", "", part)
        if not _PHONE_CHARS.fullmatch(part) or not any(r.fullmatch(digits) for r in _PHONE_RES):
            problems.append(("adm_err_phone", {"value": part}))
    return "; ".join(parts), problems


def check_email(value: str) -> tuple[str, list[DetailProblem]]:
    value = value.strip()
    if len(value) > 254 or ".." in value or not _EMAIL_RE.fullmatch(value):
        return value, [("adm_err_email", {"value": value})]
    return value, []


def check_url(value: str) -> tuple[str, list[DetailProblem]]:
    """https only: a citizen following the bot's link to a government site must reach that site."""
    value = value.strip()
    parts = urlsplit(value) if not any(c.isspace() for c in value) else None
    if parts is not None and parts.scheme.lower() != "https" and (parts.scheme or "." in value):
        return value, [("adm_err_url_https", {"value": value})]
    host = (parts.hostname or "") if parts is not None and parts.scheme else ""
    if len(value) > MAX_URL or not _HOST_RE.fullmatch(host) or parts.username or parts.password:
        return value, [("adm_err_url", {"value": value})]
    return value, []


def check_text(value: str) -> tuple[str, list[DetailProblem]]:
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        return value, [("adm_err_detail_long", {"max": str(MAX_TEXT), "n": str(len(value))})]
    return value, []


CHECKS = {"address": check_text, "phone": check_phone, "email": check_email, "website": check_url,
          "hours": check_text}


def check_detail(name: str, value: str) -> tuple[str, list[DetailProblem]]:
    """The value as stored and what is wrong with it; an empty value (a cleared detail) is fine."""
    if not value.strip():
        return "", []
    return CHECKS[name](value)
