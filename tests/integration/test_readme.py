"""Every snippet of the README's "three ways in" runs as written (the fake models, a store
holding the seed article; the HTTP snippets against a real server on a free port)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rag import Pipeline
from tests.fixtures.paths import ROOT, SEEDS
from tests.fixtures.pipelines import cli_env, make_settings
from tests.fixtures.servers import serving
from ui.api import build_api

pytestmark = pytest.mark.server  # a real server on loopback, snippets in processes


def snippet(name: str) -> str:
    readme = (ROOT / "README.md").read_text()
    m = re.search(rf"<!-- snippet: {name} -->\s*```\w*\n(.*?)```", readme, re.S)
    assert m, f"README has no snippet '{name}'"
    return textwrap.dedent(m.group(1))


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    Pipeline(make_settings(tmp_path)).ingest([SEEDS])
    return tmp_path


def _run(cmd: list[str], tmp_path: Path) -> str:
    run = subprocess.run(cmd, env=cli_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.parametrize("name", ["python", "llamaindex"])
def test_the_python_snippets_run(seeded: Path, name: str) -> None:
    out = _run([sys.executable, "-c", snippet(name)], seeded)
    assert "[1]" in out and "NATO" in out, out  # a cited answer, and titles of the seed article


@pytest.mark.parametrize("name", ["curl", "openai"])
def test_the_http_snippets_run(seeded: Path, name: str) -> None:
    with serving(build_api(Pipeline(make_settings(seeded)))) as url:
        port = url.rsplit(":", 1)[1]
        code = snippet(name).replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        out = _run(["bash", "-c", code] if name == "curl" else [sys.executable, "-c", code], seeded)
    assert "[1]" in out and "url_citation" in out, out
