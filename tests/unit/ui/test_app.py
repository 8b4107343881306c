"""The UI built on a fake pipeline: handlers tested directly, uploads stored safely,
output rendering made safe."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from rag import Answer, ModelUnavailable, Source, StoreUnavailable
from tests.fakes import QueueModel, second_look_pipeline
from tests.fixtures.pipelines import make_settings
from ui.app import Handlers, build_app, check_exposure, seed_if_empty
from ui.corpus import Corpus
from ui.render import answer_html, escape_text, sources_html


def _final(gen):  # type: ignore[no-untyped-def]
    out = list(gen)
    return out, out[-1]


def test_build_app_with_a_fake_pipeline(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    app = build_app(seeded_fake_pipeline)
    assert app is not None and app.title == "Newsdesk"


def test_only_asking_and_adding_articles_are_callable_endpoints(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    # Deleting articles, fetching links or the watch timer stay in the page: not a client's to call.
    fns = build_app(seeded_fake_pipeline).fns.values()
    assert {f.api_name for f in fns if f.api_visibility == "public"} == {"ask", "ingest"}
    assert {f.api_name for f in fns if f.api_visibility == "undocumented"} <= {"load_example"}  # Gradio's examples


def test_an_empty_store_gets_the_seeds_and_a_missing_seeds_folder_starts_empty(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    missing = Pipeline(make_settings(tmp_path / "a", seeds_dir=tmp_path / "no-seeds"))
    seed_if_empty(missing)
    assert missing.store.count() == 0 and "does not exist: add articles in the UI" in capsys.readouterr().out
    seeded = Pipeline(make_settings(tmp_path / "b"))
    seed_if_empty(seeded)
    chunks = seeded.store.count()
    assert chunks > 0 and len(seeded.store.articles()) == 1
    seed_if_empty(seeded)  # not empty now: nothing read again
    assert "ingesting" not in capsys.readouterr().out.split("chunks.")[-1] and seeded.store.count() == chunks


def test_respond_streams_and_links_citations_to_the_sources_panel(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    h = Handlers(seeded_fake_pipeline)
    steps, (history, panel, pairs, box) = _final(h.respond("How many settlements near Bakhmut were bombarded?", [], [], 4))
    assert len(steps) >= 3 and box == ""
    answer = history[-1]["content"]
    assert 'href="#src-1"' in answer
    assert 'id="src-1"' in panel and "<mark>" in panel and "cited" in panel
    assert pairs and pairs[0]["question"].startswith("How many") and pairs[0]["sources"][0]["n"] == 1


def test_after_a_second_look_the_streamed_answer_and_panel_match_the_checked_one(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    _, pipe = second_look_pipeline(seeded_settings, 200)  # the seed article is read twice, shown once
    # Each step's text is read as it is yielded: the handler updates one chat list in place.
    steps = [(h[-1]["content"], p) for h, p, *_ in Handlers(pipe).respond("How many settlements near Bakhmut were bombarded?", [], [], 4)]
    (*streaming, (answer, panel)) = steps
    panels = [p for _, p in streaming if p is not None]
    shown = [html.unescape(text) for text, _ in streaming if text.endswith("▌")]
    assert len(panels) == 2 and panels[-1].count('id="src-') == panel.count('id="src-') == 1
    assert shown and "[1]" in shown[-1] and not any("[2]" in text for text in shown)
    assert 'href="#src-1"' in answer


def test_follow_up_uses_the_conversation(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    h = Handlers(seeded_fake_pipeline)
    _, (history, _, pairs, _) = _final(h.respond("How many settlements were bombarded in the new offensive?", [], [], 4))
    _, (history, panel, pairs, _) = _final(h.respond("What about Bakhmut?", history, pairs, 4))
    assert len(history) == 4 and "do not cover" not in history[-1]["content"]


def test_uncovered_question_says_so(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    _, (history, _, _, _) = _final(Handlers(seeded_fake_pipeline).respond("Who won the 2022 World Cup?", [], [], 4))
    assert "do not cover" in history[-1]["content"]


def test_server_side_question_limit(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel()
    _, (history, _, _, _) = _final(Handlers(seeded_with(llm)).respond("x" * 1_000_000, [], [], 99))
    assert "limit" in history[-1]["content"] and llm.calls == []
    assert history[-2]["content"] == "x" * seeded_with(llm).settings.max_question_chars  # the echo is cut at the limit


@pytest.mark.parametrize(
    ("exc", "words"),
    [(ModelUnavailable("the endpoint is down"), "language model failed"), (StoreUnavailable("gone"), "store is unreachable")],
)
def test_faults_become_clear_messages(seeded_fake_pipeline, monkeypatch, exc, words) -> None:  # type: ignore[no-untyped-def]
    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise exc

    monkeypatch.setattr(seeded_fake_pipeline, "stream", boom)
    _, (history, _, _, _) = _final(Handlers(seeded_fake_pipeline).respond("anything about Bakhmut?", [], [], 4))
    assert words in history[-1]["content"] and "Traceback" not in history[-1]["content"]


def test_unexpected_error_shows_no_trace(seeded_fake_pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(seeded_fake_pipeline, "stream", lambda *a, **k: (_ for _ in ()).throw(KeyError("secret-internal")))
    _, (history, _, _, _) = _final(Handlers(seeded_fake_pipeline).respond("anything?", [], [], 4))
    assert "secret-internal" not in history[-1]["content"] and "went wrong" in history[-1]["content"]


def test_upload_ingests_and_is_answerable_without_restart(seeded_fake_pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "rates.txt"
    f.write_text("title: Central bank raises rates\nsource: Fortune\ndate: 2023-10-02\n\n"
                 "The central bank of Freedonia raised its interest rate to 7.5 percent on Monday.")  # fmt: skip
    h = Corpus(seeded_fake_pipeline, tmp_path / "uploads")
    status, stats, rows, _ = h.ingest_files([str(f)])
    assert "1 new" in status and "2 articles" in stats and any("Central bank" in r[2] for r in rows)
    status, *_ = h.ingest_files([str(f)])  # the same file again: unchanged, not duplicated
    assert "1 unchanged" in status
    respond = Handlers(seeded_fake_pipeline).respond
    _, (history, panel, _, _) = _final(respond("What interest rate did the Freedonia central bank set?", [], [], 4))
    assert "7.5" in history[-1]["content"] and "Central bank raises rates" in panel


def test_upload_rejects_other_types(seeded_fake_pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "x.exe"
    f.write_bytes(b"MZ")
    status, *_ = Corpus(seeded_fake_pipeline, tmp_path / "up").ingest_files([str(f)])
    assert "unsupported" in status


def test_model_output_cannot_inject_markup() -> None:
    evil = 'Done [1]. ![p](http://evil.example/p.png) <img src=x onerror=alert(1)> [c](javascript:alert(1))'
    out = answer_html(evil, {1: "t"})
    assert "<img" not in out and "](" not in out and "![" not in out  # no HTML, no Markdown syntax left
    assert "javascript:" not in out  # the colon is an entity: no scheme a renderer could follow
    assert out.count("<a ") == 1 and 'href="#src-1"' in out  # only our citation link
    assert "<" not in escape_text("<b>")


def test_sources_panel_escapes_article_text_and_drops_bad_links() -> None:
    src = Source(1, "<script>x</script>", "Outlet", "javascript:alert(1)", "2023-01-01", 0.5, "p", ["Evil <b>bold</b>."])
    html = sources_html(Answer("q", "a", [], [src], {}))
    assert "<script>" not in html and "javascript:" not in html and "&lt;b&gt;" in html


def test_exposed_bind_requires_auth() -> None:
    check_exposure("127.0.0.1", None, None)
    with pytest.raises(SystemExit, match="authentication"):
        check_exposure("0.0.0.0", None, None)
    check_exposure("0.0.0.0", "admin", "s3cret")


def test_uploads_with_one_name_never_overwrite_each_other(seeded_fake_pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = Corpus(seeded_fake_pipeline, uploads_dir=tmp_path / "uploads")
    for n, (a, b) in enumerate([("Freedonia", "7.5"), ("Sylvania", "3.25")]):
        src = tmp_path / f"from-{n}" / "rates.txt"
        src.parent.mkdir()
        src.write_text(f"title: {a} rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of {a} set its rate at {b} percent.")
        h.ingest_files([str(src)])
    stored = sorted(p.read_text() for p in (tmp_path / "uploads").rglob("rates.txt"))
    assert len(stored) == 2 and "Freedonia" in stored[0] and "Sylvania" in stored[1]
    assert "7.5" in seeded_fake_pipeline.ask("What rate did the Freedonia central bank set?").text
    assert not list((tmp_path / "uploads").rglob(".upload-*"))  # no temporary file left behind


def test_an_upload_that_cannot_be_stored_is_reported(seeded_fake_pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]

    blocker = tmp_path / "uploads"
    blocker.write_text("a file where the uploads folder should be")
    src = tmp_path / "new.txt"
    src.write_text("title: Rates\n\nThe central bank of Freedonia set its rate at 7.5 percent today.")
    status, *_ = Corpus(seeded_fake_pipeline, uploads_dir=blocker).ingest_files([str(src)])
    assert "new.txt: could not be stored" in html.unescape(status)  # what the page shows


def test_streamed_text_is_cleaned_like_the_final_answer(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("16 settlements were bombarded near Bakhmut [1]. See http://evil.example/x or mail a@evil.example.")
    updates = list(Handlers(seeded_with(llm)).respond("How many settlements near Bakhmut were bombarded?", [], [], 4))
    shown = [h[-1]["content"] for h, *_ in updates]
    assert len(shown) > 3 and not any("evil" in s for s in shown), [s for s in shown if "evil" in s][:1]


def test_upload_status_shows_hostile_names_as_text(seeded_fake_pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evil = tmp_path / "![x](http:__evil.example_p.png).txt"
    evil.write_text("title: <img src=x onerror=alert(1)>\n\nA")  # too short: skipped, its title in the reason
    status, *_ = Corpus(seeded_fake_pipeline, tmp_path / "up").ingest_files([str(evil)])
    assert "skipped" in status and "![" not in status and "](" not in status and "<img" not in status


def test_stop_keeps_the_partial_answer_marked_unchecked() -> None:
    partial = [{"role": "user", "content": "How many?"},
               {"role": "assistant", "content": [{"type": "text", "text": "16 settlements had ▌"}]}]  # fmt: skip
    after = Handlers.stopped(partial)
    assert after[0] == partial[0]
    assert after[-1]["content"].startswith("16 settlements had<br>") and "not checked" in after[-1]["content"]
    assert Handlers.stopped([{"role": "user", "content": "q"}, {"role": "assistant", "content": "…"}])[-1]["content"].startswith("<small>")
    done = [{"role": "user", "content": "q"}]  # nothing being answered: nothing changes
    assert Handlers.stopped(done) == done


def test_take_back_returns_the_last_question_and_drops_its_turn() -> None:
    history = [{"role": "user", "content": "Who won?"}, {"role": "assistant", "content": "X [1]."},
               {"role": "user", "content": "And when&#58; the date?"}, {"role": "assistant", "content": "Monday [1]."}]  # fmt: skip
    pairs = [("Who won?", "X [1]."), ("And when: the date?", "Monday [1].")]
    chat, convo, question = Handlers.take_back(history, pairs)
    assert question == "And when: the date?" and chat == history[:2] and convo == pairs[:1]
    stopped = [*history[:2], {"role": "user", "content": "Why?"}, {"role": "assistant", "content": "Be<br>stopped"}]
    chat, convo, question = Handlers.take_back(stopped, pairs[:1])  # a stopped turn never entered the conversation
    assert question == "Why?" and chat == history[:2] and convo == pairs[:1]
    assert Handlers.take_back([], []) == ([], [], "")
    turns = [{"question": q, "answer": a, "sources": []} for q, a in pairs]  # the records the UI keeps now
    chat, convo, question = Handlers.take_back(history, turns)
    assert question == "And when: the date?" and convo == turns[:1]


def test_a_kept_conversation_is_restored_unless_one_has_begun() -> None:
    from ui.controls import restore

    kept = [[{"role": "user", "content": "Old?"}], [{"question": "Old?", "answer": "Yes."}]]
    assert restore(kept, [], []) == (kept[0], kept[1])
    import gradio as gr

    begun = [{"role": "user", "content": "New?"}]
    untouched = (gr.skip(), gr.skip())
    assert restore(kept, begun, []) == untouched and restore(kept, [], [{"question": "New?"}]) == untouched
    assert restore("garbage", [], []) == ([], [])
