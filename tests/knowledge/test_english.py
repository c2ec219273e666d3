"""English as people type it: inflected, British, misspelt, and the plan's names in English."""

import pytest

from knowledge.english import EnglishForms, is_english_word
from tests.knowledge.test_normalize import folds


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("which goverment directiv", "which government directive"),
        ("who is responsable for investmnt promotion", "who is responsible for investment promotion"),
        ("the departmnt of foriegn affairs", "the department of foreign affairs"),
        ("the central govt directives", "the central government directive"),
        ("partnered with japan", "partner with japan"),
        ("wat abt the plans", "what about the plan"),
    ],
)
def test_misspelt_and_inflected_english_reads_as_meant(lexicon, typed, meant):
    assert folds(lexicon, typed) == folds(lexicon, meant)


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("department of foreign affairs", "sở ngoại vụ"),
        ("provincial people's committee", "ủy ban nhân dân tỉnh"),
        ("department of planning and investment", "sở kế hoạch và đầu tư"),
        ("overseas vietnamese", "kiều bào"),
    ],
)
def test_names_in_english_meet_their_vietnamese_terms(lexicon, english, vietnamese):
    """A name whose first word is itself rewritten ("department" → "sở") still becomes the
    Vietnamese term, so an English question meets the Vietnamese phrasings."""
    assert folds(lexicon, english) == folds(lexicon, vietnamese)


@pytest.mark.parametrize("text", ["besides the beach", "organised by students", "kế hoạch 119",
                                  "ke hoach nam nay", "ngoaij giao", "centre"])
def test_real_words_and_vietnamese_are_left_alone(lexicon, text):
    """A real English word is not a typo of a listed one ("besides" is not "resides"), British
    spelling is English, and Vietnamese or Telex-typed words are for the index to mend."""
    raw = [t.fold for t in lexicon.normalize(text)]
    for typed, word in zip(text.lower().split(), raw, strict=False):
        if typed.isascii() and len(typed) > 4:
            assert word != "resides" and word != "reorganised"
    assert lexicon.english.base("besides") is None
    assert lexicon.english.base("organised") is None
    assert lexicon.english.base("ngoaij") is None


def test_corrections_need_a_close_listed_word():
    forms = EnglishForms(["directive", "government", "partner", "resolution"])
    assert forms.base("directiv") == "directive"
    assert forms.base("resolusion") == "resolution"
    assert forms.base("partners") == "partner"
    assert forms.base("xyzzyplugh") is None  # nothing near it
    assert forms.base("governance") is None  # a real word, two letters from a listed one
    assert forms.base("directive") is None  # already listed


def test_the_word_list_knows_british_and_american_english():
    assert is_english_word("organised") and is_english_word("organized")
    assert is_english_word("programme") and is_english_word("centre")
    assert not is_english_word("goverment")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("which goverment resolusion does the plan carry out",
         "which government resolution does the plan carry out"),
        ("which directiv of the secretariat is the plan based on",
         "which directive of the secretariat is the plan based on"),
        ("what are the objectivs of the plan", "what are the objectives of the plan"),
        ("which provinces are partnrs of thanh hoa", "which provinces are partners of thanh hoa"),
    ],
)
def test_a_misspelt_english_question_gets_the_answer_of_the_right_spelling(matcher, typed, meant):
    got, want = matcher.match(typed), matcher.match(meant)
    assert want.status == "answer"
    assert got.status == "answer" and got.best.entry_id == want.best.entry_id
