"""The dues page: the committee's treasurer sets the currency, the grace period and the lapse
limit, and adds, archives, offers again and deletes dues plans. Bad input is refused beside
the field with what was typed kept; every change is audited without an amount; nobody but
the treasurer opens the page."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.models import DuesPlan, Member
from campaigns.power.dues import plans_offered
from campaigns.power.services import MemberData, PaymentData, member_join, payment_record
from members.audit import audit_events, audit_lines
from members.models import AuditEvent, Membership
from tests import factories


@pytest.fixture
def treasurer(committee):
    user = factories.member_of(
        committee, Membership.Role.LEAD, email="ines@example.org", name="Ines Books"
    )
    Membership.objects.filter(user=user).update(is_treasurer=True)
    return user


@pytest.fixture
def books(client, treasurer):
    client.force_login(treasurer)
    return client


def dues_url(committee) -> str:
    return reverse("dues_settings", args=[committee.pk])


def settings_sent(client, committee, **fields):
    data = {"what": "settings", "currency": "USD", "grace_months": "1", "lapse_months": "3"}
    return client.post(dues_url(committee), {**data, **fields})


def plan_sent(client, committee, name="Monthly", amount="10.00", months="1"):
    data = {"what": "plan", "name": name, "amount": amount, "months": months}
    return client.post(dues_url(committee), data)


def plan(committee, name="Monthly", amount=1000, months=1, **fields) -> DuesPlan:
    return DuesPlan.objects.create(
        committee=committee, name=name, amount=amount, months=months, **fields
    )


def member_on(plan: DuesPlan) -> Member:
    person = factories.person(committee=plan.committee, given_name="Ana")
    return member_join(
        person=person, data=MemberData(joined_on=date(2026, 1, 5)), by=None, plan=plan
    )


def treasurer_events(committee) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(committee=committee, kind=AuditEvent.Kind.TREASURER))


# --- Who may open it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 403), ("organizer", 403), ("member", 403), ("outsider", 404)],
)
def test_only_the_treasurer_opens_the_dues_page(client, committee, treasurer, who, status, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(dues_url(committee)).status_code == status
    assert settings_sent(client, committee, currency="EUR").status_code == status
    committee.refresh_from_db()
    assert committee.currency == "USD"


def test_someone_logged_out_is_sent_to_log_in(client, committee):
    response = client.get(dues_url(committee))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_system_page_links_the_dues_page_for_the_treasurer_only(
    client, committee, lead, treasurer
):
    system = reverse("system", args=[committee.pk])
    client.force_login(lead)
    assert dues_url(committee) not in client.get(system).content.decode()

    client.force_login(treasurer)
    assert dues_url(committee) in client.get(system).content.decode()


# --- Settings ------------------------------------------------------------------------------------


def test_the_treasurer_sets_the_currency_and_the_months_and_it_is_audited(books, committee):
    response = settings_sent(books, committee, currency="CAD", grace_months="2", lapse_months="6")

    assert response.status_code == 302
    committee.refresh_from_db()
    assert (committee.currency, committee.dues_grace_months, committee.dues_lapse_months) == (
        "CAD",
        2,
        6,
    )
    [event] = treasurer_events(committee)
    assert event.detail == {
        "change": "dues_settings",
        "fields": ["currency", "dues_grace_months", "dues_lapse_months"],
    }
    assert "The dues settings are saved." in books.get(dues_url(committee)).content.decode()


def test_saving_the_settings_unchanged_records_nothing(books, committee):
    assert settings_sent(books, committee).status_code == 302

    assert treasurer_events(committee) == []


def test_the_page_shows_the_committees_settings(books, committee):
    committee.currency, committee.dues_grace_months = "EUR", 2
    committee.save()

    page = books.get(dues_url(committee)).content.decode()

    assert '<option value="EUR" selected>' in page
    assert 'name="grace_months" value="2"' in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"currency": "XYZ"}, "currency", "Choose one of the currencies listed."),
        ({"currency": ""}, "currency", "This field is required."),
        ({"grace_months": "7"}, "grace_months", "A grace period is from 0 to 6 months."),
        ({"grace_months": "-1"}, "grace_months", "A grace period is from 0 to 6 months."),
        ({"grace_months": "two"}, "grace_months", "Enter a whole number of months."),
        (
            {"grace_months": "3", "lapse_months": "2"},
            "lapse_months",
            "A member lapses after 3 to 24 months behind",
        ),
        ({"lapse_months": "25"}, "lapse_months", "A member lapses after 1 to 24 months behind"),
        ({"grace_months": "0", "lapse_months": "0"}, "lapse_months", "after 1 to 24 months"),
    ],
)
def test_bad_settings_are_refused_beside_the_field_as_typed(
    books, committee, fields, field, message
):
    response = settings_sent(books, committee, **fields)

    assert response.status_code == 422
    assert message in str(response.context["settings_form"].errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    typed = next(iter(fields.values()))
    if field != "currency" and typed:
        assert f'value="{fields[field]}"' in page
    committee.refresh_from_db()
    assert (committee.currency, committee.dues_grace_months, committee.dues_lapse_months) == (
        "USD",
        1,
        3,
    )
    assert treasurer_events(committee) == []


def test_an_empty_form_is_refused(books, committee):
    response = books.post(dues_url(committee))

    assert response.status_code == 422
    assert set(response.context["settings_form"].errors) == {
        "currency",
        "grace_months",
        "lapse_months",
    }


def test_the_lapse_limit_may_equal_the_grace_period(books, committee):
    assert settings_sent(books, committee, grace_months="2", lapse_months="2").status_code == 302

    committee.refresh_from_db()
    assert committee.dues_lapse_months == 2


def test_the_currency_stays_once_dues_were_paid(books, committee):
    member = member_on(plan(committee))
    payment_record(
        member=member,
        data=PaymentData(
            amount=1000, paid_on=date(2026, 2, 1), method="cash", first_month=date(2026, 1, 1)
        ),
        by=None,
    )

    response = settings_sent(books, committee, currency="EUR", grace_months="2")

    assert response.status_code == 422
    assert response.context["settings_form"].errors["currency"] == [
        "Dues were paid in USD already: it cannot change."
    ]
    committee.refresh_from_db()
    assert (committee.currency, committee.dues_grace_months) == ("USD", 1)


def test_plans_amounts_keep_their_decimals_when_the_currency_changes(books, committee):
    plan(committee)  # 10.00 USD

    refused = settings_sent(books, committee, currency="JPY")  # yen have no cents
    changed = settings_sent(books, committee, currency="CAD")

    assert refused.status_code == 422
    assert "delete those plans first" in str(refused.context["settings_form"].errors["currency"])
    assert changed.status_code == 302
    committee.refresh_from_db()
    assert committee.currency == "CAD"


# --- Plans ---------------------------------------------------------------------------------------


def test_the_treasurer_adds_a_monthly_plan_and_a_sliding_scale(books, committee):
    assert plan_sent(books, committee, "Monthly", "10.00").status_code == 302
    assert plan_sent(books, committee, "Sliding scale", "", "12").status_code == 302

    plans = {p.name: (p.amount, p.months) for p in DuesPlan.objects.filter(committee=committee)}
    assert plans == {"Monthly": (1000, 1), "Sliding scale": (None, 12)}
    page = books.get(dues_url(committee)).content.decode()
    assert "10.00 USD" in page
    assert "Sliding scale" in page
    events = treasurer_events(committee)
    assert [e.detail for e in events] == [{"change": "plan_added"}] * 2
    assert all("1000" not in str(e.detail) and "10.00" not in str(e.detail) for e in events)


def test_an_amount_is_shown_as_the_reader_writes_it(books, committee):
    assert plan_sent(books, committee, "Yearly", "1250.50", "12").status_code == 302

    assert DuesPlan.objects.get(committee=committee).amount == 125050
    assert "1,250.50 USD" in books.get(dues_url(committee)).content.decode()


def test_amounts_follow_the_committees_currency(books, committee):
    committee.currency = "JPY"
    committee.save()

    assert plan_sent(books, committee, "Monthly", "1500").status_code == 302
    refused = plan_sent(books, committee, "Reduced", "500.50")

    assert DuesPlan.objects.get(committee=committee).amount == 1500
    assert refused.context["plan_form"].errors["amount"] == ["JPY amounts have at most 0 decimals."]


@pytest.mark.parametrize(
    ("name", "amount", "field", "message"),
    [
        ("Monthly", "10.005", "amount", "USD amounts have at most 2 decimals."),
        ("Monthly", "0", "amount", "Enter an amount greater than zero."),
        ("Monthly", "-5", "amount", "Enter an amount greater than zero."),
        ("Monthly", "ten", "amount", "Enter an amount, like 10 or 10.50."),
        ("", "10", "name", "This field is required."),
        ("   ", "10", "name", "This field is required."),
    ],
)
def test_a_bad_plan_is_refused_beside_the_field_as_typed(
    books, committee, name, amount, field, message
):
    response = plan_sent(books, committee, name, amount)

    assert response.status_code == 422
    assert response.context["plan_form"].errors[field] == [message]
    assert f'value="{amount}"' in response.content.decode()
    assert not DuesPlan.objects.exists()
    assert treasurer_events(committee) == []


def test_a_plan_named_like_one_offered_is_refused(books, committee):
    plan(committee, "Monthly")

    response = plan_sent(books, committee, "monthly", "5")

    assert response.status_code == 422
    assert response.context["plan_form"].errors["name"] == [
        "A plan named “monthly” is offered already."
    ]
    assert DuesPlan.objects.count() == 1


def test_an_archived_plan_stays_its_members_but_is_no_longer_offered(books, committee):
    monthly, reduced = plan(committee, "Monthly"), plan(committee, "Reduced", 500)
    member = member_on(monthly)

    response = books.post(dues_url(committee), {"what": "archive", "plan": monthly.pk})

    assert response.status_code == 302
    monthly.refresh_from_db()
    assert monthly.archived_at is not None
    member.refresh_from_db()
    assert member.plan == monthly
    assert list(plans_offered(committee)) == [reduced]
    page = books.get(dues_url(committee))
    assert "“Monthly” is archived" in page.content.decode()
    assert [row.plan for row in page.context["offered"]] == [reduced]
    assert [(row.plan, row.members) for row in page.context["archived"]] == [(monthly, 1)]
    [event] = treasurer_events(committee)
    assert (event.detail, event.subject_id) == ({"change": "plan_archived"}, monthly.pk)


def test_an_archived_plan_is_offered_again(books, committee):
    monthly = plan(committee, archived_at="2026-01-01T00:00Z")

    assert books.post(dues_url(committee), {"what": "offer", "plan": monthly.pk}).status_code == 302

    assert list(plans_offered(committee)) == [monthly]


def test_an_archived_plan_is_not_offered_again_beside_one_of_its_name(books, committee):
    old = plan(committee, archived_at="2026-01-01T00:00Z")
    plan(committee, "MONTHLY", 1200)

    response = books.post(dues_url(committee), {"what": "offer", "plan": old.pk})

    assert response.status_code == 422
    assert "A plan named “Monthly” is offered already." in response.content.decode()


def test_a_plan_nobody_is_on_can_be_deleted_but_not_one_a_member_has(books, committee):
    mistake, taken = plan(committee, "Montly"), plan(committee, "Monthly")
    member_on(taken)
    page = books.get(dues_url(committee)).content.decode()
    assert "Delete: Montly" in page
    assert "Delete: Monthly" not in page

    deleted = books.post(dues_url(committee), {"what": "delete", "plan": mistake.pk})
    refused = books.post(dues_url(committee), {"what": "delete", "plan": taken.pk})

    assert deleted.status_code == 302
    assert refused.status_code == 422
    assert "Members are on the plan “Monthly”: archive it instead." in refused.content.decode()
    assert list(DuesPlan.objects.values_list("name", flat=True)) == ["Monthly"]


def test_another_committees_plan_is_not_found(books, committee, other_committee):
    theirs = plan(other_committee)

    for what in ["archive", "offer", "delete"]:
        assert books.post(dues_url(committee), {"what": what, "plan": theirs.pk}).status_code == 404
    assert books.post(dues_url(committee), {"what": "archive", "plan": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None


def test_the_audit_log_says_what_the_treasurer_changed_without_amounts(books, committee, treasurer):
    plan_sent(books, committee, "Monthly", "10.00")
    settings_sent(books, committee, grace_months="2")

    events = list(audit_events(committee=committee))
    texts = [line.text for line in audit_lines(events, committee=committee, campaigns={})]

    assert "Changed the dues settings" in texts
    assert "Added a dues plan" in texts
    assert not any("10" in text for text in texts)
