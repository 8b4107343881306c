"""Issue #18's data-loss defects: each test failed on the code before the fix.

Permission tests are real even as root: the ingest then runs in a child process whose
capabilities are dropped (`setpriv`), so the kernel checks permissions for it as for anyone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.errors import EmbeddingMismatch, IngestRefused
from rag.pipeline import Pipeline
from rag.providers.embedding import HashingEmbedder
from tests.conftest import ROOT, SEED_FILE, make_settings


def _cli_env(tmp_path: Path, store: str = "store") -> dict[str, str]:
    """The CLI's environment for the store `make_settings(tmp_path)` opens, with fakes."""
    return {**os.environ, "NEWSDESK_STORE__PATH": str(tmp_path / store), "NEWSDESK_STORE__COLLECTION": "test",
            "NEWSDESK_LLM__PROVIDER": "fake", "NEWSDESK_EMBEDDING__PROVIDER": "fake", "COLUMNS": "200",
            "PYTHONUNBUFFERED": "1"}  # fmt: skip


def _corpus(tmp_path: Path, n: int = 3, sub: str = "") -> Path:
    folder = tmp_path / "articles"
    target = folder / sub if sub else folder
    target.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (target / f"{sub}a{i}.txt").write_text(
            f"title: Story {sub}{i}\nsource: Outlet {i}\ndate: 2023-10-0{i + 1}\n\n"
            + " ".join(f"Sentence {j} of story {sub}{i} says something about topic {i}." for j in range(30))
        )
    return folder


