"""What Slack users thought of the answers: 👍 / 👎 votes stored in SQLite under the data dir.

Each answer the Slack app posts is saved (question, answer, citations, where, and its rendered
blocks, which "Share in channel" re-posts); each click on a feedback button is a vote row that
copies the question, answer and citations, so the votes table reads on its own. One vote per
user per answer: a second click replaces the first.

Example::

    store = open_feedback(settings)                  # <data_dir>/feedback.sqlite
    rid = store.save_answer(question="Who drives 3.2?", answer="…", citations=[], channel="C1", user="U1")
    store.vote(rid, user="U2", channel="C1", vote="up")  # -> {"up": 1, "down": 0}
    store.summary()                                  # what `plans feedback --json` prints
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from plans.errors import InputError, StoreError
from plans.settings import Settings

VOTES = ("up", "down")
SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, kind TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, citations TEXT NOT NULL, refused INTEGER NOT NULL DEFAULT 0,
    channel TEXT, user TEXT, blocks TEXT NOT NULL DEFAULT '[]', text TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL, user TEXT NOT NULL, vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    channel TEXT, created TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    citations TEXT NOT NULL, PRIMARY KEY (answer_id, user));
"""


def feedback_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "feedback.sqlite"


def open_feedback(settings: Settings) -> FeedbackStore:
    return FeedbackStore(feedback_path(settings))


def new_id() -> str:
    return uuid.uuid4().hex[:20]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """Answers and votes in one SQLite file; a connection per call, so any thread may use it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"The feedback database {self.path} cannot be opened: {exc}") from exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.row_factory = sqlite3.Row
            yield db

    def save_answer(self, *, question: str, answer: str, citations: list[dict], channel: str | None,
                    user: str | None, refused: bool = False, kind: str = "answer",
                    blocks: list[dict] | None = None, text: str = "", record_id: str | None = None) -> str:
        """Keep an answer (and its rendered blocks) so a later click can refer to it by its id."""
        rid = record_id or new_id()
        with self._db() as db:
            db.execute("INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (rid, _now(), kind, question, answer, json.dumps(citations, ensure_ascii=False),
                        int(refused), channel, user, json.dumps(blocks or [], ensure_ascii=False), text))
        return rid

    def answer(self, answer_id: str) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["citations"] = json.loads(out["citations"])
        out["blocks"] = json.loads(out["blocks"])
        out["refused"] = bool(out["refused"])
        return out

    def vote(self, answer_id: str, *, user: str, channel: str | None, vote: str) -> dict[str, int]:
        """Store a click (replacing the user's earlier vote on this answer); the answer's tally."""
        if vote not in VOTES:
            raise InputError(f"A vote is 'up' or 'down', not {vote!r}.")
        found = self.answer(answer_id) or {"question": "", "answer": "", "citations": []}
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO votes VALUES (?,?,?,?,?,?,?,?)",
                       (answer_id, user, vote, channel, _now(), found["question"], found["answer"],
                        json.dumps(found["citations"], ensure_ascii=False)))
        return self.tally(answer_id)

    def tally(self, answer_id: str) -> dict[str, int]:
        with self._db() as db:
            rows = db.execute("SELECT vote, COUNT(*) FROM votes WHERE answer_id = ? GROUP BY vote",
                              (answer_id,)).fetchall()
        counts = {v: 0 for v in VOTES}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def votes(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM votes ORDER BY created").fetchall()
        return [{**dict(r), "citations": json.loads(r["citations"])} for r in rows]

    def summary(self) -> dict:
        """Counts of votes overall and per answer (most 👎 first: what to look at)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT answer_id, question, SUM(vote = 'up') AS up, SUM(vote = 'down') AS down, "
                "MAX(created) AS last FROM votes GROUP BY answer_id ORDER BY down DESC, last DESC").fetchall()
        answers = [{"answer_id": r["answer_id"], "question": r["question"], "up": r["up"], "down": r["down"],
                    "last_vote": r["last"]} for r in rows]
        up = sum(a["up"] for a in answers)
        down = sum(a["down"] for a in answers)
        return {"votes": up + down, "up": up, "down": down, "answers": len(answers), "by_answer": answers}
