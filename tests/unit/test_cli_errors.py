"""Every command, built in or a plugin (eval, bench, ui), ends in one line and an exit status."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rag.cli import run_reporting_errors
from rag.config import load_settings
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


def test_a_bad_setting_is_one_line_naming_each_field_and_never_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    def command() -> int:
        load_settings(env_file=None, retrieval={"top_k": "many"}, llm={"timeout_s": "sk-abcdefghijklmnop"})
        return 0

    with pytest.raises(ValidationError):  # what the command raises; the reporting turns it into one line
        command()
    assert run_reporting_errors(command) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("newsdesk: invalid Settings: "), err
    assert "retrieval.top_k: Input should be a valid integer" in err[0] and "llm.timeout_s" in err[0], err
    assert "many" not in err[0] and "sk-" not in err[0], err


@pytest.mark.parametrize("limit", ["-1", "0", "ten"])
def test_corpus_limit_must_be_a_whole_number_of_one_or_more(limit: str, capsys: pytest.CaptureFixture[str]) -> None:
    from rag.cli import build_parser

    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["corpus", "--limit", limit])
    assert stop.value.code == 2 and "expected a whole number, 1 or more" in capsys.readouterr().err
    assert build_parser().parse_args(["corpus", "--limit", "3"]).limit == 3
