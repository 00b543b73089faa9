"""What members' Team page and user management know of campaign teams (members.teams)."""

from campaigns.models import TeamMember
from members.models import Committee, User
from members.teams import CampaignTeams, campaign_teams_register


def _teammates(committee: Committee, user: User) -> set[int]:
    """Everyone on the teams of the committee's campaigns that `user` is on: one query."""
    mine = TeamMember.objects.filter(user=user, campaign__committee=committee)
    rows = TeamMember.objects.filter(campaign__in=mine.values("campaign_id"))
    return set(rows.values_list("user_id", flat=True))


def _leave(committee: Committee, user: User) -> int:
    deleted, _by_model = TeamMember.objects.filter(
        user=user, campaign__committee=committee
    ).delete()
    return deleted


def teams_register() -> None:
    campaign_teams_register(CampaignTeams(teammates=_teammates, leave=_leave))
