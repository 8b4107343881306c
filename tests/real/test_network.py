"""A whole run opens no connection beyond loopback, checked in separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.paths import ROOT, SEEDS


@pytest.mark.real
def test_a_whole_run_opens_no_connection_beyond_loopback(tmp_path: Path) -> None:
    """ingest, ask and eval as separate processes under a socket guard (tests/netguard)."""
    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'tests' / 'netguard'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "NEWSDESK_NETGUARD_LOG": str(log), "NEWSDESK_STORE__PATH": str(tmp_path / "store")}  # fmt: skip
    exe = [sys.executable, "-m", "rag.cli"]
    for args in (["ingest", str(SEEDS)], ["ask", "How many settlements near Bakhmut were bombarded?"],
                 ["eval", "--set", "seeds", "--retrieval-only", "--limit", "5", "--quiet", "--out", str(tmp_path / "ev")]):  # fmt: skip
        run = subprocess.run(exe + args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
    assert not log.exists() or log.read_text() == "", log.read_text()
