"""When subscribed digests are posted, and posting each period exactly once.

Each subscription's times are an APScheduler ``CronTrigger`` in its time zone (daily at 09:00,
weekly on Monday at 09:00, monthly on the 1st at 09:00, unless it says otherwise). A *period* is one
scheduled time (``2026-12-07T09:00:00+01:00``). To post, a process first claims the row
(subscription, period) in SQLite under a UNIQUE constraint (``DigestStore.claim``); only the claim
that wins posts. So a restarted process, or a second one over the same data dir, never posts a
period twice, and a period missed while no process ran is posted once when one starts (only the
latest missed period: a digest is about now, not about the weeks the server was down).

The subscriptions in SQLite are the jobs: ``DigestScheduler.start`` runs an APScheduler
``BackgroundScheduler`` with one cron job per subscription, re-read from SQLite every minute (a
subscription made through another process is picked up, an ended one dropped, and a period whose
posting failed is tried again). The clock is injected, so tests drive it by hand.

Example::

    scheduler = DigestScheduler(store, deliver, clock=lambda: datetime.now(UTC))
    scheduler.start()          # catch up on a missed period, then post on time
    scheduler.tick()           # what each job and the minute's re-read call: post what is due now
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bots.digest_store import WEEKDAYS, DigestStore, Subscription, now_utc
from plans.errors import InputError

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=35)  # a missed period older than this is not posted (monthly: the last one is)
SYNC = "digests:sync"


def zone(name: str) -> ZoneInfo:
    """A time zone by its IANA name, or an InputError saying what one looks like."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"{name!r} is not a time zone; use a name like Europe/Berlin or America/New_York.") from exc


def trigger(sub: Subscription) -> CronTrigger:
    """The subscription's scheduled times in its own time zone."""
    tz = zone(sub.tz)
    if sub.frequency == "daily":
        return CronTrigger(hour=sub.hour, minute=sub.minute, timezone=tz)
    if sub.frequency == "weekly":
        return CronTrigger(day_of_week=WEEKDAYS[sub.weekday], hour=sub.hour, minute=sub.minute, timezone=tz)
    return CronTrigger(day=1, hour=sub.hour, minute=sub.minute, timezone=tz)


def next_time(sub: Subscription, now: datetime) -> datetime | None:
    """The next scheduled time after ``now``, in the subscription's time zone."""
    return trigger(sub).get_next_fire_time(None, now + timedelta(seconds=1))


def last_period(sub: Subscription, now: datetime) -> datetime | None:
    """The latest scheduled time at or before ``now`` and not before the subscription was made
    (within ``LOOK_BACK``); None when there is none yet."""
    trig = trigger(sub)
    start = now - LOOK_BACK
    if sub.created:
        start = max(start, datetime.fromisoformat(sub.created))
    last, t = None, trig.get_next_fire_time(None, start)
    while t is not None and t <= now:
        last, t = t, trig.get_next_fire_time(t, t + timedelta(seconds=1))
    return last


class DigestScheduler:
    """Posts each subscription's digest once per period. ``deliver(sub, period)`` posts it (returning
    "posted" or "silent") or raises; a failed posting gives the period back to be tried again."""

    def __init__(self, store: DigestStore, deliver: Callable[[Subscription, datetime], str], *,
                 clock: Callable[[], datetime] = now_utc, sync_seconds: int = 60) -> None:
        self.store = store
        self.deliver = deliver
        self.clock = clock
        self.sync_seconds = sync_seconds
        self.scheduler: BackgroundScheduler | None = None
        self.caught_up = threading.Event()  # set once the start-up catch-up has run
        self._lock = threading.Lock()

    def run(self, sub: Subscription, now: datetime | None = None) -> str | None:
        """Post the subscription's current period if it is due and not yet taken; what happened
        ("posted", "silent", "failed") or None when there was nothing to do."""
        now = now or self.clock()
        period = last_period(sub, now)
        if period is None:
            return None
        key = period.isoformat()
        if not self.store.claim(sub.id, key):
            return None  # posted already, or being posted by another process
        try:
            status = self.deliver(sub, period)
        except Exception as exc:
            log.exception("Posting digest %s for %s failed; it will be tried again", sub.id, key)
            self.store.release(sub.id, key)
            return f"failed: {exc}"
        self.store.finish(sub.id, key, status)
        log.info("Digest %s for %s: %s", sub.id, key, status)
        return status

    def tick(self, now: datetime | None = None) -> dict[int, str]:
        """Run every active subscription at ``now`` (the clock's time): subscription id -> what happened."""
        now = now or self.clock()
        out = {}
        for sub in self.store.active():
            try:
                done = self.run(sub, now)
            except Exception:  # a broken subscription (an unknown zone written by hand) must not stop the others
                log.exception("Digest subscription %s cannot be run", sub.id)
                continue
            if done:
                out[sub.id] = done
        return out

    def run_id(self, sub_id: int) -> None:
        sub = self.store.get(sub_id)
        if sub is not None and sub.active:
            self.run(sub)

    # -- APScheduler --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the background scheduler: one cron job per subscription and a re-read every minute;
        a period missed while no process ran is posted now."""
        with self._lock:
            if self.scheduler is not None:
                return
            self.scheduler = BackgroundScheduler(timezone="UTC", job_defaults={
                "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
            self.scheduler.add_job(self.refresh, IntervalTrigger(seconds=self.sync_seconds), id=SYNC,
                                   replace_existing=True)
            self.sync()
            self.scheduler.start()
        self.scheduler.add_job(self._catch_up, id="digests:catch-up")  # at once: a missed period, once

    def _catch_up(self) -> None:
        try:
            self.tick()
        finally:
            self.caught_up.set()

    def sync(self) -> None:
        """One cron job per active subscription, as SQLite has them now."""
        sched = self.scheduler
        if sched is None:
            return
        wanted = {f"digest:{s.id}": s for s in self.store.active()}
        for job in sched.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()
        for job_id, sub in wanted.items():
            if sched.get_job(job_id) is None:
                try:
                    sched.add_job(self.run_id, trigger(sub), args=[sub.id], id=job_id, replace_existing=True)
                except InputError:
                    log.error("Digest subscription %s has an unknown time zone %r", sub.id, sub.tz)

    def refresh(self) -> None:
        self.sync()
        self.tick()

    def jobs(self) -> dict[str, datetime | None]:
        """job id -> its next run time (for status and the tests)."""
        if self.scheduler is None:
            return {}
        return {j.id: j.next_run_time for j in self.scheduler.get_jobs()}

    def shutdown(self) -> None:
        with self._lock:
            if self.scheduler is not None:
                self.scheduler.shutdown(wait=False)
                self.scheduler = None
