"""`make bench`'s parts that run without the benchmarks: the Python load generator (against a
small HTTP server on loopback, real sockets), its reading of the benchmarks' wrk scripts,
and the runner's handling of a benchmark's figures and its table. No benchmark runs here."""

import ast
import importlib.util
import json
import os
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Formatter

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from _load import LuaScript, choose_generator, milliseconds, run_python  # noqa: E402 - bench/ is not a package
from _results import Target, figure  # noqa: E402
from field_weight import page_links, sw_imports  # noqa: E402

spec = importlib.util.spec_from_file_location("bench_all", BENCH / "all.py")
runner = sys.modules["bench_all"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)


class Recorder(BaseHTTPRequestHandler):
    """Answers 200, or 404 under /missing/ and 500 under /boom/; records what it was sent."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    lock = threading.Lock()
    seen: Counter

    def log_message(self, *args):
        pass

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        status = 404 if self.path.startswith("/missing/") else 500 if "boom" in self.path else 200
        with self.lock:
            self.seen[(self.command, self.path, self.headers.get("Cookie"), body, status)] += 1
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = answer


@pytest.fixture
def server():
    """A server on a free loopback port: its base URL and the Counter of what it answered."""
    handler = type("Handler", (Recorder,), {"seen": Counter()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.seen
    httpd.shutdown()
    httpd.server_close()


def test_it_counts_every_answer_the_server_gave_and_each_status(server, tmp_path):
    base, seen = server
    script = tmp_path / "half.lua"
    script.write_text(
        'paths = {"/fine/", "/missing/"}\n'
        "n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format(nil, paths[n % #paths + 1])\n"
        "end\n"
    )

    result = run_python(f"{base}/fine/", 0.5, 3, script)

    served = sum(seen.values())
    statuses = result["statuses"]
    assert result["generator"] == "python"
    assert result["requests"] == statuses[200] + statuses[404] > 50
    # An answer that arrives after the end is served but not counted: one per connection.
    assert 0 <= served - result["requests"] <= 3
    assert abs(statuses[200] - statuses[404]) <= 3  # each connection takes them in turn
    assert result["errors"] == statuses[404]
    assert result["socket_errors"] == 0
    assert result["rps"] == pytest.approx(result["requests"] / 0.5, rel=0.2)
    assert milliseconds(result["p50"]) > 0


def test_it_posts_the_scripts_bodies_with_each_cookie_in_turn(server, tmp_path):
    base, seen = server
    script = tmp_path / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'cookies = {"sessionid=a", "sessionid=b"}  -- two leads\n'
        "bodies = {\"response=yes\", 'response=maybe'}\n"
        "n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        '  return wrk.format(nil, nil, {["Cookie"] = cookies[n % #cookies + 1]},'
        " bodies[math.random(#bodies)])\n"
        "end\n"
    )

    result = run_python(f"{base}/rsvp/", 0.5, 2, script)

    assert result["errors"] == 0
    sent = {(method, path, cookie, body) for method, path, cookie, body, _status in seen}
    assert sent == {
        ("POST", "/rsvp/", cookie, body)
        for cookie in ("sessionid=a", "sessionid=b")
        for body in ("response=yes", "response=maybe")
    }


def test_it_counts_server_errors_as_wrk_does(server):
    base, seen = server

    result = run_python(f"{base}/boom/", 0.3, 1)

    assert result["statuses"].keys() == {500}
    assert result["errors"] == result["requests"] > 0


def bench_scripts() -> list[tuple[str, str]]:
    """Every WRK_* script in bench/*.py, its placeholders filled as the benchmarks fill them:
    a list of quoted strings for a plural name (paths, cookies), a word for the others."""
    scripts = []
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if names and names[0].startswith("WRK_"):
                    template = node.value.value
                    fields = {f for _, f, _, _ in Formatter().parse(template) if f}
                    values = {f: '"/a/", "/b/"' if f.endswith("s") else "x" for f in fields}
                    scripts.append((f"{path.name}:{names[0]}", template.format(**values)))
    return scripts


@pytest.mark.parametrize(("where", "source"), bench_scripts())
def test_the_python_generator_reads_every_wrk_script_of_the_benchmarks(where, source):
    requests = LuaScript.read(source, "/page/").connection()

    request = requests.next()

    assert request.method in {"GET", "POST"}
    assert request.path.startswith("/")


def test_a_script_beyond_the_lua_it_reads_stops_it_with_the_line(server, tmp_path):
    base, _seen = server
    script = tmp_path / "response.lua"
    script.write_text('wrk.method = "GET"\nresponse = function(status, headers, body)\nend\n')

    with pytest.raises(SystemExit, match="line 2"):
        run_python(f"{base}/fine/", 0.2, 1, script)


FAKE_APT = """#!/bin/sh
# apt-get as far as the benchmarks use it: install makes a wrk beside it (or fails).
PATH="$PATH:/usr/bin:/bin"
[ "$1" = install ] && [ -z "$APT_FAILS" ] || exit 100
printf '#!/bin/sh\\n' > "$(dirname "$0")/wrk" && chmod +x "$(dirname "$0")/wrk"
"""


@pytest.fixture
def fresh_machine(tmp_path, monkeypatch):
    """A PATH with neither wrk nor, until a test puts one there, apt-get."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("APT_FAILS", raising=False)
    return tmp_path


def with_apt_get(folder: Path) -> None:
    (folder / "apt-get").write_text(FAKE_APT)
    (folder / "apt-get").chmod(0o755)


@pytest.mark.skipif(os.geteuid() != 0, reason="installing wrk is for root")
def test_as_root_with_apt_get_a_missing_wrk_is_installed_and_said(fresh_machine, capfd):
    with_apt_get(fresh_machine)

    assert choose_generator("auto") == "wrk"

    assert (fresh_machine / "wrk").exists()
    assert "wrk is missing: installing it (apt-get install -y -q wrk)" in capfd.readouterr().err


@pytest.mark.skipif(os.geteuid() != 0, reason="installing wrk is for root")
def test_when_wrk_cannot_be_installed_the_python_generator_is_used_and_said(
    fresh_machine, monkeypatch, capfd
):
    with_apt_get(fresh_machine)
    monkeypatch.setenv("APT_FAILS", "1")

    assert choose_generator("auto") == "python"

    err = capfd.readouterr().err
    assert "could not install wrk" in err
    assert "the throughput benchmarks use the Python load generator instead" in err
    with pytest.raises(SystemExit, match="BENCH_LOAD=wrk"):
        choose_generator("wrk")


def test_bench_load_python_forces_the_python_generator_even_with_wrk(fresh_machine, capfd):
    (fresh_machine / "wrk").write_text("#!/bin/sh\n")
    (fresh_machine / "wrk").chmod(0o755)

    assert choose_generator("python") == "python"
    assert choose_generator("auto") == "wrk"

    assert "load from the Python generator (BENCH_LOAD=python)" in capfd.readouterr().err


def test_a_target_reads_as_written_and_tells_whether_it_is_met():
    assert str(Target("<=", 150, "ms")) == "≤ 150 ms"
    assert str(Target(">=", 0.35, "×")) == "≥ 0.35×"
    assert str(Target("<", 30, "s")) == "< 30 s"
    assert Target("<=", 150, "ms").met(150)
    assert not Target(">=", 0.5, "×").met(0.49)
    assert figure("ratio", 0.2, "×", Target(">=", 0.3, "×"))["met"] is False


def run_in(tmp_path, monkeypatch, name: str, code: str):
    """The runner's run of a stand-in bench/NAME.py (the real ones are not run here)."""
    (tmp_path / f"{name}.py").write_text(code)
    monkeypatch.setattr(runner, "BENCH", tmp_path)
    return runner.run_bench(runner.Bench(name, "a stand-in"), quick=False)


def test_the_runner_reads_a_benchmarks_figures_from_its_json(tmp_path, monkeypatch):
    figures = [figure("page, p50", 95.25, "ms", Target("<=", 300, "ms"), "p95 150 ms")]
    written = json.dumps({"figures": figures})
    code = f"import sys\nopen(sys.argv[sys.argv.index('--json') + 1], 'w').write({written!r})\n"

    outcome = run_in(tmp_path, monkeypatch, "fine", code)

    assert (outcome.status, outcome.figures) == (0, figures)
    assert outcome.seconds > 0


def test_the_runner_notes_a_benchmark_that_failed_or_wrote_nothing(tmp_path, monkeypatch):
    assert run_in(tmp_path, monkeypatch, "crash", "raise SystemExit(3)\n").status == 3
    assert run_in(tmp_path, monkeypatch, "silent", "print('no figures')\n").status == -1
    half = "import sys\nopen(sys.argv[2], 'w').write('{\"fig')\n"
    assert run_in(tmp_path, monkeypatch, "half", half).status == -1


def test_the_table_has_every_figure_its_target_and_the_run(tmp_path):
    run = {
        "started": "2026-12-04 21:00 UTC",
        "commit": "abc1234",
        "quick": False,
        "cpus": 2,
        "cpu_model": "AMD EPYC",
        "system": "Linux 6.1",
        "python": "3.11.7",
        "postgres": "15.20",
        "redis": "7.0.15",
        "load_before": 0.5,
        "load_after": 2.25,
        "seconds": 600,
    }
    chart = runner.Outcome(
        runner.Bench("chart", "the chart"), 42.4, 0.5, 1.75, 0,
        [figure("campaign chart, p50", 95.25, "ms", Target("<=", 300, "ms"), "p95 150.0 ms")],
    )  # fmt: skip
    log = runner.Outcome(
        runner.Bench("log_throughput", "logging", port=True), 80, 1.75, 2.25, 0,
        [
            figure("bare view, requests/s", 2758.4, "req/s", None, "p50 2.1ms", "python"),
            figure("logging POST ÷ bare view", 0.034, "×", Target(">=", 0.3, "×"), "", "python"),
        ],
    )  # fmt: skip
    broken = runner.Outcome(runner.Bench("reminders", "reminders"), 3, 2.25, 2.25, 1, [])

    table = runner.results_markdown(run, [chart, log, broken])

    assert "2026-12-04 21:00 UTC; commit abc1234" in table
    assert "2 CPUs (AMD EPYC), Linux 6.1, Python 3.11.7, Postgres 15.20, Redis 7.0.15" in table
    assert "0.50 before the run, 2.25 after; the run took 10.0 min" in table
    assert "Targets met: 1 of 2" in table
    assert "Throughput load from: python (the Python generator" in table
    rows = table.splitlines()
    assert "| chart | campaign chart, p50 | 95.2 ms | ≤ 300 ms | yes | p95 150.0 ms |" in rows
    assert (
        "| log_throughput | bare view, requests/s | 2,758 req/s |  |  | p50 2.1ms; load: python |"
    ) in rows
    assert (
        "| log_throughput | logging POST ÷ bare view | 0.03× | ≥ 0.3× | **no** | load: python |"
    ) in rows
    assert "| reminders | **failed** (exit status 1) | | | | see its output |" in rows
    assert "| chart | 42 s | 0.50 | 1.75 | — | ok |" in rows
    assert "| log_throughput | 80 s | 1.75 | 2.25 | python | ok |" in rows


def test_every_benchmark_in_bench_is_one_make_bench_runs():
    scripts = {path.stem for path in BENCH.glob("*.py")} - {"all"}

    benchmarks = {name for name in scripts if not name.startswith("_")}

    assert benchmarks == {bench.name for bench in runner.BENCHES}


LOG_PAGE = """<html><head>
<link rel="stylesheet" href="/static/css/majority.1.css">
<link rel="icon" href="/static/favicon.2.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="preconnect" href="https://elsewhere.test">
<script src="/static/js/field.3.js" defer></script>
<script id="majority-field" type="application/json">{"on": true, "sw": "/sw.js"}</script>
<script>inline()</script>
</head><body><img src="/static/favicon.2.svg" alt=""><a href="/my-list/">My list</a></body>
</html>"""


def test_the_weight_bench_counts_each_file_the_page_loads_once_and_reads_its_settings():
    links, field = page_links(LOG_PAGE)

    assert links == [
        ("stylesheet", "/static/css/majority.1.css"),
        ("icon", "/static/favicon.2.svg"),
        ("manifest", "/manifest.webmanifest"),
        ("script", "/static/js/field.3.js"),
    ]
    assert field == {"on": True, "sw": "/sw.js"}


def test_the_weight_bench_reads_the_scripts_the_service_worker_imports():
    body = (
        'self.MAJORITY_FIELD = {"assets": []};\n'
        'importScripts("/static/a.1.js", "/static/b.2.js");\n'
    )

    assert sw_imports(body) == ["/static/a.1.js", "/static/b.2.js"]
