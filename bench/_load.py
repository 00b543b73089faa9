"""Loading a server for the throughput benchmarks: wrk when the machine has it (installed here
when it can be), else a small Python load generator with the same interface.

    load_generator()            "wrk" or "python", chosen once per process (BENCH_LOAD)
    run_python(url, seconds, connections, script)   the Python generator's run

BENCH_LOAD chooses: unset or `auto` takes wrk, installing it first when it is missing and we
are root on a machine with apt-get (said on stderr), and the Python generator otherwise;
`wrk` insists on wrk; `python` forces the Python generator (to test it, or for a machine
without wrk). bench/all.py chooses once and hands its choice to every benchmark.

The Python generator keeps `connections` HTTP/1.1 connections (one thread each, http.client,
kept alive when the server allows it: gunicorn's sync workers close each one, as they do for
wrk), for `seconds`. It reads the benchmarks' wrk scripts itself, in the small part of Lua
they use (see LuaScript): `wrk.method`, `wrk.body`, `wrk.headers[...]` set at the top, tables
of strings, and a `request` function returning `wrk.format(method, path, headers, body)` from
literals, `t[math.random(#t)]` (a random element), `t[n % #t + 1]` (each in turn) and counters
(`n = n + 1`). Anything else stops it with the line it does not understand: write the script
within that part, or install wrk.

Its figures are not wrk's: Python spends about as much CPU per request as a bare Django view,
on the same CPUs as the server, so the cheapest views measure lower than with wrk, and their
ratios to the heavy ones come out higher. RESULTS.md names the generator of every figure.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_chosen: str | None = None


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def load_generator() -> str:
    """The generator this process uses, chosen (and wrk installed if need be) once."""
    global _chosen
    if _chosen is None:
        _chosen = choose_generator(os.environ.get("BENCH_LOAD", "auto").strip().lower() or "auto")
    return _chosen


def choose_generator(wanted: str) -> str:
    if wanted not in {"auto", "wrk", "python"}:
        raise SystemExit(f"BENCH_LOAD={wanted}: choose wrk, python or auto")
    if wanted == "python":
        say("load from the Python generator (BENCH_LOAD=python)")
        return "python"
    if shutil.which("wrk") or install_wrk():
        say(f"load from wrk ({shutil.which('wrk')})")
        return "wrk"
    if wanted == "wrk":
        raise SystemExit("BENCH_LOAD=wrk, but wrk is not installed and could not be installed")
    say(
        "wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk):"
        " the throughput benchmarks use the Python load generator instead, whose figures are"
        " lower than wrk's for the cheapest views"
    )
    return "python"


def install_wrk() -> bool:
    """As root with apt-get: `apt-get install -y wrk` (after `apt-get update` if the package is
    not known yet), said on stderr. Whether wrk is there afterwards."""
    if not shutil.which("apt-get") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    for commands in ([install], [["apt-get", "update", "-q"], install]):
        say(f"wrk is missing: installing it ({' && '.join(' '.join(c) for c in commands)})")
        ok = all(
            subprocess.run(  # noqa: S603 - fixed commands
                command, env=env, stdin=subprocess.DEVNULL, stdout=2, check=False
            ).returncode
            == 0
            for command in commands
        )
        if ok and shutil.which("wrk"):
            return True
    say("could not install wrk")
    return False


def duration(seconds: float) -> str:
    """A latency as wrk prints it: 812.00us, 3.21ms, 1.02s."""
    if seconds < 0.001:
        return f"{seconds * 1e6:.2f}us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f}ms"
    return f"{seconds:.2f}s"


def milliseconds(text: str) -> float:
    """wrk's printed latency (812.00us, 3.21ms, 1.02s, 1.50m) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk latency: {text!r}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match.group(2)]
    return float(match.group(1)) * scale


# --- the part of Lua the benchmarks' wrk scripts use ------------------------------------------


