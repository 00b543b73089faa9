"""The OpenAPI description's finishing touches (drf-spectacular's post-processing hooks)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

# What every OSDI answer and body is: HAL+JSON objects, described in words (OSDI's shapes
# are Action Network's, linked from the README), not field by field.
osdi_object = extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)


def without_trailing_slash(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Routes answer with and without a trailing slash; the description names them as our
    links do, without one."""
    result["paths"] = {
        (path.rstrip("/") or "/"): item for path, item in result.get("paths", {}).items()
    }
    return result
