"""Which Chromium the browser tests use (tests/browser.py): the one CHROMIUM names, else
Debian's /usr/bin/chromium, else Playwright's own; with none, a message that says what to do
instead of Playwright's traceback."""

import os
from pathlib import Path

import pytest

from tests.browser import NoChromiumError, chromium_executable


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def debian(tmp_path):
    return tmp_path / "usr" / "bin" / "chromium"


@pytest.fixture
def playwrights(tmp_path):
    return tmp_path / "ms-playwright" / "chromium-1200" / "chrome-linux" / "chrome"


def test_chromium_names_the_browser_even_when_others_are_installed(tmp_path, debian, playwrights):
    mine = executable(tmp_path / "opt" / "chrome")
    executable(debian)
    executable(playwrights)

    found = chromium_executable(
        environ={"CHROMIUM": str(mine)}, system=debian, playwright=playwrights
    )

    assert found == mine


def test_debians_chromium_is_used_when_chromium_is_not_set(debian, playwrights):
    executable(debian)
    executable(playwrights)

    assert chromium_executable(environ={}, system=debian, playwright=playwrights) == debian


def test_without_debians_chromium_playwrights_own_is_found(debian, playwrights):
    executable(playwrights)

    assert chromium_executable(environ={}, system=debian, playwright=playwrights) == playwrights


def test_with_no_chromium_the_message_says_how_to_get_one(debian, playwrights):
    with pytest.raises(NoChromiumError) as error:
        chromium_executable(environ={}, system=debian, playwright=playwrights)

    message = str(error.value)
    assert f"{debian} is missing" in message
    assert "apt install chromium" in message
    assert ".venv/bin/playwright install chromium" in message
    assert "CHROMIUM=" in message


def test_a_chromium_that_is_not_there_is_named_not_skipped(tmp_path, debian):
    executable(debian)
    wrong = tmp_path / "nowhere" / "chrome"

    with pytest.raises(NoChromiumError, match=f"CHROMIUM={wrong} is not an executable file"):
        chromium_executable(environ={"CHROMIUM": str(wrong)}, system=debian, playwright=None)


def test_the_browser_tests_launch_the_chromium_found(browser_type_launch_args, page):
    """The lookup is what conftest hands Playwright: the browser it names starts and renders."""
    path = Path(browser_type_launch_args["executable_path"])
    assert path.is_file() and os.access(path, os.X_OK)

    page.set_content("<h1>Majority</h1>")
    assert page.inner_text("h1") == "Majority"
