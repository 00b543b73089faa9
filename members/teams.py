"""What members needs to know of campaign teams, told by the app that has them.

The Team page shows an organizer the teams of their own campaigns and the committee's leads,
not every login of the committee; taking someone off the committee (or down to member) takes
them off its campaigns' teams too, since a team row alone opens a campaign. members/ knows
nothing of campaigns: campaigns registers both at start-up (campaigns/manage/teams.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from members.models import Committee, User


@dataclass(frozen=True)
class CampaignTeams:
    """`teammates(committee, user)`: the ids of the users on the teams of the committee's
    campaigns that `user` is on (them included); `leave(committee, user)`: take `user` off
    every team of the committee's campaigns, and say how many they were on."""

    teammates: Callable[[Committee, User], set[int]]
    leave: Callable[[Committee, User], int]


_registered: CampaignTeams | None = None


def campaign_teams_register(teams: CampaignTeams) -> None:
    global _registered  # noqa: PLW0603 - set once, at start-up, by the app that has campaigns
    _registered = teams


def campaign_teammates(*, committee: Committee, user: User) -> set[int]:
    return _registered.teammates(committee, user) if _registered else set()


def campaign_teams_leave(*, committee: Committee, user: User) -> int:
    return _registered.leave(committee, user) if _registered else 0
