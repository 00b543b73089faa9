"""The deployment's health: /healthz/system for an uptime monitor (JSON, no login), the System
page for a committee's leads (the same in words, with the outbox's recent failures), and
/metrics for Prometheus (behind a bearer token)."""

import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns.outbox.selectors import outbox_failures
from campaigns.system.metrics import metrics_page
from campaigns.system.selectors import Check, system_health
from members.access import membership_for_user
from members.clock import zone_for
from members.http import AuthedHttpRequest

FAILURES_SINCE = timedelta(hours=24)


@never_cache
@require_GET
def healthz_system(request: HttpRequest) -> JsonResponse:
    """200 when every part is within its threshold; 503 with `problems` naming each that is
    not. Ages and states only: nothing of any committee."""
    checks = system_health()
    problems = [check.problem() for check in checks if not check.ok]
    body = {
        "status": "unavailable" if problems else "ok",
        "problems": problems,
        **{check.name: check.as_json() for check in checks},
    }
    return JsonResponse(body, status=503 if problems else 200)


@login_required
@require_GET
def system(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The checks in words and the committee's failed messages of the last 24 hours: the
    committee's leads only (anyone else gets the 404 of a page that does not exist)."""
    membership = membership_for_user(request.user, committee_id)
    if not membership.is_lead:
        raise Http404
    now = timezone.now()
    checks = system_health(now=now)
    context = {
        "committee": membership.committee,
        "treasurer": membership.is_treasurer,
        "healthy": all(check.ok for check in checks),
        "lines": [check_words(check) for check in checks],
        "failures": outbox_failures(committee=membership.committee, since=now - FAILURES_SINCE),
    }
    with timezone.override(zone_for(membership.committee)):  # failures in the committee's zone
        return render(request, "campaigns/system/system.html", context)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's page, for the bearer of METRICS_TOKEN; a 404 when none is set, as if
    there were no such page, and a 404 to a wrong token too (nothing to guess at)."""
    token = settings.METRICS_TOKEN
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme != "Bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return metrics_page()


# --- In words -----------------------------------------------------------------------------------


def check_words(check: Check) -> dict:
    """The check as the System page says it: what the part is, and how it is."""
    return {"name": check.name, "ok": check.ok, "title": TITLES[check.name], **_says(check)}


TITLES = {
    "postgres": gettext_lazy("Database (Postgres)"),
    "redis": gettext_lazy("Task queue (Redis)"),
    "worker": gettext_lazy("Worker: sends invitations, reminders and nudges"),
    "beat": gettext_lazy("Beat: hands what is due to the worker"),
    "outbox": gettext_lazy("Outbox"),
    "backup": gettext_lazy("Backups"),
}


def _says(check: Check) -> dict:
    age = duration(check.age) if check.age is not None else ""
    limit = duration(check.limit) if check.limit is not None else ""
    words = {"age": age, "limit": limit, "error": check.error}
    sentence = SENTENCES[(check.name, check.state)] % words
    return {"sentence": sentence}


SENTENCES = {
    ("postgres", "ok"): gettext_lazy("Answering."),
    ("postgres", "down"): gettext_lazy("Not answering (%(error)s). Nothing can be read or saved."),
    ("redis", "ok"): gettext_lazy("Answering."),
    ("redis", "down"): gettext_lazy(
        "Not answering (%(error)s). Nothing new reaches the worker, and sessions are slower."
    ),
    ("worker", "ok"): gettext_lazy("Last heard from %(age)s ago."),
    ("worker", "silent"): gettext_lazy(
        "Silent for %(age)s (more than %(limit)s): no invitation, reminder or nudge is being "
        "sent. Restart the worker."
    ),
    ("worker", "never"): gettext_lazy(
        "Never heard from: no worker has started, so nothing is sent. Start the worker."
    ),
    ("beat", "ok"): gettext_lazy("Last heard from %(age)s ago."),
    ("beat", "silent"): gettext_lazy(
        "Silent for %(age)s (more than %(limit)s): reminders and nudges that fall due are not "
        "handed to the worker. Restart the beat (exactly one)."
    ),
    ("beat", "never"): gettext_lazy(
        "Never heard from: no beat has started, so nothing due is sent. Start the beat."
    ),
    ("outbox", "ok"): gettext_lazy(
        "On time: the oldest message due has waited %(age)s (at most %(limit)s allowed)."
    ),
    ("outbox", "late"): gettext_lazy(
        "Behind: the oldest message due has waited %(age)s (more than %(limit)s)."
    ),
    ("backup", "off"): gettext_lazy("Not set up here: no backup directory (BACKUP_DIR) is set."),
    ("backup", "ok"): gettext_lazy("The last good backup was made %(age)s ago."),
    ("backup", "late"): gettext_lazy(
        "The last good backup was made %(age)s ago (more than %(limit)s)."
    ),
    ("backup", "never"): gettext_lazy("No good backup has been made yet."),
    ("backup", "failed"): gettext_lazy("The last backup failed: %(error)s"),
    **{
        (name, "unknown"): gettext_lazy("Unknown while the database does not answer.")
        for name in ("worker", "beat", "outbox", "backup")
    },
}


def duration(span: timedelta) -> str:
    """ "42 seconds", "3 minutes", "1 day, 2 hours": in the reader's language."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    end = timezone.now()
    return timesince(end - timedelta(seconds=seconds), end, depth=2)