class LuaError(ValueError):
    """A wrk script outside the part of Lua the Python generator reads."""


TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<comment>--.*)
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|~=|<=|>=|\.\.|[-+*/%#=(){}\[\],.;<>])
    )""",
    re.VERBOSE,
)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}


def tokens(line_number: int, line: str) -> list[tuple[str, Any, int]]:
    found, position, text = [], 0, line.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise LuaError(f"line {line_number}: cannot read {text[position:].strip()!r}")
        position = match.end()
        kind = match.lastgroup or ""
        value: Any = match.group(kind)
        if kind == "comment":
            break
        if kind == "string":
            value = re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), value[1:-1])
        elif kind == "number":
            value = float(value) if "." in value else int(value)
        found.append((kind, value, line_number))
    return found


class Table(dict):
    """A Lua table: integer keys from 1 for its list part, strings for the rest."""

    def length(self) -> int:
        n = 0
        while n + 1 in self:
            n += 1
        return n


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None


class Parser:
    """Recursive descent over a script's tokens into small Python closures."""

    def __init__(self, source: str) -> None:
        lines = enumerate(source.splitlines(), 1)
        self.tokens = [token for number, line in lines for token in tokens(number, line)]
        self.at = 0

    # tokens
    def peek(self, offset: int = 0) -> tuple[str, Any, int] | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def is_op(self, value: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token[0] == "op" and token[1] == value

    def is_word(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1] == value

    def take(self) -> tuple[str, Any, int]:
        token = self.peek()
        if token is None:
            raise LuaError("the script ends too early")
        self.at += 1
        return token

    def expect(self, value: str) -> None:
        kind, found, line = self.take()
        if found != value or kind not in {"op", "name"}:
            raise LuaError(f"line {line}: expected {value!r}, found {found!r}")

    def line(self) -> int:
        token = self.peek()
        return token[2] if token else (self.tokens[-1][2] if self.tokens else 0)

    # statements: each one a function of the environment
    def block(self, *ends: str) -> list:
        statements = []
        while self.peek() is not None and not any(self.is_word(end) for end in ends):
            if self.is_op(";"):
                self.take()
                continue
            statements.append(self.statement())
        return statements

    def statement(self):
        line = self.line()
        if self.is_word("local"):
            self.take()
        if self.is_word("return"):
            self.take()
            value = self.expression()
            return lambda env: ("return", value(env))
        if self.is_word("if") or self.is_word("for") or self.is_word("while"):
            raise LuaError(f"line {line}: `{self.peek()[1]}` is outside the Lua read here")
        name = self.peek()[1]
        target = self.place()
        self.expect("=")
        if self.is_word("function"):
            self.take()
            if name != "request" or not (self.is_op("(") and self.is_op(")", 1)):
                raise LuaError(f"line {line}: only `request = function()` is run here")
            self.expect("(")
            self.expect(")")
            body = self.block("end")
            self.expect("end")
            return lambda env: target(env, ("function", body))
        value = self.expression()
        return lambda env: target(env, value(env))

    def place(self):
        """What an assignment sets: a name, or a table's field (t.k, t[expr])."""
        kind, name, line = self.take()
        if kind != "name":
            raise LuaError(f"line {line}: cannot assign to {name!r}")
        fields = []
        while self.is_op(".") or self.is_op("["):
            if self.take()[1] == ".":
                key = self.take()[1]
                fields.append(lambda env, key=key: key)
            else:
                fields.append(self.expression())
                self.expect("]")

        def assign(env: dict, value: Any) -> None:
            if not fields:
                env[name] = value
                return
            table = env[name]
            for key in fields[:-1]:
                table = table[key(env)]
            table[fields[-1](env)] = value

        return assign

    # expressions
    def expression(self):
        left = self.term()
        while self.is_op("+") or self.is_op("-") or self.is_op(".."):
            op = self.take()[1]
            right = self.term()
            left = binary(op, left, right)
        return left

    def term(self):
        left = self.unary()
        while self.is_op("*") or self.is_op("%"):
            op = self.take()[1]
            right = self.unary()
            left = binary(op, left, right)
        return left

    def unary(self):
        if self.is_op("#"):
            self.take()
            inner = self.unary()
            return lambda env: length(inner(env))
        return self.primary()

    def primary(self):
        kind, value, line = self.take()
        if kind in {"string", "number"}:
            return lambda env: value
        if kind == "op" and value == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind == "op" and value == "{":
            return self.table()
        if kind != "name":
            raise LuaError(f"line {line}: unexpected {value!r}")
        if value == "nil":
            return lambda env: None
        node = lambda env: env.get(value)  # noqa: E731 - a small closure, like the others
        while True:
            if self.is_op("."):
                self.take()
                key = self.take()[1]
                node = field_of(node, key)
            elif self.is_op("["):
                self.take()
                key_of = self.expression()
                self.expect("]")
                node = index_of(node, key_of)
            elif self.is_op("("):
                self.take()
                args = []
                while not self.is_op(")"):
                    args.append(self.expression())
                    if self.is_op(","):
                        self.take()
                self.expect(")")
                node = call_of(node, args)
            else:
                return node

    def table(self):
        items: list = []
        while not self.is_op("}"):
            if self.is_op("["):
                self.take()
                key = self.expression()
                self.expect("]")
                self.expect("=")
                items.append((key, self.expression()))
            elif self.peek() and self.peek()[0] == "name" and self.is_op("=", 1):
                name = self.take()[1]
                self.take()
                items.append((lambda env, name=name: name, self.expression()))
            else:
                items.append((None, self.expression()))
            if self.is_op(",") or self.is_op(";"):
                self.take()
        self.expect("}")

        def build(env: dict) -> Table:
            table, n = Table(), 0
            for key, value in items:
                if key is None:
                    n += 1
                    table[n] = value(env)
                else:
                    table[key(env)] = value(env)
            return table

        return build


def field_of(parent, key: str):
    return lambda env: parent(env)[key]


def index_of(parent, key_of):
    return lambda env: parent(env).get(key_of(env))


def call_of(callee, args: list):
    return lambda env: call(callee(env), [arg(env) for arg in args])


def binary(op: str, left, right):
    def number(value: Any) -> float:
        if not isinstance(value, int | float):
            raise LuaError(f"arithmetic on {value!r}")
        return value

    operations = {
        "+": lambda a, b: number(a) + number(b),
        "-": lambda a, b: number(a) - number(b),
        "*": lambda a, b: number(a) * number(b),
        "%": lambda a, b: number(a) % number(b),
        "..": lambda a, b: f"{a}{b}",
    }
    operation = operations[op]
    return lambda env: operation(left(env), right(env))


def length(value: Any) -> int:
    if isinstance(value, Table):
        return value.length()
    if isinstance(value, str):
        return len(value)
    raise LuaError(f"# of {value!r}")


def call(function: Any, args: list) -> Any:
    if not callable(function):
        raise LuaError(f"{function!r} is not a function the Python generator knows")
    return function(*args)


def lua_random(*bounds: int) -> int:
    if len(bounds) == 1:
        return random.randint(1, int(bounds[0]))  # noqa: S311 - load, not secrets
    if len(bounds) == 2:
        return random.randint(int(bounds[0]), int(bounds[1]))  # noqa: S311
    return random.random()  # type: ignore[return-value]  # noqa: S311


@dataclass
class LuaScript:
    """A wrk script read once; `request()` gives each request of one connection in turn."""

    method: str = "GET"
    path: str = "/"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    _env: dict = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, source: str, path: str) -> LuaScript:
        script = cls(path=path)
        parser = Parser(source)
        statements = parser.block()
        env = script.fresh_env()
        for statement in statements:
            statement(env)
        request = env.get("request")
        if request is not None and not (isinstance(request, tuple) and request[0] == "function"):
            raise LuaError("request must be a function")
        script._env = env
        script.check()
        return script

    def fresh_env(self) -> dict:
        wrk = Table(method=self.method, path=self.path, headers=Table(), body=self.body)
        wrk["format"] = lambda *args: self.format(wrk, *args)
        return {"wrk": wrk, "math": Table(random=lua_random)}

    def check(self) -> None:
        """Build one request, so a script outside our part of Lua fails before the load."""
        self.connection().next()

    @staticmethod
    def format(wrk: Table, method=None, path=None, headers=None, body=None) -> Request:
        """wrk.format: a nil argument takes wrk's field; headers given replace wrk.headers."""
        chosen = headers if headers is not None else wrk["headers"]
        return Request(
            method=method or wrk["method"],
            path=path or wrk["path"],
            headers={str(k): str(v) for k, v in chosen.items()},
            body=body if body is not None else wrk["body"],
        )

    def connection(self) -> _Connection:
        """Per connection, as wrk keeps a Lua state per thread: its own counters."""
        return _Connection(self._env)


