"""The ticker runs the periodic jobs of engine.jobs.queues.SCHEDULE: in a thread of `odsc serve` (embedded
mode: it also runs the queued in-process jobs) and of every `odsc worker` (rq mode: due work is claimed
and enqueued). Tests call `tick()` directly."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from engine.jobs import context
from engine.jobs.queues import SCHEDULE

log = logging.getLogger("odsc.jobs")


class Ticker:
    def __init__(self, app: Flask):
        self.app = app
        self.publisher = app.extensions["odsc_publisher"]
        self.last: dict[str, float] = {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

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

    def tick(self, now: float | None = None, force: bool = False) -> dict:
        """Run every schedule entry whose period elapsed (all of them with force), then queued jobs."""
        now = time.monotonic() if now is None else now
        results = {}
        with self.app.app_context():
            from engine.db import db

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
        step = min(self.period(e) for e in SCHEDULE)
        while not self.stopping.is_set():
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


def start_ticker(app: Flask) -> Ticker:
    ticker = Ticker(app).start()
    app.extensions["odsc_ticker"] = ticker
    return ticker
