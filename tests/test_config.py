"""Set-up mistakes give one clear line naming what to fix, never a traceback wall."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG = "k3Jx9-pQ2vLm8RtYw4Zb7NcFh1Gd6Se0Ua5Ko2Ip9Xq3Vj7Wn4Tz8Ey1Br6Ml0Hs"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE"}}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_it_refuses_to_start_without_a_secret_key():
    assert_one_line(run("manage.py", "check"), "SECRET_KEY")


def test_the_missing_migrations_check_needs_no_secret_key():
    """It only reads the code: a fresh checkout can run it (a throwaway key is made up)."""
    result = run("manage.py", "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("weak", ["changeme", "x" * 60, "django-insecure-" + STRONG])
def test_it_refuses_a_weak_secret_key(weak):
    assert_one_line(run("manage.py", "check", SECRET_KEY=weak), "SECRET_KEY", "weak")


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(STRONG + "\n")

    result = run("manage.py", "check", SECRET_KEY_FILE=str(secret))

    assert result.returncode == 0, result.stderr


def test_it_names_an_unreadable_secret_key_file(tmp_path):
    result = run("manage.py", "check", SECRET_KEY_FILE=str(tmp_path / "missing"))

    assert_one_line(result, "SECRET_KEY_FILE")


def test_the_web_server_entry_point_says_the_same_one_line():
    assert_one_line(run("-c", "import organizing.wsgi"), "SECRET_KEY")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/majority"),
        ("DATABASE_URL", "postgres://localhost:5432"),
        ("REDIS_URL", "localhost:6379"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("SMS_URL", "twilio://api.twilio.com"),  # no account, token or sender
        ("HEALTH_PULSE_SECONDS", "90"),  # longer than half the silence allowed (120 s)
    ],
)
def test_it_names_a_malformed_variable(variable, value):
    assert_one_line(run("manage.py", "check", SECRET_KEY=STRONG, **{variable: value}), variable)


def test_it_names_an_unreachable_database_and_hides_its_password():
    url = "postgres://organizer:hunter2@127.0.0.1:1/majority"

    result = run("manage.py", "migrate", SECRET_KEY=STRONG, DATABASE_URL=url)

    assert_one_line(result, "cannot reach Postgres", "DATABASE_URL", "127.0.0.1:1")
    assert "hunter2" not in result.stderr


def test_it_names_redis_when_redis_is_down():
    code = "from django.core.cache import cache; cache.get('x')"

    result = run(
        "manage.py", "shell", "-c", code, SECRET_KEY=STRONG, REDIS_URL="redis://127.0.0.1:1/0"
    )

    assert_one_line(result, "cannot reach Redis", "REDIS_URL")


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_the_celery_processes_say_the_same_one_line(service):
    assert_one_line(run("-m", "celery", "-A", "organizing", service), "SECRET_KEY")


def test_every_variable_the_settings_read_is_documented_in_env_example():
    import re

    read = set()
    for module in ("organizing/settings.py", "organizing/config.py"):
        source = (ROOT / module).read_text()
        read |= set(re.findall(r'env\.(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "the pattern no longer finds how settings are read"
    assert read - documented == set()
