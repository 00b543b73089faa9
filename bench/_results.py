"""Each benchmark's figures in a form bench/all.py reads: a list of figures, written as JSON
to the file given with `--json FILE` (the command line is otherwise as before).

A figure is a dict: name, value, unit, target (text such as "≤ 150 ms", or None), met (True,
False, or None without a target), note (e.g. the p95 beside a p50), generator (the load
generator of a throughput figure, else None). Each benchmark states its targets once, as
Target constants, and makes its figures from them.
"""

from __future__ import annotations

import argparse
import json
import operator
from dataclasses import dataclass
from pathlib import Path

SYMBOLS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}
COMPARE = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Target:
    """A bound a figure must keep: Target("<=", 150, "ms") reads "≤ 150 ms"."""

    op: str
    limit: float
    unit: str = ""

    def met(self, value: float) -> bool:
        return COMPARE[self.op](value, self.limit)

    def __str__(self) -> str:
        limit = f"{self.limit:,.2f}".rstrip("0").rstrip(".")  # 150, 0.5, 0.35
        unit = f" {self.unit}" if self.unit[:1].isalpha() else self.unit  # 150 ms, 0.5×
        return f"{SYMBOLS[self.op]} {limit}{unit}"


def figure(
    name: str,
    value: float,
    unit: str = "",
    target: Target | None = None,
    note: str = "",
    generator: str | None = None,
) -> dict:
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "target": str(target) if target is not None else None,
        "met": target.met(value) if target is not None else None,
        "note": note,
        "generator": generator,
    }


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="also write the figures to FILE (bench/all.py)"
    )


def write_figures(path: Path | None, figures: list[dict]) -> None:
    """The figures to `path` as JSON when the benchmark was given --json."""
    if path is not None:
        path.write_text(json.dumps({"figures": figures}, indent=1, ensure_ascii=False))


def read_figures(path: Path) -> list[dict]:
    return json.loads(path.read_text())["figures"]
