"""The committee's public join page: anyone with its address joins with a name, an email
address or a phone number, and a dues plan.

Anyone can type anyone's email address or phone number, so a join never changes what the
committee knows of a person it already has (their email in any case, or failing that their
phone, matches), and never makes them a member: a stranger must not be able to sign someone
up. A member already is left as they are. Otherwise what was typed becomes a new person who
joins (flagged `from_join_form`, for an organizer to welcome), and when it matched someone
known the pair waits under Possible duplicates: a lead who finds it is the same human merges
them, and the merge keeps the membership. The page says the same thing either way (the views'
thank-you page), so it tells a visitor nothing about who is known.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from campaigns.models import DuesPlan, JoinPage, JoinText, Member, RosterEntry
from campaigns.models.joining import new_join_key
from campaigns.power.services import MemberData, member_join
from campaigns.roster.matching import Match, possible_duplicate_queue
from members.audit import audit_record
from members.clock import today_for
from members.language import supported
from members.models import AuditEvent, Committee, Person, User
from members.ratelimits import counted_within
from members.selectors import person_matching
from members.services import person_channels_add

RATE_LIMIT = 10  # joins per address...
RATE_WINDOW = 600  # ...per ten minutes
FOLLOW_UP_DAYS = 90  # the lead's page lists who joined on the form this recently


def join_page_for(committee: Committee) -> JoinPage:
    """The committee's join page, made closed the first time a lead looks for it."""
    page, _made = JoinPage.objects.get_or_create(committee=committee)
    return page


def join_page_by_key(key: str) -> JoinPage | None:
    """The open join page at this address; None for a closed page or an unknown key."""
    return JoinPage.objects.select_related("committee").filter(key=key, is_open=True).first()


def join_page_set(
    *, page: JoinPage, open_page: bool, by: User, new_key: bool = False, ip: str | None = None
) -> None:
    """Open or close the page; `new_key` gives it a new address (the old one stops working)."""
    page.is_open, page.updated_by = open_page, by
    fields = ["is_open", "updated_by", "updated_at"]
    if new_key:
        page.key = new_join_key()
        fields.append("key")
    page.save(update_fields=fields)
    change = "new_address" if new_key else ("opened" if open_page else "closed")
    _audit(page, by, change, ip)


def join_texts_set(
    *, page: JoinPage, texts: dict[str, str], by: User, ip: str | None = None
) -> None:
    """The committee's own wording per language; an empty one brings back the standard."""
    with transaction.atomic():
        for language, text in texts.items():
            text = text.strip()
            if text:
                JoinText.objects.update_or_create(
                    page=page, language=language, defaults={"text": text}
                )
            else:
                JoinText.objects.filter(page=page, language=language).delete()
        page.updated_by = by
        page.save(update_fields=["updated_by", "updated_at"])
    _audit(page, by, "wording", ip)


def wording(page: JoinPage, language: str) -> str:
    """The consent wording the page shows in `language` (the active one speaks the standard
    wording: call inside translation.override)."""
    own = page.texts.filter(language=language).values_list("text", flat=True).first()
    return own or standard_wording(page.committee)


def standard_wording(committee: Committee) -> str:
    return _(
        "I am joining %(committee)s. The committee keeps my name and how to reach me, seen "
        "only by its organizers and never shared, so they can contact me about its work. If "
        "I choose a dues plan, I will pay what I pledged on it."
    ) % {"committee": committee.name}


def page_language(wanted: str | None) -> str:
    return supported(wanted) or settings.LANGUAGE_CODE


def plans_offered(committee: Committee) -> QuerySet[DuesPlan]:
    return DuesPlan.objects.filter(committee=committee, archived_at__isnull=True)


@dataclass(frozen=True)
class JoinData:
    name: str
    email: str  # "" when not given
    phone: str  # E.164, "" when not given
    language: str  # a new person's preferred language (a known one's stays)
    email_ok: bool
    sms_ok: bool
    wording: str  # the consent wording shown, exactly
    plan: DuesPlan | None = None
    pledge: int | None = None  # minor units, on a sliding scale
    pay_method: str = ""


def public_join(*, page: JoinPage, data: JoinData, ip: str | None = None) -> None:
    """A join from the public page (see the module's docstring). Returns nothing: what the
    page says must not depend on who was matched."""
    committee = page.committee
    with transaction.atomic():
        known = person_matching(committee=committee, email=data.email, phone=data.phone)
        if known is not None and Member.objects.filter(person=known).exists():
            return
        person = Person.objects.create(
            committee=committee,
            given_name=data.name,  # one field: names do not split the same way everywhere
            preferred_language=supported(data.language) or "",
            email_ok=data.email_ok,
            sms_ok=data.sms_ok,
        )
        person_channels_add(person=person, email=data.email, phone=data.phone)
        if known is not None:
            on_email = bool(data.email) and known.emails.filter(email__iexact=data.email).exists()
            possible_duplicate_queue(
                match=Match(hidden=known, matched_on="email" if on_email else "phone"),
                person=person,
                campaign=None,
                by=None,
            )
        member_join(
            person=person,
            data=MemberData(
                joined_on=today_for(committee),
                joined_how=Member.Joined.ONLINE,
                pay_method=data.pay_method,
            ),
            by=None,
            plan=data.plan,
            pledge=data.pledge,
            from_join_form=True,
            consent_text=data.wording,
            ip=ip,
        )


def public_join_allowed(ip: str) -> bool:
    """Counts one join from this address; False once it has made RATE_LIMIT in the window
    (as for public RSVPs)."""
    return counted_within(f"public-join:{ip}", limit=RATE_LIMIT, window=RATE_WINDOW)


def joined_on_the_form(committee: Committee) -> QuerySet[Member]:
    """Who joined on the form lately, newest first, and whether they are on a roster yet: an
    organizer checks with each and places them."""
    since = today_for(committee) - timedelta(days=FOLLOW_UP_DAYS)
    on_roster = RosterEntry.objects.filter(person=OuterRef("person"), removed_at__isnull=True)
    return (
        Member.objects.filter(committee=committee, from_join_form=True, joined_on__gte=since)
        .select_related("person", "plan")
        .annotate(on_roster=Exists(on_roster))
        .order_by("-joined_on", "-pk")
    )


def _audit(page: JoinPage, by: User, change: str, ip: str | None) -> None:
    audit_record(
        actor=by,
        kind=AuditEvent.Kind.MEMBER,
        committee_id=page.committee_id,
        subject=page,
        detail={"change": f"join_page_{change}"},
        ip=ip,
    )
