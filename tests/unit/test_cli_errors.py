"""Every command, built in or a plugin (eval, bench, ui), ends in one line and an exit status."""

from __future__ import annotations

import pytest

from rag.cli import run_reporting_errors
from rag.errors import StoreLocked


def _raise(exc: BaseException):  # type: ignore[no-untyped-def]
    def command() -> int:
        raise exc

    return command


@pytest.mark.parametrize(("exc", "status", "line"), [
    (StoreLocked("store busy, key sk-abcdefghijklmnop"), 2, "newsdesk: store busy, key [redacted]"),
    (ValueError("bad date 2023-13-01"), 2, "newsdesk: bad date 2023-13-01"),
    (KeyboardInterrupt(), 130, "newsdesk: interrupted"),
    (KeyError("http://me:pw123456@10.0.0.2/v1"), 1, "newsdesk: internal error: KeyError: 'http://[redacted]@10.0.0.2/v1'"),
])  # fmt: skip
def test_an_error_is_one_line_with_its_status(exc: BaseException, status: int, line: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert run_reporting_errors(_raise(exc)) == status
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(line), err