def test_sync_of_a_missing_folder_is_refused_and_removes_nothing(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 2)
    fake_pipeline.ingest([folder])
    folder.rename(tmp_path / "moved")
    with pytest.raises(IngestRefused, match="does not exist"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 2 and fake_pipeline.store.count() > 0


def test_sync_of_an_emptied_folder_is_refused(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 2)
    fake_pipeline.ingest([folder])
    for f in folder.iterdir():
        f.unlink()
    with pytest.raises(IngestRefused, match="holds no article files"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 2


def test_sync_that_would_remove_most_of_the_store_needs_force(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 5)
    fake_pipeline.ingest([folder])
    for i in range(1, 5):
        (folder / f"a{i}.txt").unlink()
    with pytest.raises(IngestRefused, match=r"would remove 4 of the 5 articles.*--force"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 5
    rep = fake_pipeline.ingest([folder], sync=True, force=True)
    assert rep.deleted == 4 and len(fake_pipeline.store.articles()) == 1


def _without_privileges() -> list[str]:
    """A command prefix under which the kernel checks file permissions (root included)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"]


def test_sync_keeps_everything_under_an_unreadable_folder(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 1)
    _corpus(tmp_path, 2, sub="locked")
    env = _cli_env(tmp_path)
    cli = [sys.executable, "-m", "rag.cli", "ingest"]
    subprocess.run([*cli, str(folder)], env=env, cwd=ROOT, check=True, capture_output=True)
    (folder / "locked").chmod(0)
    try:
        run = subprocess.run([*_without_privileges(), *cli, "--sync", str(folder)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    finally:
        (folder / "locked").chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert "unreadable folder" in run.stderr and re.search(r"removed \(--sync\)\s*│ 0 ", run.stderr), run.stderr
    settings = make_settings(tmp_path)
    assert len(Pipeline(settings).store.articles()) == 3


def test_rebuild_from_a_typo_path_keeps_the_old_index(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    before = fake_pipeline.ingest([folder]).chunks_total
    with pytest.raises(IngestRefused, match="read no article"):
        fake_pipeline.ingest([tmp_path / "typo"], rebuild=True)
    assert fake_pipeline.store.count() == before and not fake_pipeline.ask("What does story 1 say about topic 1?").refused


class _Interrupting(HashingEmbedder):
    """Embeds `allowed` batches, then raises KeyboardInterrupt (a Ctrl-C mid-rebuild)."""

    def __init__(self, allowed: int):
        super().__init__()
        self.allowed = allowed

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        if len(texts) > 1:
            self.allowed -= 1
            if self.allowed < 0:
                raise KeyboardInterrupt
        return super().embed_documents(texts)


def test_interrupted_rebuild_leaves_the_old_index_serving(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    folder = _corpus(tmp_path, 40)
    reader = Pipeline(settings)
    before = reader.ingest([folder]).chunks_total
    assert not reader.ask("What does story 7 say about topic 7?").refused
    with pytest.raises(KeyboardInterrupt):
        Pipeline(settings, embedder=_Interrupting(allowed=1)).ingest([folder], rebuild=True)
    assert reader.store.count() == before and len(reader.store.articles()) == 40
    assert not reader.ask("What does story 7 say about topic 7?").refused
    rep = Pipeline(settings).ingest([folder], rebuild=True)  # the next rebuild completes and cleans up
    assert rep.chunks_total == before
    names = {c.name for c in reader.store._client.list_collections()}
    assert len([n for n in names if n.endswith("_chunks")]) == 1, names


def test_a_running_reader_follows_a_rebuild(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    folder = _corpus(tmp_path)
    reader = Pipeline(settings)
    reader.ingest([folder])
    assert not reader.ask("What does story 1 say about topic 1?").refused
    Pipeline(settings).ingest([folder], rebuild=True)  # drops the collections the reader had open
    ans = reader.ask("What does story 1 say about topic 1?")
    assert not ans.refused and "story 1" in ans.text.lower()


def test_rebuild_is_how_an_embedding_mismatch_is_fixed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    other = HashingEmbedder(dim=128)
    with pytest.raises(EmbeddingMismatch, match=r"ingest --rebuild"):
        Pipeline(settings, embedder=other).ingest([SEED_FILE])
    rep = Pipeline(settings, embedder=other).ingest([SEED_FILE], rebuild=True)  # the fix the message gives
    assert rep.added == 1 and Pipeline(settings, embedder=other).store.count() == rep.chunks_total


def test_deeply_nested_json_is_a_skipped_row_and_the_batch_lands(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 2)
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "deep.jsonl").write_text('{"a":' * 50_000 + "1" + "}" * 50_000 + "\n")
    rep = Pipeline(make_settings(tmp_path)).ingest([folder])
    assert rep.added == 2
    reasons = {Path(w.split("#")[0]).name: why for w, why in rep.skipped}
    assert "deep.json" in reasons and "deep.jsonl" in reasons, rep.skipped
    env = _cli_env(tmp_path, "cli-store")
    run = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(folder)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0 and "Traceback" not in run.stderr and "deep.json" in run.stderr


def test_uploads_with_one_name_never_overwrite_each_other(seeded_fake_pipeline: Pipeline, tmp_path: Path) -> None:
    from ui.app import Handlers

    h = Handlers(seeded_fake_pipeline, uploads_dir=tmp_path / "uploads")
    for n, (a, b) in enumerate([("Freedonia", "7.5"), ("Sylvania", "3.25")]):
        src = tmp_path / f"from-{n}" / "rates.txt"
        src.parent.mkdir()
        src.write_text(f"title: {a} rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of {a} set its rate at {b} percent.")
        h.ingest_files([str(src)])
    stored = sorted(p.read_text() for p in (tmp_path / "uploads").rglob("rates.txt"))
    assert len(stored) == 2 and "Freedonia" in stored[0] and "Sylvania" in stored[1]
    assert "7.5" in seeded_fake_pipeline.ask("What rate did the Freedonia central bank set?").text
    assert not list((tmp_path / "uploads").rglob(".upload-*"))  # no temporary file left behind


def test_an_upload_that_cannot_be_stored_is_reported(seeded_fake_pipeline: Pipeline, tmp_path: Path) -> None:
    from ui.app import Handlers

    blocker = tmp_path / "uploads"
    blocker.write_text("a file where the uploads folder should be")
    src = tmp_path / "new.txt"
    src.write_text("title: Rates\n\nThe central bank of Freedonia set its rate at 7.5 percent today.")
    status, _, _ = Handlers(seeded_fake_pipeline, uploads_dir=blocker).ingest_files([str(src)])
    assert "new.txt: could not be stored" in status


def test_a_reader_process_sees_a_corrected_article_with_the_same_chunk_count(tmp_path: Path) -> None:
    """Two processes, one store folder: `newsdesk chat` keeps its pipeline open while a
    separate `newsdesk ingest` corrects an article (same length, same chunk count)."""
    article = tmp_path / "rates.txt"
    article.write_text("title: Rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of Freedonia set its rate at 7.5 percent.")
    env = _cli_env(tmp_path)
    ingest = [sys.executable, "-m", "rag.cli", "ingest", str(article)]
    subprocess.run(ingest, env=env, cwd=ROOT, check=True, capture_output=True)
    chat = subprocess.Popen([sys.executable, "-m", "rag.cli", "chat"], env=env, cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    assert chat.stdin and chat.stdout
    try:
        question = "What rate did the Freedonia central bank set?\n"
        chat.stdin.write(question)
        chat.stdin.flush()
        first = _read_answer(chat.stdout)
        article.write_text(article.read_text().replace("7.5", "8.5"))
        subprocess.run(ingest, env=env, cwd=ROOT, check=True, capture_output=True)
        chat.stdin.write(question)
        chat.stdin.flush()
        second = _read_answer(chat.stdout)
    finally:
        chat.kill()
    assert "7.5" in first and "8.5" in second and "7.5" not in second, (first, second)


def _read_answer(stream) -> str:  # type: ignore[no-untyped-def]
    lines = []
    for line in stream:
        lines.append(line)
        if line.startswith("Sources:") or "do not cover" in line:
            break
    return "".join(lines)


def test_store_state_survives_json_roundtrip_of_metadata(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    """The version stamp changes on every write, and only then."""
    folder = _corpus(tmp_path, 1)
    fake_pipeline.ingest([folder])
    v1 = fake_pipeline.store.state()[1]
    fake_pipeline.ingest([folder])  # unchanged: no new version
    assert fake_pipeline.store.state()[1] == v1
    (folder / "a0.txt").write_text((folder / "a0.txt").read_text() + " One more sentence here.")
    fake_pipeline.ingest([folder])
    assert fake_pipeline.store.state()[1] != v1 and json.dumps(fake_pipeline.store.state())
