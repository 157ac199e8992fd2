"""Time is an input: every "today" and "now" in Kith comes from here.

Reports, the demo, imports and logs ask this module what day it is, so one
setting moves all of them together. ``KITH_TODAY`` pins the whole process to a
day (``2028-02-29``) or an instant (``2028-02-29T09:30:00+00:00``); tests and the
README's examples set it, so they give the same answer on whatever day they run.

Without it, Kith uses the machine's clock.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from kith.errors import ClockError

ENV = "KITH_TODAY"


def _pinned() -> datetime | date | None:
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ClockError(f"{ENV}={text!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def today() -> date:
    """The day Kith works as of: ``KITH_TODAY``'s date if set, else the machine's (local) date.

    >>> import os; os.environ[ENV] = "2028-02-29"; today()
    datetime.date(2028, 2, 29)
    >>> del os.environ[ENV]
    """
    pinned = _pinned()
    if pinned is None:
        return date.today()
    return pinned.date() if isinstance(pinned, datetime) else pinned


def now() -> datetime:
    """The current instant, in UTC.

    With ``KITH_TODAY`` a date, it is that day at the machine's current UTC time of day (so
    that successive writes stay in order); with a date-time, exactly that instant.
    """
    pinned = _pinned()
    if pinned is None:
        return datetime.now(timezone.utc)
    if isinstance(pinned, datetime):
        return pinned.astimezone(timezone.utc)
    return datetime.combine(pinned, datetime.now(timezone.utc).time(), tzinfo=timezone.utc)

