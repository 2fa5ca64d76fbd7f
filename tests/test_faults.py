"""Faults: a `plans index` process killed mid-run, the Chroma server going away while the web app
serves, and a missing or corrupt index when `plans serve` / `plans ask` start.

Real parts throughout: a real subprocess killed with SIGKILL, a real `chroma run` server killed and
restarted, the real CLI; the fake embedder keeps it fast."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import indexer.pipeline as pipeline
from indexer.embed import FakeEmbedder
from indexer.pipeline import current_generation, open_records, open_vectors, records_path, run_index
from tests.conftest import ROOT, make_settings, stored_passages

CICA = "cica-action-plan-new-challenges-2008.txt"
CICA_ID = "cica-action-plan-new-challenges-2008"
WORD = "zanzibarite"  # a word no plan contains


def _index(settings):
    return run_index(settings, embedder=FakeEmbedder(), progress=False)


def _add_word(settings, name: str = CICA) -> None:
    path = Path(settings.corpus_dir) / name
    path.write_text(path.read_text(encoding="utf-8")
                    + f"\n\nAddendum: the {WORD} cooperation network meets every year.\n", encoding="utf-8")


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)


# --- SIGKILL of a real indexing process mid-embedding --------------------------------------------

SLOW_INDEX = """
import sys, time
from pathlib import Path
from indexer.embed import FakeEmbedder
from indexer.pipeline import run_index
from plans.settings import Settings

marker = Path(sys.argv[3])

class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts):
        marker.write_text("embedding")
        time.sleep(120)  # killed long before this ends
        return super().embed_documents(texts)

run_index(Settings(corpus_dir=sys.argv[1], data_dir=sys.argv[2]), embedder=SlowEmbedder(), progress=False)
print("finished")  # never reached
"""


def test_sigkill_mid_index_leaves_the_previous_index_serving(fake_settings, tmp_path) -> None:
    first = _index(fake_settings)
    gens_dir = Path(fake_settings.data_dir) / "gens"
    assert {p.name for p in gens_dir.iterdir()} == {first.generation}
    store = open_records(fake_settings)
    before = {s.id: s.text for s in store.sections()}
    store.close()
    _add_word(fake_settings)

    marker = tmp_path / "embedding-started"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_INDEX, str(fake_settings.corpus_dir), str(fake_settings.data_dir),
         str(marker)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, ANONYMIZED_TELEMETRY="False"))
    try:
        _wait_for(lambda: len(list(gens_dir.iterdir())) == 2 or proc.poll() is not None, 60,
                  "the new generation folder")
        _wait_for(lambda: marker.exists() or proc.poll() is not None, 60, "embedding to start")
        assert proc.poll() is None, proc.communicate()[1].decode(errors="replace")[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    half = {p.name for p in gens_dir.iterdir()} - {first.generation}
    assert len(half) == 1  # the half-built generation is left behind ...

    # ... but CURRENT still names the first one, whose records and vectors answer as before
    assert current_generation(fake_settings) == first.generation
    store = open_records(fake_settings)
    assert {s.id: s.text for s in store.sections()} == before
    assert store.search(WORD) == []
    vs = open_vectors(fake_settings, FakeEmbedder())
    assert vs.count() > 0
    hits = vs.query("Interpol database on lost and stolen documents", k=5)
    assert len(hits) == 5 and all(store.section(sid) for sid, _ in hits)
    store.close()

    # the next normal run completes, serves the changed content and removes the half-built folder
    second = _index(fake_settings)
    assert second.indexed == [CICA] and len(second.unchanged) == 4 and not second.skipped
    assert current_generation(fake_settings) == second.generation
    assert {p.name for p in gens_dir.iterdir()} == {first.generation, second.generation}
    store = open_records(fake_settings)
    found = store.search(WORD, k=5)
    assert found and store.section(found[0][0]).plan_id == CICA_ID
    vs = open_vectors(fake_settings, FakeEmbedder())
    docs, _ = stored_passages(fake_settings, CICA, vectors=vs)
    assert any(WORD in p.text for p in docs)


# --- the Chroma server going away while the web app serves ---------------------------------------

STARTUP_SECONDS = 60


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_chroma(path: Path, port: int, log_path: Path) -> subprocess.Popen:
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        print(f"\nchroma fault test skipped: no chroma binary at {binary}", file=sys.stderr)
        pytest.skip(f"the chroma binary is not installed at {binary}")
    env = dict(os.environ, PATH=f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}",
               ANONYMIZED_TELEMETRY="False")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([str(binary), "run", "--path", str(path), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-800:]
            print(f"\nchroma fault test skipped: `chroma run` exited: {tail}", file=sys.stderr)
            pytest.skip(f"`chroma run` exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            pass
        if time.monotonic() > deadline:
            _stop(proc)
            print(f"\nchroma fault test skipped: no heartbeat on {url}", file=sys.stderr)
            pytest.skip(f"`chroma run` gave no heartbeat on {url} within {STARTUP_SECONDS} s")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=15)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.slow
def test_chroma_server_going_away_and_coming_back(fake_settings, tmp_path) -> None:
    from assistant.service import Assistant
    from bots.web import create_app

    port = _free_port()
    server_dir, log_path = tmp_path / "chroma", tmp_path / "chroma.log"
    proc = _start_chroma(server_dir, port, log_path)
    try:
        settings = make_settings(fake_settings.corpus_dir, fake_settings.data_dir,
                                 chroma_url=f"http://127.0.0.1:{port}", collection=f"t{uuid.uuid4().hex[:8]}")
        assert _index(settings).plans == 5
        client = TestClient(create_app(settings, assistant=Assistant(settings, embedder=FakeEmbedder()),
                                       warm_up=False))
        question = {"question": "Who maintains the database on lost and stolen documents?"}
        assert client.get("/readyz").status_code == 200
        ok = client.post("/api/ask", json=question)
        assert ok.status_code == 200 and ok.json()["citations"]

        # the server dies
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        _wait_for(lambda: _port_free(port), 10, "the port to close")
        ready = client.get("/readyz")
        assert ready.status_code == 503, ready.text
        assert "vector store" in ready.json()["error"]
        down = client.post("/api/ask", json=question)
        assert down.status_code == 503, down.text
        assert down.headers["content-type"] == "application/json"
        body = down.json()
        assert set(body) == {"error", "detail"} and "vector store" in body["error"]
        assert "Traceback" not in body["error"]
        assert client.get("/healthz").status_code == 200  # the process itself is fine

        # the server comes back on the same port and path: service resumes without a new app
        proc = _start_chroma(server_dir, port, log_path)
        _wait_for(lambda: client.get("/readyz").status_code == 200, 30, "/readyz to recover")
        again = client.post("/api/ask", json=question)
        assert again.status_code == 200, again.text
        assert again.json()["answer"] == ok.json()["answer"]
    finally:
        _stop(proc)


# --- a missing or corrupt index when `plans serve` / `plans ask` start ---------------------------

@pytest.fixture()
def cli(monkeypatch, fake_settings):
    """The real `plans` CLI on fake_settings' folders; the fake embedder; uvicorn must never run."""
    import uvicorn

    import assistant.service as service
    from bots.cli import app
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("PLANS_DATA_DIR", str(fake_settings.data_dir))
    monkeypatch.delenv("PLANS_CHROMA_URL", raising=False)
    monkeypatch.setattr(pipeline, "make_embedder", lambda settings, **kw: FakeEmbedder())
    monkeypatch.setattr(service, "make_query_embedder", lambda settings, **kw: FakeEmbedder())

    def no_serving(*args, **kwargs):
        raise AssertionError("uvicorn.run was called although the index is unusable")

    monkeypatch.setattr(uvicorn, "run", no_serving)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def _break_nothing(settings) -> None:
    pass


