"""Administrators' changes to contact details, over contacts.yaml: the same rule as entries.

A chat version of a contact lives in the same versions table as entries, under the id
``contact:<id>`` (entry ids never contain a colon), so it is saved, locked, audited and exported by
the one path entries use. It holds the contact's detail fields only: name, role and audience stay
with the file. The newest version applies while the file's details are the ones the administrator
saw (``base``); when the file's details have changed since, the file wins and a ``Note`` says so;
a version whose contact is gone from the file is not shown (there is no name to show it under).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping

from knowledge.details import check_detail
from knowledge.model import CONTACT_DETAIL_FIELDS, Contact, KnowledgeBase
from knowledge.overlay import CONTACT_PREFIX, Note, Problem, Version, problem


def version_id(contact_id: str) -> str:
    return CONTACT_PREFIX + contact_id


def contact_of(version_id_: str) -> str | None:
    """The contact a stored version belongs to; None for an entry's version."""
    return version_id_.removeprefix(CONTACT_PREFIX) if version_id_.startswith(CONTACT_PREFIX) else None


def contact_to_dict(contact: Contact) -> dict:
    """What a chat version stores: the id and every detail field ("" when unknown)."""
    return {"id": contact.id, "details": {k: contact.details.get(k, "") for k in CONTACT_DETAIL_FIELDS}}


def fingerprint(contact: Contact | Mapping | None) -> str:
    """A short hash of a contact's details; "" for no contact."""
    if contact is None:
        return ""
    data = contact_to_dict(contact) if isinstance(contact, Contact) else dict(contact)
    details = {k: str((data.get("details") or {}).get(k) or "") for k in CONTACT_DETAIL_FIELDS}
    raw = json.dumps(details, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def check_details(data: Mapping) -> list[Problem]:
    """Every detail of a version as the chat would accept it typed (a rollback target included)."""
    problems = []
    for name in CONTACT_DETAIL_FIELDS:
        value = str((data.get("details") or {}).get(name) or "")
        problems += [problem(key, **params) for key, params in check_detail(name, value)[1]]
    return problems


def merge_contacts(kb: KnowledgeBase, baseline: KnowledgeBase, latest: Iterable[Version]
                   ) -> tuple[KnowledgeBase, list[Note]]:
    """``kb`` (the files with the entries' chat versions) with the contacts' chat versions applied."""
    contacts = dict(kb.contacts)
    notes: list[Note] = []
    for version in sorted(latest, key=lambda v: v.entry_id):
        cid = contact_of(version.entry_id)
        if cid is None:
            continue
        file_contact = baseline.contacts.get(cid)
        if file_contact is None:
            notes.append(Note(version.entry_id, "orphan", version.version))
            continue
        current = fingerprint(file_contact)
        if version.base != current:
            if fingerprint(version.data) != current:
                notes.append(Note(version.entry_id, "superseded", version.version))
            continue
        if check_details(version.data):
            notes.append(Note(version.entry_id, "invalid", version.version))
            continue
        details = {k: str(version.data["details"].get(k) or "") for k in CONTACT_DETAIL_FIELDS}
        contacts[cid] = dataclasses.replace(file_contact, details=details)
    return dataclasses.replace(kb, contacts=contacts), notes
