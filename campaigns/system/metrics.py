"""The page Prometheus scrapes: the health checks as gauges, read afresh at each scrape (so
every web process gives the same answer), and request latency (organizing/metrics.py)."""

import os
from collections.abc import Iterator

from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from campaigns.system.selectors import system_health


class HealthCollector(Collector):
    """majority_check_ok{check}, majority_check_age_seconds{check} and
    majority_check_limit_seconds{check}: the figures of /healthz/system."""

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily(
            "majority_check_ok", "1 when the check is within its threshold.", labels=["check"]
        )
        age = GaugeMetricFamily(
            "majority_check_age_seconds",
            "Seconds since the worker's or beat's last pulse, since the oldest message due "
            "in the outbox fell due, since the last good backup.",
            labels=["check"],
        )
        limit = GaugeMetricFamily(
            "majority_check_limit_seconds", "The check's threshold.", labels=["check"]
        )
        for check in system_health():
            ok.add_metric([check.name], 1 if check.ok else 0)
            if check.age is not None:
                age.add_metric([check.name], check.age.total_seconds())
            if check.limit is not None:
                limit.add_metric([check.name], check.limit.total_seconds())
        yield from (ok, age, limit)


def metrics_page() -> HttpResponse:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every gunicorn worker's counts, added up
    else:
        registry.register(_Default())
    registry.register(HealthCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class _Default(Collector):
    """This process's own metrics (latency, and the process and Python ones)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
