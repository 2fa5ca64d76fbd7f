"""What each column of a table holds, read from its header by meaning.

Roles: ``number``, ``need``, ``action``, ``outputs``, ``drivers``, ``timeline``, ``funding``. The
example header names per role are data (``indexer/data/columns.yaml``, a reason per entry). A
header that is one of the examples (case, punctuation and "(s)" aside) takes its role at once;
any other header is embedded with the packaged MiniLM (``indexer.minilm``, no PyTorch, nothing
downloaded) and takes the role of its closest example when the cosine is at least
:data:`MIN_COSINE` and clearly ahead of the best other role; otherwise the column is not
recognised, and the index report says so.

Example::

    m = map_header(("MEASURES", "ACTIVITIES", "STAKEHOLDERS", "DEADLINES", "RESOURCES"))
    m.roles        # ('need', 'action', 'drivers', 'timeline', 'funding')
    m.is_action_table   # True
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "columns.yaml"
MIN_COSINE = 0.55  # below this the header is not read as any role (measured on the examples: see tests)
MARGIN = 0.03  # the best role must lead the best other role by this much
ROLES = ("number", "need", "action", "outputs", "drivers", "timeline", "funding")
_lock = threading.Lock()


@dataclass(frozen=True)
class ColumnMap:
    header: tuple[str, ...]
    roles: tuple[str | None, ...]  # per column; None = not recognised

    @property
    def is_action_table(self) -> bool:
        """An action column and at least one of who / when / money."""
        have = set(self.roles)
        return "action" in have and bool(have & {"drivers", "timeline", "funding"})

    @property
    def unrecognised(self) -> tuple[str, ...]:
        return tuple(h for h, r in zip(self.header, self.roles) if r is None and norm(h))

    def columns(self, role: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r == role]


def norm(header: str) -> str:
    """'DRIVER (S)' -> 'driver(s)' -> 'driver'; punctuation and case aside."""
    h = header.casefold().replace("\n", " ")
    h = re.sub(r"\s*\(\s*s\s*\)", "", h)
    h = re.sub(r"[^\w/ ]+", " ", h)
    return re.sub(r"\s+", " ", h).strip(" /")


@lru_cache(maxsize=1)
def examples() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    unknown = set(data) - set(ROLES)
    if unknown:
        raise ValueError(f"{DATA.name}: unknown roles {sorted(unknown)}; expected {ROLES}")
    return {role: tuple(norm(e["name"]) for e in data.get(role, [])) for role in ROLES}


class _Meaning:
    """The MiniLM encoder and the examples' vectors, loaded on first need."""

    def __init__(self) -> None:
        self.enc: Any = None  # the MiniLMEncoder, once loaded
        self.vecs: Any = None  # the examples' vectors (NumPy), once computed
        self.labels: list[str] = []

    def scores(self, headers: list[str]):
        import numpy as np

        from indexer.minilm import MiniLMEncoder
        from plans.settings import packaged_model_path

        with _lock:
            if self.enc is None:
                self.enc = MiniLMEncoder(packaged_model_path())
                names = [(role, name) for role, names in examples().items() for name in names]
                self.labels = [r for r, _ in names]
                self.vecs = np.asarray(self.enc.encode([n for _, n in names]), dtype=np.float32)
            q = np.asarray(self.enc.encode(headers), dtype=np.float32)
        return q @ self.vecs.T


_MEANING = _Meaning()


@lru_cache(maxsize=4096)
def role_of(header: str) -> tuple[str | None, float]:
    """(role, confidence) of one header; (None, best cosine) when it is not recognised."""
    h = norm(header)
    if not h:
        return None, 0.0
    for role, names in examples().items():
        if h in names:
            return role, 1.0
    sims = _MEANING.scores([h])[0]
    best: dict[str, float] = {}
    for label, s in zip(_MEANING.labels, sims):
        best[label] = max(best.get(label, -1.0), float(s))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    (role, top), second = ranked[0], ranked[1][1] if len(ranked) > 1 else -1.0
    if top >= MIN_COSINE and top - second >= MARGIN:
        return role, top
    return None, top


def map_header(header: tuple[str, ...] | list[str]) -> ColumnMap:
    """Roles of a table's columns. Several action-like columns ('MEASURES', 'ACTIVITIES', 'TASKS'):
    the first groups the rows (need), the next is the action, any further one details it (outputs)."""
    roles = [role_of(h)[0] for h in header]
    acts = [i for i, r in enumerate(roles) if r == "action"]
    if len(acts) >= 2 and "need" not in roles:
        roles[acts[0]] = "need"
        acts = acts[1:]
    for i in acts[1:]:
        roles[i] = "outputs"
    return ColumnMap(tuple(header), tuple(roles))
