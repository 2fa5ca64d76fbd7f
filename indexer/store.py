"""SQLite records: plans, sections (with an FTS5 index for BM25), action records, and one
embedding per citable unit of each section (:mod:`indexer.units`).

Example::

    store = RecordStore(Path(".plans/gens/20261123T101500/plans.sqlite"))
    store.sections(plan_id="eco-plan-of-action-transnational-organized-crime")
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from indexer.action_columns import action_stems, timeline_days
from indexer.action_columns import day as _day
from indexer.models import Action, Amount, Plan, Section
from indexer.text import stem, term_counts, tokens
from plans.errors import IndexMissingError, NotFoundError, StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (file TEXT PRIMARY KEY, sha256 TEXT, plan_id TEXT, terms TEXT,
    year_min INT, year_max INT, tag TEXT);
CREATE TABLE IF NOT EXISTS plans (id TEXT PRIMARY KEY, title TEXT, organisation TEXT,
    period TEXT, file TEXT, sha256 TEXT, short TEXT);
CREATE TABLE IF NOT EXISTS sections (id TEXT PRIMARY KEY, plan_id TEXT, file TEXT,
    heading_path TEXT, text TEXT, kind TEXT, char_start INT, char_end INT, line_start INT,
    line_end INT, ordinal INT, embed_text TEXT, page_start INT, page_end INT);
CREATE INDEX IF NOT EXISTS sections_plan ON sections(plan_id, ordinal);
CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(
    embed_text, section_id UNINDEXED, plan_id UNINDEXED, tokenize = 'porter unicode61');
CREATE TABLE IF NOT EXISTS actions (id TEXT PRIMARY KEY, plan_id TEXT, ord INT, data TEXT, number_key TEXT,
    funding_status TEXT, drivers TEXT, status TEXT, start_day INT, end_day INT, recurs INT, mention_lo INT,
    mention_hi INT, stems TEXT);
CREATE TABLE IF NOT EXISTS action_recurs (action_id TEXT, plan_id TEXT, lo INT, hi INT);
CREATE INDEX IF NOT EXISTS action_recurs_plan ON action_recurs(plan_id);
CREATE INDEX IF NOT EXISTS actions_plan ON actions(plan_id, ord);
CREATE TABLE IF NOT EXISTS action_order (pos INTEGER PRIMARY KEY, id TEXT, plan_id TEXT, number_key TEXT,
    funding_status TEXT, start_day INT, end_day INT, recurs INT, permanent INT, closed INT, mention_lo INT,
    mention_hi INT);
CREATE INDEX IF NOT EXISTS action_order_number ON action_order(number_key);
CREATE INDEX IF NOT EXISTS action_order_status ON action_order(funding_status);
CREATE INDEX IF NOT EXISTS action_order_plan ON action_order(plan_id);
CREATE INDEX IF NOT EXISTS action_order_id ON action_order(id);
CREATE TABLE IF NOT EXISTS action_drivers (driver TEXT, pos INT);
CREATE TABLE IF NOT EXISTS action_postings (stem TEXT PRIMARY KEY, positions BLOB) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS action_drivers_driver ON action_drivers(driver);
CREATE TABLE IF NOT EXISTS action_sections (section_id TEXT, action_id TEXT, plan_id TEXT);
CREATE INDEX IF NOT EXISTS action_sections_section ON action_sections(section_id);
CREATE INDEX IF NOT EXISTS action_sections_plan ON action_sections(plan_id);
CREATE TABLE IF NOT EXISTS acronyms (plan_id TEXT, short TEXT, long TEXT);
CREATE INDEX IF NOT EXISTS acronyms_plan ON acronyms(plan_id);
CREATE TABLE IF NOT EXISTS lexicon (stem TEXT PRIMARY KEY, df INT);
CREATE TABLE IF NOT EXISTS unit_vectors (section_id TEXT, k INTEGER, plan_id TEXT, vec BLOB,
    PRIMARY KEY (section_id, k));
CREATE INDEX IF NOT EXISTS unit_vectors_plan ON unit_vectors(plan_id);
CREATE TABLE IF NOT EXISTS words (plan_id TEXT, stem TEXT, word TEXT, n INT);
CREATE INDEX IF NOT EXISTS words_plan ON words(plan_id);
CREATE TABLE IF NOT EXISTS vocabulary (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fts_runs (plan_id TEXT PRIMARY KEY, first INT, last INT, n INT);
"""
# what a generation is carried over by, file by file (the full-text index is filled from sections)
_PER_PLAN = ("plans", "sections", "actions", "action_recurs", "action_sections", "acronyms", "unit_vectors",
             "words")
