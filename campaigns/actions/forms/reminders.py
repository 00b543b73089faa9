"""Choosing reminders without JavaScript: tick the ones to keep ("1 day before", "2 hours
before", and any the action already has), and add one more as a number and a unit.

Used by the action form and by the committee's settings (the defaults for new actions). The
rules: no two at the same time, none at or after the start, at most MAX_REMINDERS.
"""

from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.actions.services.reminders import MAX_REMINDERS

PRESETS = [24 * 60, 2 * 60]  # "1 day before", "2 hours before": always offered
MINUTE, HOUR, DAY = 1, 60, 24 * 60
UNITS = [(str(MINUTE), _("minutes")), (str(HOUR), _("hours")), (str(DAY), _("days"))]
LONGEST = 30 * DAY  # a reminder a month ahead is an invitation, not a reminder


def offset_label(minutes: int) -> str:
    """ "1 day before", "2 hours before", "90 minutes before": in the largest whole unit."""
    if minutes % DAY == 0:
        count = minutes // DAY
        return ngettext("%(count)d day before", "%(count)d days before", count) % {"count": count}
    if minutes % HOUR == 0:
        count = minutes // HOUR
        text = ngettext("%(count)d hour before", "%(count)d hours before", count)
        return text % {"count": count}
    text = ngettext("%(count)d minute before", "%(count)d minutes before", minutes)
    return text % {"count": minutes}


def amount_and_unit(minutes: int) -> tuple[int, str]:
    """A lead time as the form shows it: 60 is 1 hour, 90 is 90 minutes."""
    for unit in (DAY, HOUR):
        if minutes % unit == 0:
            return minutes // unit, str(unit)
    return minutes, str(MINUTE)


class RemindersMixin(forms.Form):
    """The reminder fields: `reminders` (ticked, minutes before) and one to add,
    `reminder_amount` and `reminder_unit`. Call `setup_reminders` in __init__ and
    `clean_reminders_together` in clean(); `reminder_offsets` is then the list, latest first."""

    reminder_offsets: list[int]

    reminders = forms.TypedMultipleChoiceField(
        label=_("Reminders"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a reminder to remove it."),
    )
    reminder_amount = forms.IntegerField(
        label=_("Add a reminder"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reminder_unit = forms.ChoiceField(
        label=_("Unit"), choices=UNITS, initial=str(HOUR), required=False
    )

    def setup_reminders(self, current: list[int]) -> None:
        """Offer the presets, the current reminders, and whatever was posted (so a rejected
        form shows again what was ticked)."""
        offered = {*PRESETS, *current, *self._posted_offsets()}
        field = cast(forms.TypedMultipleChoiceField, self.fields["reminders"])
        field.choices = [(str(m), offset_label(m)) for m in sorted(offered, reverse=True)]
        self.initial.setdefault("reminders", [str(m) for m in current])

    def _posted_offsets(self) -> list[int]:
        if not self.is_bound:
            return []
        name = self.add_prefix("reminders")
        data = self.data
        values = data.getlist(name) if isinstance(data, QueryDict) else data.get(name) or []
        return [int(v) for v in values if v.isdecimal() and 0 < int(v) <= LONGEST]

    def clean_reminders_together(self, data: dict) -> None:
        ticked = list(data.get("reminders") or [])
        added = self._added(data)
        if added is not None and added in ticked:
            self.add_error(
                "reminder_amount",
                _("There is already a reminder %(when)s.") % {"when": offset_label(added)},
            )
            added = None
        offsets = sorted({*ticked, *([added] if added is not None else [])}, reverse=True)
        if len(offsets) > MAX_REMINDERS:
            self.add_error(
                "reminders",
                _("At most %(count)d reminders: untick one.") % {"count": MAX_REMINDERS},
            )
        self.reminder_offsets = offsets

    def _added(self, data: dict) -> int | None:
        """The reminder to add, in minutes, or None (none typed, or a typing error shown)."""
        amount, unit = data.get("reminder_amount"), data.get("reminder_unit") or str(HOUR)
        if amount is None:
            return None
        if amount <= 0:
            self.add_error(
                "reminder_amount",
                _("A reminder goes before the start: enter a number above 0."),
            )
            return None
        if amount * int(unit) > LONGEST:
            self.add_error("reminder_amount", _("A reminder goes at most 30 days before."))
            return None
        return amount * int(unit)
