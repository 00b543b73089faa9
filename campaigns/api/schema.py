"""The API's OpenAPI description (drf-spectacular): how each view is named and what it takes
and gives, and the token as its security scheme."""

import re
from typing import TYPE_CHECKING, Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from campaigns.api import osdi

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OsdiSchema(AutoSchema):
    """Every body and answer is an OSDI HAL+JSON object (their shapes are Action Network's,
    linked from the README), not a serializer's fields; each operation is named after its
    path and method ("people_get", "people_person_id_put"), so no two share a name."""

    def get_operation_id(self) -> str:
        path = self.path.rstrip("/").removeprefix("/api/v2").strip("/")
        words = [part.strip("{}") for part in path.split("/")] if path else ["entry"]
        return "_".join([*words, self.method.lower()])

    def get_override_parameters(self) -> list[Any]:
        """Every id in a path ({person_id}, {tag_id}…) is described once, here."""
        ids = [
            OpenApiParameter(name, str, OpenApiParameter.PATH, description=ID)
            for name in re.findall(r"{(\w+)}", self.path)
        ]
        return [*ids, *super().get_override_parameters()]

    def get_description(self) -> str:
        """Only what extend_schema says, in the reader's language: a docstring is English,
        written for whoever reads the code."""
        return ""

    def get_request_serializer(self) -> Any:
        return OpenApiTypes.OBJECT

    def get_response_serializers(self) -> Any:
        return OpenApiTypes.OBJECT


class TokenScheme(OpenApiAuthenticationExtension):
    """The token, as Action Network's clients send it (Authorization: Bearer works too)."""

    target_class = "campaigns.api.auth.TokenAuthentication"
    name = "OSDI-API-Token"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}


def without_trailing_slash(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Routes answer with and without a trailing slash; the description names them as our
    links do, without one."""
    result["paths"] = {
        (path.rstrip("/") or "/"): item for path, item in result.get("paths", {}).items()
    }
    return result


# ---------------------------------------------------------------------------------------------
# What the description says, for a script writer, in the reader's language (the strings are
# lazy: drf-spectacular reads them while it writes the document, in the request's language).
# The page at /api/v2/docs draws on the same words; `code` is in backticks, as in CommonMark.

PAGE = OpenApiParameter(
    "page",
    int,
    OpenApiParameter.QUERY,
    description=_("Which page, from 1. A page past the last one is empty, not an error."),
)
PER_PAGE = OpenApiParameter(
    "per_page",
    int,
    OpenApiParameter.QUERY,
    description=_("How many to a page: 25 at most, and 25 when not given."),
)
FILTER = _(
    "Conditions in OData style, joined by `and`. A date is compared with `gt` or `lt` "
    "(`modified_date gt '2026-11-01'`: a date alone is midnight UTC), any other field with "
    "`eq` (`identifier eq 'majority:…'`). Fields here: {fields}."
)
ID = _("The uuid of its `majority:<uuid>` identifier.")
PAGING = [PAGE, PER_PAGE]


def collection_parameters(kind: str) -> list[OpenApiParameter]:
    """Paging and `filter`, which names the fields this collection filters on
    (osdi.FILTER_FIELDS)."""
    fields = ", ".join(f"`{name}`" for name in sorted(osdi.FILTER_FIELDS[kind]))
    described = OpenApiParameter(
        "filter", str, OpenApiParameter.QUERY, description=format_lazy(FILTER, fields=fields)
    )
    return [*PAGING, described]


ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
ANSWERS = {
    400: _("The page, the filter or the body is not right; `error` says why."),
    401: _("No token, or one that is unknown or revoked."),
    403: _("The token may only read."),
    404: _("Not found, or outside the token's scope: the two look the same."),
    413: _("The body is over a million bytes."),
    429: _("Too many requests from this token: wait the seconds `Retry-After` gives."),
}


def answers(*codes: int, ok: "StrOrPromise | None" = None) -> dict[int, OpenApiResponse]:
    """The answers an operation gives: 200 (`ok` says what it holds) and the errors among
    `codes`, each `{"error": "…"}`; every one may be 401 or 429."""
    found = {200: OpenApiResponse(OpenApiTypes.OBJECT, description=ok or _("The answer."))}
    for code in sorted({*codes, 401, 429}):
        found[code] = OpenApiResponse(ERROR, description=ANSWERS[code])
    return found


WRITES = (400, 403, 413)  # a write's body may be wrong or too large, and its token read only
