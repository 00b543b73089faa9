"""Serving the project with gunicorn beside reference views, and loading it with wrk (or,
without wrk, bench/_load.py's Python generator): what the side-by-side throughput benchmarks
share (log_throughput, rsvp_link_throughput, dashboard).

The reference views join the project's URLs through a throwaway URLconf written to a
temporary directory: a bare view, a signed-in no-op, a signed-in view that commits a
one-row UPDATE, and the same write without sign-in (nor CSRF check, as the RSVP link).
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _django import ROOT
from _load import load_generator, milliseconds, run_python
from _results import Target, figure

URLCONF = """
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from organizing.urls import urlpatterns as project


def bare(request):
    return HttpResponse("ok")


@login_required
def signed_in(request):
    return HttpResponse("ok")


def _one_write():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE members_committee SET name = name WHERE id = "
                       "(SELECT min(id) FROM members_committee)")


@login_required
def signed_in_write(request):
    _one_write()
    return HttpResponse("ok")


@csrf_exempt  # as the emailed RSVP link it stands beside
def one_write(request):
    _one_write()
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/signed-in/", signed_in),
    path("bench/signed-in-write/", signed_in_write),
    path("bench/one-write/", one_write),
    *project,
]
"""

SETTINGS = """
from organizing.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
# The hashed-name manifest exists only after collectstatic (in the Docker image).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


@contextmanager
def serve(workers: int, port: int, tmp: Path, access_log: Path | None = None) -> Iterator[str]:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, for the length of the `with`
    once it answers: yields its base URL. With `access_log`, each request's path, status and
    time (microseconds) is written there. The emailed links' per-address limit counts but
    never stops the load."""
    (tmp / "bench_urls.py").write_text(URLCONF)
    (tmp / "bench_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        # All the load comes from one address, as a crowd answering an invitation's links
        # would not: the emailed links' limit per address still counts every request, as in
        # production, but so high that the RSVP POST never gets the limit's 429 page.
        "RATE_LIMIT_LINKS": "1000000/m",
    }
    if not _port_free(port):
        raise SystemExit(f"port {port} is taken (another benchmark's server?): choose --port")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "organizing.wsgi", f"-w{workers}", f"-b127.0.0.1:{port}"]
    if access_log is not None:
        command += [f"--access-logfile={access_log}", "--access-logformat=%(U)s %(s)s %(D)s"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)  # noqa: S603 - our own command
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode} before answering")
        try:
            urllib.request.urlopen(f"{base}/bench/bare/", timeout=1)  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    """Requests per second, the median latency (as wrk prints it, and `p50_ms`), the
    non-2xx/3xx count and the generator of one run: wrk's, or without wrk the Python
    generator's, which reads the same script (bench/_load.py)."""
    if load_generator() == "python":
        result = run_python(url, seconds, connections, script)
        return {**result, "p50_ms": milliseconds(result["p50"]) if result["requests"] else 0.0}
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": p50,
        "p50_ms": milliseconds(p50),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "generator": "wrk",
    }


def side_by_side(
    targets: dict[str, tuple[str, Path | None]], *, seconds: int, connections: int, rounds: int
) -> dict[str, dict]:
    """Load each target (name: url and wrk script) in turn, `rounds` times over, so that the
    machine's drift (another process waking up, a CPU's clock) falls on all of them alike.
    The first target is the reference. Per target: the median requests per second, the median
    latency of that median round, the non-2xx/3xx count over all rounds, and the median of its
    per-round ratio to the reference."""
    runs = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (url, script) in targets.items():
            runs[name].append(wrk(url, seconds, connections, script))
    reference = runs[next(iter(targets))]
    results = {}
    for name, rows in runs.items():
        ratios = [row["rps"] / ref["rps"] for row, ref in zip(rows, reference, strict=True)]
        middle = sorted(rows, key=lambda row: row["rps"])[len(rows) // 2]
        results[name] = {
            **middle,
            "errors": sum(row["errors"] for row in rows),
            "ratio": statistics.median(ratios),
            "per_round": [row["rps"] for row in rows],
        }
    return results


def report(results: dict[str, dict], *, target: str, rounds: int, seconds: int) -> None:
    """Print side_by_side's results, one row per target, and the target line."""
    width = max(len(name) for name in results) + 2
    for name, row in results.items():
        print(
            f"{name:{width}} {row['rps']:8.1f} req/s  p50 {row['p50']:>8}  "
            f"ratio {row['ratio']:.2f}  non-2xx/3xx {row['errors']}"
        )
    generators = sorted({row["generator"] for row in results.values()})
    print(
        f"(medians of {rounds} interleaved rounds of {seconds} s each; "
        f"load from {' and '.join(generators)})"
    )
    print(target)


def throughput_figures(results: dict[str, dict], targets: dict[str, Target]) -> list[dict]:
    """side_by_side's results as figures (bench/_results.py): each target's requests per
    second, then each one's ratio to the reference (the first). `targets` puts a target on a
    ratio: by name, its ratio to the reference ("logging POST": Target(">=", 0.3, "×")), or
    "A ÷ B" for A's ratio to another of the same run, added as a figure of its own. A ratio
    is the median of the rounds' ratios."""
    reference = next(iter(results))
    figures = []
    for name, row in results.items():
        note = f"p50 {row['p50']}, non-2xx/3xx {row['errors']}"
        figures.append(
            figure(f"{name}, requests/s", row["rps"], "req/s", None, note, row["generator"])
        )
    pairs = [(name, reference, targets.get(name)) for name in results if name != reference]
    for key, target in targets.items():
        if " ÷ " in key:
            over, under = key.split(" ÷ ", 1)
            pairs.append((over, under, target))
    for over, under, target in pairs:
        rounds = zip(results[over]["per_round"], results[under]["per_round"], strict=True)
        ratios = [a / b for a, b in rounds]
        figures.append(
            figure(
                f"{over} ÷ {under}",
                statistics.median(ratios),
                "×",
                target,
                "rounds: " + " ".join(f"{ratio:.2f}" for ratio in ratios),
                results[over]["generator"],
            )
        )
    return figures