def _no_gens(settings) -> None:  # CURRENT names a generation whose folder is gone
    _index(settings)
    shutil.rmtree(Path(settings.data_dir) / "gens")


def _garbage_sqlite(settings) -> None:
    first = _index(settings)
    records_path(settings, first.generation).write_bytes(b"\x00not sqlite\xff" * 500)


def _empty_sqlite(settings) -> None:
    first = _index(settings)
    records_path(settings, first.generation).write_bytes(b"")


BROKEN = {"missing": _break_nothing, "gens-gone": _no_gens, "garbage-sqlite": _garbage_sqlite,
          "empty-sqlite": _empty_sqlite}


def _one_clear_line(out) -> str:
    assert out.exit_code not in (0, None), out.output
    err = out.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in out.output and "Traceback" not in err
    assert err.startswith("error: ") and "plans index" in err, err
    return err


@pytest.mark.parametrize("command", [("serve",), ("ask", "Who funds the workshops?")], ids=["serve", "ask"])
@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_missing_or_corrupt_index_at_start_says_run_plans_index(cli, fake_settings, command, broken) -> None:
    BROKEN[broken](fake_settings)
    out = cli(*command)
    _one_clear_line(out)
    assert out.exit_code == 3
    assert isinstance(out.exception, SystemExit)


REINDEX = """
import sys
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_vectors, run_index
from plans.settings import Settings

settings = Settings(corpus_dir=sys.argv[1], data_dir=sys.argv[2])
s = run_index(settings, embedder=FakeEmbedder(), progress=False)
print(len(s.indexed), len(s.unchanged), open_vectors(settings, FakeEmbedder()).count())
"""


def test_ask_without_vectors_says_run_plans_index_and_plans_index_repairs_it(fake_settings) -> None:
    # fresh processes: chromadb caches an open embedded store per path inside one process
    _index(fake_settings)
    first = current_generation(fake_settings)
    shutil.rmtree(Path(fake_settings.data_dir) / "gens" / first / "chroma")
    env = dict(os.environ, PLANS_CORPUS_DIR=str(fake_settings.corpus_dir),
               PLANS_DATA_DIR=str(fake_settings.data_dir), ANONYMIZED_TELEMETRY="False")
    env.pop("PLANS_CHROMA_URL", None)
    out = subprocess.run([sys.executable, "-m", "bots.cli", "ask", "Who funds the workshops?"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    err = out.stderr.strip()
    assert out.returncode == 3, (out.stdout, err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("error: ") and err.endswith("run `plans index`."), err
    # `plans index` rebuilds everything (it does not say "nothing changed" over the missing vectors)
    again = subprocess.run([sys.executable, "-c", REINDEX, str(fake_settings.corpus_dir),
                            str(fake_settings.data_dir)], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    indexed, unchanged, count = map(int, again.stdout.split())
    assert (indexed, unchanged) == (5, 0) and count > 0
    assert current_generation(fake_settings) != first
