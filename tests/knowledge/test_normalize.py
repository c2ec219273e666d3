import unicodedata

import pytest

from knowledge.matcher import doc_refs
from knowledge.normalize import canonical_tone, clean, fold, raw_tokens


def folds(lexicon, text: str) -> list[str]:
    return [t.fold for t in lexicon.normalize(text)]


def accs(lexicon, text: str) -> list[str]:
    return [t.acc for t in lexicon.normalize(text)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("hoà bình", "hòa bình"),
        ("THANH HÓA", "thanh hóa"),
        (unicodedata.normalize("NFD", "Sở Ngoại vụ"), "Sở Ngoại vụ"),
        ("Uỷ ban", "Ủy ban"),
    ],
)
def test_same_tokens_whatever_the_spelling(lexicon, a, b):
    assert accs(lexicon, a) == accs(lexicon, b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ko biết", ["khong", "biet"]),
        ("k dc", ["khong", "duoc"]),
        ("đc ko", ["duoc", "khong"]),
        ("kh119 la j", ["ke", "hoach", "119", "la", "gi"]),
        ("KH 119", ["ke", "hoach", "119"]),
        ("128-KH/TU", ["128", "ke", "hoach", "tinh", "uy"]),
        ("dn muốn đầu tư", ["doanh", "nghiep", "muon", "dau", "tu"]),
        ("ntn", ["nhu", "the", "nao"]),
        ("UBND tỉnh", ["uy", "ban", "nhan", "dan", "tinh"]),
        ("cho em hỏi sở ngoại vụ làm gì ạ", ["so", "ngoai", "vu", "lam", "gi"]),
        ("ad ơi VCCI là gì vậy", ["vcci", "la", "gi"]),
        ("viet kieu", ["kieu", "bao"]),
        ("người Việt Nam ở nước ngoài", ["kieu", "bao"]),
        ("Overseas Vietnamese", ["kieu", "bao"]),
        ("🙂🙂 ngoại giao kinh tế!!!", ["ngoai", "giao", "kinh", "te"]),
    ],
)
def test_shorthand_padding_and_synonyms(lexicon, text, expected):
    assert folds(lexicon, text) == expected


def test_kh_is_no_without_a_number(lexicon):
    assert folds(lexicon, "kh biết") == ["khong", "biet"]


def test_accented_word_is_not_taken_for_shorthand(lexicon):
    # "dần" folds to "dan" but must not become anything else; "dn" must.
    assert folds(lexicon, "dần") == ["dan"]


def test_fold_strips_all_marks():
    assert fold("Đường Hồ Chí Minh") == "duong ho chi minh"


def test_canonical_tone_is_idempotent():
    for word in ["hoà", "hòa", "người", "thuỷ", "quý", "giải", "khuya"]:
        once = canonical_tone(word)
        assert canonical_tone(once) == once
        assert fold(once) == fold(word)


def test_clean_removes_control_characters_and_bounds_length():
    text = clean("a\x00b\u200bc\n\td" + "x" * 100_000)
    assert "\x00" not in text and "\u200b" not in text and "\n" not in text
    assert len(text) <= 600


def test_raw_tokens_handles_emoji_only():
    assert raw_tokens("😀😀😀") == []


def test_document_references(lexicon):
    assert doc_refs(folds(lexicon, "Kế hoạch 200/KH-UBND")) >= {("kh", "200", "ubnd")}
    assert doc_refs(folds(lexicon, "chỉ thị số 05")) == {("ct", "5", "")}
    assert doc_refs(folds(lexicon, "NQ21")) == {("nq", "21", "")}
    assert doc_refs(folds(lexicon, "Nghị quyết 21 của HĐND tỉnh")) == {("nq", "21", "hdnd")}
    assert doc_refs(folds(lexicon, "Kế hoạch 128-KH/TU")) == {("kh", "128", "tu")}
    assert doc_refs(folds(lexicon, "kế hoạch 5 năm 2021-2025")) == set()
    assert doc_refs(folds(lexicon, "ngoại giao kinh tế")) == set()


@pytest.mark.parametrize(("word", "syllable"), [
    ("nghiep", True), ("ngiep", False), ("nghia", True), ("ngia", False), ("ngan", True),
    ("nghanh", False), ("ke", True), ("ka", False), ("ca", True), ("ci", False), ("gi", True),
    ("ge", False), ("ghe", True), ("gha", False), ("kim", True),
])
def test_spellings_vietnamese_rules_out_are_not_syllables(word, syllable):
    """"ngiệp" is a slip to mend ("nghiệp"), not a word of its own."""
    from knowledge.syllables import is_syllable

    assert is_syllable(word) is syllable


@pytest.mark.parametrize("text, expected", [
    ("tôi bán hàng ngoài chợ", ["toi", "ban", "hang", "ngoai", "cho"]),  # selling, not a partner
    ("tìm bạn hàng ở Nhật", ["tim", "doi", "tac", "o", "japan"]),
    ("ban hang o nhat", ["doi", "tac", "o", "nhat"]),  # no accents typed: either may be meant
    ("sơ ngoại vụ", ["so", "ngoai", "vu"]),  # the table also spells it without accents
])
def test_a_phrase_typed_with_accents_must_carry_its_accents(lexicon, text, expected):
    assert folds(lexicon, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Nhật có tỉnh nào kết nghĩa", ["japan", "co", "tinh", "nao", "ket", "nghia"]),
    ("Nhật Bản", ["japan"]),
    ("nhat ban", ["japan"]),
    ("doanh nghiệp Nhật", ["doanh", "nghiep", "japan"]),
    ("ưu tiên nhất", ["uu", "tien", "nhat"]),  # "most", not Japan
    ("uu tien nhat", ["uu", "tien", "nhat"]),
    ("thông tin cập nhật", ["thong", "tin", "cap", "nhat"]),
    ("làm việc chủ nhật", ["lam", "viec", "chu", "nhat"]),
])
def test_nhat_alone_is_japan_only_when_it_is_typed_so(lexicon, text, expected):
    """Folded, "Nhật" is the stop word "nhất": Japan has a word of its own."""
    assert folds(lexicon, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("on 10 August 2022", ["on", "10", "thang", "8", "2022"]),  # as the sources write dates: 10/8/2022
    ("the complete document of Plan 119", ["the", "toan", "van", "of", "ke", "hoach", "119"]),
    ("the main parts of Plan 119", ["the", "bo", "cuc", "of", "ke", "hoach", "119"]),
    ("who wrote the article", ["tac", "gia", "the", "article"]),
])
def test_english_names_what_the_sources_say(lexicon, text, expected):
    assert folds(lexicon, text) == expected


@pytest.mark.parametrize("word, stop", [
    ("und", True), ("für", True), ("c'est", True), ("dziękuję", True), ("leipzig", True),
    ("궁금해요", True), ("本当ですか", True), ("спасибо", True),  # another script: nothing to match
    ("le", False), ("hat", False), ("non", False),  # typed without accents: lễ, hát, non
    ("mittelsachsen", False), ("đức", False), ("nghiệp", False),
])
def test_words_people_abroad_mix_in_are_padding(lexicon, word, stop):
    assert all(lexicon.is_stop_token(t) for t in lexicon.normalize(word)) is stop


@pytest.mark.parametrize("text, expected", [
    ("Behörde", ["co", "quan"]),
    ("Auslandsvietnamesen", ["kieu", "bao"]),
    ("Partnerschaft", ["doi", "tac"]),
    ("les entreprises", ["les", "doanh", "nghiep"]),
])
def test_other_languages_name_what_the_sources_say(lexicon, text, expected):
    assert folds(lexicon, text) == expected