class _Connection:
    def __init__(self, env: dict) -> None:
        self.env = dict(env)  # its own globals (counters); the tables are shared, read only

    def next(self) -> Request:
        request = self.env.get("request")
        wrk = self.env["wrk"]
        if request is None:
            return LuaScript.format(wrk)
        for statement in request[1]:
            result = statement(self.env)
            if isinstance(result, tuple) and result[0] == "return":
                if not isinstance(result[1], Request):
                    raise LuaError("request must return wrk.format(...)")
                return result[1]
        raise LuaError("request returns nothing")


# --- the generator ----------------------------------------------------------------------------


def run_python(url: str, seconds: float, connections: int, script: Path | None = None) -> dict:
    """`connections` connections for `seconds` against url, as wrk would with that script:
    requests per second, the median latency (as wrk prints it), the count of each status,
    the non-2xx/3xx count (`errors`, as wrk counts them) and the socket errors."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if parts.scheme != "http" or parts.hostname is None:
        raise SystemExit(f"the Python load generator speaks plain http only: {url}")
    if script is not None:
        try:
            lua = LuaScript.read(Path(script).read_text(), path)
        except LuaError as error:
            raise SystemExit(
                f"the Python load generator cannot run the wrk script {script}: {error}. "
                "Install wrk, or keep the script within the Lua bench/_load.py reads."
            ) from None
    else:
        lua = LuaScript(path=path)
        lua._env = lua.fresh_env()
    host, port = parts.hostname, parts.port or 80
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    socket_errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(connections + 1)
    deadline = [0.0]

    def one_connection() -> None:
        requests = lua.connection()
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine: Counter[int] = Counter()
        times: list[float] = []
        errors = 0
        start.wait()
        while True:
            request = requests.next()
            began = time.perf_counter()
            if began >= deadline[0]:
                break
            try:
                body = request.body.encode() if request.body is not None else None
                conn.request(request.method, request.path, body=body, headers=request.headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                continue
            finished = time.perf_counter()
            if finished > deadline[0]:
                break
            mine[response.status] += 1
            times.append(finished - began)
        conn.close()
        with lock:
            statuses.update(mine)
            latencies.extend(times)
            socket_errors[0] += errors

    threads = [threading.Thread(target=one_connection, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = min(time.perf_counter(), deadline[0]) - began
    requests = sum(statuses.values())
    return {
        "rps": requests / elapsed if elapsed > 0 else 0.0,
        "p50": duration(statistics.median(latencies)) if latencies else "-",
        "errors": sum(n for status, n in statuses.items() if not 200 <= status < 400),
        "statuses": dict(sorted(statuses.items())),
        "socket_errors": socket_errors[0],
        "requests": requests,
        "generator": "python",
    }
