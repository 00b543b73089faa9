"""What the services and the commands share: the checkout's paths, the expected error, the
service in use, and our own output lines (kept whole when children write at the same time).
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
BIN_DIR = Path(sys.executable).parent
OUTPUT_LOCK = threading.Lock()


class DevstackError(Exception):
    """An expected problem (a service down, a port taken): printed as one line, exit status 2."""


@dataclass
class Service:
    """A service in use: its URL, the line that tells the user which one, how to stop it.

    stop is None for a server someone else runs: we leave it as we found it.
    """

    url: str
    description: str
    stop: Callable[[], None] | None = None
    data_dir: Path | None = None  # where an embedded server keeps its files


def say(message: str) -> None:
    """Print one line of our own, flushed so it lands in order with the children's output."""
    with OUTPUT_LOCK:
        print(message, flush=True)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the checkout when inside it."""
    return str(path.relative_to(BASE_DIR)) if path.is_relative_to(BASE_DIR) else str(path)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def derived_port(first: int, count: int, key: Path) -> int:
    """A port in first..first+count-1 that depends only on key (a directory of the checkout).

    The same checkout gets the same port every run (a bookmark keeps working); a second
    checkout on the machine almost always gets another, so both run side by side.
    """
    digest = hashlib.sha256(str(key.resolve()).encode()).digest()
    return first + int.from_bytes(digest[:4], "big") % count


def free_port() -> int:
    """A port nothing listens on now, chosen by the operating system."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:port now (as servers do, with SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_for(name: str, preferred: int) -> int:
    """preferred, or a free port when another program has it (said once)."""
    if port_free(preferred):
        return preferred
    chosen = free_port()
    say(f"{name}: 127.0.0.1:{preferred} is taken by another program; using {chosen}")
    return chosen


def last_log_line(path: Path) -> str:
    with contextlib.suppress(OSError):
        lines = path.read_text(errors="replace").strip().splitlines()
        if lines:
            return lines[-1]
    return "no log"
