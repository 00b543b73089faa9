"""The outbox page: a committee lead sees what is waiting, sent, failed, held back or no longer
needed, and why; retries what failed; and each person's page lists what was sent to them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OutboxMessage
from campaigns.outbox.services.send import FAILED, outbox_send_one
from members.models import AuditEvent, PersonEmail
from tests import factories
from tests.outbox.test_outbox_send import an_action, invited, someone

Status = OutboxMessage.Status
Kind = OutboxMessage.Kind


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


def named(committee, given_name: str, email: str | None = None):
    person = factories.person(committee=committee, given_name=given_name, family_name="Reyes")
    if email:
        PersonEmail.objects.create(person=person, email=email, is_primary=True)
    return person


def page_url(committee, query: str = "") -> str:
    return reverse("outbox", args=[committee.pk]) + query


def a_message(action, person=None, *, status=Status.PENDING, reason="", user=None, **fields):
    due = fields.pop("due_at", timezone.now())
    return OutboxMessage.objects.create(
        committee=action.committee,
        kind=fields.pop("kind", Kind.ACTION_INVITATION),
        action=action,
        person=person,
        user=user,
        due_at=due,
        next_attempt_at=due,
        status=status,
        reason=reason,
        **fields,
    )


@pytest.fixture
def outbox(action, lead):
    """One of each: sent, failed, suppressed by consent, void, pending, and one to a user."""
    committee = action.committee
    people = [
        named(committee, name, f"p{i}@example.org")
        for i, name in enumerate(["Ana", "Bo", "Cy", "Di", "Ed"])
    ]
    return {
        "sent": a_message(action, people[0], status=Status.SENT, attempts=1),
        "failed": a_message(
            action,
            people[1],
            status=Status.FAILED,
            attempts=1,
            reason="SMTPRecipientsRefused: 550 No such mailbox",
            last_attempt_at=timezone.now(),
        ),
        "suppressed": a_message(
            action, people[2], status=Status.SUPPRESSED, reason="opted out of text messages"
        ),
        "void": a_message(action, people[3], status=Status.VOID, reason="the action was cancelled"),
        "pending": a_message(action, people[4], due_at=timezone.now() + timedelta(hours=3)),
        "to_user": a_message(action, user=lead, kind=Kind.ACTION_REMINDER),
    }


def test_a_lead_sees_the_counts_and_the_reasons(client, committee, lead, outbox):
    client.force_login(lead)

    response = client.get(page_url(committee))

    assert response.status_code == 200
    page = response.content.decode()
    counts = page.split('id="outbox-counts"')[1].split("</ul>")[0]
    for count, label in [(2, "Pending"), (1, "Sent"), (1, "Failed"), (1, "Suppressed")]:
        assert f"<strong>{count}</strong> {label}" in counts
    assert "<strong>1</strong> Void" in counts
    assert "SMTPRecipientsRefused: 550 No such mailbox" in page
    assert "opted out of text messages" in page
    assert "the action was cancelled" in page
    failed = outbox["failed"]
    person_link = reverse("person_detail", args=[failed.person_id])
    assert f'<a href="{person_link}">Bo Reyes</a>' in page
    assert str(lead) in page  # the reminder to a user of the app
    row = page.split(f'id="outbox-message-{failed.pk}"')[1].split("</li>")[0]
    assert reverse("outbox_retry", args=[committee.pk, failed.pk]) in row
    sent_row = page.split(f'id="outbox-message-{outbox["sent"].pk}"')[1].split("</li>")[0]
    assert "Retry" not in sent_row


def test_it_filters_by_status_and_kind(client, committee, lead, outbox):
    client.force_login(lead)

    failed = client.get(page_url(committee, "?status=failed"))
    reminders = client.get(page_url(committee, "?kind=action_reminder"))

    assert list(failed.context["page"].object_list) == [outbox["failed"]]
    assert list(reminders.context["page"].object_list) == [outbox["to_user"]]


def test_a_retried_message_goes_out_once_the_address_is_fixed(
    client, committee, action, lead, mailbox, django_capture_on_commit_callbacks
):
    ana = someone(committee, "ana at example")
    message = invited(action, ana, lead)
    assert outbox_send_one(message_id=message.pk) == FAILED
    client.force_login(lead)
    assert "Permanent: bad address" in client.get(page_url(committee)).content.decode()
    PersonEmail.objects.filter(person=ana).update(email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outbox_retry", args=[committee.pk, message.pk]),
            {"next": page_url(committee, "?status=failed")},
        )

    assert response.status_code == 302 and response.url == page_url(committee, "?status=failed")
    [email] = mailbox.wait_for(1)
    assert email["To"] == "ana@example.org"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.reason) == (Status.SENT, 1, "")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MESSAGE_RETRY)
    assert (event.actor, event.subject_id, event.count) == (lead, message.pk, 1)


def test_a_retry_puts_the_row_back_in_line_now(client, committee, lead, outbox):
    failed = outbox["failed"]
    OutboxMessage.objects.filter(pk=failed.pk).update(attempts=8)
    client.force_login(lead)

    client.post(reverse("outbox_retry", args=[committee.pk, failed.pk]))

    failed.refresh_from_db()
    assert failed.status == Status.PENDING and failed.attempts == 0
    assert abs((failed.next_attempt_at - timezone.now()).total_seconds()) < 5


def test_retry_leaves_a_message_that_did_not_fail_alone(client, committee, lead, outbox):
    client.force_login(lead)

    for name in ["sent", "suppressed", "void", "pending"]:
        client.post(reverse("outbox_retry", args=[committee.pk, outbox[name].pk]))
        outbox[name].refresh_from_db()
        assert outbox[name].status == name
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.MESSAGE_RETRY).exists()


def test_retry_all_failed(client, committee, action, lead, outbox):
    more = a_message(action, someone(committee, "zed@example.org"), status=Status.FAILED)
    client.force_login(lead)

    page = client.get(page_url(committee)).content.decode()
    assert "Retry all 2 failed" in page
    client.post(reverse("outbox_retry_failed", args=[committee.pk]))

    statuses = OutboxMessage.objects.filter(pk__in=[outbox["failed"].pk, more.pk])
    assert set(statuses.values_list("status", flat=True)) == {Status.PENDING}
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.MESSAGE_RETRY).count == 2


def test_another_committees_message_is_a_404(client, committee, other_committee, lead, outbox):
    theirs = OutboxMessage.objects.filter(pk=outbox["failed"].pk)
    theirs.update(committee=other_committee)
    client.force_login(lead)

    response = client.post(reverse("outbox_retry", args=[committee.pk, outbox["failed"].pk]))

    assert response.status_code == 404
    assert theirs.get().status == Status.FAILED


@pytest.mark.parametrize(("persona", "status"), [("organizer", 403), ("outsider", 404)])
def test_only_leads_read_it(client, committee, outbox, request, persona, status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(page_url(committee)).status_code == status
    retry = reverse("outbox_retry", args=[committee.pk, outbox["failed"].pk])
    assert client.post(retry).status_code == status
    assert OutboxMessage.objects.get(pk=outbox["failed"].pk).status == Status.FAILED


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    client, committee, action, lead, django_assert_max_num_queries
):
    def add(times: int) -> None:
        for i in range(times):
            person = named(committee, f"P{i}")
            a_message(action, person, status=Status.FAILED, reason="bad")
            a_message(action, user=lead, kind=Kind.ACTION_REMINDER, due_at=person.created_at)

    client.force_login(lead)
    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(page_url(committee))
    add(40)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_url(committee))

    assert len(response.context["page"].object_list) == 50


# --- The person's page ----------------------------------------------------------------------


def test_a_persons_page_lists_what_was_sent_to_them(client, committee, action, lead, mailbox):
    ana = someone(committee)
    factories.on_roster(campaign=action.campaign, person=ana)
    outbox_send_one(message_id=invited(action, ana, lead).pk)
    held = a_message(
        action,
        ana,
        kind=Kind.ACTION_REMINDER,
        status=Status.SUPPRESSED,
        reason="opted out of email",
    )
    client.force_login(lead)

    page = client.get(reverse("person_detail", args=[ana.pk])).content.decode()

    section = page.split('id="people-messages-title"')[1].split("</section>")[0]
    assert "Invitation to an action" in section and "ana@example.org" in section
    assert "Sent" in section
    row = section.split(f'id="person-message-{held.pk}"')[1].split("</li>")[0]
    assert "Reminder of an action" in row and "Suppressed" in row
    assert "opted out of email" in row


def test_a_person_page_shows_no_messages_about_actions_the_viewer_does_not_run(
    client, committee, campaign, action, lead, organizer
):
    """An organizer of another campaign who can see the person (on both rosters) does not see
    the invitations to this campaign's actions."""
    other = factories.campaign(committee=committee, code_name="Oak")
    factories.on_team(campaign=other, user=organizer)
    ana = someone(committee)
    factories.on_roster(campaign=campaign, person=ana)
    factories.on_roster(campaign=other, person=ana)
    a_message(action, ana, status=Status.SENT)
    client.force_login(organizer)

    page = client.get(reverse("person_detail", args=[ana.pk])).content.decode()

    section = page.split('id="people-messages-title"')[1].split("</section>")[0]
    assert "Nothing sent yet." in section
