"""Contact details and source links: what passes, what is refused, and how chat versions combine
with contacts.yaml. Every value is obviously fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.contacts import contact_to_dict, fingerprint, merge_contacts, version_id
from knowledge.details import check_detail
from knowledge.loader import validate_dir
from knowledge.overlay import Version


@pytest.mark.parametrize("value", ["0237 3 000 000", "0237.3.000.000", "(0237) 3 000 000", "+84 237 3 000 000",
                                   "0900 000 000", "+84 900 000 000", "1900 0000", "1800 000 000",
                                   "0237 3 000 000; 0237 3 000 001"])
def test_vietnamese_phone_formats_pass(value):
    assert check_detail("phone", value)[1] == []


@pytest.mark.parametrize("value", ["12345", "0237 3 000", "84 237 3 000 000", "+1 555 000 0000", "1900 00",
                                   "gọi 0237 3 000 000", "0237 3 000 000; 1; 2; 3"])
def test_other_phones_are_refused(value):
    assert check_detail("phone", value)[1]


def test_email_url_and_text_checks():
    assert check_detail("email", " lienhe@example.org ") == ("lienhe@example.org", [])
    for bad in ("lienhe.example.org", "a@b", "a@@example.org", "a b@example.org", "a..b@example.org"):
        assert check_detail("email", bad)[1], bad
    assert check_detail("website", "https://example.org/lien-he?x=1")[1] == []
    assert check_detail("website", "http://example.org")[1][0][0] == "adm_err_url_https"
    assert check_detail("website", "www.example.org")[1][0][0] == "adm_err_url_https"
    for bad in ("https://", "https://example", "https://exa mple.org", "https://user:pw@example.org"):
        assert check_detail("website", bad)[1], bad
    assert check_detail("address", "  Số 0,\n đường Thử nghiệm ") == ("Số 0, đường Thử nghiệm", [])
    assert check_detail("hours", "x" * 201)[1]
    assert check_detail("phone", "  ") == ("", [])  # a cleared detail


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_files_are_checked_the_same_way(kb_copy):
    _replace(kb_copy / "contacts.yaml", 'phone: ""', 'phone: "12345"')
    _replace(kb_copy / "contacts.yaml", 'website: ""', 'website: "http://example.org"')
    _replace(kb_copy / "sources.yaml", "  where_en:", '  url: "http://example.org"\n  where_en:')
    _replace(kb_copy / "sources.yaml", "date: 2023-05-15", "date: 15/05/2023")
    found = [str(p) for p in validate_dir(kb_copy)[1]]
    assert any("contacts.yaml" in p and "'phone'" in p and "Vietnamese phone" in p for p in found), found
    assert any("contacts.yaml" in p and "'website'" in p and "https://" in p for p in found), found
    assert any("sources.yaml" in p and "'url'" in p and "https://" in p for p in found), found
    assert any("sources.yaml" in p and "'date'" in p for p in found), found


def test_real_sources_have_short_lines_and_only_https_links(kb):
    for src in kb.sources.values():
        assert src.short and src.publisher, src.id
        assert not src.url or src.url.startswith("https://"), src.id
    assert not kb.sources["article-119"].url  # the seed article's address is not in the sources


def _version(kb, cid: str, phone: str, base: str | None = None, n: int = 1) -> Version:
    data = contact_to_dict(kb.contacts[cid])
    data["details"]["phone"] = phone
    return Version(version_id(cid), n, "contact_edit", data,
                   fingerprint(kb.contacts[cid]) if base is None else base, "telegram:1", 0.0)


def test_chat_versions_overlay_the_file_until_the_file_changes(kb):
    merged, notes = merge_contacts(kb, kb, [_version(kb, "so-ngoai-vu", "0237 3 000 000")])
    assert merged.contacts["so-ngoai-vu"].details["phone"] == "0237 3 000 000" and notes == []
    assert merged.contacts["so-ngoai-vu"].name == kb.contacts["so-ngoai-vu"].name
    assert kb.contacts["so-ngoai-vu"].details["phone"] == ""  # the baseline is untouched
    # the file's details changed since the chat version was made: the file wins, noted
    merged, notes = merge_contacts(kb, kb, [_version(kb, "so-ngoai-vu", "0237 3 000 000", base="0" * 16)])
    assert merged.contacts["so-ngoai-vu"].details["phone"] == ""
    assert [(n.entry_id, n.kind) for n in notes] == [("contact:so-ngoai-vu", "superseded")]
    # a version no check would pass (written some other way) is not shown
    merged, notes = merge_contacts(kb, kb, [_version(kb, "so-ngoai-vu", "12345")])
    assert merged.contacts["so-ngoai-vu"].details["phone"] == "" and notes[0].kind == "invalid"
    gone = Version(version_id("khong-co"), 1, "contact_edit", {"id": "khong-co", "details": {}}, "x", "a", 0.0)
    assert merge_contacts(kb, kb, [gone])[1][0].kind == "orphan"
