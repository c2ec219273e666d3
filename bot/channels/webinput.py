"""What a webhook body may be before any of it is handled, and the text every channel passes on.

A webhook is reachable from the internet, so its body is checked before the JSON parser or any
recursive code sees it: nesting is capped (a 600-deep body must not reach a recursion limit), the
number of updates per request is capped, and text is made storable (JSON may carry lone
surrogates such as ``"\\ud800"``, which no UTF-8 database or platform accepts).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 32  # real updates nest 4-5 levels; far below Python's recursion limit
MAX_UPDATES = 100  # per webhook request (Zalo may send a list; Telegram sends one)

# a string, or an unterminated one up to the end: every quote starts a match, so the scan is linear
_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class Refused(Exception):
    """A body refused as a whole, with the HTTP status to answer; nothing in it is handled."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in ``raw``, brackets inside strings not counted.
    Linear and without recursion, so it is safe on any body the server accepted."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def loads(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``raw``; ``Refused`` (400) past ``max_depth``, ValueError if not JSON."""
    if depth(raw) > max_depth:
        raise Refused(400, f"body nested deeper than {max_depth}")
    return json.loads(raw)


def check_count(count: int, limit: int = MAX_UPDATES) -> None:
    """``Refused`` (413) when one request carries more updates than anyone sends."""
    if count > limit:
        raise Refused(413, f"more than {limit} updates in one request")


def clean(text: str | None) -> str | None:
    """``text`` with lone surrogates replaced by U+FFFD, so it can be stored and sent on."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        # via UTF-16 so a split pair (high then low surrogate) becomes the character it stands for
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
