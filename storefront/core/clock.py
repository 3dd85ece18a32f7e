"""The one clock: aware UTC instants, and the calendar day as it is in Vietnam."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """The current instant, aware, in UTC (every time is stored in UTC)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive UTC; every time is stored in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_day(at: datetime) -> date:
    """The calendar day in Vietnam at the instant ``at`` (which must carry its time zone)."""
    if at.tzinfo is None:
        raise ValueError("a time zone is needed to know the day in Vietnam")
    return at.astimezone(LOCAL_TZ).date()


def today_in_vietnam() -> date:
    """Today's date in Vietnam, whatever the server's own time zone."""
    return local_day(utcnow())
