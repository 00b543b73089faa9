"""Issue 16's journeys in Spanish at 390 px, with a screenshot of each page (kept in
$JOURNEY_SCREENSHOTS when set): a member whose preferred language is Spanish answers from the
invitation email and saves the action to a calendar, on a phone set to English; an organizer
who chose Spanish in Account logs a one-on-one from My list and reads the person page. Every
page and the email must hold no sentence of the English catalogue."""

import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from campaigns.actions.services.rsvps import action_invite
from campaigns.models import Rsvp
from members.models import User
from tests import factories
from tests.actions.test_journey_rsvp_email import meeting_in_ten_days
from tests.conftest import body_text
from tests.test_journey_phone import shot
from tests.test_translations import english_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHICAGO = ZoneInfo("America/Chicago")
PHONE = {"width": 390, "height": 844}


def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", tmp_path)) / "spanish"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def spanish_only(page: Page) -> None:
    assert english_on(page.content()) == [], page.url


def test_a_member_answers_in_spanish_from_the_email_on_an_english_phone(
    browser: Browser, live_server, mailbox, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    folder = screenshots(tmp_path)
    committee = factories.committee(name="Comité Ribera")
    action, tomas, nina = meeting_in_ten_days(
        committee,
        code_name="Puerto",
        site_name="Almacén",
        title="Reunión sobre los turnos",
        location="Salón del sindicato",
        preferred_language="es",
    )
    starts = action.starts_at
    action_invite(action=action, people=[tomas], by=nina)

    email = mailbox.wait_for_one_to("tomas@example.org")
    text = body_text(email)
    assert text.startswith("Hola, Tomás"), text[:80]
    assert "18:00" in text and " de " in text  # "jueves 17 de diciembre, 18:00"
    assert english_on(text) == []
    link = re.search(r"https?://\S+/r/\S+/", text).group(0)

    # His phone is set to English; the page speaks the email's language.
    phone = browser.new_context(viewport=PHONE, locale="en-US", accept_downloads=True)
    mine = phone.new_page()
    mine.goto(link)
    expect(mine.get_by_text("Aún no ha respondido.")).to_be_visible()
    expect(mine.locator("html")).to_have_attribute("lang", "es")
    spanish_only(mine)
    shot(mine, folder, "1-member-link")
    mine.get_by_role("button", name="Sí, voy a ir").click()
    expect(mine.get_by_text("Confirmó que viene. ¡Nos vemos allá!")).to_be_visible()
    assert Rsvp.objects.get(action=action, person=tomas).response == "yes"
    spanish_only(mine)
    shot(mine, folder, "2-member-answered")

    with mine.expect_download() as download:
        mine.get_by_role("link", name="Agregarlo a mi calendario (.ics)").click()
    saved = tmp_path / "reunion.ics"
    download.value.save_as(saved)
    (event,) = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Puerto: Asamblea general"
    assert "Detalles: " in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == starts
    phone.close()


def log_in_in_spanish(page: Page, base: str, user: User) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    spanish_only(page)
    page.get_by_label("Correo").fill(user.email)
    page.get_by_label("Contraseña", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    app = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    expect(page.get_by_role("heading", name="Verificación en dos pasos")).to_be_visible()
    page.get_by_label("Código").fill(factories.totp_code(app.data["secret"]))
    page.get_by_role("button", name="Iniciar sesión").click()


def test_an_organizer_who_chose_spanish_logs_a_one_on_one_in_spanish(
    browser: Browser, live_server, committee, campaign, team_organizer, tmp_path
):
    folder = screenshots(tmp_path)
    User.objects.filter(pk=team_organizer.pk).update(language="es")
    team_organizer.refresh_from_db()
    unit = factories.unit(site=factories.site(campaign=campaign, name="Almacén"), name="Muelle")
    maria = factories.person(committee=committee, given_name="María", family_name="López")
    factories.on_roster(campaign=campaign, person=maria, unit=unit, organizer=team_organizer)
    # A phone set to Spanish: the login page follows Accept-Language, the rest the account.
    context = browser.new_context(viewport=PHONE, locale="es-MX")
    page = context.new_page()

    log_in_in_spanish(page, live_server.url, team_organizer)
    unassessed = page.locator("section", has=page.get_by_role("heading", name="Aún sin evaluar"))
    expect(unassessed).to_contain_text("María López")
    page.wait_for_load_state()
    spanish_only(page)
    shot(page, folder, "3-my-list")

    unassessed.get_by_role("link", name="Registrar un uno a uno con María López").click()
    form = unassessed.locator("form.log-form")
    form.get_by_label("Notas").fill("Quiere que vuelva el pago extra del turno de noche")
    form.get_by_label("Simpatizante, actuará en público").check()
    form.get_by_label("En 3 días").check()
    spanish_only(page)
    shot(page, folder, "4-log")
    form.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Se registró su conversación con María López.")).to_be_visible()

    page.goto(live_server.url + reverse("person_detail", args=[maria.pk]))
    expect(page.get_by_role("heading", name="Unos a unos", exact=True)).to_be_visible()
    expect(page.get_by_text("Quiere que vuelva el pago extra")).to_be_visible()
    spanish_only(page)
    shot(page, folder, "5-person")
    context.close()
