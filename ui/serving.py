"""What `newsdesk ui` and `newsdesk serve` share: the loopback addresses that need no
credentials, and the command line that picks the bind address."""

from __future__ import annotations

import argparse
import logging

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def bind_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with --host and --port (both defaulting to the settings)."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--host", default=None, help="bind address (default from settings: 127.0.0.1)")
    p.add_argument("--port", type=int, default=None)
    return p


def bind_address(args: argparse.Namespace, host: str, port: int) -> tuple[str, int]:
    """The address from the command line, else from the settings; warnings-only logging."""
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    return args.host or host, args.port if args.port is not None else port
