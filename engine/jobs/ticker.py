"""The ticker runs the periodic jobs of engine.jobs.queues.SCHEDULE: in a thread of `odsc serve` (embedded
mode: it also runs the queued in-process jobs) and of every `odsc worker` (rq mode: due work is claimed
and enqueued). Tests call `tick()` directly."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from engine.jobs import context
from engine.jobs.forkguard import ForkGuard
from engine.jobs.queues import SCHEDULE

log = logging.getLogger("odsc.jobs")


class Ticker:
    def __init__(self, app: Flask, queues: list[str] | None = None):
        self.app = app
        self.queues = queues or []
        self.last_beat = -1e18
        self.publisher = app.extensions["odsc_publisher"]
        self.last: dict[str, float] = {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.guard = ForkGuard("odsc-ticker")

    def period(self, entry) -> float:
        return float(self.app.config.get(entry.config_key, entry.every_seconds))

    def _once_per_period(self, entry) -> bool:
        """In rq mode several workers tick: a Redis lock lets one of them run a once-per-period job."""
        redis = getattr(self.publisher, "redis", None)
        if entry.everywhere or redis is None:
            return True
        try:
            return bool(redis.set(f"odsc:periodic:{entry.job}", "1", nx=True, px=max(int(self.period(entry) * 1000), 1)))
        except Exception:  # noqa: BLE001 - Redis down: run it here (the job is idempotent)
            return True

    def heartbeat(self, now: float) -> None:
        """Renew this worker's heartbeat every WORKER_HEARTBEAT_SECONDS (only a named worker beats)."""
        from engine.jobs import leases

        if now - self.last_beat < float(self.app.config.get("WORKER_HEARTBEAT_SECONDS", 5)):
            return
        self.last_beat = now
        try:
            leases.beat(self.queues)
        except Exception:  # noqa: BLE001 - the database is down: the next tick tries again
            from engine.db import db

            db.session.rollback()
            log.exception("heartbeat failed")

    def tick(self, now: float | None = None, force: bool = False) -> dict:
        """Run every schedule entry whose period elapsed (all of them with force), then queued jobs."""
        now = time.monotonic() if now is None else now
        results = {}
        with self.app.app_context():
            from engine.db import db

            self.heartbeat(now)
            try:
                for entry in SCHEDULE:
                    if not force and now - self.last.get(entry.job, -1e18) < self.period(entry):
                        continue
                    self.last[entry.job] = now
                    if not self._once_per_period(entry):
                        continue
                    try:
                        results[entry.job] = context.call(entry.job)
                    except Exception:  # noqa: BLE001 - a failing periodic job must not stop the ticker
                        db.session.rollback()
                        log.exception("periodic job %s failed", entry.job)
                results["ran"] = self.publisher.run_pending()
            finally:
                db.session.remove()
        return results

    def run(self) -> None:
        step = min([self.period(e) for e in SCHEDULE] + [float(self.app.config.get("WORKER_HEARTBEAT_SECONDS", 5))])
        while not self.stopping.is_set():
            # `odsc worker --fork` forks a work horse per job from its main thread: never in mid-tick, or
            # the horse inherits whatever lock this thread holds then (engine.jobs.forkguard)
            with self.guard.busy():
                try:
                    self.tick()
                except Exception:  # noqa: BLE001
                    log.exception("ticker failed")
            wake = getattr(self.publisher, "wake", None)
            if wake is not None:
                wake.wait(step)
                wake.clear()
            else:
                self.stopping.wait(step)

    def start(self) -> Ticker:
        if hasattr(self.publisher, "eager"):
            self.publisher.eager = False  # jobs now run in the ticker thread, not in the request
        self.thread = threading.Thread(target=self.run, name="odsc-ticker", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        wake = getattr(self.publisher, "wake", None)
        if wake is not None:
            wake.set()
        if self.thread is not None:
            self.thread.join(timeout)
        if hasattr(self.publisher, "eager"):
            self.publisher.eager = True
        from engine.jobs import leases

        with self.app.app_context():
            try:
                leases.stop()
            except Exception:  # noqa: BLE001 - the database is down: the row goes stale and is ignored
                log.warning("could not remove the heartbeat of this worker")


def start_ticker(app: Flask) -> Ticker:
    from engine.jobs import leases

    leases.set_worker_id()  # the embedded process beats like a worker: its claims are released if it dies
    ticker = Ticker(app).start()
    app.extensions["odsc_ticker"] = ticker
    return ticker
