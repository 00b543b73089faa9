"""What every benchmark does first: production-like settings, its own database, Django set up
and migrated; and what the in-process benchmarks share (a signed-in test client, timing a page,
the big bench campaign from seed_bench).

Run a benchmark as `.venv/bin/python bench/NAME.py` (or all of them: `make bench`);
DATABASE_URL defaults to the local database `majority_bench`, created if the server does not
have it yet. A benchmark with a database of its own (`setup_django(database=...)`) uses
BENCH_DATABASE_URL, else that database on DATABASE_URL's server, named after DATABASE_URL's
own (majority_bench_log beside majority_bench).
"""

import os
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from _results import Target, figure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "organizing.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/majority_bench")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
warnings.filterwarnings("ignore", "No directory at", UserWarning)  # no collectstatic here


def ensure_database(url: str) -> None:
    """Create the database if the server does not have it yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def own_database_url(url: str, database: str) -> str:
    """A benchmark's own database beside `url`'s: same server, `url`'s name followed by
    `database` less its "majority_bench" (majority_benchlog beside majority_bench_p4 is
    majority_bench_p4_log), so that two checkouts with their own DATABASE_URL do not share it."""
    parts = urlsplit(url)
    suffix = database.removeprefix("majority_bench").strip("_") or "own"
    return parts._replace(path=f"/{parts.path.lstrip('/')}_{suffix}").geturl()


def setup_django(database: str | None = None) -> None:
    """Create the database if needed, set Django up and migrate. With `database`, the
    benchmark's own: BENCH_DATABASE_URL, else one beside DATABASE_URL (own_database_url)."""
    if database is not None:
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or own_database_url(
            os.environ["DATABASE_URL"], database
        )
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The hashed-name manifest exists only after collectstatic (in the Docker image).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)


def analyze() -> None:
    """Planner statistics for the fresh rows, as autovacuum would gather them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def seed_bench(*, reset: bool = False, **sizes) -> None:
    """The big bench committee from `seed_bench --force` (kept from an earlier run of the same
    sizes, rebuilt for other sizes or with `reset`), then ANALYZE."""
    from django.core.management import CommandError, call_command

    started = time.perf_counter()
    try:
        call_command("seed_bench", reset=reset, force=True, **sizes)
    except CommandError as error:
        print(f"{error} Rebuilding.")
        call_command("seed_bench", reset=True, force=True, **sizes)
    print(f"seed_bench: {time.perf_counter() - started:.1f} s")
    analyze()


def signed_in_client(user):
    """A test client logged in as `user`, enrolled in two-factor first as leads and
    organizers must be (without it every page redirects to the enrolment)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    if not user.authenticator_set.exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


def measure(client, url: str, runs: int, headers: dict | None = None) -> dict:
    """Server time of `runs` requests after two warm-ups, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=20)[-1] if runs >= 2 else times[0],
        "queries": len(queries),
        "kb": len(response.content) / 1024,
    }


def measure_pages(client, pages: list[tuple[str, str, dict | None]], runs: int) -> list[dict]:
    """Measure each page (label, url, headers) and print a table: p50, p95, queries, size.
    Returns measure()'s result for each, with its label."""
    from django.conf import settings

    print(f"DEBUG={settings.DEBUG} runs={runs} database={settings.DATABASES['default']['NAME']}")
    width = max(40, *(len(label) + 2 for label, _url, _headers in pages))
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>7}")
    results = []
    for label, url, headers in pages:
        result = measure(client, url, runs, headers)
        print(
            f"{label:<{width}} {result['p50']:>8.1f} {result['p95']:>8.1f} "
            f"{result['queries']:>8} {result['kb']:>7.0f}"
        )
        results.append({"label": label, **result})
    return results


def page_figures(results: list[dict], targets: dict[int, Target]) -> list[dict]:
    """measure_pages' results as figures (bench/_results.py): each page's p50, with the
    target given for it by its position (0: the first page), p95, queries and size beside."""
    return [
        figure(
            f"{result['label']}, p50",
            result["p50"],
            "ms",
            targets.get(index),
            f"p95 {result['p95']:.1f} ms, {result['queries']} queries, {result['kb']:.0f} KB",
        )
        for index, result in enumerate(results)
    ]
