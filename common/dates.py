"""Dates: partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), the days one can mean, and how
every face writes a date or a moment for people to read (:func:`show_date`).

Kept apart from :mod:`common.schemas` so that code which only reads stored dates (the Excel
exports) does not load pydantic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

LOCAL_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
"""Vietnam keeps UTC+7 all year; times shown to people are in it."""
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=8192)
def partial_date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) can mean."""
    m = PARTIAL_DATE_RE.match(value)
    if not m:
        raise ValueError(value)
    year = int(m[1])
    month = int(m[2]) if m[2] else None
    day = int(m[3]) if m[3] else None
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    d = dt.date(year, month, day)
    return d, d


def show_date(
    value: dt.datetime | dt.date | str | None,
    *,
    tz: dt.tzinfo | None = LOCAL_TZ,
    time_only: bool = False,
    day_only: bool = False,
) -> str:
    """A date as people read it here, in either language: ``31/01/1996``; a partial date ``01/1996``
    or ``1996``; a moment ``31/01/1996 14:05`` in ``tz`` (Vietnam's time; None: the device's own
    zone; a moment without a zone is UTC), only its time ``14:05:09`` with ``time_only``, only its
    day ``31/01/1996`` with ``day_only``. Nothing: ``""``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        moment = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(tz)
        return moment.strftime("%H:%M:%S" if time_only else "%d/%m/%Y" if day_only else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "/".join(reversed(str(value).split("-")))
