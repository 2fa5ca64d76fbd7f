"""Shared fixtures: settings on a temporary data dir, and one real index of the corpus built once
per test session with the real MiniLM model (the index and eval tests use the real model)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "eval" / "gold" / "dev.jsonl"


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a thread; ``http`` is a client on it."""

    def __init__(self, app: object) -> None:
        import socket
        import threading
        import time

        import httpx
        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started and time.monotonic() < end:
            time.sleep(0.02)
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)


@contextmanager
def command_line(settings) -> Iterator[Callable[..., object]]:
    """Run `plans ...` (typer's CliRunner) with PLANS_CORPUS_DIR / PLANS_DATA_DIR of ``settings``;
    the environment and the cached settings are restored after."""
    from typer.testing import CliRunner

    from bots.cli import app
    from plans.settings import get_settings

    mp = pytest.MonkeyPatch()
    mp.setenv("PLANS_CORPUS_DIR", str(settings.corpus_dir))
    mp.setenv("PLANS_DATA_DIR", str(settings.data_dir))
    mp.delenv("PLANS_CHROMA_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        yield lambda *args: runner.invoke(app, [str(a) for a in args])
    finally:
        mp.undo()
        get_settings.cache_clear()


def make_settings(corpus_dir: Path, data_dir: Path, **extra):
    from plans.settings import Settings

    return Settings(corpus_dir=corpus_dir, data_dir=data_dir, **extra)


def synthetic_index(base: Path, scale: float, seed: int):
    """A synthetic corpus (``bench.synth``: ``scale`` times the real corpus's sections) written to
    ``base/corpus`` and indexed into ``base/data`` with the fake embedder: (settings, summary)."""
    from bench.synth import generate
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index

    generate(base / "corpus", scale, seed=seed)
    settings = make_settings(base / "corpus", base / "data")
    return settings, run_index(settings, embedder=FakeEmbedder(), progress=False)


def one_plan_assistant(base: Path, name: str, text: str):
    """An Assistant over a corpus of one plan file (``name``, ``text``) written to ``base/corpus`` and
    indexed into ``base/data`` with the fake embedder: for plan shapes the real corpus lacks."""
    from assistant.service import Assistant
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index

    (base / "corpus").mkdir()
    (base / "corpus" / name).write_text(text, encoding="utf-8")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return Assistant(settings, embedder=FakeEmbedder())


def stored_passages(settings, file: str, generation: str | None = None, vectors=None):
    """The passages of ``file`` that a generation's vector store holds (the serving one unless
    ``generation`` is given), their texts cut again from that generation's records as the indexer
    cut them, and their stored vectors. Fails if the store holds a passage the records do not make."""
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import current_generation, records_path
    from indexer.store import RecordStore
    from indexer.vectors import VectorStore, passages_for

    generation = generation or current_generation(settings)
    store = RecordStore(records_path(settings, generation))
    try:
        made = {p.id: p for row in store.embed_texts(sorted({s.plan_id for s in store.sections()}))
                if row[2] == file for p in passages_for(*row)}
        if vectors is None:
            name, tags = store.meta("collection"), frozenset(store.file_tags())
            vectors = VectorStore.open(settings, generation=generation, embedder=FakeEmbedder(),
                                       name=name or None, live=tags or None)
    finally:
        store.close()
    ids, vecs = vectors.stored(file)
    assert set(ids) <= set(made), f"passages in the vector store the records do not make: {set(ids) - set(made)}"
    return [made[i] for i in ids], vecs


@pytest.fixture(scope="session")
def embedder():
    """The real packaged MiniLM, loaded once."""
    from indexer.embed import SentenceEmbedder
    from plans.settings import packaged_model_path

    return SentenceEmbedder(packaged_model_path())


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, embedder):
    """Settings of a real index of a copy of the corpus (built once per session)."""
    from indexer.pipeline import run_index

    base = tmp_path_factory.mktemp("real")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(corpus, base / "data")
    summary = run_index(settings, embedder=embedder, progress=False)
    assert summary.plans == 5 and not summary.skipped
    return settings


@pytest.fixture(scope="session")
def assistant(real_index, embedder):
    from assistant.service import Assistant

    return Assistant(real_index, embedder=embedder)


@pytest.fixture()
def fake_settings(tmp_path):
    """Settings over a private copy of the corpus, for fast tests with the fake embedder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return make_settings(corpus, tmp_path / "data")
