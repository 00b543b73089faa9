"""The README points only at files in the repository: a newcomer who follows a link or opens a
path it names finds it there, never a file on the machine it was written on."""

import re
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target)
NOT_A_FILE = re.compile(r"^([a-z][a-z0-9+.-]*:|#)")  # https://…, mailto:…, #a-heading
# Files the reader makes by following the README ("To add a language, say Portuguese").
MADE_BY_THE_READER = {"organizing/formats/pt/formats.py", "locale/pt/LC_MESSAGES/django.po"}


@cache
def git_files(*options: str) -> tuple[str, ...]:
    command = ["git", "ls-files", *options]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return tuple(output.splitlines())


@cache
def in_repository_now() -> frozenset[str]:
    """Every file in the repository (or about to be: new and not ignored), and every folder
    that holds one (as `folder/`). Not .data/ or .venv/: only a machine that ran it has them."""
    files = git_files("--cached", "--others", "--exclude-standard")
    folders = {f"{parent}/" for name in files for parent in Path(name).parents}
    return frozenset(files) | folders - {"./"}


def in_repository(path: str) -> bool:
    return path.rstrip("/") in in_repository_now() or path.rstrip("/") + "/" in in_repository_now()


def named_paths(text: str) -> list[str]:
    """Paths the text names that start in one of the repository's top-level folders or files,
    or go up out of it (../); cut at a placeholder such as <area>, trailing punctuation dropped.
    """
    pattern = re.compile(rf"(?<![\w./:@-])(?:{top_level()})[^\s`<>()'\"|,;]*")
    return [match.rstrip(".:") for match in pattern.findall(text)]


@cache
def top_level() -> str:
    """A regex alternation: ../, each top-level folder followed by /, each top-level file."""
    files = git_files("--cached")
    folders = {name.split("/")[0] for name in files if "/" in name}
    alone = {name for name in files if "/" not in name}
    return "|".join(
        [r"\.\./"]
        + [re.escape(folder) + "/" for folder in sorted(folders, key=len, reverse=True)]
        + [re.escape(name) + r"(?![\w.@/-])" for name in sorted(alone, key=len, reverse=True)]
    )


def test_every_relative_link_in_the_readme_is_a_file_in_the_repository():
    links = [link for link in LINK.findall(README.read_text()) if not NOT_A_FILE.match(link)]

    missing = [link for link in links if not in_repository(link.split("#")[0].removeprefix("./"))]

    assert missing == []


def test_every_path_the_readme_names_is_in_the_repository():
    paths = named_paths(README.read_text())

    missing = sorted({path for path in paths if not in_repository(path)} - MADE_BY_THE_READER)

    assert "tests/conftest.py" in paths and "devstack/" in paths  # the check reads the README
    assert missing == []


def test_a_path_outside_the_repository_or_missing_is_caught():
    text = (
        "The words are in `../shared/DOMAIN.md`; see [the style](../STYLE.md), "
        "`tests/conftest.py`, `devstack/postgres.py`, `templates/campaigns/<area>/` "
        "and `bench/no_such_benchmark.py`."
    )

    paths = named_paths(text)

    assert paths == [
        "../shared/DOMAIN.md",
        "../STYLE.md",
        "tests/conftest.py",
        "devstack/postgres.py",
        "templates/campaigns/",
        "bench/no_such_benchmark.py",
    ]
    assert [path for path in paths if not in_repository(path)] == [
        "../shared/DOMAIN.md",
        "../STYLE.md",
        "bench/no_such_benchmark.py",
    ]
    assert [link for link in LINK.findall(text) if not in_repository(link)] == ["../STYLE.md"]
