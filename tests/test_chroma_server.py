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

from indexer import pipeline
from indexer.embed import FakeEmbedder
from indexer.pipeline import current_generation, open_records, open_vectors, records_path, run_index
from indexer.store import RecordStore
from indexer.vectors import passages_for, tag_of
from plans.errors import StoreError
from tests.conftest import make_settings, stored_passages

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
    assert vs.count() == vs.live_count() == s.passages_embedded == _passages(server_settings)
    # nothing of the vector store lives under the data dir: it is on the server
    assert not (Path(server_settings.data_dir) / "gens" / s.generation / "chroma").exists()
    hits = vs.query("Interpol database on lost and stolen documents", k=5)
    store = open_records(server_settings)
    assert len(hits) == 5 and all(-1.0 <= sim <= 1.0 for _, sim in hits)
    assert {store.section(sid).plan_id for sid, _ in hits}  # real section ids of the index
    assert hits[0][0].startswith("cica-")
    cica_only = vs.query("focal points network", k=3, plan_ids=["cica-action-plan-new-challenges-2008"])
    assert cica_only and all(sid.startswith("cica-") for sid, _ in cica_only)


def _all_tags(settings, file: str) -> set[str]:
    """The file-version tags of every passage of a file in the index's collection, whatever
    generation it serves (the collection keeps no texts: a version is known by its tag)."""
    vs = open_vectors(settings, FakeEmbedder())
    return {tag_of(i) for i in vs.collection.get(where={"file": file}, include=[])["ids"]}


def _tags(settings, generation: str) -> set[str]:
    store = RecordStore(records_path(settings, generation))
    try:
        return store.file_tags()
    finally:
        store.close()


def test_reindex_with_one_file_changed_shares_the_collection(server_settings) -> None:
    first = _index(server_settings)
    cica = Path(server_settings.corpus_dir) / CICA
    cica.write_text(cica.read_text(encoding="utf-8").replace("lost and stolen", "forged"),
                    encoding="utf-8")
    second = _index(server_settings)
    assert second.indexed == [CICA] and len(second.unchanged) == 4
    assert second.passages_embedded == len(stored_passages(server_settings, CICA, second.generation)[0])
    assert current_generation(server_settings) == second.generation
    vs = open_vectors(server_settings, FakeEmbedder())
    assert vs.live_count() == _passages(server_settings)
    docs, vectors = stored_passages(server_settings, CICA, vectors=vs)
    assert any("forged" in p.text for p in docs) and not any("lost and stolen" in p.text for p in docs)
    assert len(vectors) == len(docs)
    prefix = server_settings.collection
    # one collection: the changed file's passages were added to it, nothing was copied ...
    assert _collections(server_settings) == {f"{prefix}-{first.generation}"}
    # ... and the previous generation, kept one step back (a reader may still hold it), still
    # sees its own version of the file and nothing of the new one
    old_docs, _ = stored_passages(server_settings, CICA, first.generation)
    assert any("lost and stolen" in p.text for p in old_docs) and not any("forged" in p.text for p in old_docs)
    (Path(server_settings.corpus_dir) / ECO).unlink()
    first_cica = _all_tags(server_settings, CICA) - _tags(server_settings, second.generation)
    assert len(first_cica) == 1  # the first version's passages, under its own tag
    third = _index(server_settings)
    assert third.removed == [ECO] and third.plans == 4
    # the first generation is gone, and with it the passages only it held
    assert not _all_tags(server_settings, CICA) & first_cica
    assert _all_tags(server_settings, ECO)  # the second generation, one step back, still holds ECO
    assert open_vectors(server_settings, FakeEmbedder()).live_count() == _passages(server_settings)
    # nothing changed: nothing to do, no new collection
    again = _index(server_settings)
    assert again.generation == third.generation and again.passages_embedded == 0
    assert _collections(server_settings) == {f"{prefix}-{first.generation}"}
    # a forced run builds a collection of its own; the shared one goes once no kept generation uses it
    forced = run_index(server_settings, embedder=FakeEmbedder(), progress=False, force=True)
    assert _collections(server_settings) == {f"{prefix}-{first.generation}", f"{prefix}-{forced.generation}"}
    cica.write_text(cica.read_text(encoding="utf-8").replace("forged", "counterfeit"), encoding="utf-8")
    _index(server_settings)
    assert _collections(server_settings) == {f"{prefix}-{forced.generation}"}
    assert not _all_tags(server_settings, ECO)


