"""The dashboards' kept weekly figures: where each campaign, and each of its units, stood at
the end of every completed week, so that a dashboard reads them instead of going through the
whole history on every view (campaigns.dashboards.services keeps them; the definitions are in
campaigns.dashboards.selectors.trends)."""

from django.conf import settings
from django.db import models

from campaigns.models.roster import Campaign, Unit


class TrendWeek(models.Model):
    """One campaign's (whole=True) or one unit's figures at the end of one local week.

    `unit` is None on a whole-campaign row, and on the row of the people placed in no unit.
    Everything is as of the week's end except `conversations`, those logged in the week."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, related_name="+")
    whole = models.BooleanField()
    week = models.IntegerField()  # trends.week_number of the week's local Monday
    roster = models.IntegerField()
    contacted = models.IntegerField()
    level1 = models.IntegerField()
    level2 = models.IntegerField()
    level3 = models.IntegerField()
    level4 = models.IntegerField()
    level5 = models.IntegerField()
    leaders = models.IntegerField()
    conversations = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "whole", "unit", "week"],
                name="trend_week_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        place = "whole" if self.whole else f"unit {self.unit_id}"
        return f"campaign {self.campaign_id}, {place}, week {self.week}"


class OrganizerWeek(models.Model):
    """How many conversations one organizer (None: nobody) logged as happening in one local
    week of a campaign: the dashboard's "who is doing the work" over any date range, read
    from these for the completed weeks in it."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, related_name="+"
    )
    week = models.IntegerField()
    conversations = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "week", "organizer"],
                name="organizer_week_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"campaign {self.campaign_id}, organizer {self.organizer_id}, week {self.week}"


class TrendState(models.Model):
    """How far a campaign's kept weeks go, and since when its history changed under them.

    A service that changes the past (a back-dated log, a move between units, a removal)
    sets `stale_since` in its own transaction (campaigns.roster.history); the keeping
    recomputes the weeks from there and clears it, holding this row's lock meanwhile."""

    campaign = models.OneToOneField(
        Campaign, models.CASCADE, primary_key=True, related_name="trend_state"
    )
    kept_through = models.IntegerField(null=True)  # the last week kept; None: none yet
    stale_since = models.DateTimeField(null=True)  # None: nothing changed under the kept weeks

    def __str__(self) -> str:
        return f"campaign {self.campaign_id} kept through week {self.kept_through}"
