"""The chunk index: BM25 with stored chunks and sentence vectors, shared through its folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.store.chunk_index import VECTORS, ChunkIndex, IndexedChunk

DIM = 4


def chunk(cid: str, doc: str, text: str, base: int, source: str = "Wire", day: int = 100, n: int = 2) -> IndexedChunk:
    meta = {"doc_id": doc, "title": f"About {doc}", "source": source, "published_day": day, "sent_from": 0,
            "sent_to": n - 1}  # fmt: skip
    return IndexedChunk(cid, text, meta, base)


def write(index: ChunkIndex, chunks: list[IndexedChunk], vectors: np.ndarray | None = None) -> int:
    base = index.append_vectors(vectors if vectors is not None else np.eye(DIM)[:2])
    index.add(chunks)
    index.commit()
    index.close()
    return base


def test_search_get_and_vectors(tmp_path: Path) -> None:
    index = ChunkIndex(tmp_path, DIM)
    write(index, [chunk("a-0", "a", "Sixteen settlements were bombarded near Bakhmut.", 0)], np.eye(DIM)[:2])
    write(index, [chunk("b-0", "b", "The central bank raised its rate.", 2, source="Daily")], np.eye(DIM)[2:4])
    hits = index.search(["bakhmut", "settlement"], 5)
    assert [cid for cid, _ in hits] == ["a-0"] and hits[0][1] > 0
    got = index.get(["b-0", "missing"])
    assert list(got) == ["b-0"] and got["b-0"].text.startswith("The central bank")
    assert np.allclose(index.vectors(got["b-0"].rows()), np.eye(DIM)[2:4])
    assert index.outlets() == ["Daily", "Wire"]
    assert index.doc_freq("bank") == 1 and index.doc_freq("absent") == 0


def test_filters_narrow_without_changing_scores(tmp_path: Path) -> None:
    index = ChunkIndex(tmp_path, DIM)
    write(index, [chunk("a-0", "a", "Storm hits the harbor.", 0, source="Wire", day=100),
                  chunk("b-0", "b", "Storm hits the harbor again.", 0, source="Daily", day=105)])  # fmt: skip
    everything = dict(index.search(["storm"], 5))
    assert [c for c, _ in index.search(["storm"], 5, index.filter(["Daily"]))] == ["b-0"]
    assert [c for c, _ in index.search(["storm"], 5, index.filter(day_from=99, day_to=101))] == ["a-0"]
    assert index.search(["storm"], 5, index.filter(["Daily"], 99, 101)) == []
    assert dict(index.search(["storm"], 5, index.filter(["Daily"])))["b-0"] == everything["b-0"]


def test_another_reader_sees_a_commit_only_after_it_is_made(tmp_path: Path) -> None:
    writer, reader = ChunkIndex(tmp_path, DIM), ChunkIndex(tmp_path, DIM)
    writer.append_vectors(np.eye(DIM)[:2])
    writer.add([chunk("a-0", "a", "Storm hits the harbor.", 0)])
    reader.refresh()
    assert reader.size == 0  # not committed yet
    writer.commit()
    writer.close()
    assert reader.size == 0  # a reader keeps its version until it refreshes
    reader.refresh()
    assert reader.size == 1 and reader.rows == 2


def test_add_replaces_by_id_and_articles_are_deleted_whole(tmp_path: Path) -> None:
    index = ChunkIndex(tmp_path, DIM)
    write(index, [chunk("a-0", "a", "Old text about storms.", 0), chunk("a-1", "a", "More on storms.", 0)])
    write(index, [chunk("a-0", "a", "New text about storms.", 2)])
    assert index.size == 2 and index.get(["a-0"])["a-0"].text == "New text about storms."
    index.annotate(["a"], {"also": "Daily"})
    index.delete(doc_ids=["zzz"])
    index.commit()
    index.close()
    kept = index.of_articles(["a"])
    assert {c.meta["also"] for c in kept.values()} == {"Daily"} and kept["a-0"].base == 2
    index.delete(doc_ids=["a"])
    index.commit()
    index.close()
    assert index.size == 0 and index.search(["storm"], 5) == []


def test_a_partial_row_left_by_a_killed_writer_is_cut_off(tmp_path: Path) -> None:
    index = ChunkIndex(tmp_path, DIM)
    assert index.append_vectors(np.eye(DIM)[:2]) == 0
    with open(tmp_path / VECTORS, "ab") as f:
        f.write(b"\x00\x01\x02")  # killed mid-row
    assert index.append_vectors(np.eye(DIM)[2:3]) == 2
    index.refresh()
    assert index.rows == 3 and np.allclose(index.vectors(np.array([2])), np.eye(DIM)[2:3])
