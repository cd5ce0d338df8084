# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""A process that forks (rq's forking Worker: a work horse per job) while its ticker thread is in mid-tick
must not hand the child a lock that thread holds: the child has no ticker thread to release it, and waits
for ever (CI: a horse of `odsc worker --fork` stuck in sqlite3Malloc, another in SQLAlchemy's mapper
lock, until rq's job timeout). engine.jobs.forkguard makes the fork wait until the tick is over."""
from __future__ import annotations

import os
import threading
import time
import warnings

from tests.jobs.jobs_support import japp  # noqa: F401 - fixture

# how long the tick below holds its lock: the tick's own work, not a wait for anything
TICK_SECONDS = 1.0
# the child's bounded wait for that lock: long enough for a loaded machine, far below a hang
CHILD_WAIT_SECONDS = 10.0


def fork_and_take(lock: threading.Lock) -> int:
    """Fork; the child takes `lock` within CHILD_WAIT_SECONDS (exit 0) or not (exit 3). The child's status."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python >= 3.12 warns on fork with threads
        pid = os.fork()
    if pid == 0:
        os._exit(0 if lock.acquire(timeout=CHILD_WAIT_SECONDS) else 3)
    deadline = time.monotonic() + CHILD_WAIT_SECONDS + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError(f"the forked child did not exit within {CHILD_WAIT_SECONDS + 30:.0f} s")


def test_a_fork_waits_until_the_ticker_is_between_two_ticks(japp):
    """The lock stands for any lock a tick takes inside a library (SQLite's allocator, SQLAlchemy, logging)."""
    from engine.jobs.ticker import Ticker

    inside = threading.Event()
    library_lock = threading.Lock()

    class BusyTicker(Ticker):
        def tick(self, now=None, force=False):
            with library_lock:
                inside.set()
                time.sleep(TICK_SECONDS)  # the tick's work
            return {}

    ticker = BusyTicker(japp).start()
    try:
        assert inside.wait(30), "the ticker thread never ticked"
        status = fork_and_take(library_lock)  # the ticker holds library_lock now
    finally:
        ticker.stop()
    assert status == 0, "the forked child inherited a lock held by the ticker thread in mid-tick"


def test_a_fork_waits_for_the_after_commit_runner_too(japp):
    """The in-process runner's thread runs jobs (database, HTTP, logging): the same kind of thread."""
    from engine.jobs.publisher import InProcessPublisher

    inside = threading.Event()
    library_lock = threading.Lock()

    class BusyRunner(InProcessPublisher):
        def run_pending(self):
            with library_lock:
                inside.set()
                time.sleep(TICK_SECONDS)  # the jobs' work
            return 1

    runner = BusyRunner(japp)
    runner._start_thread()
    runner._kick.set()
    assert inside.wait(30), "the after-commit thread never ran"
    assert fork_and_take(library_lock) == 0, "the forked child inherited a lock held by the after-commit thread"
