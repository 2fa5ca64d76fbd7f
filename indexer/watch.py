"""Keep the index up to date with a folder staff drop plans into: ``plans index --watch``.

Each batch of file changes under the corpus folder (``watchfiles``, debounced) runs the ordinary
incremental, atomic :func:`indexer.pipeline.run_index`: unchanged files are carried over, a
half-written file that cannot be read yet is reported and picked up by the next change.

Example::

    stop = threading.Event()
    watch_index(settings, on_summary=print, stop_event=stop)   # returns when stop is set
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.load import SUFFIXES
from indexer.pipeline import IndexSummary, run_index
from indexer.plan_overrides import FILE_NAME
from plans.errors import PlansError
from plans.settings import Settings

log = logging.getLogger(__name__)


def relevant(path: str) -> bool:
    """A plan file or plans.toml; not hidden files, editors' swap files or the index itself."""
    p = Path(path)
    return not any(part.startswith(".") for part in p.parts[-2:]) and (
        p.suffix.lower() in SUFFIXES or p.name == FILE_NAME)


def watch_index(settings: Settings, *, on_summary: Callable[[IndexSummary], None],
                stop_event: threading.Event | None = None, progress: bool | None = False,
                debounce_ms: int = 1600, embedder: Any = None) -> None:
    """Re-index after each batch of changes to plan files until ``stop_event`` is set (or Ctrl-C)."""
    from watchfiles import watch

    from indexer.embed import make_embedder

    corpus = Path(settings.corpus_dir)
    embedder = embedder or make_embedder(settings)  # loaded once, not per change
    for changes in watch(corpus, watch_filter=lambda _change, path: relevant(path), debounce=debounce_ms,
                         stop_event=stop_event, rust_timeout=500, yield_on_timeout=False):
        log.info("changed: %s", ", ".join(sorted({Path(p).name for _, p in changes})))
        try:
            summary = run_index(settings, progress=progress, embedder=embedder)
        except PlansError as exc:  # e.g. the corpus folder was removed: say so and keep watching
            log.error("indexing failed: %s", exc.message)
            continue
        on_summary(summary)
