"""Which Chromium the browser tests drive (tests/conftest.py): the one CHROMIUM names, else
Debian's /usr/bin/chromium, else the one `.venv/bin/playwright install chromium` downloaded.

On a Mac, or a Linux without Debian's package, the first `make test` should not end in a
Playwright traceback about a missing executable: the lookup says what to install or set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
HOW_TO_GET_ONE = (
    "install Debian's (apt install chromium) or Playwright's own "
    "(.venv/bin/playwright install chromium), or set CHROMIUM=/path/to/chromium"
)


class NoChromiumError(Exception):
    """No browser for the browser tests; the message says how to get one."""


def chromium_executable(
    *, environ: Mapping[str, str], system: Path = SYSTEM_CHROMIUM, playwright: Path | None
) -> Path:
    """The Chromium to launch: CHROMIUM if set, else system, else Playwright's (its path as
    Playwright knows it, whether or not it was downloaded)."""
    if named := environ.get("CHROMIUM"):
        if runnable(Path(named)):
            return Path(named)
        raise NoChromiumError(f"CHROMIUM={named} is not an executable file: {HOW_TO_GET_ONE}")
    for candidate in (system, playwright):
        if candidate is not None and runnable(candidate):
            return candidate
    raise NoChromiumError(
        f"no Chromium for the browser tests ({system} is missing): {HOW_TO_GET_ONE}"
    )


def runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
