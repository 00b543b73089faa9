"""The API's documentation page, /api/v2/docs: public, like the OpenAPI description it is
read from, in the reader's language, and plain HTML (no script, nothing from elsewhere)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from campaigns.api.docs import endpoints
from campaigns.api.osdi import MAX_PER_PAGE


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    context = {
        "endpoints": endpoints(get_language() or settings.LANGUAGE_CODE),
        "rate": settings.API_RATE,
        "per_page": MAX_PER_PAGE,
    }
    return render(request, "campaigns/api/docs.html", context)
