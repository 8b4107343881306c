"""Several units at once in real processes: the CLI as a separate writer or reader of one
store folder, with the fake models."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from tests.fixtures.articles import numbered_stories
from tests.fixtures.paths import ROOT, SEEDS, without_privileges
from tests.fixtures.pipelines import cli_env, make_settings


def test_sync_keeps_everything_under_an_unreadable_folder(tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 1)
    numbered_stories(tmp_path, 2, sub="locked")
    env = cli_env(tmp_path)
    cli = [sys.executable, "-m", "rag.cli", "ingest"]
    subprocess.run([*cli, str(folder)], env=env, cwd=ROOT, check=True, capture_output=True)
    (folder / "locked").chmod(0)
    try:
        run = subprocess.run([*without_privileges(), *cli, "--sync", str(folder)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    finally:
        (folder / "locked").chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert "unreadable folder" in run.stderr and re.search(r"removed \(--sync\)\s*│ 0 ", run.stderr), run.stderr
    settings = make_settings(tmp_path)
    assert len(Pipeline(settings).store.articles()) == 3


def test_deeply_nested_json_through_the_cli_is_a_skipped_row_not_a_traceback(tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 2)
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    run = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(folder)], env=cli_env(tmp_path), cwd=ROOT,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0 and "Traceback" not in run.stderr and "deep.json" in run.stderr
    assert re.search(r"added\s*│ 2 ", run.stderr), run.stderr


def test_eval_and_its_bad_inputs_answer_in_one_line_not_a_traceback(tmp_path: Path) -> None:
    """`eval` is a plugin command: its errors go through the CLI's reporting like `ask`'s."""
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n')
    cases = {  # arguments -> what the one line must say
        ("--set", str(tmp_path / "bad.jsonl")): "not a golden item",
        ("--set", str(tmp_path / "missing.jsonl")): "no golden set",
        ("--set", "seeds", "--articles", str(tmp_path / "nowhere")): "articles for seeds are not at",
    }
    for argv, said in cases.items():
        run = subprocess.run([sys.executable, "-m", "rag.cli", "eval", *argv, "--retrieval-only", "--quiet"],
                             env=cli_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1 and said in lines[0], (argv, run.stderr)
        assert lines[0].startswith("newsdesk: ")


def test_eval_rejects_a_mistyped_option_and_keeps_a_key_out_of_its_report(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "rag.cli", "eval", "--set", "seeds", "--retrieval-only", "--quiet"]
    typo = subprocess.run([*cli, "--set-option", "retrieval.hybird=false"], env=cli_env(tmp_path), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert typo.returncode == 2 and "retrieval has no setting 'hybird'" in typo.stderr, typo.stderr
    out = tmp_path / "report"
    secrets = ["llm.api_key=kept-out-of-reports-1234", "llm.base_url=http://me:kept-out-of-reports-too@127.0.0.1:9/v1"]
    run = subprocess.run([*cli, "--out", str(out), *[a for s in secrets for a in ("--set-option", s)]],
                         env=cli_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stderr
    written = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "report.md" for p in written)
    assert not [p.name for p in written if b"kept-out-of-reports" in p.read_bytes()]
    assert "http://[redacted]@127.0.0.1:9/v1" in (out / "report.md").read_text()
    assert "'api_key': '[redacted]'" in (out / "report.md").read_text()


def test_a_reader_process_sees_a_corrected_article_with_the_same_chunk_count(tmp_path: Path) -> None:
    """Two processes, one store folder: `newsdesk chat` keeps its pipeline open while a
    separate `newsdesk ingest` corrects an article (same length, same chunk count)."""
    article = tmp_path / "rates.txt"
    article.write_text("title: Rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of Freedonia set its rate at 7.5 percent.")
    env = cli_env(tmp_path)
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


def test_running_app_sees_articles_ingested_by_another_writer(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    reader = Pipeline(settings)
    reader.ingest([SEEDS])
    assert "7.5" not in reader.ask("What rate did the Freedonia central bank set?").text
    extra = tmp_path / "new.txt"
    extra.write_text("title: Rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of Freedonia set its rate at 7.5 percent.")
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(extra)], env=cli_env(tmp_path), cwd=ROOT, check=True,
                   capture_output=True)  # another process, same store  # fmt: skip
    ans = reader.ask("What rate did the Freedonia central bank set?")
    assert not ans.refused and "7.5" in ans.text


def test_the_terminal_never_gets_control_characters_from_an_article(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"title": "Red \u001b[31mALERT\u001b[0m [bold]x[/bold]", "source": "Wire",
                             "body": "Officials said the bridge reopened on Monday after long repairs."}) + "\n")  # fmt: skip
    env = cli_env(tmp_path)
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(f)], env=env, cwd=ROOT, check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "rag.cli", "corpus"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and "\x1b" not in run.stderr + run.stdout and "[bold]" in run.stderr, run.stderr


@pytest.mark.parametrize("command", [["ingest"], ["watch", "--every", "45s"]])
def test_a_mistyped_path_is_one_line_and_status_2_at_once(tmp_path: Path, command: list[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "rag.cli", *command, str(tmp_path / "feeds.urlz")], env=cli_env(tmp_path),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"newsdesk: {tmp_path / 'feeds.urlz'} does not exist (a typo, moved, or not mounted?); nothing was changed"
