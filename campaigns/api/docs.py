"""The API's documentation page (/api/v2/docs), read from the OpenAPI description the views
generate (campaigns.api.schema), in the reader's language: what is said there is said here,
so an endpoint without a description shows on the page without one."""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator

# The page reads as a script writer meets the API: the entry point, then people, tags, events.
ORDER = ["", "people", "tags", "events"]
METHODS = ["get", "post", "put", "delete"]
PREFIX = "/api/v2"
LEFT_OUT = {PREFIX + "/schema"}  # the description itself: the page links to it instead
CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    text: SafeString


@dataclass(frozen=True)
class Answer:
    code: str
    text: SafeString


@dataclass(frozen=True)
class Operation:
    method: str
    summary: str
    text: SafeString
    parameters: list[Parameter]
    answers: list[Answer]


@dataclass(frozen=True)
class Endpoint:
    path: str
    operations: list[Operation]


@cache
def openapi(language: str) -> dict[str, Any]:
    """The OpenAPI document in `language`; written once per language and process (the views
    do not change while it runs)."""
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


@cache
def endpoints(language: str) -> list[Endpoint]:
    """Each path of the description with its operations, in ORDER."""
    paths = openapi(language)["paths"]
    with translation.override(language):
        found = [
            Endpoint(path, [_operation(path, m, item[m]) for m in METHODS if m in item])
            for path, item in paths.items()
            if path not in LEFT_OUT
        ]
    return sorted(found, key=lambda endpoint: (_area(endpoint.path), endpoint.path))


def _area(path: str) -> int:
    first = path.removeprefix(PREFIX).strip("/").split("/")[0]
    return ORDER.index(first) if first in ORDER else len(ORDER)


def _operation(path: str, method: str, operation: dict[str, Any]) -> Operation:
    """An operation as the page shows it: the path's ids first, in the path's order."""
    where = {"path": _("in the path"), "query": _("in the query string")}
    parameters = sorted(
        operation.get("parameters", []),
        key=lambda p: (p["in"] != "path", path.find("{" + p["name"] + "}")),
    )
    return Operation(
        method=method.upper(),
        summary=operation.get("summary", ""),
        text=prose(operation.get("description", "")),
        parameters=[
            Parameter(p["name"], where.get(p["in"], p["in"]), prose(p.get("description", "")))
            for p in parameters
        ],
        answers=[
            Answer(code, prose(answer.get("description", "")))
            for code, answer in sorted(operation.get("responses", {}).items())
        ],
    )


def prose(text: str) -> SafeString:
    """A description as HTML: escaped, with `code` in <code>. The API's names and JSON are
    English whatever the page's language (`and` in a filter, `needs action`), so every <code>
    on the page says so, for a screen reader's voice."""
    escaped = str(escape(text))
    return mark_safe(CODE.sub(r'<code lang="en">\1</code>', escaped))  # noqa: S308 - escaped above
