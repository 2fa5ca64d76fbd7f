"""Server mode: index into a real `chroma run` server on a free loopback port (PLANS_CHROMA_URL).

The server is started once for the module and stopped in a finalizer. If it cannot start, the
tests are skipped and the reason is printed (never silently)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from indexer.embed import FakeEmbedder
from indexer.pipeline import current_generation, open_records, open_vectors, run_index
from indexer.vectors import passages_for
from plans.errors import StoreError
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

CICA = "cica-action-plan-new-challenges-2008.txt"
ECO = "eco-plan-of-action-transnational-organized-crime.txt"
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _skip(reason: str) -> None:
    print(f"\nchroma server tests skipped: {reason}", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        _skip(f"the chroma binary is not installed at {binary}")
    base = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    env = dict(os.environ, PATH=f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}",
               ANONYMIZED_TELEMETRY="False")
    log_path = base / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(binary), "run", "--path", str(base / "data"), "--host", "127.0.0.1",
             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
            stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    reason = None
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-800:]
            reason = f"`chroma run` exited with code {proc.returncode}: {tail}"
            break
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            reason = f"`chroma run` gave no heartbeat on {url} within {STARTUP_SECONDS} s"
            break
        time.sleep(0.3)
    if reason:
        _stop(proc)
        _skip(reason)
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture()
def server_settings(chroma_url, fake_settings):
    # a collection prefix of its own, so tests sharing the server never see each other's data
    return make_settings(fake_settings.corpus_dir, fake_settings.data_dir, chroma_url=chroma_url,
                         collection=f"t{uuid.uuid4().hex[:8]}")


def _index(settings):
    return run_index(settings, embedder=FakeEmbedder(), progress=False)


def _collections(settings) -> set[str]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    host, port = settings.chroma_url.rsplit(":", 1)
    client = chromadb.HttpClient(host=host.split("//")[1], port=int(port),
                                 settings=ChromaSettings(anonymized_telemetry=False))
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    return {n for n in names if n.startswith(settings.collection + "-")}


def _passages(settings) -> int:
    store = open_records(settings)
    try:
        return sum(len(passages_for(s.id, s.plan_id, s.file, store.embed_text(s.id)))
                   for s in store.sections())
    finally:
        store.close()


def test_index_into_a_chroma_server(server_settings) -> None:
    s = _index(server_settings)
    assert s.plans == 5 and not s.skipped and len(s.indexed) == 5
    assert _collections(server_settings) == {f"{server_settings.collection}-{s.generation}"}
    vs = open_vectors(server_settings, FakeEmbedder())
    assert vs.count() == s.passages_embedded == _passages(server_settings)
    # nothing of the vector store lives under the data dir: it is on the server
    assert not (Path(server_settings.data_dir) / "gens" / s.generation / "chroma").exists()
    hits = vs.query("Interpol database on lost and stolen documents", k=5)
    store = open_records(server_settings)
    assert len(hits) == 5 and all(-1.0 <= sim <= 1.0 for _, sim in hits)
    assert {store.section(sid).plan_id for sid, _ in hits}  # real section ids of the index
    assert hits[0][0].startswith("cica-")
    cica_only = vs.query("focal points network", k=3, plan_ids=["cica-action-plan-new-challenges-2008"])
    assert cica_only and all(sid.startswith("cica-") for sid, _ in cica_only)


def test_reindex_with_one_file_changed_drops_old_collections(server_settings) -> None:
    first = _index(server_settings)
    cica = Path(server_settings.corpus_dir) / CICA
    cica.write_text(cica.read_text(encoding="utf-8").replace("lost and stolen", "forged"),
                    encoding="utf-8")
    second = _index(server_settings)
    assert second.indexed == [CICA] and len(second.unchanged) == 4
    assert current_generation(server_settings) == second.generation
    vs = open_vectors(server_settings, FakeEmbedder())
    assert vs.count() == _passages(server_settings)
    docs, vectors = vs.passages_of(CICA)
    assert any("forged" in p.text for p in docs) and not any("lost and stolen" in p.text for p in docs)
    assert len(vectors) == len(docs)
    prefix = server_settings.collection
    # the previous generation is kept one step back (a reader may still hold it) ...
    assert _collections(server_settings) == {f"{prefix}-{first.generation}",
                                             f"{prefix}-{second.generation}"}
    (Path(server_settings.corpus_dir) / ECO).unlink()
    third = _index(server_settings)
    assert third.removed == [ECO] and third.plans == 4
    # ... and dropped on the next run
    assert _collections(server_settings) == {f"{prefix}-{second.generation}",
                                             f"{prefix}-{third.generation}"}
    assert open_vectors(server_settings, FakeEmbedder()).count() == _passages(server_settings)
    # nothing changed: nothing to do, no new collection
    again = _index(server_settings)
    assert again.generation == third.generation and again.passages_embedded == 0
    assert len(_collections(server_settings)) == 2


def test_an_unreachable_server_is_one_clear_error(fake_settings) -> None:
    settings = make_settings(fake_settings.corpus_dir, fake_settings.data_dir,
                             chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError) as err:
        _index(settings)
    assert err.value.message.startswith(f"Cannot reach the vector store at {settings.chroma_url}")
    assert current_generation(settings) is None
