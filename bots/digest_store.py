"""Digest subscriptions and what was sent, in SQLite under the data dir (``<data_dir>/digests.sqlite``),
so they survive restarts and are shared by every process serving the same data dir.

* ``subscriptions``: who gets which digest, where, how often and at what local time; the plan as
  its id *and* as typed, so the subscription still finds its plan after re-indexing renamed it.
* ``runs``: one row per (subscription, period), claimed under a UNIQUE constraint *before* a digest
  is posted: of two processes (or a restarted one) only the first claim wins, so each period is
  posted once.
* ``snapshots``: per subscription (``sub:<id>``) or command-line key (``cli:…``), the state of the
  actions the last digest looked at, which the next one compares with to say what changed.

Example::

    store = open_digest_store(settings)
    sub = store.add(Subscription(channel="C1", user="U1", frequency="weekly", tz="Europe/Berlin", ...))
    if store.claim(sub.id, "2026-12-07T09:00:00+01:00"):   # False: another process has this period
        ...post...; store.finish(sub.id, period, "posted")
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from plans.errors import StoreError
from plans.settings import Settings

FREQUENCIES = ("daily", "weekly", "monthly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, user TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
    weekday INTEGER NOT NULL DEFAULT 0, hour INTEGER NOT NULL DEFAULT 9, minute INTEGER NOT NULL DEFAULT 0,
    tz TEXT NOT NULL, plan_id TEXT, plan_typed TEXT, driver TEXT, within INTEGER NOT NULL,
    quiet INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, ended TEXT);
CREATE TABLE IF NOT EXISTS runs (
    subscription_id INTEGER NOT NULL, period TEXT NOT NULL, claimed TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'claimed', detail TEXT, UNIQUE (subscription_id, period));
CREATE TABLE IF NOT EXISTS snapshots (key TEXT PRIMARY KEY, taken TEXT NOT NULL, data TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Subscription:
    """A digest posted to ``channel`` (a channel or DM id) ``frequency`` at ``hour:minute`` in ``tz``
    (weekly on ``weekday``, 0 = Monday; monthly on the 1st)."""

    channel: str
    user: str
    frequency: str
    tz: str
    within: int
    weekday: int = 0
    hour: int = 9
    minute: int = 0
    plan_id: str | None = None
    plan_typed: str | None = None
    driver: str | None = None
    quiet: bool = False  # an empty digest posts nothing
    created: str = ""  # UTC ISO time; no period before it is posted
    active: bool = True
    id: int = 0

    @property
    def key(self) -> str:
        """The snapshot key of this subscription."""
        return f"sub:{self.id}"

    def when(self) -> str:
        """'weekly on Monday at 09:00 (Europe/Berlin)'."""
        at = f"{self.hour:02d}:{self.minute:02d}"
        day = {"daily": "every day", "monthly": "monthly on the 1st",
               "weekly": f"weekly on {datetime(2024, 1, 1 + self.weekday).strftime('%A')}"}[self.frequency]
        return f"{day} at {at} ({self.tz})"


def digest_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "digests.sqlite"


def open_digest_store(settings: Settings) -> DigestStore:
    return DigestStore(digest_path(settings))


def now_utc() -> datetime:
    return datetime.now(UTC)


class DigestStore:
    """Subscriptions, claimed runs and snapshots; a connection per call, so any thread may use it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"The digest database {self.path} cannot be opened: {exc}") from exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=15)) as db, db:
            db.row_factory = sqlite3.Row
            yield db

    # -- subscriptions ------------------------------------------------------------------------
    def add(self, sub: Subscription, *, created: datetime | None = None) -> Subscription:
        sub = replace(sub, created=(created or now_utc()).astimezone(UTC).isoformat(), active=True)
        row = {k: v for k, v in asdict(sub).items() if k != "id"}
        with self._db() as db:
            cur = db.execute(f"INSERT INTO subscriptions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                             [int(v) if isinstance(v, bool) else v for v in row.values()])
        return replace(sub, id=int(cur.lastrowid or 0))

    @staticmethod
    def _sub(r: sqlite3.Row) -> Subscription:
        names = {f.name for f in fields(Subscription)}
        data = {k: r[k] for k in r.keys() if k in names}
        return Subscription(**{**data, "quiet": bool(data["quiet"]), "active": bool(data["active"])})

    def get(self, sub_id: int) -> Subscription | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return self._sub(row) if row else None

    def active(self) -> list[Subscription]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM subscriptions WHERE active = 1 ORDER BY id").fetchall()
        return [self._sub(r) for r in rows]

    def of(self, *, channel: str | None = None, user: str | None = None) -> list[Subscription]:
        """The active subscriptions posting to ``channel`` or made by ``user`` (either matches)."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM subscriptions WHERE active = 1 AND (channel = ? OR user = ?) ORDER BY id",
                              (channel or "", user or "")).fetchall()
        return [self._sub(r) for r in rows]

    def end(self, sub_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE subscriptions SET active = 0, ended = ? WHERE id = ?", (now_utc().isoformat(), sub_id))

    def set_plan(self, sub_id: int, plan_id: str) -> None:
        """The plan found again after re-indexing (the name as typed is kept)."""
        with self._db() as db:
            db.execute("UPDATE subscriptions SET plan_id = ? WHERE id = ?", (plan_id, sub_id))

    # -- runs: one per (subscription, period) ---------------------------------------------------
    def claim(self, sub_id: int, period: str) -> bool:
        """Take the period for this process; False when it was already taken (posted, or being posted
        by another process)."""
        try:
            with self._db() as db:
                db.execute("INSERT INTO runs (subscription_id, period, claimed) VALUES (?, ?, ?)",
                           (sub_id, period, now_utc().isoformat()))
        except sqlite3.IntegrityError:
            return False
        return True

    def finish(self, sub_id: int, period: str, status: str, detail: str = "") -> None:
        with self._db() as db:
            db.execute("UPDATE runs SET status = ?, detail = ? WHERE subscription_id = ? AND period = ?",
                       (status, detail, sub_id, period))

    def release(self, sub_id: int, period: str) -> None:
        """Give a claimed period back (posting failed): a later tick tries it again."""
        with self._db() as db:
            db.execute("DELETE FROM runs WHERE subscription_id = ? AND period = ? AND status = 'claimed'",
                       (sub_id, period))

    def runs(self, sub_id: int) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM runs WHERE subscription_id = ? ORDER BY period", (sub_id,)).fetchall()
        return [dict(r) for r in rows]

    # -- snapshots ------------------------------------------------------------------------------
    def snapshot(self, key: str) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT data FROM snapshots WHERE key = ?", (key,)).fetchone()
        return json.loads(row["data"]) if row else None

    def keep_snapshot(self, key: str, data: dict) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)",
                       (key, now_utc().isoformat(), json.dumps(data, ensure_ascii=False)))
