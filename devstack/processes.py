"""The stack's child processes: steps run in the foreground, long-running children with their
output prefixed, and stopping them all (process groups included) so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from devstack.common import BASE_DIR, BIN_DIR, OUTPUT_LOCK, DevstackError, port_open, say, shown


def stop_processes(
    processes: list[subprocess.Popen[bytes]], *, group: bool, grace: float = 0.0
) -> None:
    """Give them `grace` seconds to exit by themselves, then SIGTERM, then SIGKILL 10 s later.

    With group=True the signal goes to each one's process group, so runserver's autoreloaded
    child and Celery's pool processes go with their parent; stragglers are killed at the end.
    """
    for sig, timeout in ((None, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        alive = [process for process in processes if process.poll() is None]
        if not alive:
            break
        if sig is not None:
            for process in alive:
                send_signal(process, sig, group=group)
        deadline = time.monotonic() + timeout
        for process in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.0, deadline - time.monotonic()))
    if group:
        for process in processes:
            send_signal(process, signal.SIGKILL, group=True)


def send_signal(process: subprocess.Popen[bytes], sig: int, *, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)


def run_step(command: list[str], env: dict[str, str]) -> int:
    """Run one step in the foreground (our process group, so Ctrl-C and pdb reach it) and wait.

    On Ctrl-C the step got the signal too: it has 5 s to finish (pytest prints its summary).
    """
    say(f"$ {' '.join(shown_command(command))}")
    try:
        process = subprocess.Popen(command, env=env, cwd=BASE_DIR)
    except FileNotFoundError:
        raise DevstackError(f"{command[0]} is not installed: run `make install`") from None
    try:
        return process.wait()
    finally:
        stop_processes([process], group=False, grace=5.0)


def shown_command(command: list[str]) -> list[str]:
    """The command as typed by hand: .venv/bin/ruff, not /home/…/.venv/bin/ruff."""
    return [shown(Path(part)) if part.startswith(str(BIN_DIR)) else part for part in command]


def start_child(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a long-running child in its own process group, its output prefixed "name | "."""
    process = subprocess.Popen(
        command, env=env, cwd=BASE_DIR, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, process_group=0,
    )  # fmt: skip
    prefix = f"{name:<6} | ".encode()
    threading.Thread(target=copy_prefixed, args=(process.stdout, prefix), daemon=True).start()
    return process


def copy_prefixed(stream: Any, prefix: bytes) -> None:
    for line in stream:
        with OUTPUT_LOCK:
            sys.stdout.buffer.write(prefix + line)
            sys.stdout.buffer.flush()


def wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for runserver to accept connections, so the banner is printed when it is true."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline and not port_open(port):
        time.sleep(0.2)


def watch(children: dict[str, subprocess.Popen[bytes]]) -> int:
    """Wait until a child exits (its status is ours) or Ctrl-C; the caller stops the rest."""
    while True:
        for name, process in children.items():
            code = process.poll()
            if code is not None:
                say(f"{name} exited with status {code}: stopping everything")
                return code or 1
        time.sleep(0.3)