SECTION_CACHE = 4096
# a corpus-wide full-text search scores every row holding any query word (FTS5 has no early exit):
# above this many such rows, the rows holding all the words are searched first
LEXICAL_CAP = 20_000
RANGED_PLANS = 8  # a full-text search within up to this many plans runs plan by plan
_IN_LIMIT = 5000  # ids per ``IN (...)`` list, well under SQLite's limit on bound parameters

_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def number_key(number: str) -> str:
    """How an action number is compared: upper case, no trailing dot ("ii.3." -> "II.3")."""
    return number.upper().rstrip(".")


def written_words(sections: list[Section]) -> Counter:
    """How often each alphabetic word (lower-cased, as written) occurs in these sections."""
    return Counter(w for s in sections for w in tokens(s.text) if w.isalpha())


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class RecordStore:
    """One SQLite file holding a whole index generation's records."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise IndexMissingError("No index found: run `plans index` first.")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            if create:
                self.db.executescript(SCHEMA)
            else:
                self.db.execute("SELECT 1 FROM sections LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise IndexMissingError(
                f"The index at {self.path} is corrupt or unreadable ({exc}); run `plans index`."
            ) from exc
        self._plans: dict[str, Plan] | None = None
        self._fts_ranges: dict[str, tuple[int, int]] | None = None
        self._lock = threading.Lock()
        # one section by id, the recently used ones kept in memory
        self.section = lru_cache(maxsize=SECTION_CACHE)(self._read_section)

    def close(self) -> None:
        self.db.close()

    # -- writing -------------------------------------------------------------------------
    def add_file(self, plan: Plan, sections: list[Section], actions: list[Action],
                 acronyms: Sequence[tuple[str, str]] = (), tag: str = "") -> None:
        """Write one plan's records in one transaction, with what start-up would otherwise have to
        compute from every section: its term counts, which sections each action spans, its acronyms.
        ``tag`` names this version of the file's passages in a shared vector collection (server mode)."""
        terms = term_counts([s.text for s in sections])
        years = [int(y) for s in sections for y in _YEAR.findall(s.text)]
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                            (plan.file, plan.sha256, plan.id, json.dumps(terms, separators=(",", ":")),
                             min(years, default=None), max(years, default=None), tag))
            self.db.execute("INSERT OR REPLACE INTO plans VALUES (?,?,?,?,?,?,?)",
                            (plan.id, plan.title, plan.organisation, plan.period, plan.file,
                             plan.sha256, plan.short))
            rows = []
            for s in sections:
                embed = s.embed_text(plan.short_name)
                rows.append((s.id, s.plan_id, s.file, json.dumps(list(s.heading_path)), s.text, s.kind,
                             s.char_start, s.char_end, s.line_start, s.line_end, s.ordinal, embed,
                             s.page_start, s.page_end))
            self.db.executemany("INSERT OR REPLACE INTO sections VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.executemany("INSERT INTO sections_fts VALUES (?,?,?)", [(r[11], r[0], r[1]) for r in rows])
            days = [timeline_days(a.timeline) for a in actions]
            self.db.executemany("INSERT OR REPLACE INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                [(a.id, a.plan, k, json.dumps(a.to_json()), number_key(a.number) if a.number else None,
                                  a.funding_status, json.dumps(list(dict.fromkeys(a.drivers))), a.status,
                                  _day(a.start), _day(a.end), int(bool(a.recurrence)), lo, hi,
                                  " ".join(action_stems(a)))
                                 for k, (a, (lo, hi, _)) in enumerate(zip(actions, days, strict=True))])
            self.db.executemany("INSERT INTO action_recurs VALUES (?,?,?,?)",
                                [(a.id, a.plan, lo, hi) for a, (_, _, recurs) in zip(actions, days, strict=True)
                                 for lo, hi in recurs])
            self.db.executemany("INSERT INTO action_sections VALUES (?,?,?)",
                                [(sid, aid, plan.id) for sid, aid in action_spans(sections, actions)])
            self.db.executemany("INSERT INTO acronyms VALUES (?,?,?)", [(plan.id, a, b) for a, b in acronyms])
            self.db.executemany("INSERT INTO words VALUES (?,?,?,?)",
                                [(plan.id, stem(w), w, n) for w, n in written_words(sections).items()])

    def add_unit_vectors(self, rows: Sequence[tuple[str, int, str, Sequence[float] | np.ndarray]]) -> None:
        """Store units' embeddings: (section id, unit index, plan id, vector) rows; each vector is
        kept as float32 of unit length, so a dot product is a cosine."""
        out = []
        for sid, k, plan_id, vec in rows:
            v = np.asarray(vec, dtype=np.float32)
            v = v / max(float(np.linalg.norm(v)), 1e-12)
            out.append((sid, k, plan_id, v.astype(np.float32).tobytes()))
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO unit_vectors VALUES (?,?,?,?)", out)

    def copy_file_from(self, other: RecordStore, file: str) -> None:
        """Carry an unchanged file's records over from the previous generation, row for row in
        SQL (nothing is parsed, tokenised or decoded again)."""
        row = other.db.execute("SELECT plan_id FROM files WHERE file=?", (file,)).fetchone()
        if row is None:
            raise StoreError(f"{file} is not in the previous index.")
        plan_id = row["plan_id"]
        attached = {r["name"] for r in self.db.execute("PRAGMA database_list")}
        if "prev" not in attached:
            self.db.execute("ATTACH DATABASE ? AS prev", (str(other.path),))
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO files SELECT * FROM prev.files WHERE file=?", (file,))
            for table in _PER_PLAN:
                key = "id" if table == "plans" else "plan_id"
                self.db.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM prev.{table} WHERE {key}=?",
                                (plan_id,))
            self.db.execute("INSERT INTO sections_fts SELECT embed_text, id, plan_id FROM prev.sections "
                            "WHERE plan_id=?", (plan_id,))

    def finish(self) -> None:
        """Once every file is in: the corpus-wide document frequencies, from the per-file counts."""
        df: Counter = Counter()
        for r in self.db.execute("SELECT terms FROM files"):
            df.update(json.loads(r["terms"] or "{}"))
        with self.db:
            self.db.execute("DELETE FROM lexicon")
            self.db.executemany("INSERT INTO lexicon VALUES (?,?)", df.items())
            # every action's position in plan order (the order ``actions()`` reads them in), with
            # the columns the answer's filters select on (day numbers -1 when missing: a small row
            # each, read in one scan), and one row per (driver, action)
            self.db.execute("DELETE FROM action_order")
            self.db.execute("INSERT INTO action_order SELECT ROW_NUMBER() OVER (ORDER BY plan_id, ord) - 1, id, "
                            "plan_id, number_key, funding_status, COALESCE(start_day, -1), COALESCE(end_day, -1), "
                            "recurs, status = 'permanent', status IN ('done', 'permanent'), "
                            "COALESCE(mention_lo, -1), COALESCE(mention_hi, -1) FROM actions")
            # every distinct written word (the speller's candidates: ``words`` has one row per plan
            # and word, millions at ×1000) and each plan's run of full-text rows, read at start-up
            self.db.execute("DELETE FROM vocabulary")
            self.db.execute("INSERT INTO vocabulary SELECT DISTINCT word FROM words")
            self.db.execute("DELETE FROM fts_runs")
            self.db.execute("INSERT INTO fts_runs SELECT plan_id, MIN(rowid), MAX(rowid), COUNT(*) FROM sections_fts "
                            "GROUP BY plan_id")
            self.db.execute("DELETE FROM action_drivers")
            self.db.execute("INSERT INTO action_drivers SELECT j.value, o.pos FROM action_order o "
                            "JOIN actions a ON a.id = o.id, json_each(a.drivers) j")
            # one posting list per word stem of the actions' texts (positions, int32), for the topic
            # prefilter of deadline and listing answers
            postings: dict[str, list[int]] = {}
            for pos, stems in self.db.execute("SELECT o.pos, a.stems FROM action_order o JOIN actions a "
                                              "ON a.id = o.id ORDER BY o.pos"):
                for s in (stems or "").split():
                    postings.setdefault(s, []).append(pos)
            self.db.execute("DELETE FROM action_postings")
            self.db.executemany("INSERT INTO action_postings VALUES (?,?)",
                                ((s, np.asarray(v, dtype="<i4").tobytes()) for s, v in postings.items()))
        if "prev" in {r["name"] for r in self.db.execute("PRAGMA database_list")}:
            self.db.execute("DETACH DATABASE prev")

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    # -- reading -------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row["value"] if row else None

    def files(self) -> dict[str, str]:
        return {r["file"]: r["sha256"] for r in self.db.execute("SELECT * FROM files")}

    def plans(self) -> list[Plan]:
        if self._plans is None:
            self._plans = {r["id"]: Plan(**dict(r)) for r in
                           self.db.execute("SELECT * FROM plans ORDER BY id")}
        return list(self._plans.values())

    def plan(self, plan_id: str) -> Plan:
        self.plans()
        assert self._plans is not None
        if plan_id not in self._plans:
            raise NotFoundError(f"No plan with id {plan_id!r}.")
        return self._plans[plan_id]

    @staticmethod
    def _section(r: sqlite3.Row) -> Section:
        return Section(id=r["id"], plan_id=r["plan_id"], file=r["file"],
                       heading_path=tuple(json.loads(r["heading_path"])), text=r["text"],
                       kind=r["kind"], char_start=r["char_start"], char_end=r["char_end"],
                       line_start=r["line_start"], line_end=r["line_end"], ordinal=r["ordinal"],
                       page_start=r["page_start"] if "page_start" in r.keys() else None,
                       page_end=r["page_end"] if "page_end" in r.keys() else None)

    def sections(self, plan_id: str | None = None) -> list[Section]:
        if plan_id is None:
            rows = self.db.execute("SELECT * FROM sections ORDER BY plan_id, ordinal")
        else:
            rows = self.db.execute("SELECT * FROM sections WHERE plan_id=? ORDER BY ordinal", (plan_id,))
        return [self._section(r) for r in rows]

    def _read_section(self, section_id: str) -> Section:
        """One section by id, read from SQLite (``section`` is this behind a bounded cache)."""
        row = self.db.execute("SELECT * FROM sections WHERE id=?", (section_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No section with id {section_id!r}.")
        return self._section(row)

    def counts(self) -> dict[str, tuple[int, int]]:
        """plan id -> (sections, actions), counted in SQL."""
        sec = dict(self.db.execute("SELECT plan_id, COUNT(*) FROM sections GROUP BY plan_id").fetchall())
        act = dict(self.db.execute("SELECT plan_id, COUNT(*) FROM actions GROUP BY plan_id").fetchall())
        return {p: (sec.get(p, 0), act.get(p, 0)) for p in sec.keys() | act.keys()}

    def years_mentioned(self) -> dict[str, tuple[int, int]]:
        """plan id -> (earliest, latest) year its text mentions, for plans that mention any."""
        rows = self.db.execute("SELECT plan_id, year_min, year_max FROM files WHERE year_min IS NOT NULL")
        return {r[0]: (r[1], r[2]) for r in rows}

    def lexicon(self) -> tuple[dict[str, int], int]:
        """(stem -> number of sections holding it, number of sections), as the indexer stored them."""
        try:
            df = dict(self.db.execute("SELECT stem, df FROM lexicon").fetchall())
        except sqlite3.OperationalError as exc:
            raise IndexMissingError("The index was built by an older version of plans; run `plans index`.") from exc
        n = self.db.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
        return df, n

    def written_words(self) -> set[str]:
        """Every word the plans write (lower-cased, alphabetic); empty for an index built before
        these were kept."""
        try:
            return {r[0] for r in self.db.execute("SELECT word FROM vocabulary")}
        except sqlite3.OperationalError:
            return set()

    def plans_write(self, plan_ids: Sequence[str], word_stem: str) -> bool | None:
        """Does one of these plans write a word of this stem? None for an index built before the
        per-plan words were kept (the caller then asks the whole corpus)."""
        if not plan_ids:
            return None
        marks = ",".join("?" * len(plan_ids))
        try:
            if self.db.execute(f"SELECT 1 FROM words WHERE plan_id IN ({marks}) LIMIT 1",  # noqa: S608
                               list(plan_ids)).fetchone() is None:
                return None
            return self.db.execute(f"SELECT 1 FROM words WHERE plan_id IN ({marks}) AND stem = ? LIMIT 1",  # noqa: S608
                                   [*plan_ids, word_stem]).fetchone() is not None
        except sqlite3.OperationalError:
            return None

    def acronym_pairs(self) -> list[tuple[str, str]]:
        """Every distinct (short, long) pair of the plans' acronym lists."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT DISTINCT short, long FROM acronyms ORDER BY rowid")]

    def actions_of_section(self, section_id: str) -> list[Action]:
        """The actions a section belongs to (a table row continued over a page break spans two)."""
        rows = self.db.execute(
            "SELECT a.data FROM action_sections s JOIN actions a ON a.id = s.action_id "
            "WHERE s.section_id=? ORDER BY a.plan_id, a.ord", (section_id,))
        return [action_from_json(json.loads(r["data"])) for r in rows]

    def embed_text(self, section_id: str) -> str:
        row = self.db.execute("SELECT embed_text FROM sections WHERE id=?", (section_id,)).fetchone()
        return row["embed_text"] if row else ""

    def unit_vectors(self, section_ids: list[str]) -> dict[str, np.ndarray]:
        """section id -> (units, dim) float32 array of its units' unit-length embeddings, in unit
        order (row k is ``indexer.units.unit_texts(section)[k]``); sections without any are absent.

        >>> vecs = store.unit_vectors(["eco-plan-of-action-transnational-organized-crime:0012"])
        """
        ids = list(dict.fromkeys(section_ids))
        grouped: dict[str, list[bytes]] = {}
        for i in range(0, len(ids), _IN_LIMIT):  # one query unless thousands of sections are asked
            chunk = ids[i:i + _IN_LIMIT]
            for sid, blob in self.db.execute(
                    f"SELECT section_id, vec FROM unit_vectors WHERE section_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY section_id, k", chunk):
                grouped.setdefault(sid, []).append(blob)
        return {sid: np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
                for sid, blobs in grouped.items()}

    def has_unit_vectors(self) -> bool:
        """True if this index holds unit embeddings (an index built before them does not)."""
        try:
            return self.db.execute("SELECT 1 FROM unit_vectors LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:
            return False

    # -- the actions by position (plan order), read when needed ---------------------------
    def action_count(self) -> int:
        return self._older_index_fails("SELECT COUNT(*) FROM action_order")[0][0]

    def actions_at(self, positions: Sequence[int]) -> list[Action]:
        """The actions at these positions (of ``actions()``'s order), in the order given."""
        found: dict[int, Action] = {}
        wanted = list(dict.fromkeys(positions))
        for i in range(0, len(wanted), _IN_LIMIT):
            chunk = wanted[i:i + _IN_LIMIT]
            for pos, data in self.db.execute(
                    "SELECT o.pos, a.data FROM action_order o JOIN actions a ON a.id = o.id "
                    f"WHERE o.pos IN ({','.join('?' * len(chunk))})", chunk):
                found[pos] = action_from_json(json.loads(data))
        return [found[p] for p in positions]

    def action_days(self) -> dict[str, np.ndarray]:
        """Per action, by position: ``start`` and ``end`` (day numbers, -1 when missing), ``recurrence``,
        ``permanent`` and ``closed`` (done or permanent), ``mention_lo``/``mention_hi`` (the span of its
        timeline's dated mentions, -1 when none), all in one query (no record is decoded)."""
        rows = self._older_index_fails("SELECT start_day, end_day, recurs, permanent, closed, mention_lo, mention_hi "
                                       "FROM action_order ORDER BY pos")
        cols = np.asarray(rows, dtype=np.int64).reshape(len(rows), 7).T
        return {"start": cols[0], "end": cols[1], "recurrence": cols[2].astype(bool), "permanent": cols[3].astype(bool),
                "closed": cols[4].astype(bool), "mention_lo": cols[5], "mention_hi": cols[6]}

    def action_recurring_mentions(self) -> list[tuple[int, str, int | None, int | None]]:
        """(position, plan id, start day, end day) of every recurring mention in the actions'
        timelines (days None where open), as :func:`timeline_days` wrote them."""
        return [(r[0], r[1], r[2], r[3]) for r in self._older_index_fails(
            "SELECT o.pos, o.plan_id, r.lo, r.hi FROM action_recurs r JOIN action_order o ON o.id = r.action_id "
            "ORDER BY o.pos")]

    def action_postings(self, stems: Sequence[str]) -> dict[str, np.ndarray]:
        """stem -> the positions of the actions whose text holds it (int32, ascending), for those
        of ``stems`` some action holds."""
        wanted = list(dict.fromkeys(stems))
        if not wanted:
            return {}
        rows = self._older_index_fails(
            f"SELECT stem, positions FROM action_postings WHERE stem IN ({','.join('?' * len(wanted))})", wanted)
        return {r[0]: np.frombuffer(r[1], dtype="<i4").astype(np.int32) for r in rows}

    def action_postings_starting(self, prefix: str) -> dict[str, np.ndarray]:
        """:meth:`action_postings` of every indexed stem that starts with ``prefix`` (itself included)."""
        if not prefix:
            return {}
        rows = self._older_index_fails("SELECT stem, positions FROM action_postings WHERE stem >= ? AND stem < ?",
                                       (prefix, prefix + "\U0010ffff"))
        return {r[0]: np.frombuffer(r[1], dtype="<i4").astype(np.int32) for r in rows}

    def _older_index_fails(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row of a query on tables or columns an older index lacks: IndexMissingError with
        what to do, instead of SQLite's message."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise IndexMissingError("The index was built by an older version of plans; run `plans index`.") from exc

    def action_plan_ranges(self) -> dict[str, tuple[int, int]]:
        """plan id -> (first, last) position of its actions (a plan's actions are one run)."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT plan_id, MIN(pos), MAX(pos) FROM action_order GROUP BY plan_id")}

    def action_positions_numbered(self, keys: Sequence[str]) -> list[tuple[int, str]]:
        """(position, plan id) of the actions whose number key is one of ``keys``."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        return [(r[0], r[1]) for r in self.db.execute(
            f"SELECT pos, plan_id FROM action_order WHERE number_key IN ({','.join('?' * len(keys))}) ORDER BY pos",
            keys)]

    def action_positions_with_status(self, status: str) -> set[int]:
        return {r[0] for r in self.db.execute("SELECT pos FROM action_order WHERE funding_status=?", (status,))}

    def action_driver_counts(self) -> dict[str, int]:
        """Every driver as the plans write it -> how many actions it drives."""
        return dict(self.db.execute("SELECT driver, COUNT(DISTINCT pos) FROM action_drivers GROUP BY driver"))

    def action_positions_driven(self, drivers: Sequence[str]) -> set[int]:
        """The positions of the actions one of whose drivers is one of ``drivers`` (as written)."""
        names = list(dict.fromkeys(drivers))
        out: set[int] = set()
        for i in range(0, len(names), _IN_LIMIT):
            chunk = names[i:i + _IN_LIMIT]
            out.update(r[0] for r in self.db.execute(
                f"SELECT pos FROM action_drivers WHERE driver IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def actions(self, plan: str | None = None) -> list[Action]:
        sql = "SELECT data FROM actions" + (" WHERE plan_id=?" if plan else "") + " ORDER BY plan_id, ord"
        rows = self.db.execute(sql, (plan,) if plan else ())
        return [action_from_json(json.loads(r["data"])) for r in rows]

    def search(self, query: str, k: int = 20, plan_ids: list[str] | None = None,
               ) -> list[tuple[str, float]]:
        """BM25 over section text (FTS5, porter stemming, case-insensitive): (section_id, score)."""
        tokens = [t for t in _FTS_TOKEN.findall(query.lower()) if len(t) > 1 or t.isdigit()]
        if not tokens:
            return []
        # a word ending in '*' in the query is a prefix ("responsib*")
        prefixes = set(re.findall(r"(\w+)\*", query.lower()))
        match = " OR ".join(f'"{t}"*' if t in prefixes else f'"{t}"' for t in dict.fromkeys(tokens))
        try:
            if not plan_ids:
                broad = None if prefixes else self._broad_match(tokens)
                if broad:
                    # a corpus-wide search whose words hold more rows than LEXICAL_CAP: the rows
                    # holding all of them, scored as the OR query scores them, when there are k of those
                    rows = self._bm25(broad, k)
                    if len(rows) >= k:
                        return rows
                return self._bm25(match, k)
            ranges = self.fts_ranges() if len(plan_ids) <= RANGED_PLANS else {}
            if not all(p in ranges for p in plan_ids):
                return self._bm25(match, k, plan_ids)
            # each plan's rows are one run of rowids: FTS5 seeks into it instead of scoring every
            # match in the corpus; the best k of each plan, merged, are the best k of all
            rows = [r for p in plan_ids for r in self._bm25(match, k, [p], ranges[p])]
            return sorted(rows, key=lambda r: -r[1])[:k]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"Full-text search failed: {exc}") from exc

    def _bm25(self, match: str, k: int, plan_ids: list[str] | None = None,
              rowids: tuple[int, int] | None = None) -> list[tuple[str, float]]:
        """The best k rows for an FTS5 query, within plans and a run of rowids when given."""
        where = "sections_fts MATCH ?"
        args: list[object] = [match]
        if rowids:
            where = "rowid BETWEEN ? AND ? AND " + where
            args = [*rowids, *args]
        if plan_ids:
            where += f" AND plan_id IN ({','.join('?' * len(plan_ids))})"
            args += list(plan_ids)
        sql = (f"SELECT section_id, bm25(sections_fts) AS score FROM sections_fts WHERE {where} "
               "ORDER BY score LIMIT ?")
        return [(r["section_id"], -r["score"]) for r in self.db.execute(sql, (*args, k))]

    def _broad_match(self, tokens: list[str]) -> str | None:
        """The AND of the query's words the corpus holds, when the rows holding any of them (as the
        stored document frequencies count them) are more than LEXICAL_CAP; else None."""
        words = list(dict.fromkeys(tokens))
        if len(words) < 2:
            return None
        stems = {w: stem(w) for w in words}
        distinct = sorted(set(stems.values()))  # "fund" and "funding" share one
        df = dict(self.db.execute(f"SELECT stem, df FROM lexicon WHERE stem IN ({','.join('?' * len(distinct))})",
                                  distinct).fetchall())
        if sum(df.get(st, 0) for st in stems.values()) <= LEXICAL_CAP:
            return None
        present = [w for w in words if df.get(stems[w], 0) > 0]
        return " AND ".join(f'"{w}"' for w in present) if len(present) >= 2 else None

    def fts_ranges(self) -> dict[str, tuple[int, int]]:
        """plan id -> (first, last) rowid of its full-text rows, for the plans whose rows are one
        unbroken run (a file's sections are written in one statement, so all of them are);
        read once per store."""
        with self._lock:
            if self._fts_ranges is None:
                rows = self.db.execute("SELECT plan_id, first, last, n FROM fts_runs").fetchall()
                self._fts_ranges = {r[0]: (r[1], r[2]) for r in rows if r[2] - r[1] + 1 == r[3]}
        return self._fts_ranges

    def embed_texts(self, plan_ids: list[str]) -> list[tuple[str, str, str, str, str]]:
        """(section id, plan id, file, embed text, file tag) of every section of the plans: what
        ``indexer.vectors.passages_for`` cuts the section's passages from."""
        marks = ",".join("?" * len(plan_ids))
        return [tuple(r) for r in self.db.execute(
            "SELECT s.id, s.plan_id, s.file, s.embed_text, COALESCE(f.tag, '') FROM sections s "
            f"LEFT JOIN files f ON f.file = s.file WHERE s.plan_id IN ({marks}) ORDER BY s.plan_id, s.ordinal",
            list(plan_ids))]

    def file_tags(self) -> set[str]:
        """The tags of this generation's file versions (server mode; empty otherwise)."""
        try:
            return {r[0] for r in self.db.execute("SELECT tag FROM files WHERE tag IS NOT NULL AND tag != ''")}
        except sqlite3.OperationalError:  # an index built before tags
            return set()


def action_spans(sections: list[Section], actions: list[Action]) -> list[tuple[str, str]]:
    """(section id, action id) for every section an action spans: its own, and table rows whose
    lines fall inside the action's (a row continued over a page break)."""
    out = []
    for a in actions:
        for s in sections:
            if s.file == a.file and (s.id == a.section_id or
                                     (s.kind == "table_row" and a.line_start <= s.line_start <= a.line_end)):
                out.append((s.id, a.id))
    return out


def action_from_json(d: dict) -> Action:
    src = d.get("source", {})
    return Action(
        id=d["id"], plan=d["plan"], number=d["number"], need=d["need"], title=d["title"],
        text=d["text"], drivers=tuple(d["drivers"]), status=d["status"], timeline=d["timeline"],
        start=_date(d["start"]), end=_date(d["end"]), precision=d.get("precision"),
        recurrence=d.get("recurrence"), funding=d["funding"], funding_status=d["funding_status"],
        amounts=tuple(Amount(**a) for a in d.get("amounts", [])), section_id=d["section_id"],
        file=src.get("file", ""), line_start=src.get("line_start", 0),
        line_end=src.get("line_end", 0), notes=tuple(d.get("notes", [])))


class ActionList(Sequence[Action]):
    """Every action of the index in plan order (``RecordStore.actions()``), read from SQLite when
    an item is asked for instead of decoding all of them at start-up (at ×1000, 183,000 records
    took seconds). ``actions[i]`` reads one record (the recently used kept); iterating, ``index``
    and ``in`` read them all once and keep them, for the few answers that walk every action.

    Example::

        actions = ActionList(store)
        actions[12].title
    """

    def __init__(self, store: RecordStore, cache: int = 8192) -> None:
        self.store = store
        self._n = store.action_count()
        self._all: list[Action] | None = None
        self._lock = threading.Lock()
        self._one = lru_cache(maxsize=cache)(self._read)

    def _read(self, pos: int) -> Action:
        return self.store.actions_at([pos])[0]

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if self._all is not None:
            return self._all[i]
        if isinstance(i, slice):
            return [self._one(j) for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("action position out of range")
        return self._one(i)

    def take(self, positions: Sequence[int]) -> list[Action]:
        """The actions at these positions, in one query (a quarter of all or more: all of them, kept)."""
        if self._all is None and len(positions) * 4 < self._n:
            return self.store.actions_at(positions)
        every = self.all()
        return [every[i] for i in positions]

    def all(self) -> list[Action]:
        """Every action, read once and kept."""
        with self._lock:
            if self._all is None:
                self._all = self.store.actions()
        return self._all

    def __iter__(self):
        return iter(self.all())

    def __contains__(self, x: object) -> bool:
        return x in self.all()

    def index(self, x: Any, start: int = 0, stop: int | None = None) -> int:
        return self.all().index(x, start, len(self) if stop is None else stop)


def take(actions: Sequence[Action], positions: Iterable[int]) -> list[Action]:
    """``[actions[i] for i in positions]``, in one read when ``actions`` is an :class:`ActionList`."""
    positions = list(positions)
    if isinstance(actions, ActionList):
        return actions.take(positions)
    return [actions[i] for i in positions]
