"""The OSDI shapes Action Network clients expect, without views or models.

Existing OSDI / Action Network clients (Parsons, action-network-rest, osdi-client, home-made
sync scripts) follow what Action Network serves rather than the OSDI spec's looser wording, so
this module copies Action Network's behaviour, from its published API documentation
(https://actionnetwork.org/docs/v2/):

- **Collections** (`collection`): `total_pages`, `per_page`, `page`, `total_records`, `_links`
  with `self`, `next` and `prev` where there is such a page, `osdi:<kind>` (one `{"href"}` per
  item) and the two `curies`, and `_embedded` → `osdi:<kind>`, a list that is there even when
  empty. A page past the last is an empty page, not an error: clients page until they get one.
  Links are absolute with no trailing slash; `next` and `prev` keep `per_page` and `filter`.
- **Paging** (`page_params`): 25 per page by default and at most ("You can retrieve a maximum
  of 25 resources per page"); a larger `per_page` is cut to 25, a page that is not a whole
  number from 1 is an error.
- **Filters** (`parse_filter`): the "small subset of OData" Action Network documents,
  `field op 'value'` with `eq`, `gt` and `lt`. We accept `and` between conditions (OSDI defines
  it and a sync wants a window: `modified_date gt '…' and modified_date lt '…'`); `or`,
  parentheses, functions and unquoted values are refused with a message saying so. Dates
  (`created_date`, `modified_date`, `start_date`, `end_date`) compare with `gt`/`lt` only and
  read as ISO 8601, a date alone meaning midnight UTC, a time without an offset UTC; every
  other field (`email_address`, `identifier`) compares with `eq` only. Which fields each
  collection accepts is `FILTER_FIELDS`: fewer than Action Network's, since each must be one
  the view really filters on.
- **Identifiers** (`identifier`, `parse_identifier`, `self_link`): `majority:<uuid>` from the
  public id, never a database id; a resource's URL uses the bare uuid, as Action Network's do.
- **Errors** (`OsdiError`): a status and a body `{"error": "<message>"}`, the shape Action
  Network answers with (e.g. `{"error": "You must specify a valid person id"}`), the message
  translated into the request's language.
"""

import math
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

MAX_PER_PAGE = 25
# Far past any real list; it keeps the SQL offset small and the number short.
MAX_PAGE = 1_000_000
MAX_FILTER_LENGTH = 500
MAX_FILTER_CONDITIONS = 4
IDENTIFIER_PREFIX = "majority"

# Action Network sends these two on every response; clients that resolve `osdi:` relations
# find the same documentation through them.
CURIES = (
    {"name": "osdi", "href": "https://actionnetwork.org/docs/v2/{rel}", "templated": True},
    {
        "name": "action_network",
        "href": "https://actionnetwork.org/docs/v2/{rel}",
        "templated": True,
    },
)

DATE_FIELDS = frozenset({"created_date", "modified_date", "start_date", "end_date"})
_COMMON_FIELDS = frozenset({"identifier", "created_date", "modified_date"})
FILTER_FIELDS: dict[str, frozenset[str]] = {
    "people": _COMMON_FIELDS | {"email_address", "phone_number"},
    "tags": _COMMON_FIELDS,
    "taggings": _COMMON_FIELDS,
    "events": _COMMON_FIELDS | {"start_date"},
    "attendances": _COMMON_FIELDS,
}


class OsdiError(Exception):
    """A 4xx answer with Action Network's error body; the view turns it into the response."""

    def __init__(self, message: str, *, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}

    def body(self) -> dict[str, str]:
        return error_body(self.message)


class FilterError(OsdiError):
    """A `filter` that does not parse, or asks for what this collection cannot filter on."""


def error_body(message: str) -> dict[str, str]:
    return {"error": message}


def not_found() -> OsdiError:
    """Also what a token gets for an object outside its scope: it must not learn it exists."""
    return OsdiError(_("Not found."), status=404)


def malformed_json() -> OsdiError:
    return OsdiError(_("The request body is not valid JSON."))


def too_many_requests(retry_after: int) -> OsdiError:
    seconds = max(1, int(retry_after))
    return OsdiError(
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds},
        status=429,
        headers={"Retry-After": str(seconds)},
    )


# ---------------------------------------------------------------------------------------------
# Paging and collections

# ASCII digits only: str.isdigit() accepts "²" and int() accepts "٣".
_DIGITS = re.compile(r"[0-9]+")


