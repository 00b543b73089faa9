"""The API's OpenAPI description (drf-spectacular): how each view is named and what it takes
and gives, and the token as its security scheme."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes


class OsdiSchema(AutoSchema):
    """Every body and answer is an OSDI HAL+JSON object (their shapes are Action Network's,
    linked from the README), not a serializer's fields; each operation is named after its
    path and method ("people_get", "people_person_id_put"), so no two share a name."""

    def get_operation_id(self) -> str:
        path = self.path.rstrip("/").removeprefix("/api/v2").strip("/")
        words = [part.strip("{}") for part in path.split("/")] if path else ["entry"]
        return "_".join([*words, self.method.lower()])

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
