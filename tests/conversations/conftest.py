"""Fixtures the one-on-one tests share."""

import pytest

from tests import factories


@pytest.fixture
def maria(committee, campaign):
    """Maria Lopez on Harbor's roster, in Receiving at the Warehouse, a site in Chicago's time
    zone (a module may define its own Maria instead)."""
    site = factories.site(campaign=campaign, name="Warehouse")
    site.time_zone = "America/Chicago"
    site.save()
    unit = factories.unit(site=site, name="Receiving")
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    return factories.on_roster(campaign=campaign, person=person, unit=unit)
