"""Request latency for Prometheus (prometheus-client), measured around the whole middleware
stack. /metrics itself is campaigns/system's: it adds the health figures.

A request is labelled by its URL's *name* (e.g. "rsvp_link"), never its path: paths hold ids
and the sealed tokens of emailed links, and one series per path would grow without end.

Under gunicorn each worker process counts its own requests; set PROMETHEUS_MULTIPROC_DIR (the
image's gunicorn.conf.py does) and /metrics adds them up across processes.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

REQUEST_SECONDS = Histogram(
    "majority_request_duration_seconds",
    "Time to answer an HTTP request, by URL name, method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestLatencyMiddleware:
    """Observes each request's duration in REQUEST_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        REQUEST_SECONDS.labels(
            view=(match.view_name if match else "") or "unmatched",
            method=request.method if request.method in METHODS else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - start)
        return response
