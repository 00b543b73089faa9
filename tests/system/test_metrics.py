"""/metrics, for Prometheus: the health figures and request latency, for the bearer of
METRICS_TOKEN only; without a token set it is a 404 like any page that does not exist."""

import re

import pytest
from django.urls import reverse

from members.heartbeats import heartbeat_record

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-metrics-token-0123456789"  # noqa: S105


def test_without_a_token_configured_it_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", TOKEN, f"Basic {TOKEN}"])
def test_it_refuses_a_missing_or_wrong_token(client, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **extra)

    assert response.status_code == 404
    assert b"majority_" not in response.content


def test_the_bearer_reads_the_health_figures_and_request_latency(client, settings, lead):
    settings.METRICS_TOKEN = TOKEN
    settings.BACKUP_DIR = ""
    heartbeat_record("worker")  # the beat never started
    before = home_requests(scrape(client))
    client.force_login(lead)
    client.get(reverse("home"))
    client.logout()

    text = scrape(client)

    assert 'majority_check_ok{check="worker"} 1.0' in text
    assert 'majority_check_ok{check="beat"} 0.0' in text
    assert 'majority_check_ok{check="postgres"} 1.0' in text
    assert 'majority_check_limit_seconds{check="worker"} 120.0' in text
    assert 'majority_check_age_seconds{check="outbox"} 0.0' in text
    assert home_requests(text) == before + 1  # counted by URL name, never by path


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def home_requests(text: str) -> float:
    """How many GETs of the home page answered 2xx, as the latency histogram counted them."""
    series = 'majority_request_duration_seconds_count{method="GET",status="2xx",view="home"} '
    found = re.search(re.escape(series) + r"([0-9.]+)", text)
    return float(found.group(1)) if found else 0.0