def page_params(query: Mapping[str, str]) -> tuple[int, int]:
    """(page, per_page) from the query string; absent or empty values take the defaults."""
    raw_page = (query.get("page") or "").strip()
    raw_per_page = (query.get("per_page") or "").strip()
    page, per_page = 1, MAX_PER_PAGE
    if raw_page:
        asked_page = _whole_number(raw_page)
        if asked_page is None or not 1 <= asked_page <= MAX_PAGE:
            raise OsdiError(
                _("The page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE}
            )
        page = asked_page
    if raw_per_page:
        asked = _whole_number(raw_per_page)
        if asked is None or asked < 1:
            raise OsdiError(_("per_page must be a whole number of 1 or more."))
        per_page = min(asked, MAX_PER_PAGE)
    return page, per_page


def _whole_number(raw: str) -> int | None:
    """The number in `raw`, or None; one too long to matter reads as 10**9 (int() of a few
    thousand digits raises ValueError, and no page of ours is that far)."""
    if not _DIGITS.fullmatch(raw):
        return None
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= 9 else 10**9


def collection(
    *,
    kind: str,
    items: list[dict],
    page: int,
    per_page: int,
    total: int,
    base_url: str,
    query: Mapping[str, str],
    path: str | None = None,
) -> dict:
    """One page of a collection, as Action Network serves it.

    `base_url` is the API root (`https://host/api/v2`); the collection lives at `path` under it,
    `kind` by default (`tags/<uuid>/taggings` for a tag's taggings, whose kind is `taggings`).
    `items` are this page's resources, each with `_links.self.href`; `total` counts all pages.
    """
    url = f"{_root(base_url)}/{(path or kind).strip('/')}"
    total_pages = math.ceil(total / per_page) if total > 0 else 0
    kept = _kept_params(query, per_page)
    links: dict = {}
    if page < total_pages:
        links["next"] = {"href": _href(url, [("page", page + 1), *kept])}
    if page > 1:
        links["prev"] = {"href": _href(url, [("page", page - 1), *kept])}
    links["self"] = {"href": _href(url, ([("page", page)] if page > 1 else []) + kept)}
    links[f"osdi:{kind}"] = [{"href": item["_links"]["self"]["href"]} for item in items]
    links["curies"] = [dict(curie) for curie in CURIES]
    return {
        "total_pages": total_pages,
        "per_page": per_page,
        "page": page,
        "total_records": total,
        "_links": links,
        "_embedded": {f"osdi:{kind}": list(items)},
    }


def _kept_params(query: Mapping[str, str], per_page: int) -> list[tuple[str, object]]:
    """What a client asked for that the next page must keep: its page size and its filter."""
    kept: list[tuple[str, object]] = []
    if (query.get("per_page") or "").strip():
        kept.append(("per_page", per_page))
    if (query.get("filter") or "").strip():
        kept.append(("filter", query["filter"]))
    return kept


def _href(url: str, params: list[tuple[str, object]]) -> str:
    # %20 rather than +: a filter's spaces survive every client's URL handling.
    return f"{url}?{urlencode(params, quote_via=quote, safe='')}" if params else url


def _root(base_url: str) -> str:
    if not base_url.startswith(("https://", "http://")):
        raise ValueError(f"OSDI links are absolute; got {base_url!r}")
    return base_url.rstrip("/")


# ---------------------------------------------------------------------------------------------
# Identifiers and links

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def identifier(public_id: uuid.UUID | str) -> str:
    return f"{IDENTIFIER_PREFIX}:{uuid.UUID(str(public_id))}"


def parse_identifier(value: object) -> uuid.UUID | None:
    """The uuid in `majority:<uuid>`; None for anything else (another system's identifier)."""
    if not isinstance(value, str):
        return None
    prefix, _sep, rest = value.partition(":")
    if prefix != IDENTIFIER_PREFIX or not _UUID.fullmatch(rest):
        return None
    return uuid.UUID(rest)


def self_link(base_url: str, kind: str, public_id: uuid.UUID | str) -> str:
    """`https://host/api/v2/people/<uuid>`; `kind` may be a path (`tags/<uuid>/taggings`)."""
    return f"{_root(base_url)}/{kind.strip('/')}/{uuid.UUID(str(public_id))}"


# ---------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class Condition:
    """`field op value`; `value` is an aware datetime for a date field, else the text as sent."""

    field: str
    op: str
    value: str | datetime


_TOKEN = re.compile(
    r"\s*(?:(?P<quoted>'(?:[^']|'')*')|(?P<word>[A-Za-z_][A-Za-z0-9_./]*)|(?P<other>\S))"
)


def parse_filter(text: str, *, fields: Collection[str]) -> list[Condition]:
    """The conditions in an OData-style `filter`, all of which must hold; [] when it is blank.

    `fields` are the ones this collection filters on (`FILTER_FIELDS[kind]`).
    """
    text = text.strip()
    if not text:
        return []
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(
            _("The filter is too long (at most %(max)s characters).") % {"max": MAX_FILTER_LENGTH}
        )
    tokens = _tokens(text)
    conditions = []
    while True:
        if len(tokens) < 3:
            raise _unreadable()
        (kind_f, field), (kind_o, op), (kind_v, raw) = tokens[:3]
        if kind_f != "word" or kind_o != "word" or kind_v != "quoted":
            raise _unreadable()
        conditions.append(_condition(field, op.lower(), raw[1:-1].replace("''", "'"), fields))
        tokens = tokens[3:]
        if not tokens:
            return conditions
        joiner = tokens[0][1].lower() if tokens[0][0] == "word" else ""
        if joiner == "or":
            raise FilterError(_("The filter can join conditions with and, not or."))
        if joiner != "and" or len(conditions) >= MAX_FILTER_CONDITIONS:
            raise _unreadable()
        tokens = tokens[1:]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None or match.lastgroup == "other":
            raise _unreadable()
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


def _condition(field: str, op: str, value: str, fields: Collection[str]) -> Condition:
    if field not in fields:
        raise FilterError(
            _("This list cannot be filtered on %(field)s. It can be filtered on: %(fields)s.")
            % {"field": field[:50], "fields": ", ".join(sorted(fields))}
        )
    if op not in {"eq", "gt", "lt"}:
        raise _unreadable()
    # A NUL or control character reaches no row, and PostgreSQL refuses NUL outright.
    if any(ord(char) < 32 for char in value):
        raise _unreadable()
    if field not in DATE_FIELDS:
        if op != "eq":
            raise FilterError(_("%(field)s can only be compared with eq.") % {"field": field})
        return Condition(field, op, value)
    if op == "eq":
        raise FilterError(_("%(field)s can only be compared with gt or lt.") % {"field": field})
    return Condition(field, op, _moment(value))


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(
            _("%(value)s is not a date. Write dates like 2024-01-31 or 2024-01-31T18:30:00Z.")
            % {"value": value[:50]}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unreadable() -> FilterError:
    return FilterError(
        _(
            "The filter could not be read. Examples: modified_date gt '2024-01-31'; "
            "email_address eq 'someone@example.org'."
        )
    )
