from __future__ import annotations

import dataclasses
import re

import pytest

from bot.settings import Settings, SettingsError, read_env_file
from tests.conftest import ROOT


def test_env_file_parsing(tmp_path):
    path = tmp_path / ".env"
    path.write_text('# comment\nexport A=1\nB="two words"\nC=x # note\n\nbroken line\n', encoding="utf-8")
    assert read_env_file(path) == {"A": "1", "B": "two words", "C": "x"}
    assert read_env_file(tmp_path / "missing") == {}


def test_environment_overrides_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("MATCH_ANSWER_THRESHOLD=70\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    settings = Settings.load(env={"MATCH_ANSWER_THRESHOLD": "80"}, env_file=str(path))
    assert settings.MATCH_ANSWER_THRESHOLD == 80.0 and settings.LOG_LEVEL == "DEBUG"


def test_invalid_values_are_refused():
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "abc"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "30", "MATCH_CLARIFY_THRESHOLD": "50"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "130"}, env_file=None)
    assert Settings.load(env={}, env_file=None).MATCH_ANSWER_THRESHOLD is None


def test_every_setting_is_documented_in_env_example():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    assert {f.name for f in dataclasses.fields(Settings)} <= documented
