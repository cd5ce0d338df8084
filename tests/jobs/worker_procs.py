"""`odsc worker` processes started by tests: bounded waits, and on a timeout every process of the tree
(rq's work horses included) first dumps its threads' stacks into the output (`odsc worker` registers
faulthandler on SIGUSR1), then is killed, so a hung worker fails its own test with the place it waits
and never lingers into the next test (a lingering `race-1` made the next run fail with "There exists an
active worker named 'race-1' already")."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ODSC = str(Path(sys.executable).with_name("odsc"))
# how long a dumped process gets to write its stacks before it is killed (only on the failure path)
DUMP_GRACE_SECONDS = 3.0


class WorkerProcess:
    """An `odsc worker` whose output goes to a file (a pipe nobody reads while the test waits for another
    process would block its writes once full)."""

    def __init__(self, env: dict, log: Path, *args: str):
        self.args = ["odsc", "worker", *args]
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen([ODSC, "worker", *args], env=env, stdout=out, stderr=subprocess.STDOUT)

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    def output(self) -> str:
        return self.log.read_bytes().decode(errors="replace")

    def wait(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            return False
        return True

    def kill_tree(self, dump: bool) -> str:
        """Kill it and its descendants (after a stack dump of each when `dump`); its whole output."""
        tree = [self.proc.pid, *descendants(self.proc.pid)]
        if dump:
            _signal(tree, signal.SIGUSR1)
            self.wait(DUMP_GRACE_SECONDS)  # the dumps are written at once; the wait ends early if it exits
        _signal([self.proc.pid, *descendants(self.proc.pid), *tree], signal.SIGKILL)
        self.proc.wait()
        return self.output()


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, from /proc (a work horse calls setpgrp, so a process group would
    miss it)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _signal(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def finish(workers: list[WorkerProcess], timeout: float) -> list[str]:
    """The output of each worker once all have exited within `timeout` seconds (together); else the test
    fails naming the worker that hung, with every thread's stack of it and of its work horses."""
    deadline = time.monotonic() + timeout
    for worker in workers:
        if not worker.wait(deadline - time.monotonic()):
            hung = worker.kill_tree(dump=True)
            for other in workers:
                if other is not worker:
                    other.kill_tree(dump=False)
            pytest.fail(f"`{' '.join(worker.args)}` did not exit within {timeout:.0f} s; its output, then the "
                        f"stacks of it and of its work horses:\n{hung}", pytrace=False)
    return [w.output() for w in workers]


def stop(worker: WorkerProcess, timeout: float = 10.0) -> str:
    """Ask a long-running worker to stop (SIGTERM) and return its output; killed with its horses (and their
    stacks in the output) if it does not stop within `timeout` seconds."""
    worker.proc.terminate()
    if worker.wait(timeout):
        return worker.output()
    return worker.kill_tree(dump=True)
