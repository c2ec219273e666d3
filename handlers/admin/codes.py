"""Every administrator option, named once: what each ``ad:`` code means and which arguments it
carries, so no handler spells a code and Telegram's 64-byte callback data can be checked for all.

An option is ``ad:<code>[:<arg>...]``; the router strips ``ad:`` and hands the rest to ``decode``.
Only the last argument may contain a colon (a review reference such as ``u:12``): entry and contact
ids never do.
"""

from __future__ import annotations

from enum import Enum

PREFIX = "ad"
CALLBACK_LIMIT = 64  # bytes of callback_data Telegram accepts


class Arg(Enum):
    """What an option's argument is, for the worst-case length check."""

    ENTRY = "entry id"
    REF = "review reference (u:<id> or r:<id>)"
    ROW = "database row id"
    VERSION = "version number"
    TOPIC = "topic id"
    SOURCE = "source id"
    SET = "import set id (8 hex digits)"
    CONTACT = "contact id"
    FIELD = "contact detail field"
    PAGE = "page number"
    OFFER = "follow-up offer id (8 hex digits)"


class Code(Enum):
    MENU = "menu"
    # the menu's areas
    QUEUE = "queue"
    INBOX = "fb"
    STATS = "stats"
    BROADCAST = "bc"
    ADD = "add"
    FIND = "find"
    HIDDEN = "hidden"
    FILES = "io"
    RELOAD = "reload"
    AUDIT = "audit"
    AUDIT_DETAIL = "al"
    # files
    EXPORT_CSV = "xcsv"
    EXPORT_YAML = "xyaml"
    EXPORT_XLSX = "xxlsx"
    UNDO_IMPORT = "undo"
    # feedback inbox
    FEEDBACK_VIEW = "fbv"
    FEEDBACK_REPLY = "fbr"
    FEEDBACK_CLOSE = "fbc"
    FEEDBACK_FULL = "fbt"
    INBOX_PAGE = "ib"
    # review queue
    GROUP = "q"
    GROUP_ADD_TO = "qa"
    GROUP_NEW = "qn"
    GROUP_REPLY = "qr"
    GROUP_DISMISS = "qd"
    ENTRY_FROM_REPLY = "qx"
    GROUP_FULL = "qt"
    QUEUE_PAGE = "qp"
    # telling the people who asked, once their question has an answer
    FOLLOWUP = "fu"
    FOLLOWUP_SEND = "fus"
    FOLLOWUP_DROP = "fux"
    # one entry
    VIEW = "v"
    EDIT_PHRASINGS = "ep"
    EDIT_ANSWER = "ea"
    EDIT_ANSWER_EN = "ee"
    EDIT_TOPIC = "et"
    HIDE = "h"
    RESTORE = "r"
    HISTORY = "hist"
    ROLLBACK = "rb"
    # contacts
    CONTACTS = "ct"
    CONTACT_VIEW = "ctv"
    CONTACT_EDIT = "cte"
    CONTACT_HISTORY = "cth"
    CONTACT_ROLLBACK = "ctr"
    # inside a flow in progress only
    TOPIC = "topic"
    SOURCE = "src"
    PAGE = "pg"
    SKIP = "skip"
    SAVE = "save"
    IMPORT_HIDE = "imph"
    IMPORT_KEEP = "impk"


# the arguments each code carries, in order; codes not listed carry none
ARGS: dict[Code, tuple[Arg, ...]] = {
    Code.AUDIT_DETAIL: (Arg.ROW,),
    Code.FEEDBACK_VIEW: (Arg.ROW,),
    Code.FEEDBACK_REPLY: (Arg.ROW,),
    Code.FEEDBACK_CLOSE: (Arg.ROW,),
    Code.FEEDBACK_FULL: (Arg.ROW,),
    Code.INBOX_PAGE: (Arg.PAGE,),
    Code.GROUP: (Arg.REF,),
    Code.GROUP_FULL: (Arg.REF,),
    Code.QUEUE_PAGE: (Arg.PAGE,),
    Code.FOLLOWUP: (Arg.OFFER,),
    Code.FOLLOWUP_SEND: (Arg.OFFER,),
    Code.FOLLOWUP_DROP: (Arg.OFFER,),
    Code.GROUP_ADD_TO: (Arg.ENTRY, Arg.REF),
    Code.GROUP_NEW: (Arg.REF,),
    Code.GROUP_REPLY: (Arg.REF,),
    Code.GROUP_DISMISS: (Arg.REF,),
    Code.VIEW: (Arg.ENTRY,),
    Code.EDIT_PHRASINGS: (Arg.ENTRY,),
    Code.EDIT_ANSWER: (Arg.ENTRY,),
    Code.EDIT_ANSWER_EN: (Arg.ENTRY,),
    Code.EDIT_TOPIC: (Arg.ENTRY,),
    Code.HIDE: (Arg.ENTRY,),
    Code.RESTORE: (Arg.ENTRY,),
    Code.HISTORY: (Arg.ENTRY,),
    Code.ROLLBACK: (Arg.ENTRY, Arg.VERSION),
    Code.TOPIC: (Arg.TOPIC,),
    Code.SOURCE: (Arg.SOURCE,),
    Code.PAGE: (Arg.VERSION,),
    Code.UNDO_IMPORT: (Arg.SET,),
    Code.CONTACT_VIEW: (Arg.CONTACT,),
    Code.CONTACT_EDIT: (Arg.CONTACT, Arg.FIELD),
    Code.CONTACT_HISTORY: (Arg.CONTACT,),
    Code.CONTACT_ROLLBACK: (Arg.CONTACT, Arg.VERSION),
}
# options that only make sense inside a flow in progress (a stale button says so)
FLOW_ONLY = frozenset({Code.TOPIC, Code.SOURCE, Code.PAGE, Code.SKIP, Code.SAVE, Code.IMPORT_HIDE,
                       Code.IMPORT_KEEP})
_BY_VALUE = {code.value: code for code in Code}


def encode(code: Code, *args: str | int) -> str:
    """The option's action string, e.g. ``encode(Code.ROLLBACK, "plan-overview", 2)``."""
    if len(args) != len(ARGS.get(code, ())):
        raise ValueError(f"{code.name} takes {len(ARGS.get(code, ()))} argument(s), got {len(args)}")
    return ":".join([PREFIX, code.value, *(str(a) for a in args)])


def decode(data: str) -> tuple[Code | None, tuple[str, ...]]:
    """``data`` is what follows ``ad:``. An unknown code (an old button) gives None; missing
    arguments come back empty, so handlers answer "not found" rather than fail."""
    what, _, rest = data.partition(":")
    code = _BY_VALUE.get(what)
    if code is None:
        return None, (rest,)
    if len(ARGS.get(code, ())) == 2:
        first, _, last = rest.partition(":")
        return code, (first, last)
    return code, (rest,)
