"""The API entry point, /api/v2/: what this server offers, as Action Network's does."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api import osdi
from campaigns.api.auth import HasToken, TokenAuthentication, TokenThrottle
from campaigns.api.http import AlwaysHal, HalJsonParser, HalJsonRenderer
from campaigns.api.osdi import OsdiError
from campaigns.api.schema import answers
from campaigns.models import ApiToken
from members.audit import audit_record, client_ip
from members.models import AuditEvent

MAX_PAGE_SIZE = 25  # Action Network's
MAX_BODY = 1_000_000  # bytes: a person or an attendance is a few hundred


class OsdiView(APIView):
    """What every API view shares: a token, its rate limit, HAL+JSON in and out."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasToken]
    throttle_classes = [TokenThrottle]
    renderer_classes = [HalJsonRenderer]
    parser_classes = [HalJsonParser, JSONParser]
    content_negotiation_class = AlwaysHal

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        """A body over MAX_BODY is refused before anything reads it."""
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_BODY:
            raise OsdiError(
                _("The request body is too large (at most %(max)s bytes).") % {"max": MAX_BODY},
                status=413,
            )
        super().initial(request, *args, **kwargs)

    def base(self, request: Request) -> str:
        """The API's absolute address, without a trailing slash (links are built on it)."""
        return request.build_absolute_uri("/api/v2").rstrip("/")

    def page_of(
        self,
        request: Request,
        rows: QuerySet,
        *,
        kind: str,
        shown: Callable[[list, str], list[dict]],
        path: str | None = None,
    ) -> Response:
        """One page of a collection, as Action Network pages: the page asked for (25 at most,
        an empty one past the end), its items as `shown` draws them from the rows and the
        API's address, the read audited."""
        page, per_page = osdi.page_params(request.query_params)
        total = rows.count()
        base = self.base(request)
        items = shown(list(rows[(page - 1) * per_page : page * per_page]), base)
        self.audit_read(request, count=len(items))
        body = osdi.collection(
            kind=kind,
            items=items,
            page=page,
            per_page=per_page,
            total=total,
            base_url=base,
            query=request.query_params,
            path=path,
        )
        return Response(body)

    def audit_read(self, request: Request, *, count: int) -> None:
        """A bulk read (a page of a collection) is recorded: which token, where, how many."""
        self._audit(request, action="read", count=count)

    def audit_write(self, request: Request, *, count: int = 1) -> None:
        self._audit(request, action="write", count=count)

    def _audit(self, request: Request, *, action: str, count: int) -> None:
        token: ApiToken = request.auth
        audit_record(
            actor=None,
            kind=AuditEvent.Kind.API,
            committee_id=token.committee_id,
            subject=token,
            count=count,
            detail={
                "token": token.name,
                "action": action,
                "method": request.method,
                "path": request.path,
                "page": request.query_params.get("page", "1")[:10],
            },
            ip=client_ip(request),
        )


class EntryPoint(OsdiView):
    @extend_schema(
        summary=gettext_lazy("What this server offers"),
        description=gettext_lazy(
            "Links to the people, tags and events, and the largest page (`max_pagesize`), as "
            "Action Network's entry point gives them."
        ),
        responses=answers(),
    )
    def get(self, request: Request) -> Response:
        base = self.base(request)
        return Response(
            {
                "motd": _("Majority: your committee's people, tags and actions."),
                "vendor_name": "Majority",
                "product_name": "Majority",
                "osdi_version": "1.1.1",
                "max_pagesize": MAX_PAGE_SIZE,
                "_links": {
                    "self": {"href": base},
                    "curies": [
                        {
                            "name": "osdi",
                            "href": "https://actionnetwork.org/docs/v2/{rel}",
                            "templated": True,
                        }
                    ],
                    "osdi:people": {"href": f"{base}/people"},
                    "osdi:tags": {"href": f"{base}/tags"},
                    "osdi:events": {"href": f"{base}/events"},
                    "osdi:person_signup_helper": {"href": f"{base}/people"},
                },
            }
        )


def filtered(
    rows: QuerySet,
    text: str,
    *,
    kind: str,
    columns: dict[str, str],
    identified: Callable[[QuerySet, object], QuerySet],
) -> QuerySet:
    """A collection's `filter` (conditions joined by and): each date field compared, gt or
    lt, on the column standing for it; `identifier eq 'majority:…'` by `identified(rows,
    the uuid or None)`."""
    for condition in osdi.parse_filter(text, fields=osdi.FILTER_FIELDS[kind]):
        if condition.field == "identifier":
            rows = identified(rows, osdi.parse_identifier(condition.value))
        elif condition.field in columns:
            rows = rows.filter(**{f"{columns[condition.field]}__{condition.op}": condition.value})
    return rows
