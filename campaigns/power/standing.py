"""A member's standing as of any day, computed from what they paid, never stored.

Dues are owed month by month from the month someone joined. Paid through a month means a
payment covers it, whatever the plan (a yearly payment covers twelve). As of a day:

- *behind* is how many months, the day's own month included, no payment covers after the
  last one paid (a gap earlier on is not counted again: a member who catches up is caught up);
- in **good standing** while that is at most the committee's grace period (default one month:
  this month's dues not paid yet is not "behind");
- **behind** beyond the grace period, up to the lapse limit (default three months);
- **lapsed** beyond it;
- **resigned** from the day they resigned; **no plan**: a member who has neither a dues plan
  nor any payment (a committee without dues, or not set yet).

"As of" reads only payments made by that day, so last June's standing is what it was then.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.models import Member
from members.models import Committee


class Kind:
    GOOD = "good"
    BEHIND = "behind"
    LAPSED = "lapsed"
    RESIGNED = "resigned"
    NO_PLAN = "no_plan"


LABELS = {
    Kind.GOOD: _("In good standing"),
    Kind.BEHIND: _("Behind on dues"),
    Kind.LAPSED: _("Lapsed"),
    Kind.RESIGNED: _("Resigned"),
    Kind.NO_PLAN: _("No dues plan"),
}


@dataclass(frozen=True)
class Standing:
    kind: str
    months_behind: int
    paid_until: date | None  # the first day no payment covers; None: nothing paid yet

    @property
    def label(self) -> str:
        if self.kind == Kind.BEHIND:
            return ngettext(
                "Behind %(count)s month", "Behind %(count)s months", self.months_behind
            ) % {"count": self.months_behind}
        return str(LABELS[self.kind])

    @property
    def in_good_standing(self) -> bool:
        return self.kind == Kind.GOOD


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def months_later(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    return month_start(month_index(day) + months)


def standing_on(
    day: date,
    *,
    joined_on: date,
    resigned_on: date | None,
    has_plan: bool,
    paid_until: date | None,
    grace: int,
    lapse: int,
) -> Standing | None:
    """The standing as of `day`; None before they joined. `paid_until` is the first day not
    covered by the payments made by `day`."""
    if day < joined_on:
        return None
    if resigned_on is not None and resigned_on <= day:
        return Standing(Kind.RESIGNED, 0, paid_until)
    if not has_plan and paid_until is None:
        return Standing(Kind.NO_PLAN, 0, None)
    owed_from = paid_until or joined_on.replace(day=1)
    behind = max(0, month_index(day) - month_index(owed_from) + 1)
    if behind <= grace:
        kind = Kind.GOOD
    elif behind <= max(lapse, grace):
        kind = Kind.BEHIND
    else:
        kind = Kind.LAPSED
    return Standing(kind, behind, paid_until)


def standings(members: QuerySet[Member], *, committee: Committee, day: date) -> dict[int, Standing]:
    """Each member's standing as of `day`, by member id (those who had not joined yet are
    left out): one query."""
    rows = members.filter(committee=committee, joined_on__lte=day).annotate(
        paid_until=Max("payments__covers__endswith", filter=Q(payments__paid_on__lte=day))
    )
    found = {}
    for member in rows.values("pk", "joined_on", "resigned_on", "plan_id", "paid_until"):
        standing = standing_on(
            day,
            joined_on=member["joined_on"],
            resigned_on=member["resigned_on"],
            has_plan=member["plan_id"] is not None,
            paid_until=member["paid_until"],
            grace=committee.dues_grace_months,
            lapse=committee.dues_lapse_months,
        )
        if standing is not None:
            found[member["pk"]] = standing
    return found
