"""Every benchmark at its default size, one after another, into one table: bench/RESULTS.md.

    make bench                          finds or starts Postgres and Redis as `make run` does
    .venv/bin/python bench/all.py       with DATABASE_URL (default: the local majority_bench)
    .venv/bin/python bench/all.py --quick            fewer runs, rounds and seconds
    .venv/bin/python bench/all.py chart dashboard    only these

Each benchmark runs as its own process (`bench/NAME.py --json FILE`, its output shown as it
goes), so none inherits another's Django setup. The table has each figure with its target
and whether it is met (ratios measured side by side in the same run), and for each benchmark
its time, the load average before and after it and the load generator of its throughput
figures; above it the machine (CPUs, Python, Postgres), the date, the commit, and the load
average before and after the whole run. The file is rewritten after each benchmark, so an
interrupted run keeps what it measured. Exit status 1 when a benchmark failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from _load import load_generator  # noqa: E402 - bench/ is not a package
from _results import read_figures  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/majority_bench"
REDIS_URL = "redis://127.0.0.1:6379/0"  # the settings' default
TIMEOUT = 30 * 60  # a benchmark that takes longer than this is stuck


@dataclass
class Bench:
    """One benchmark: its script, whether it serves on a port (a free one is given), and the
    options `--quick` adds (fewer runs, rounds, seconds: the sizes stay the targets')."""

    name: str
    about: str
    quick: list[str] = field(default_factory=list)
    port: bool = False


BENCHES = [
    Bench("chart", "the roster chart, 10,000 people", ["--runs", "10"]),
    Bench("mylist", "My list, 500 people of 2,000, 20,000 conversations", ["--runs", "10"]),
    Bench("action_page", "an action with 5,000 invited", ["--runs", "10"]),
    Bench("import_roster", "importing a 5,000-row roster"),
    Bench("payment_import", "importing a 20,000-line dues payments file"),
    Bench(
        "power",
        "the Power page computed afresh, 10,000 members, 24 months of dues",
        ["--runs", "5"],
    ),
    Bench("field_weight", "the log page's first load, compressed, from the production build"),
    Bench(
        "dashboard",
        "the campaign dashboard and the committee overview, computed afresh, at 10,000 and "
        "50,000 people, one lead and four at once",
        ["--seconds", "4"],
        True,
    ),
    Bench("reminders", "10,000 reminders through Celery and SMTP"),
    Bench(
        "rsvp_link_throughput", "the emailed RSVP link", ["--rounds", "3", "--seconds", "3"], True
    ),
    Bench("log_throughput", "logging a one-on-one", ["--rounds", "3", "--seconds", "3"], True),
]


@dataclass
class Outcome:
    bench: Bench
    seconds: float
    load_before: float
    load_after: float
    status: int
    figures: list[dict]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer runs, rounds and seconds")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    known = {bench.name: bench for bench in BENCHES}
    unknown = [name for name in args.names if name.removesuffix(".py") not in known]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are {', '.join(known)}")
    chosen = [known[name.removesuffix(".py")] for name in args.names] or BENCHES

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    machine = describe_machine(os.environ["DATABASE_URL"], os.environ.get("REDIS_URL", REDIS_URL))
    if any(bench.port for bench in chosen):
        # Chosen once, wrk installed if need be, and the same for every benchmark.
        os.environ["BENCH_LOAD"] = load_generator()
    run = {
        **machine,
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "quick": args.quick,
        "load_before": os.getloadavg()[0],
    }
    outcomes: list[Outcome] = []
    began = time.monotonic()
    for number, bench in enumerate(chosen, 1):
        print(f"\n=== {number}/{len(chosen)} bench/{bench.name}.py: {bench.about}", flush=True)
        try:
            outcomes.append(run_bench(bench, quick=args.quick))
        except KeyboardInterrupt:
            print(f"\nStopped; {args.output} has the benchmarks that finished.", file=sys.stderr)
            return 130
        run["seconds"] = time.monotonic() - began
        run["load_after"] = os.getloadavg()[0]
        args.output.write_text(results_markdown(run, outcomes, pending=chosen[number:]))
    print("\n" + args.output.read_text())
    print(f"Written to {args.output} ({run['seconds'] / 60:.1f} min)")
    return 1 if any(outcome.status for outcome in outcomes) else 0


def run_bench(bench: Bench, *, quick: bool) -> Outcome:
    """bench/NAME.py --json FILE in a process group of its own (its gunicorn or Celery
    worker go with it if it is stopped); its figures, time and load around it."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        output = Path(tmp) / "figures.json"
        command = [sys.executable, str(BENCH / f"{bench.name}.py"), "--json", str(output)]
        if bench.port:
            command += ["--port", str(free_port())]
        if quick:
            command += bench.quick
        load_before, started = os.getloadavg()[0], time.monotonic()
        status = run_in_group(command)
        seconds, load_after = time.monotonic() - started, os.getloadavg()[0]
        try:
            figures = read_figures(output)
        except (OSError, ValueError, KeyError):  # none, or cut short
            figures = []
    if status == 0 and not figures:
        status = -1  # finished without its figures
    return Outcome(bench, seconds, load_before, load_after, status, figures)


def run_in_group(command: list[str]) -> int:
    process = subprocess.Popen(command, cwd=ROOT, process_group=0)  # noqa: S603 - our scripts
    try:
        return process.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"bench: {command[1]} took over {TIMEOUT // 60} min: stopped", file=sys.stderr)
        stop_group(process)
        return -2
    except KeyboardInterrupt:
        stop_group(process)
        raise


def stop_group(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def describe_machine(database_url: str, redis_url: str) -> dict:
    """CPUs, Python, Postgres and Redis: both must answer, or nothing can run."""
    import psycopg
    import redis
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    hint = "`make bench` finds or starts them as `make run` does"
    params = conninfo_to_dict(database_url)
    server = make_conninfo(**{**params, "dbname": "postgres"})
    try:
        with psycopg.connect(server, connect_timeout=5) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        raise SystemExit(
            f"bench: cannot reach Postgres at {params.get('host')}:{params.get('port', 5432)} "
            f"(DATABASE_URL): {first_line(error)}. {hint}."
        ) from None
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        redis_version = client.info("server")["redis_version"]
    except redis.RedisError as error:
        raise SystemExit(
            f"bench: cannot reach Redis at REDIS_URL ({redis_url}): {first_line(error)}. {hint}."
        ) from None
    finally:
        client.close()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "postgres": postgres.split()[0],
        "redis": redis_version,
        "system": f"{platform.system()} {platform.release()}",
    }


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return result.stdout.strip()

    sha = git("rev-parse", "--short", "HEAD") or "?"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return f"{sha} (with uncommitted changes)" if changed else sha


# --- the table ---------------------------------------------------------------------------------


def results_markdown(run: dict, outcomes: list[Outcome], pending: list[Bench] = ()) -> str:
    """RESULTS.md: the run, one row per figure, then one row per benchmark."""
    met = [f["met"] for o in outcomes for f in o.figures if f["met"] is not None]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/all.py); every figure below comes from the one run "
        "described here. Rerun it rather than editing this file.",
        "",
        f"- Date: {run['started']}; commit {run['commit']}"
        + ("; **`--quick`** (fewer runs, rounds and seconds)" if run.get("quick") else ""),
        f"- Machine: {run['cpus']} CPUs ({run['cpu_model']}), {run['system']}, "
        f"Python {run['python']}, Postgres {run['postgres']}, Redis {run['redis']}",
        f"- Load average (1 min): {run['load_before']:.2f} before the run, "
        f"{run.get('load_after', run['load_before']):.2f} after; "
        f"the run took {run.get('seconds', 0) / 60:.1f} min",
        f"- Targets met: {sum(met)} of {len(met)}",
    ]
    generators = sorted({f["generator"] for o in outcomes for f in o.figures if f["generator"]})
    if generators:
        lines.append(f"- Throughput load from: {', '.join(generators)}" + python_note(generators))
    if pending:
        lines.append(f"- Not run yet: {', '.join(bench.name for bench in pending)}")
    lines += [
        "",
        "| bench | figure | measured | target | met | notes |",
        "|---|---|---:|---|---|---|",
    ]
    for outcome in outcomes:
        if not outcome.figures:
            lines.append(f"| {outcome.bench.name} | **failed** ({status_text(outcome.status)}) "
                         "| | | | see its output |")  # fmt: skip
        for f in outcome.figures:
            notes = "; ".join(
                part for part in (f["note"], f"load: {f['generator']}" if f["generator"] else "")
                if part
            )  # fmt: skip
            lines.append(
                f"| {outcome.bench.name} | {cell(f['name'])} | {value_text(f['value'], f['unit'])} "
                f"| {f['target'] or ''} | {met_text(f['met'])} | {cell(notes)} |"
            )
    lines += [
        "",
        "| bench | time | load before | load after | load from | status |",
        "|---|---:|---:|---:|---|---|",
    ]
    for outcome in outcomes:
        used = sorted({f["generator"] for f in outcome.figures if f["generator"]})
        lines.append(
            f"| {outcome.bench.name} | {outcome.seconds:.0f} s | {outcome.load_before:.2f} "
            f"| {outcome.load_after:.2f} | {', '.join(used) or '—'} "
            f"| {status_text(outcome.status)} |"
        )
    return "\n".join(lines) + "\n"


def python_note(generators: list[str]) -> str:
    if "python" not in generators:
        return ""
    return (
        " (the Python generator, bench/_load.py, was used: its requests per second are lower "
        "than wrk's for the cheapest views, so ratios to the bare view read high)"
    )


def value_text(value: float, unit: str) -> str:
    if isinstance(value, int) or float(value).is_integer():
        text = f"{value:,.0f}"
    elif unit == "×" or abs(value) < 10:
        text = f"{value:.2f}"
    elif abs(value) < 100:
        text = f"{value:.1f}"
    else:
        text = f"{value:,.0f}"
    return f"{text}{unit}" if unit == "×" else f"{text} {unit}".strip()


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: ""}[met]


def status_text(status: int) -> str:
    return {0: "ok", -1: "no figures written", -2: "stopped: too long"}.get(
        status, f"exit status {status}"
    )


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.exit(main())
