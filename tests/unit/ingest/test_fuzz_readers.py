"""Every article reader under generated input: random bytes, text in several encodings,
deep nesting, huge lines, pathological Markdown and HTML. Each input ends as articles or
skipped rows (never an exception) within TIME_BOUND seconds."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.ingest.files import MIN_BODY_CHARS, read_article_file

pytestmark = pytest.mark.fuzz
TIME_BOUND = 5.0  # seconds per input; the worst seen here is far below
EXAMPLES = 500
PATHOLOGICAL = ["[", "](", "![", "<", "<!--", "<b>", "</", "---\n", "# ", "title: x\n", "{\"a\":", "[[", "\"", "\\",
                "*", "`", "\u200b", "\x1b[31m", "é", "\n\n", "&amp;", "<p>", "<script>", ")"]  # fmt: skip


def _repeat() -> st.SearchStrategy[bytes]:
    return st.builds(lambda piece, n, tail: (piece * n + tail).encode("utf-8", "surrogatepass"),
                     st.sampled_from(PATHOLOGICAL), st.integers(1, 20_000), st.text(max_size=200))  # fmt: skip


def _encoded() -> st.SearchStrategy[bytes]:
    return st.builds(lambda text, enc: text.encode(enc, "replace"), st.text(max_size=3000),
                     st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))  # fmt: skip


def _json_like() -> st.SearchStrategy[bytes]:
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=300))
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "body", "source", "url", "published_at", "x"]), inner, max_size=5), max_leaves=40)
    return st.builds(lambda v: json.dumps(v).encode(), value)  # fmt: skip


INPUTS = st.one_of(st.binary(max_size=20_000), _encoded(), _repeat(), _json_like())


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json", ".jsonl"])
def test_any_input_ends_as_articles_or_skipped_rows_in_bounded_time(suffix: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    worst = [0.0]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(raw=INPUTS)
    def check(raw: bytes) -> None:
        path = folder / f"input{suffix}"
        path.write_bytes(raw)
        t = time.perf_counter()
        articles, skipped = read_article_file(path)
        worst[0] = max(worst[0], time.perf_counter() - t)
        assert time.perf_counter() - t < TIME_BOUND
        assert articles or skipped
        assert all(len(a.body) >= MIN_BODY_CHARS and a.doc_id for a in articles)
        assert all(isinstance(w, str) and isinstance(why, str) and why for w, why in skipped)

    check()
    print(f"{suffix}: {EXAMPLES} inputs, slowest {worst[0]:.3f} s")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json", ".jsonl"])
@pytest.mark.parametrize("size", [3_000_000, 9_000_000])
def test_huge_inputs_are_bounded_too(tmp_path: Path, suffix: str, size: int) -> None:
    """One line of millions of characters: read or refused by size, in bounded time."""
    path = tmp_path / f"huge{suffix}"
    path.write_bytes(b"title: huge\n\n" + b"word " * (size // 5))
    t = time.perf_counter()
    articles, skipped = read_article_file(path)
    assert time.perf_counter() - t < 3 * TIME_BOUND and (articles or skipped)
