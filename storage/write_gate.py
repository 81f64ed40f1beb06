"""The write gate: every write of the process holds it shared while it writes; a backup takes it exclusively for the
moment its snapshot needs, so that no write is half done in the snapshot and every write answered before is in it.

A writer holds `writing()` from before its first byte until the write is durable (the fsync of the file and of its
folder): what it would acknowledge. `paused()` waits for the writes in progress to end, keeps new ones waiting (they
go first to the pause: a steady stream of writes cannot starve a backup), and lets them go when it ends. Reads never
wait. A writer must not wait for any other lock while it holds the gate (write_atomically only does I/O), and the
thread that holds the pause may itself write (its writes pass), so the gate can never deadlock.

One gate for the process: a pause stops the writes of every data folder the process serves, for milliseconds (in
production a process serves one folder).
"""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from typing import Iterator


class WriteGate:
    """A readers-writer gate: many `writing()` holds at once, or one `paused()`."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._writes_in_progress = 0
        self._pause_owner: int | None = None  # the thread that asked for the pause (waiting for it or holding it)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the gate shared while writing, until the write is durable."""
        me = threading.get_ident()
        with self._condition:
            if self._pause_owner == me:  # the pausing thread's own writes (a journal line) are not in its snapshot
                owner = True
            else:
                owner = False
                while self._pause_owner is not None:
                    self._condition.wait()
                self._writes_in_progress += 1
        try:
            yield
        finally:
            if not owner:
                with self._condition:
                    self._writes_in_progress -= 1
                    if self._writes_in_progress == 0:
                        self._condition.notify_all()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the gate exclusively: no write is in progress inside the block, new ones wait for its end."""
        me = threading.get_ident()
        with self._condition:
            while self._pause_owner is not None:  # one pause at a time
                self._condition.wait()
            self._pause_owner = me
            while self._writes_in_progress:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._pause_owner = None
                self._condition.notify_all()


GATE = WriteGate()


def while_writing(function):
    """Decorator: the whole call holds the gate shared (for a function that writes and returns once durable)."""
    @functools.wraps(function)
    def holding_the_gate(*args, **kwargs):
        with GATE.writing():
            return function(*args, **kwargs)
    return holding_the_gate
