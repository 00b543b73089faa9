"""Reading settings from the environment, failing loudly with one line that names the variable.

A volunteer deploying this for their committee should never read a traceback to learn that a
variable is missing: every problem found here raises ConfigError, and the entry points
(manage.py, wsgi, asgi, the Celery app) print its message alone and exit.
"""

import sys
import zoneinfo
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import environ


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and the fix."""


env = environ.Env()

WEAK_SECRET_MIN_LENGTH = 50
WEAK_SECRET_MIN_UNIQUE = 5
DEV_SECRET_KEY = "django-insecure-majority-local-development-only"  # noqa: S105


def secret_key(*, debug: bool) -> str:
    """SECRET_KEY from the variable or from the file SECRET_KEY_FILE names.

    With DEBUG off a missing or weak key is refused: sessions, password-reset links and
    RSVP links are all signed with it.
    """
    value = env.str("SECRET_KEY", default="")
    path = env.str("SECRET_KEY_FILE", default="")
    if not value and path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"SECRET_KEY_FILE={path} cannot be read: {exc.strerror}") from exc
    if debug and not value:
        return DEV_SECRET_KEY
    if not value:
        raise ConfigError(
            "SECRET_KEY is not set: set SECRET_KEY (or SECRET_KEY_FILE) to 50+ random characters, "
            "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not debug and is_weak_secret(value):
        raise ConfigError(
            "SECRET_KEY is too weak for DEBUG off: use 50+ random characters, "
            "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


def is_weak_secret(value: str) -> bool:
    return (
        len(value) < WEAK_SECRET_MIN_LENGTH
        or len(set(value)) < WEAK_SECRET_MIN_UNIQUE
        or value.startswith("django-insecure")
    )


def database(url_var: str = "DATABASE_URL", *, default: str) -> dict:
    raw = env.str(url_var, default=default)
    if not raw.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ConfigError(
            f"{url_var}={redact(raw)} is not a Postgres URL: "
            "use postgres://USER:PASSWORD@HOST:PORT/NAME"
        )
    try:
        config = env.db_url_config(raw)
    except Exception as exc:  # noqa: BLE001 - django-environ raises bare exceptions on bad URLs
        raise ConfigError(f"{url_var}={redact(raw)} cannot be read: {exc}") from exc
    if not config.get("NAME"):
        raise ConfigError(f"{url_var}={redact(raw)} names no database: add /NAME at the end")
    return config


def redis_url(default: str) -> str:
    raw = env.str("REDIS_URL", default=default)
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL={redact(raw)} is not a Redis URL: use redis://HOST:PORT/DB")
    return raw


# Prints each email as a readable block instead of sending it (organizing/mail.py): the
# default with DEBUG on, so `make run` shows its login codes and links.
DEMO_EMAIL = {"demomail://": {"EMAIL_BACKEND": "organizing.mail.DemoEmailBackend"}}


def email(default: str) -> dict:
    raw = env.str("EMAIL_URL", default=default)
    if raw in DEMO_EMAIL:
        return DEMO_EMAIL[raw]
    try:
        return env.email_url_config(raw)
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(
            f"EMAIL_URL={redact(raw)} cannot be read ({exc}): "
            "use smtp://USER:PASSWORD@HOST:587 or smtp+tls://… or demomail://"
        ) from exc


def sms(default: str) -> dict:
    """SMS_URL: console:// (print), locmem:// (kept in memory, for tests), or
    twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B15551230000 (twilio+http:// talks
    plain HTTP, for a stand-in server on loopback)."""
    raw = env.str("SMS_URL", default=default)
    parts = urlsplit(raw)
    if parts.scheme in ("console", "locmem"):
        return {"backend": parts.scheme}
    sender = parse_qs(parts.query).get("from", [""])[0]
    if parts.scheme in ("twilio", "twilio+http") and parts.username and parts.password and sender:
        http = "http" if parts.scheme == "twilio+http" else "https"
        return {
            "backend": "twilio",
            "base_url": f"{http}://{parts.netloc.rpartition('@')[2]}",
            "account": unquote(parts.username),
            "token": unquote(parts.password),
            "sender": sender,
        }
    raise ConfigError(
        f"SMS_URL={redact(raw)} cannot be read: use console:// or "
        "twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B15551230000"
    )


def time_zone(default: str) -> str:
    name = env.str("TIME_ZONE", default=default)
    if name not in zoneinfo.available_timezones():
        raise ConfigError(f"TIME_ZONE={name} is not a known time zone: use e.g. America/Chicago")
    return name


def health() -> dict[str, int]:
    """The health checks' pulse and thresholds, in seconds. A pulse as long as the silence
    allowed would report a healthy worker as silent between two pulses: refused."""
    values = {
        "pulse_seconds": env.int("HEALTH_PULSE_SECONDS", default=30),
        "silent_seconds": env.int("HEALTH_SILENT_SECONDS", default=120),
        "outbox_lag_seconds": env.int("HEALTH_OUTBOX_LAG_SECONDS", default=300),
        "backup_age_seconds": env.int("HEALTH_BACKUP_HOURS", default=36) * 3600,
    }
    if not 0 < values["pulse_seconds"] * 2 <= values["silent_seconds"]:
        raise ConfigError(
            "HEALTH_PULSE_SECONDS must be positive and at most half of HEALTH_SILENT_SECONDS "
            f"(now {values['pulse_seconds']} and {values['silent_seconds']})"
        )
    return values


def secret(name: str) -> str:
    """A secret from the variable `name` or from the file `name`_FILE names; "" when neither."""
    value = env.str(name, default="")
    path = env.str(f"{name}_FILE", default="")
    if not value and path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
    return value


class OutboxTiming(NamedTuple):
    """How long the outbox's send task may take, in seconds (see outbox_timing)."""

    lease: int  # a message a worker claimed is its own this long
    time_limit: int  # the task is killed after this (Celery's hard time limit)
    soft_time_limit: int  # ...and told to stop after this
    batch: int  # ...and takes no new message after this


