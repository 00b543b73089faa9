"""The API's wire format, as Action Network's clients expect it: every answer is
`application/hal+json` whatever the client asks for, bodies are JSON (with either content
type), and every error is OSDI's `{"error": "…"}`."""

from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from campaigns.api.osdi import OsdiError


class HalJsonRenderer(JSONRenderer):
    media_type = "application/hal+json"


class HalJsonParser(JSONParser):
    media_type = "application/hal+json"


class AlwaysHal(BaseContentNegotiation):
    """Clients send all sorts of Accept headers (or none); Action Network answers HAL+JSON to
    all of them, so we do: no 406."""

    def select_parser(self, request: Any, parsers: list) -> Any:
        for parser in parsers:
            if request.content_type.split(";")[0].strip() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request: Any, renderers: list, format_suffix: Any = None) -> tuple:
        return renderers[0], renderers[0].media_type


def osdi_exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST framework's answer (status, Retry-After…), with OSDI's error body; our own
    refusals (campaigns.api.osdi.OsdiError) as they say."""
    if isinstance(exc, OsdiError):
        return Response(exc.body(), status=exc.status, headers=exc.headers)
    response = exception_handler(exc, context)
    if response is not None:
        data = response.data
        if isinstance(data, dict) and "detail" in data:
            response.data = {"error": str(data["detail"])}
        elif not (isinstance(data, dict) and "error" in data):
            response.data = {"error": str(data)}
    return response
