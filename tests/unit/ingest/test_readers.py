"""Per-format readers: metadata and text as a reader sees them, control characters gone."""

from __future__ import annotations

import json
from pathlib import Path

from rag.ingest.files import read_article_file


def test_control_characters_never_reach_the_store(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"title": "Red \u001b[31malert\u001b[0m", "source": "Wire\u0007", "url": "https://x.example/\u001b]8;;",
                             "body": "Officials said the bridge reopened on Monday after repairs.\u001b[2J"}))  # fmt: skip
    (art,), _ = read_article_file(f)
    for field in (art.title, art.source, art.url, art.body):
        assert not any(ord(c) < 32 and c not in "\n\t" for c in field), repr(field)


def test_markdown_links_and_images_keep_their_words(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("# Port news\n\nThe [harbour master](http://x.example) said ![crane photo](http://x.example/p.png) cranes arrived.")
    (art,), _ = read_article_file(f)
    assert art.body == "The harbour master said crane photo cranes arrived."