# Seconds between the lease and the hard time limit (the clocks of the beat's machine and the
# worker's may differ a little), and between the hard and the soft limit (to record the
# message in hand when the soft limit strikes).
OUTBOX_MARGIN = 10
# Times the last message of a batch may wait on the mail server, EMAIL_TIMEOUT each: to
# connect, to send, to say goodbye.
OUTBOX_LAST_SEND_WAITS = 3


def outbox_timing(*, email_timeout: int) -> OutboxTiming:
    """OUTBOX_LEASE_SECONDS, and the send task's limits derived from it and EMAIL_TIMEOUT.

    A worker killed mid-batch leaves its messages claimed; the beat hands them out again once
    their lease ran out. That is safe only if the lease outlasts the task that claimed them:
    the task is killed before the lease ends, told to stop before that, and stops taking new
    messages early enough for the last one to finish however long the mail server makes it
    wait. A lease too short for that is refused, with the shortest that works."""
    if email_timeout < 1:
        raise ConfigError(f"EMAIL_TIMEOUT={email_timeout} must be at least 1 (seconds)")
    lease = env.int("OUTBOX_LEASE_SECONDS", default=120)
    time_limit = lease - OUTBOX_MARGIN
    soft_time_limit = time_limit - OUTBOX_MARGIN
    batch = soft_time_limit - OUTBOX_LAST_SEND_WAITS * email_timeout
    # A batch has at least one EMAIL_TIMEOUT to take messages in.
    shortest = 2 * OUTBOX_MARGIN + (OUTBOX_LAST_SEND_WAITS + 1) * email_timeout
    if lease < shortest:
        raise ConfigError(
            f"OUTBOX_LEASE_SECONDS={lease} is shorter than a batch of messages may take with "
            f"EMAIL_TIMEOUT={email_timeout}: use at least {shortest}, or a shorter EMAIL_TIMEOUT"
        )
    return OutboxTiming(lease, time_limit, soft_time_limit, batch)


def redact(url: str) -> str:
    """The URL with any password replaced, so error messages never print secrets."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def load_settings_or_exit() -> None:
    """Load Django settings now; on a ConfigError print its one line and exit with status 2."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads the module
    except ConfigError as exc:
        sys.stderr.write(f"Majority cannot start: {exc}\n")
        sys.exit(2)


def explain_startup_failure(exc: BaseException) -> str | None:
    """One line for a dependency that is down, or None when exc is a real bug worth a traceback."""
    import redis
    from django.db import OperationalError as DatabaseError

    if isinstance(exc, DatabaseError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        url = redact(env.str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/majority"))
        return f"cannot reach Postgres at DATABASE_URL={url}: {first}"
    if isinstance(exc, redis.exceptions.ConnectionError):
        url = redact(env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"))
        return f"cannot reach Redis at REDIS_URL={url}: {exc}"
    return None
