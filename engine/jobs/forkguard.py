"""Background threads of ours are quiet whenever this process forks.

A forked child has only the thread that called fork(): every lock another thread held at that moment stays
held in the child for ever. rq's forking Worker (`odsc worker --fork`) forks a work horse per job while the
ticker thread of the same process claims timers, beats and enqueues: inside SQLite (whose allocator takes
a process-wide mutex on every malloc), SQLAlchemy (mapper configuration, the pool), psycopg, Redis or the
metrics. A horse forked at that moment waited on the first such lock until rq's job timeout killed it (CI:
one horse stuck in sqlite3Malloc, one in SQLAlchemy's _CONFIGURE_MUTEX). No library can be made to
re-create locks it does not own, so the fix is on our side: a thread of ours does each unit of work inside
`ForkGuard.busy()`, and the fork hook below waits until every such thread is between two units of work
(then it holds no lock of any library), forks, and lets them go on. os.register_at_fork covers every
fork of the process (rq's, multiprocessing's), not only the one we know of.
"""
from __future__ import annotations

import logging
import os
import threading
import weakref
from contextlib import contextmanager

log = logging.getLogger("odsc.jobs")

# A unit of work longer than this (a database that hangs) no longer delays forks: the child may then
# inherit a held lock, and rq kills such a horse at its job timeout. A warning says so.
FORK_WAIT_SECONDS = 30.0

# weak references to every live guard; no lock (a lock of ours taken by a thread at the fork would be one
# more lock the child inherits): set.add and list(set) are atomic
_guards: set[weakref.ref] = set()
_forking = threading.local()  # the guards the forking thread holds (two threads may fork at once)


class ForkGuard:
    """One per background thread of ours. Re-entrant, so a fork from the guarded thread itself (a job
    that forks) does not wait for itself."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.RLock()
        _guards.add(weakref.ref(self, _guards.discard))

    @contextmanager
    def busy(self):
        """One unit of work (a tick, a batch of jobs): a fork of this process waits until it is over."""
        with self._lock:
            yield


def _before_fork() -> None:
    _forking.held = []
    live = [ref() for ref in list(_guards)]
    for guard in sorted((g for g in live if g is not None), key=lambda g: g.name):  # one order for every fork
        if guard._lock.acquire(timeout=FORK_WAIT_SECONDS):
            _forking.held.append(guard)
        else:
            log.warning("thread %s still busy after %s s at a fork: the child may inherit its locks",
                        guard.name, FORK_WAIT_SECONDS)


def _after_fork() -> None:
    """In the parent the guarded threads go on; in the child they do not exist, and the forking thread,
    which owns the locks there too, releases them so the child starts with free ones."""
    held = getattr(_forking, "held", [])
    while held:
        held.pop()._lock.release()


# logging, registered earlier, runs its before-fork hook (taking its module lock) after ours: a guarded
# thread that logs while we wait for it is never blocked by the fork it delays
os.register_at_fork(before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork)
