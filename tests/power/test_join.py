"""The committee's public join page: anyone with its address joins with a name, an email
address or a phone number, a dues plan and how they will pay; the page never tells whether
the address was known, never changes what the committee knows of a known person, and never
makes them a member: the new record waits beside theirs for a lead."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import DuesPlan, JoinText, Member, PossibleDuplicate
from campaigns.models.joining import text_digest
from campaigns.power.join import (
    RATE_LIMIT,
    join_page_for,
    join_page_set,
    standard_wording,
    wording,
)
from members.clock import today_for
from members.models import Person, PersonEmail, PersonPhone
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(committee, lead):
    page = join_page_for(committee)
    join_page_set(page=page, open_page=True, by=lead)
    return page


@pytest.fixture
def monthly(committee):
    return DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)


@pytest.fixture
def sliding(committee):
    return DuesPlan.objects.create(committee=committee, name="Sliding scale", amount=None)


def url(page) -> str:
    return reverse("join_public", args=[page.key])


def join(client, page, **fields):
    with translation.override("en"):
        shown = wording(page, "en")
    data = {
        "name": "Ana Ruiz",
        "language": "en",
        "shown_language": "en",
        "shown_digest": text_digest(shown),
        "pay_method": "card",
        **fields,
    }
    return client.post(url(page), {k: v for k, v in data.items() if v is not None})


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens (new on every answer)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_the_page_shows_the_committee_its_plans_and_the_wording(client, page, monthly, sliding):
    html = client.get(url(page)).content.decode()

    assert "Join Riverside Workers Committee" in html
    assert "Monthly: 10.00 USD (Monthly)" in html
    assert "Sliding scale: you choose the amount (Monthly)" in html
    assert "I am joining Riverside Workers Committee." in html
    assert 'name="email_ok"' in html and 'name="sms_ok"' in html


def test_someone_new_becomes_a_person_and_a_member_with_the_wording_they_read(
    client, page, committee, monthly
):
    response = join(
        client,
        page,
        email="ana@example.org",
        phone="415 555 2671",
        language="es",
        email_ok="on",
        plan=monthly.pk,
    )

    assert response.status_code == 200
    assert "Thank you for joining!" in response.content.decode()
    person = Person.objects.get()
    assert (person.given_name, person.preferred_language) == ("Ana Ruiz", "es")
    assert (person.email_ok, person.sms_ok) == (True, False)
    assert list(person.emails.values_list("email", flat=True)) == ["ana@example.org"]
    assert list(person.phones.values_list("number", flat=True)) == ["+14155552671"]
    member = Member.objects.get()
    assert member.person == person
    assert (member.joined_how, member.joined_on) == ("online", today_for(committee))
    assert (member.plan, member.pledge, member.pay_method) == (monthly, None, "card")
    assert member.from_join_form
    assert member.consent_text == standard_wording(committee)
    assert member.recorded_by is None


def test_a_pledge_on_a_sliding_scale_is_kept_in_cents(client, page, sliding):
    join(client, page, email="ana@example.org", plan=sliding.pk, pledge="12.50")

    member = Member.objects.get()
    assert (member.plan, member.pledge) == (sliding, 1250)


def test_no_consent_ticked_means_no_email_and_no_texts(client, page, monthly):
    join(client, page, email="ana@example.org", plan=monthly.pk)

    person = Person.objects.get()
    assert (person.email_ok, person.sms_ok) == (False, False)


def test_a_known_email_changes_nothing_known_and_thanks_the_same(client, page, committee, monthly):
    ana = factories.person(
        committee=committee, given_name="Ana", preferred_language="en", email_ok=False
    )
    PersonEmail.objects.create(person=ana, email="Ana.Ruiz@Example.org")
    new = join(client, page, email="new@example.org", plan=monthly.pk)

    known = join(
        client,
        page,
        name="Someone Else",
        email="ana.ruiz@example.org",
        phone="415 555 2671",
        language="es",
        email_ok="on",
        sms_ok="on",
        plan=monthly.pk,
    )

    assert known.status_code == new.status_code == 200
    assert without_tokens(known.content.decode()) == without_tokens(new.content.decode())
    ana.refresh_from_db()
    assert (ana.given_name, ana.preferred_language) == ("Ana", "en")
    assert (ana.email_ok, ana.sms_ok) == (False, False)
    assert not ana.phones.exists()  # a match never adds what was typed
    assert not Member.objects.filter(person=ana).exists()  # a stranger signs nobody up
    someone = Member.objects.get(person__given_name="Someone Else")
    assert someone.from_join_form
    pair = PossibleDuplicate.objects.get()  # a lead decides whether it is her
    assert (pair.existing, pair.person, pair.matched_on) == (ana, someone.person, "email")


def test_a_known_phone_alone_matches_too(client, page, committee, monthly):
    ana = factories.person(committee=committee, given_name="Ana")
    PersonPhone.objects.create(person=ana, number="+14155552671")

    join(client, page, phone="(415) 555-2671", plan=monthly.pk)

    pair = PossibleDuplicate.objects.get()
    assert (pair.existing, pair.matched_on) == (ana, "phone")
    assert not ana.emails.exists() and not Member.objects.filter(person=ana).exists()


def test_a_member_already_is_left_as_they_are(client, page, committee, monthly, sliding):
    ana = factories.person(committee=committee, given_name="Ana")
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    before = Member.objects.create(
        committee=committee,
        person=ana,
        joined_on=timezone.localdate().replace(year=2024),
        plan=monthly,
        pay_method="cash",
    )

    response = join(client, page, email="ana@example.org", plan=sliding.pk, pledge="3")

    assert "Thank you for joining!" in response.content.decode()
    after = Member.objects.get()
    assert (after.pk, after.plan, after.pledge, after.pay_method) == (
        before.pk,
        monthly,
        None,
        "cash",
    )
    assert (after.joined_on, after.from_join_form, after.consent_text) == (
        before.joined_on,
        False,
        "",
    )


def test_another_committees_person_is_never_matched(client, page, other_committee, monthly):
    stranger = factories.person(committee=other_committee, given_name="Ana")
    PersonEmail.objects.create(person=stranger, email="ana@example.org")

    join(client, page, email="ana@example.org", plan=monthly.pk)

    assert Member.objects.get().person != stranger
    assert not Member.objects.filter(person=stranger).exists()


def test_a_closed_page_an_unknown_key_and_an_old_address_are_404(client, page, lead, monthly):
    old = url(page)
    join_page_set(page=page, open_page=True, by=lead, new_key=True)

    assert client.get(old).status_code == 404
    assert client.get("/join/not-a-key/").status_code == 404
    assert client.get(url(page)).status_code == 200
    join_page_set(page=page, open_page=False, by=lead)
    assert client.get(url(page)).status_code == 404
    assert join(client, page, email="ana@example.org", plan=monthly.pk).status_code == 404
    assert not Person.objects.exists()


def test_too_many_joins_from_one_address_are_refused_keeping_what_was_typed(client, page, monthly):
    for n in range(RATE_LIMIT):
        assert join(client, page, email=f"p{n}@example.org", plan=monthly.pk).status_code == 200

    response = join(client, page, email="one-more@example.org", plan=monthly.pk)

    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many sign-ups from your connection" in html
    assert 'value="one-more@example.org"' in html
    assert not PersonEmail.objects.filter(email="one-more@example.org").exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert join(other, page, email="bo@example.org", plan=monthly.pk).status_code == 200


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        (
            {"email": "", "phone": ""},
            "Give an email address or a phone number, so organizers can reach you.",
            'value="Ana Ruiz"',
        ),
        (
            {"email": "ana@example.org", "pledge": "10.505"},
            "USD amounts have at most 2 decimals.",
            'value="10.505"',
        ),
        (
            {"email": "ana@example.org", "pledge": "0"},
            "Enter an amount greater than zero.",
            'value="ana@example.org"',
        ),
        (
            {"email": "ana@example.org", "pledge": ""},
            "On a sliding scale, say how much you will pay.",
            'value="ana@example.org"',
        ),
        (
            {"email": "ana@example.org", "pledge": "5", "plan": None},
            "Choose how much you will pay.",
            'value="5"',
        ),
        (
            {"email": "ana@example.org", "pledge": "5", "pay_method": None},
            "Choose how you will pay.",
            'value="5"',
        ),
    ],
)
def test_bad_input_says_why_beside_the_field_and_keeps_what_was_typed(
    client, page, sliding, fields, message, kept
):
    response = join(client, page, **{"plan": sliding.pk, **fields})

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert kept in html
    assert "Please correct the fields marked below." in html
    assert not Person.objects.exists()


def test_a_fixed_plan_needs_no_pledge_and_keeps_none(client, page, monthly):
    join(client, page, email="ana@example.org", plan=monthly.pk, pledge="abc")

    assert Member.objects.get().pledge is None


def test_an_archived_plan_is_neither_offered_nor_taken(client, page, monthly):
    monthly.archived_at = timezone.now()
    monthly.save()
    kept = DuesPlan.objects.create(committee=page.committee, name="Yearly", amount=10000, months=12)

    assert "Monthly" not in client.get(url(page)).content.decode()
    response = join(client, page, email="ana@example.org", plan=monthly.pk)

    assert response.status_code == 422
    assert Member.objects.count() == 0
    assert join(client, page, email="ana@example.org", plan=kept.pk).status_code == 200


def test_a_committee_without_plans_asks_for_no_dues(client, page):
    html = client.get(url(page)).content.decode()
    assert "Your dues" not in html

    join(client, page, email="ana@example.org", pay_method=None)

    member = Member.objects.get()
    assert (member.plan, member.pay_method) == (None, "")


def test_the_committees_own_wording_in_the_visitors_language_is_kept_exactly(client, page, monthly):
    spanish = "Me uno al comité.\nPagaré las cuotas que elijo."
    JoinText.objects.create(page=page, language="es", text=spanish)

    html = client.get(url(page), headers={"accept-language": "es"}).content.decode()
    assert "Me uno al comité." in html
    data = {
        "name": "Lucía",
        "email": "lucia@example.org",
        "language": "es",
        "shown_language": "es",
        "shown_digest": text_digest(spanish),
        "plan": monthly.pk,
        "pay_method": "cash",
    }
    assert client.post(url(page), data).status_code == 200

    assert Member.objects.get().consent_text == spanish


def test_a_wording_changed_while_filling_in_the_form_is_shown_again_and_nothing_kept(
    client, page, monthly
):
    read = text_digest(standard_wording(page.committee))
    JoinText.objects.create(page=page, language="en", text="New words, agreed since.")

    response = join(client, page, email="ana@example.org", plan=monthly.pk, shown_digest=read)

    assert response.status_code == 422
    html = response.content.decode()
    assert "The wording on this page changed while you were filling it in." in html
    assert "New words, agreed since." in html
    assert f'value="{text_digest("New words, agreed since.")}"' in html
    assert not Member.objects.exists()
    again = join(client, page, email="ana@example.org", plan=monthly.pk)  # the new digest
    assert again.status_code == 200
    assert Member.objects.get().consent_text == "New words, agreed since."
