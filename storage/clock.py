"""The portal's one calendar clock: today's date and the local time, which tests and demos can pin.

Every domain rule that depends on the date (notice periods, billing months, bounds of date ranges) asks this
module, never `date.today()` or `datetime.now()`. `PORTAL_NOW=2026-12-31T23:30:00` in the environment (or `pin()`
in a test) starts the clock at that instant; it then runs at the real pace, so durations still pass.
Durations (session expiry, throttling) use `time.time()`/`time.monotonic()` and are not affected.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Iterator

_offset = timedelta(0)  # pinned instant - real instant when pinned


def pin(instant: datetime | str | None) -> None:
    """Make now() start at instant (a datetime or ISO text); None goes back to the real clock."""
    global _offset
    if instant is None:
        _offset = timedelta(0)
        return
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    _offset = instant.replace(tzinfo=None) - datetime.fromtimestamp(time.time())


@contextmanager
def pinned(instant: datetime | str) -> Iterator[None]:
    """now() starts at instant inside the block; afterwards the clock goes on as if the block had not been."""
    saved = _offset
    pin(instant)
    try:
        yield
    finally:
        _restore(saved)


def _restore(offset: timedelta) -> None:
    global _offset
    _offset = offset


def now() -> datetime:
    """The local date and time (naive), to the second."""
    return (datetime.fromtimestamp(time.time()) + _offset).replace(microsecond=0)


def today() -> date:
    return now().date()


pin(os.environ.get("PORTAL_NOW") or None)


def timestamp() -> float:
    """now() as seconds since the epoch, unrounded: the time source of schedules that must agree with the calendar
    (the outbox's ids, dates and retries)."""
    return time.time() + _offset.total_seconds()
