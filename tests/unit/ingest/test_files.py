"""Reading article files: every format, the seed date prefix, and bad files skipped with reasons."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from rag.ingest.files import load_articles, read_article_file
from tests.fixtures.paths import PYTHON, ROOT, SEED_FILE, without_privileges


def test_seed_date_prefix_becomes_publication_date() -> None:
    arts, skipped = read_article_file(SEED_FILE)
    assert not skipped
    (art,) = arts
    assert art.published == date(2023, 2, 14)
    assert art.body.startswith("NATO Secretary General Jens Stoltenberg")
    assert "date 2023" not in art.body
    assert art.title.startswith("NATO Secretary General")


def test_txt_header_lines(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("title: Rates rise\nsource: Fortune\nurl: https://example.org/r\ndate: 2023-10-02\n\nThe bank raised rates today by a quarter point.")
    (art,), _ = read_article_file(f)
    assert (art.title, art.source, art.url, art.published) == ("Rates rise", "Fortune", "https://example.org/r", date(2023, 10, 2))


def test_markdown_front_matter_and_heading(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("---\nsource: The Verge\ndate: 2023-09-28\n---\n# A headline\n\nBody text with a [link](http://x.org) and ![img](http://evil/x.png) here.")
    (art,), _ = read_article_file(f)
    assert art.title == "A headline" and art.source == "The Verge"
    assert "http" not in art.body and "link" in art.body


def test_html_metadata_and_text(tmp_path: Path) -> None:
    f = tmp_path / "a.html"
    f.write_text(
        '<html><head><title>T</title><meta property="og:title" content="Big news">'
        '<meta property="og:site_name" content="Wired"><link rel="canonical" href="https://wired.com/x">'
        '<meta property="article:published_time" content="2023-11-01T10:00:00Z"></head>'
        "<body><nav>menu</nav><article><p>First paragraph of the story.</p><script>alert(1)</script>"
        "<p>Second paragraph.</p></article></body></html>"
    )
    (art,), _ = read_article_file(f)
    assert (art.title, art.source, art.url, art.published) == ("Big news", "Wired", "https://wired.com/x", date(2023, 11, 1))
    assert "alert" not in art.body and "menu" not in art.body and "Second paragraph." in art.body


def test_json_corpus_format_and_broken_records(tmp_path: Path) -> None:
    recs = [
        {"title": "A", "author": "X", "source": "TechCrunch", "published_at": "2023-10-01T14:00:29+00:00",
         "category": "technology", "url": "https://tc.com/a", "body": "Some long enough article body."},
        {"title": "no body"},
        "not an object",
    ]  # fmt: skip
    f = tmp_path / "c.json"
    f.write_text(json.dumps(recs))
    res = load_articles([f])
    assert [a.title for a in res.articles] == ["A"]
    assert res.articles[0].published == date(2023, 10, 1) and res.articles[0].source == "TechCrunch"
    assert len(res.skipped) == 2 and all("#" in where for where, _ in res.skipped)


def test_jsonl_with_a_broken_line(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text('{"title": "A", "body": "A body that is long enough."}\n{broken\n{"title": "B", "body": "B body that is long enough."}\n')
    res = load_articles([f])
    assert [a.title for a in res.articles] == ["A", "B"]
    assert res.skipped and "invalid JSON" in res.skipped[0][1]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02binary" * 50, "binary"),
        ("broken.json", b"{not json", "invalid JSON"),
        ("tiny.txt", b"hi", "no article text"),
        ("notes.pdf", b"%PDF-1.4", "unsupported"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text("date 2023-01-01 A perfectly fine article about the weather today.")
    bad = tmp_path / name
    bad.write_bytes(content)
    res = load_articles([good, bad])
    assert [a.title.split()[0] for a in res.articles] == ["A"]  # the good file still lands
    assert len(res.skipped) == 1 and reason in res.skipped[0][1]


def test_legacy_encoding_is_read(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes("Café owners in Zürich said prices rose.".encode("cp1252"))
    (art,), skipped = read_article_file(f)
    assert not skipped and "Zürich" in art.body


def test_unreadable_and_broken_link(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("An article nobody may read at all.")
    locked.chmod(0)
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "missing.txt")
    code = f"import json; from rag.ingest.files import load_articles; print(json.dumps(load_articles([{str(tmp_path)!r}]).skipped))"
    run = subprocess.run([*without_privileges(), PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    reasons = dict(json.loads(run.stdout))
    assert reasons[str(link)] == "broken link"
    assert "permission" in reasons[str(locked)]


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.ingest import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    f = tmp_path / "huge.txt"
    f.write_text("word " * 1000)
    res = load_articles([f])
    assert not res.articles and "too large" in res.skipped[0][1]


def test_identity_is_stable_across_working_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_articles([SEED_FILE]).articles[0].doc_id
    monkeypatch.chdir(tmp_path)
    again = load_articles([os.path.relpath(SEED_FILE, tmp_path)]).articles[0].doc_id
    assert first == again
