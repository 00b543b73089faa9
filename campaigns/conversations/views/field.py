"""Field mode's own addresses: the service worker, the web app manifest, the page shown
offline for what is not kept, and the session a queued log is sent in
(campaigns.conversations.field)."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render, resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns.conversations.field import asset_urls, queue_key
from campaigns.conversations.selectors.mylist import my_list_allowed
from members.http import AuthedHttpRequest


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the top of the site so it may keep My list (/my-list/) and the
    log pages (/campaigns/…/log/). Its code is static/js/field-sw.js; this says which files
    and pages it keeps. It holds no one's data: anyone may fetch it."""
    config = {
        "assets": asset_urls(),
        "offline": reverse("field_offline"),
        "session": reverse("field_session"),
        "login": resolve_url(settings.LOGIN_URL),
        "hours": settings.FIELD_CACHE_HOURS,
    }
    body = (
        f"self.MAJORITY_FIELD = {json.dumps(config)};\n"
        f"importScripts({json.dumps(static('js/field-queue.js'))}, "
        f"{json.dumps(static('js/field-sw.js'))});\n"
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Majority installs on a phone's home screen, opening My list."""
    data = {
        "name": "Majority",
        "short_name": "Majority",
        "description": _("Log one-on-ones and keep your list, even with no signal."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("my_list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f5f2",
        "theme_color": "#7a1f2b",
        "icons": [
            {"src": static("icons/majority-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/majority-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def field_offline(request: HttpRequest) -> HttpResponse:
    """What a phone with no signal shows for a page it did not keep. Fetched by the service
    worker without cookies, so it holds nothing of anyone's."""
    return render(request, "campaigns/conversations/field/offline.html")


@login_required
@require_GET
def field_session(request: AuthedHttpRequest) -> JsonResponse:
    """For the browser about to send queued logs: who is signed in, the key their queue is
    encrypted with, and a CSRF token for the sends. Only for those who have a My list."""
    if not my_list_allowed(request.user):
        raise Http404
    return JsonResponse(
        {
            "user": request.user.pk,
            "key": queue_key(request.user),
            "csrf": get_token(request),
            "hours": settings.FIELD_CACHE_HOURS,
        }
    )
