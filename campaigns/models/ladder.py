"""The committee's leadership ladder (issue 17): its rungs, in order, stored as data.

A ladder is how a committee sees its people grow: member → active → leader → organizer.
Committees word and pace it differently, so the rungs are rows, not code: their order
(`position`), their names, the window of an "active" rung (`days`) and how many trainings
someone must have attended to count on a rung (`trainings`). What a rung *means* is not data:
its `kind` is one of a fixed set of rules the code knows (campaigns.power.ladder reads them
from the records the app keeps: membership, attendance, leader flags, campaign teams).

A committee that has none gets the four default rungs the first time its ladder is read
(campaigns.power.ladder.ladder_rungs), with empty names: an empty name shows the kind's
default name in the reader's language, so the defaults stay translated for everyone.

Where a person stands is never stored: it is computed as of any day.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee


class LadderRung(models.Model):
    """One rung of a committee's ladder: who counts on it, and what it is called."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        ACTIVE = "active", _("Active")
        LEADER = "leader", _("Leader")
        ORGANIZER = "organizer", _("Organizer")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="ladder_rungs")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("rule"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=60, blank=True, help_text=_("Leave empty for the rule's name.")
    )
    days = models.PositiveSmallIntegerField(
        _("came to an action in the last (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("For an active rung only."),
    )
    trainings = models.PositiveSmallIntegerField(
        _("trainings attended"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("How many trainings someone must have attended to count on this rung."),
    )

    class Meta:
        verbose_name = _("ladder rung")
        verbose_name_plural = _("ladder rungs")
        ordering = ["position", "pk"]
        constraints = [
            # Not deferrable: the default rungs are made with ON CONFLICT DO NOTHING, which
            # needs an immediate constraint.
            models.UniqueConstraint(
                fields=["committee", "position"], name="ladder_rung_position_unique"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="ladder_rung_days_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The rung's name: the committee's own, or the rule's in the reader's language."""
        return self.name or str(self.Kind(self.kind).label)