def _same(got: list, want: list) -> bool:
    """Lists of query results equal in their passages and order, scores within float32 rounding."""
    return len(got) == len(want) and all(
        [p for p, _ in g] == [p for p, _ in w] and all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(g, w, strict=True))
        for g, w in zip(got, want, strict=True))


def test_incremental_run_leaves_the_old_generation_answering_until_the_switch(server_settings, monkeypatch) -> None:
    """While the new generation's passages go into the shared collection, the serving one answers
    exactly as before; CURRENT moves only once the new one is complete."""
    first = _index(server_settings)
    old_view = open_vectors(server_settings, FakeEmbedder())
    questions = ["Interpol database on lost and stolen documents", "focal points network", "forged documents"]
    before = [old_view.query(q, k=8) for q in questions]
    cica = Path(server_settings.corpus_dir) / CICA
    cica.write_text(cica.read_text(encoding="utf-8").replace("lost and stolen", "forged"), encoding="utf-8")
    real_swap = pipeline._swap
    seen = {}

    def checked_swap(settings, generation):
        # the new generation is complete: its passages are all in the collection already
        assert current_generation(settings) == first.generation
        assert stored_passages(settings, CICA, generation)[0]
        seen["during"] = [old_view.query(q, k=8) for q in questions]
        seen["fresh"] = [open_vectors(settings, FakeEmbedder()).query(q, k=8) for q in questions]
        real_swap(settings, generation)

    monkeypatch.setattr(pipeline, "_swap", checked_swap)
    second = _index(server_settings)
    # the serving generation answered as before: the same passages in the same order, with the same
    # scores up to float32 rounding (the server's HNSW search may take another path to them)
    assert _same(seen["during"], before)
    assert _same(seen["fresh"], before)  # and so did one opened afresh before the switch
    assert current_generation(server_settings) == second.generation
    assert _same([old_view.query(q, k=8) for q in questions], before)  # a reader still holding it, after it


def test_a_crash_mid_index_leaves_the_old_generation_serving(server_settings, monkeypatch) -> None:
    first = _index(server_settings)
    view = open_vectors(server_settings, FakeEmbedder())
    before = view.query("Interpol database on lost and stolen documents", k=8)
    cica = Path(server_settings.corpus_dir) / CICA
    original = cica.read_text(encoding="utf-8")
    cica.write_text(original.replace("lost and stolen", "forged"), encoding="utf-8")

    def crash(*args, **kwargs):  # after the new passages and records were written
        raise RuntimeError("killed mid-index")

    monkeypatch.setattr(pipeline, "_fill_counts", crash)  # all written, not yet switched
    with pytest.raises(RuntimeError):
        _index(server_settings)
    monkeypatch.undo()
    assert current_generation(server_settings) == first.generation
    crashed = _all_tags(server_settings, CICA) - _tags(server_settings, first.generation)
    assert len(crashed) == 1  # the new version's passages were written, under their own tag, not seen:
    fresh = open_vectors(server_settings, FakeEmbedder())
    assert _same([fresh.query("Interpol database on lost and stolen documents", k=8)], [before])
    docs, _ = stored_passages(server_settings, CICA, vectors=fresh)
    assert docs and not any("forged" in p.text for p in docs) and not {p.tag for p in docs} & crashed
    # the next run builds on the generation that serves and removes what the crashed one wrote
    cica.write_text(original.replace("lost and stolen", "counterfeit"), encoding="utf-8")
    after = _index(server_settings)
    assert after.indexed == [CICA] and current_generation(server_settings) == after.generation
    assert not _all_tags(server_settings, CICA) & crashed
    assert open_vectors(server_settings, FakeEmbedder()).live_count() == _passages(server_settings)


def test_an_unreachable_server_is_one_clear_error(fake_settings) -> None:
    settings = make_settings(fake_settings.corpus_dir, fake_settings.data_dir,
                             chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError) as err:
        _index(settings)
    assert err.value.message.startswith(f"Cannot reach the vector store at {settings.chroma_url}")
    assert current_generation(settings) is None
