"""The world of the signing tests: campaign Harbor (against Acme Logistics) of a committee in
Los Angeles, a union card drive in English and Spanish, and Ana on its roster.

They run at 19:00 on Friday 4 December in Los Angeles, already Saturday the 5th in UTC: a
signature made then is dated the 4th."""

from datetime import UTC, date, datetime

import time_machine

from campaigns.models import SignupDrive
from campaigns.signups.services import DriveData, drive_create
from members.models import PersonEmail
from tests import factories

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)  # in Los Angeles
TARGET = "Acme Logistics"
ENGLISH = "I, the undersigned employee of Acme Logistics, authorize the union to represent me."
SPANISH = "Yo, empleado de Acme Logistics, autorizo al sindicato a representarme."


def travel():
    return time_machine.travel(NOW, tick=False)


def la_committee(committee):
    committee.time_zone = "America/Los_Angeles"
    committee.save()
    return committee


def harbor(committee):
    """Campaign Harbor, a site with a unit, and a card drive open since 1 November."""
    campaign = factories.campaign(committee=la_committee(committee), code_name="Harbor")
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Night shift")
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title="Harbor union card",
            texts={"en": ENGLISH, "es": SPANISH},
            opens_on=date(2026, 11, 1),
        ),
        actor=None,
    )
    return campaign, unit, drive


def on_roster(campaign, unit, name: str, email: str = "", **fields):
    person = factories.person(committee=campaign.committee, given_name=name, **fields)
    if email:
        PersonEmail.objects.create(person=person, email=email, is_primary=True)
    factories.on_roster(campaign=campaign, person=person, unit=unit)
    return person
