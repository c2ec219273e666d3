"""Vietnam time: days begin at Vietnamese midnight, and a daily hour is the next one on its clocks."""

from __future__ import annotations

import datetime as dt

from handlers.vntime import VN_TIME, day_start, seconds_until, utc_offset, vn_datetime

NEW_YEAR = dt.datetime(2026, 1, 1, tzinfo=VN_TIME).timestamp()  # 31/12/2025 17:00 UTC


def test_the_vietnamese_day_and_its_offset():
    assert dt.datetime(2025, 12, 31, 17, tzinfo=dt.UTC).timestamp() == NEW_YEAR
    assert utc_offset(NEW_YEAR) == 7 * 3600
    assert day_start(NEW_YEAR + 23 * 3600 + 59 * 60) == NEW_YEAR  # 23:59 is still the same day
    assert day_start(NEW_YEAR - 1) == NEW_YEAR - 86400
    assert vn_datetime(NEW_YEAR).strftime("%d/%m/%Y %H:%M") == "01/01/2026 00:00"


def test_seconds_until_the_next_hour_on_vietnamese_clocks():
    assert seconds_until(8, NEW_YEAR) == 8 * 3600
    assert seconds_until(8, NEW_YEAR + 8 * 3600) == 86400  # that hour now: the next is tomorrow
    assert seconds_until(8, NEW_YEAR + 9 * 3600 + 0.5) == 23 * 3600 - 0.5
