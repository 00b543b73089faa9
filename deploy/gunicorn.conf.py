"""Gunicorn settings for the Majority web container (the image's default command uses this file).

Every value can be changed from the environment without rebuilding the image:

    WEB_CONCURRENCY     worker processes            (default: 2 x CPUs + 1, at most 4)
    GUNICORN_THREADS    threads per worker          (default: 4)
    GUNICORN_TIMEOUT    seconds before a stuck worker is killed and replaced (default: 30)
    FORWARDED_ALLOW_IPS peers allowed to set X-Forwarded-* for gunicorn (default: *)

Each thread may hold its own Postgres connection (CONN_MAX_AGE), so one web container uses up
to WEB_CONCURRENCY x GUNICORN_THREADS connections: keep the sum over all web containers and
Celery workers below Postgres's max_connections (100 by default).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


bind = "0.0.0.0:8000"  # the image EXPOSEs and health-checks this port
# Threads are cheap and most of a request is spent waiting on Postgres, Redis or SMTP.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 4))
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
# Docker's default stop timeout is 10 s; docker-compose.yml gives web 40 s to finish requests.
graceful_timeout = 30
# The reverse proxy keeps connections to us open; let it reuse them a little longer than the
# 2 s default so it is not the proxy that has to retry on a connection gunicorn just closed.
keepalive = 5
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file of each worker: /dev/shm is memory, so a slow disk can't make gunicorn
# think a worker is stuck (the usual advice for containers).
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, nothing secret
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

# Logs go to the container's stdout/stderr; `docker compose logs web` shows them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address is the proxy's, so log the X-Forwarded-For it sends as well.
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Django itself decides whether a request was HTTPS (SECURE_PROXY_SSL_HEADER trusts the
# proxy's X-Forwarded-Proto), so the one protection is that nothing but the proxy can reach
# this port. Trusting every peer here keeps gunicorn's own idea of the scheme in step.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Gunicorn >= 25.1 opens a control socket under $HOME for `gunicornc`; a container is
# managed through Docker instead.
control_socket_disable = True

# /metrics adds up the request latency every worker process counted (prometheus-client's
# multiprocess mode): each writes its counts to files in this directory, new for each start.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="majority-metrics-", dir=_SHM if os.path.isdir(_SHM) else None
    )


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    """A recycled worker's live gauges go with it; its counts stay in the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
