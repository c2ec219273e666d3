"""The schema, as an ordered list of migrations: each runs once, in its own transaction.

Append only: a deployed database has already run the earlier ones, and ``migrate`` applies only
those after its recorded version. Editing an old one would leave deployed databases behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

Migration = str | Callable[[aiosqlite.Connection], Awaitable[None]]

MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial", """
    CREATE TABLE users (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        language    TEXT NOT NULL DEFAULT 'vi',
        first_seen  REAL NOT NULL,
        last_seen   REAL NOT NULL,
        opted_in    INTEGER NOT NULL DEFAULT 0,   -- announcements (/dangky), off unless asked for
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;

    CREATE TABLE questions (
        id        INTEGER PRIMARY KEY,
        channel   TEXT NOT NULL,
        user_id   TEXT NOT NULL,
        text      TEXT NOT NULL,
        lang      TEXT NOT NULL,
        outcome   TEXT NOT NULL,                  -- answer | clarify | fallback | smalltalk
        entry_id  TEXT,
        score     REAL NOT NULL DEFAULT 0,
        asked_at  REAL NOT NULL
    );
    CREATE INDEX questions_user ON questions (channel, user_id);
    CREATE INDEX questions_time ON questions (asked_at);

    CREATE TABLE ratings (
        id          INTEGER PRIMARY KEY,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        entry_id    TEXT NOT NULL,
        question_id INTEGER NOT NULL DEFAULT 0,   -- 0: the answer was opened from a menu
        value       INTEGER NOT NULL,             -- +1 helpful, -1 not helpful
        rated_at    REAL NOT NULL,
        UNIQUE (channel, user_id, entry_id, question_id)
    );
    CREATE INDEX ratings_entry ON ratings (entry_id);

    CREATE TABLE feedback (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        text        TEXT NOT NULL,
        name        TEXT,
        email       TEXT,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'new',
        created_at  REAL NOT NULL
    );
    CREATE INDEX feedback_user ON feedback (channel, user_id);

    CREATE TABLE unanswered (
        id          INTEGER PRIMARY KEY,
        question_id INTEGER,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        text        TEXT NOT NULL,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open', -- open | handled | dismissed
        created_at  REAL NOT NULL
    );
    CREATE INDEX unanswered_status ON unanswered (status, created_at);
    CREATE INDEX unanswered_user ON unanswered (channel, user_id);

    CREATE TABLE conversation_state (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        state       TEXT NOT NULL,                -- JSON
        updated_at  REAL NOT NULL,
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;
    """),
    # Every administrator action, with what it changed (JSON before / after).
    ("audit_log", """
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        admin       TEXT NOT NULL,                -- channel:user_id
        action      TEXT NOT NULL,
        target      TEXT,                         -- e.g. the entry id
        before      TEXT,                         -- JSON or NULL
        after       TEXT,                         -- JSON or NULL
        created_at  REAL NOT NULL
    );
    CREATE INDEX audit_time ON audit_log (created_at);
    """),
    # Knowledge-base changes made from the chat, one row per version of an entry
    # (see knowledge/overlay.py for how they combine with the YAML files).
    ("kb_versions", """
    CREATE TABLE kb_versions (
        id          INTEGER PRIMARY KEY,
        entry_id    TEXT NOT NULL,
        version     INTEGER NOT NULL,             -- 1, 2, ... per entry; 0 is the YAML file
        action      TEXT NOT NULL,                -- add | edit | hide | restore | rollback | ...
        data        TEXT NOT NULL,                -- JSON: the whole entry after the change
        base        TEXT NOT NULL DEFAULT '',     -- fingerprint of the file's entry it was made over
        admin       TEXT NOT NULL,
        created_at  REAL NOT NULL,
        UNIQUE (entry_id, version)                -- two saves over the same version: one fails
    );
    """),
    # 👎 ratings join the review queue until an administrator has dealt with them.
    ("ratings_reviewed", """
    ALTER TABLE ratings ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX ratings_review ON ratings (value, reviewed);
    """),
    # Administrators reply to feedback from the chat (status: new | read | replied | closed).
    ("feedback_reply", """
    ALTER TABLE feedback ADD COLUMN reply TEXT;
    ALTER TABLE feedback ADD COLUMN replied_at REAL;
    """),
    # The numbered options of a person's last reply, on channels without buttons (Zalo): "2"
    # picks the second action. They were kept in conversation_state under the made-up channel
    # "zalo.options"; they move here, so that table holds only flows.
    ("pending_options", """
    CREATE TABLE pending_options (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        actions     TEXT NOT NULL,                -- JSON list of the options' actions, in order
        updated_at  REAL NOT NULL,
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;
    INSERT INTO pending_options (channel, user_id, actions, updated_at)
        SELECT 'zalo', user_id, json_extract(state, '$.actions'), updated_at FROM conversation_state
        WHERE channel = 'zalo.options'
        AND CASE WHEN json_valid(state) THEN json_type(state, '$.actions') END = 'array';
    DELETE FROM conversation_state WHERE channel = 'zalo.options';
    """),
    # Every message the bot sends is written here before it is sent and deleted once it arrived
    # (bot/outbox.py). ``status``: pending, sending (the request may be out: never sent again),
    # given_up (too old, or refused; the text is dropped, the row kept for the counts).
    ("outbox", """
    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY,
        channel     TEXT NOT NULL,
        address     TEXT NOT NULL,                -- the chat it goes to
        op          TEXT NOT NULL,                -- JSON: one platform call, as the channel made it
        priority    INTEGER NOT NULL DEFAULT 0,   -- 0 replies, 1 broadcasts: replies go first
        status      TEXT NOT NULL DEFAULT 'pending',
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_at     REAL NOT NULL,
        created_at  REAL NOT NULL,
        error       TEXT
    );
    CREATE INDEX outbox_address ON outbox (channel, address, status, id);
    CREATE INDEX outbox_due ON outbox (status, next_at);

    -- update ids already handled, per channel: a webhook redelivery (or the last batch of a
    -- poll before a crash) is answered once
    CREATE TABLE seen_updates (
        channel     TEXT NOT NULL,
        event_id    TEXT NOT NULL,
        seen_at     REAL NOT NULL,
        PRIMARY KEY (channel, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX seen_updates_time ON seen_updates (seen_at);
    """),
    # Audit records name citizens' items by id, never by their words: the review-queue actions
    # kept the question's text, feedback actions the reference the citizen was given. The text
    # goes (the record keeps who, what, when and how many); the reference becomes the row id, or
    # "feedback:deleted" when the feedback is gone.
    ("audit_without_citizens_words", """
    UPDATE audit_log SET before = json_remove(before, '$.question')
        WHERE action IN ('queue_dismiss', 'queue_reply')
        AND CASE WHEN json_valid(before) THEN json_type(before) END = 'object';
    UPDATE audit_log SET target = COALESCE(
            (SELECT 'feedback:' || f.id FROM feedback f WHERE f.ref = audit_log.target), 'feedback:deleted')
        WHERE action IN ('feedback_reply', 'feedback_close') AND target NOT LIKE 'feedback:%';
    """),
    # Zalo Official Account: the OAuth token pair (a refresh token works once, so the new pair
    # replaces the old in one statement), the PKCE verifiers of logins in progress (by state), and
    # each person's last message, for the 48-hour and 7-day windows of Zalo's consultation messages.
    ("zalo_oa", """
    CREATE TABLE oa_tokens (
        app_id        TEXT PRIMARY KEY,
        access_token  TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at    REAL NOT NULL,
        updated_at    REAL NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE oa_logins (
        state       TEXT PRIMARY KEY,
        verifier    TEXT NOT NULL,
        created_at  REAL NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE oa_contacts (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        msg_id      TEXT NOT NULL DEFAULT '',     -- the person's last message, quoted by a reply
        message_at  REAL NOT NULL,                -- when they last wrote (the 48-hour window)
        updated_at  REAL NOT NULL,                -- their last interaction of any kind (7 days)
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;
    """),
    # The name an administrator's platform gives them (Telegram's, Zalo's), so the history and the
    # audit log say who changed what; kept for administrators only.
    ("display_name", """
    ALTER TABLE users ADD COLUMN display_name TEXT;
    """),
    # Who asked the questions of a review group an administrator has just answered with an entry, by
    # queue item, kept until the administrator sends them the answer, declines, or the offer expires:
    # the queue items themselves leave the queue and may be purged.
    ("followups", """
    CREATE TABLE followups (
        offer       TEXT NOT NULL,                -- one offer: 8 hex digits, on the buttons
        ref         TEXT NOT NULL,                -- the queue item: u:<unanswered id> | r:<rating id>
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        lang        TEXT NOT NULL,
        entry_id    TEXT NOT NULL,                -- the entry that now answers them
        created_at  REAL NOT NULL,
        PRIMARY KEY (offer, ref)
    ) WITHOUT ROWID;
    CREATE INDEX followups_user ON followups (channel, user_id);
    """),
    # Web chat: what is waiting for a browser session (a reply, an administrator's answer) until
    # the browser has collected it; a row is deleted once the browser says it has it.
    ("webchat", """
    CREATE TABLE web_inbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        op          TEXT NOT NULL,                -- the rendered message, JSON
        created_at  REAL NOT NULL
    );
    CREATE INDEX web_inbox_person ON web_inbox (channel, user_id, seq);
    """),
]
