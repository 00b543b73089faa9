"""Finding people by what an organizer types: phone digits, or a name typed roughly.

One search for every box that looks for someone (logging a one-on-one, the door at an action,
picking people to invite), so a name found in one is found the same way in the others.
"""

import re
from typing import TypeVar

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Greatest

SIMILAR = 0.3  # the least trigram similarity of a name to what was typed
NAMES = ("given_name", "family_name", "preferred_name")

M = TypeVar("M", bound=Model)


def people_matching(
    rows: QuerySet[M], query: str, *, phones_of: QuerySet, prefix: str = ""
) -> QuerySet[M]:
    """The rows whose person matches `query`, best first, among `rows`: people (`prefix` "")
    or rows that point at a person (`prefix` "person__", e.g. roster entries or RSVPs).

    Only digits typed (three or more, any formatting): the phone numbers ending with them,
    by name; only numbers the searcher may see count, those added by the campaigns
    `phones_of` (ids) or by no campaign, or a number would tell who has it. Otherwise a
    typo-tolerant name: trigram similarity on each name and on the full name, names starting
    with what was typed first. The caller slices and may narrow further.
    """
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3 and not re.search(r"[^\W\d_]", query):
        seen = Q(**{f"{prefix}phones__campaign_id__isnull": True}) | Q(
            **{f"{prefix}phones__campaign_id__in": phones_of}
        )
        number = Q(**{f"{prefix}phones__number__endswith": digits[-10:]})
        found = rows.filter(number & seen).distinct()
        return found.order_by(*[f"{prefix}{name}" for name in ("family_name", "given_name", "pk")])
    return _by_name(rows, query.strip(), prefix=prefix)


def _by_name(rows: QuerySet[M], query: str, *, prefix: str) -> QuerySet[M]:
    names = [f"{prefix}{name}" for name in NAMES]
    full = Concat(f"{prefix}given_name", Value(" "), f"{prefix}family_name")
    starts = Q()
    for name in names:
        starts |= Q(**{f"{name}__istartswith": query})
    return (
        # django-stubs' plugin types annotate() on a QuerySet of a TypeVar model as Model's.
        rows.annotate(  # type: ignore[return-value]
            similarity=Greatest(
                *[TrigramWordSimilarity(query, name) for name in names],
                TrigramSimilarity(full, query),
                output_field=FloatField(),
            ),
            starts=Case(When(starts, then=Value(1.0)), default=Value(0.0)),
        )
        .filter(Q(similarity__gte=SIMILAR) | Q(starts=1.0))
        .order_by(F("starts").desc(), F("similarity").desc(), f"{prefix}family_name", f"{prefix}pk")
    )
