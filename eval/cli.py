"""`newsdesk eval ...`: golden-set runs (`run`), or `calibrate` to choose the refusal
floor and the Yes/No threshold from development data."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["calibrate"]:
        from eval.calibrate import main as calibrate

        return calibrate(argv[1:])
    from eval.run import main as run

    return run(argv)
