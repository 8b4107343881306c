"""The BM25 engine comparison runs end to end on a small grown set (the numbers it records
at 100,000 chunks and more are in docs/BENCHMARKS.md)."""

from __future__ import annotations

from eval.bench_lexical import bench_lexical, cloned_terms, render_lexical


def test_both_engines_are_measured_on_the_same_chunks() -> None:
    chunks = [(f"Story {i}", "Wire", f"The council approved harbor plan {i} after storms hit district {i % 7}.")
              for i in range(40)]  # fmt: skip
    got = bench_lexical(chunks, ["harbor plan approved", "storms in district 3"], [120])["120"]
    for engine in ("bm25s", "tantivy"):
        r = got[engine]
        assert r["query"]["n"] == 2 and r["build_s"] > 0 and r["add_one_article_s"] > 0 and r["disk_mb"] > 0
    assert "| 120 | tantivy |" in "\n".join(render_lexical({"120": got}))


def test_clones_keep_every_original_and_reach_the_size() -> None:
    base = [["a", "b"], ["c", "d", "e"]]
    grown = cloned_terms(base, 7)
    assert len(grown) == 7 and grown[:2] == base and all(sorted(d) in (["a", "b"], ["c", "d", "e"]) for d in grown)
