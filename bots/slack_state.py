"""What the Slack app remembers between requests: events already handled, threads it was asked into.

* ``SeenEvents``: a bounded, time-limited set. Slack re-sends an event it thinks we missed
  (``X-Slack-Retry-Num``) and delivers one channel message both as ``app_mention`` and as
  ``message``; answering only the first sighting of an event id or a message keeps it to one answer.
* ``Threads``: the threads the bot was mentioned in (SQLite under the data dir, so a restart does
  not make it forget where follow-ups without a mention are welcome).

Example::

    seen = SeenEvents(ttl=3600, max_size=10_000)
    seen.first_time("Ev123")        # True, then False for an hour
    threads = Threads(settings.data_dir / "slack.sqlite")
    threads.join("C1", "1700000000.000100"); threads.has("C1", "1700000000.000100")  # True
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from plans.errors import StoreError

THREAD_DAYS = 90  # threads older than this are forgotten


class SeenEvents:
    """Remember keys for ``ttl`` seconds, at most ``max_size`` of them (oldest dropped first)."""

    def __init__(self, ttl: float = 3600, max_size: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_size = max_size
        self.clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, *keys: str | None) -> bool:
        """True (and remember them all) unless one of ``keys`` was seen within the TTL."""
        given = tuple(k for k in keys if k)
        now = self.clock()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - self.ttl:
                self._seen.popitem(last=False)
            if any(k in self._seen for k in given):
                return False
            for k in given:
                self._seen[k] = now
            while len(self._seen) > self.max_size:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        return len(self._seen)


class Threads:
    """The (channel, thread_ts) pairs the bot was asked into, kept in SQLite."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.execute("CREATE TABLE IF NOT EXISTS threads (channel TEXT NOT NULL, thread_ts TEXT NOT NULL, "
                           "joined REAL NOT NULL, PRIMARY KEY (channel, thread_ts))")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"The Slack state database {self.path} cannot be opened: {exc}") from exc

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def join(self, channel: str, thread_ts: str) -> None:
        with closing(self._db()) as db, db:
            db.execute("INSERT OR REPLACE INTO threads VALUES (?, ?, ?)", (channel, thread_ts, time.time()))
            db.execute("DELETE FROM threads WHERE joined < ?", (time.time() - THREAD_DAYS * 86400,))

    def has(self, channel: str, thread_ts: str) -> bool:
        with closing(self._db()) as db:
            row = db.execute("SELECT 1 FROM threads WHERE channel = ? AND thread_ts = ?",
                             (channel, thread_ts)).fetchone()
        return row is not None
