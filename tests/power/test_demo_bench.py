"""seed_bench's power base, small here: everyone on the bench roster a member, with
DUES_MONTHS months of dues; most in good standing, some behind, lapsed or resigned."""

import pytest
from django.core.management import CommandError, call_command

from campaigns.management.commands.seed_bench import COMMITTEE, DUES_MONTHS
from campaigns.models import Member, Payment
from campaigns.power.standing import Kind, month_index, standings
from members.clock import today_for
from members.models import Committee

pytestmark = pytest.mark.django_db

SMALL = {"people": 300, "units": 12, "sites": 3, "organizers": 4, "conversations": 600}


def test_every_bench_person_is_a_member_with_two_years_of_dues():
    call_command("seed_bench", force=True, stdout=None, actions=6, weeks=10, **SMALL)
    committee = Committee.objects.get(name=COMMITTEE)
    today = today_for(committee)

    members = Member.objects.filter(committee=committee)
    kinds = [s.kind for s in standings(members, committee=committee, day=today).values()]

    assert members.count() == 300
    assert {Kind.GOOD, Kind.BEHIND, Kind.LAPSED, Kind.RESIGNED} <= set(kinds)
    assert kinds.count(Kind.GOOD) > 150
    months = {month_index(day) for day in Payment.objects.values_list("paid_on", flat=True)}
    assert max(months) - min(months) == DUES_MONTHS - 1


def test_a_bench_without_members_is_rebuilt_on_reset():
    call_command("seed_bench", force=True, stdout=None, actions=6, weeks=10, **SMALL)
    Payment.objects.all().delete()
    Member.objects.all().delete()  # as seeded before members were

    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bench", force=True, stdout=None, actions=6, weeks=10, **SMALL)
    call_command("seed_bench", force=True, reset=True, stdout=None, actions=6, weeks=10, **SMALL)

    assert Member.objects.count() == 300
