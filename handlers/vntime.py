"""Vietnam time, from the tz database, for everything that speaks of "today" or a time of day:
statistics by day, the morning digest, dates stamped on entries and files, times shown to
administrators. The one place that knows which zone the province lives in."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_datetime(timestamp: float | None = None) -> dt.datetime:
    """The moment (now by default) on Vietnamese clocks."""
    return dt.datetime.fromtimestamp(time.time() if timestamp is None else timestamp, VN_TIME)


def utc_offset(timestamp: float) -> int:
    """Seconds Vietnam is ahead of UTC at that moment (25200 since 1975), for grouping by day in SQL."""
    offset = vn_datetime(timestamp).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def day_start(timestamp: float) -> float:
    """The epoch time of the Vietnamese midnight that began that moment's day."""
    local = vn_datetime(timestamp)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def seconds_until(hour: int, now: float) -> float:
    """Seconds from ``now`` to the next ``hour``:00 in Vietnam; a full day when it is that time now."""
    local = vn_datetime(now)
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target += dt.timedelta(days=1)
    return target.timestamp() - now
