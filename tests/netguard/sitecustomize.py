"""Loaded by every Python process a test starts with this folder on PYTHONPATH: any
connection beyond loopback is recorded to $NEWSDESK_NETGUARD_LOG and refused."""

import ipaddress
import os
import socket

_log = os.environ.get("NEWSDESK_NETGUARD_LOG")
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _loopback(address):  # type: ignore[no-untyped-def]
    if not isinstance(address, tuple):
        return True  # AF_UNIX
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address):  # type: ignore[no-untyped-def]
    if not _loopback(address):
        if _log:
            with open(_log, "a") as f:
                f.write(f"{os.getpid()} {address!r}\n")
        raise OSError(f"network guard: connection beyond loopback refused: {address!r}")


def connect(self, address):  # type: ignore[no-untyped-def]
    _check(address)
    return _connect(self, address)


def connect_ex(self, address):  # type: ignore[no-untyped-def]
    _check(address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
