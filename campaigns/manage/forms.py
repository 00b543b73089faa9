"""Forms for managing campaigns: they parse and label input; the rules live in the services."""

import zoneinfo
from collections.abc import Collection
from functools import cache
from typing import TYPE_CHECKING, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.actions.forms.reminders import UNITS, RemindersMixin, amount_and_unit
from campaigns.manage.selectors import UnitRow
from campaigns.models import Campaign, TeamMember
from members.models import Committee

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOP_LEVEL = "top"
ONE_ON_ONE_LONGEST = 7 * 24 * 60  # minutes
NO_UNIT = "none"


def _percent(label: "StrOrPromise", initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=100,
        initial=initial,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Campaign.Kind.choices, widget=forms.RadioSelect
    )
    target = forms.CharField(
        label=_("Target"),
        max_length=200,
        help_text=_(
            "For a workplace campaign, the employer's name; for a tenant campaign, the "
            "landlord's name."
        ),
    )
    code_name = forms.CharField(
        label=_("Code name"),
        max_length=60,
        help_text=_(
            "Used in emails and notifications instead of the target's name, so a forwarded "
            "message does not give the campaign away. Unique in the committee."
        ),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Campaign.Status.choices, initial=Campaign.Status.ACTIVE
    )
    threshold_interest = _percent(_("Showing of interest (%)"), 30)
    threshold_majority = _percent(_("Majority (%)"), 50)
    threshold_super = _percent(_("Supermajority (%)"), 67)
    notes_restricted = forms.BooleanField(
        label=_("Conversation notes only for their author and leads"),
        required=False,
        help_text=_("Other organizers on the team still see that a conversation happened."),
    )
    escalate_after_days = forms.IntegerField(
        label=_("Tell the leads of a follow-up overdue this many days"),
        min_value=1,
        max_value=60,
        initial=3,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    quiet_unit_days = forms.IntegerField(
        label=_("A unit is quiet after this many days without a conversation"),
        help_text=_("Its organizers hear of it on Monday mornings."),
        min_value=1,
        max_value=365,
        initial=21,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, kind: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == Campaign.Kind.WORKPLACE:
            self.fields["target"].label = _("Employer")
            self.fields["target"].help_text = _("The employer's name, as workers say it.")
        elif kind == Campaign.Kind.TENANT:
            self.fields["target"].label = _("Landlord")
            self.fields["target"].help_text = _("The landlord's or management company's name.")

    def clean_escalate_after_days(self) -> int:
        """Left empty: the default."""
        return (
            self.cleaned_data["escalate_after_days"] or self.fields["escalate_after_days"].initial
        )

    def clean_quiet_unit_days(self) -> int:
        return self.cleaned_data["quiet_unit_days"] or self.fields["quiet_unit_days"].initial

    @classmethod
    def initial_from(cls, campaign: Campaign) -> dict:
        return {name: getattr(campaign, name) for name in cls.base_fields}


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Actions at this site are scheduled and reminded in its local time."),
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = time_zone_choices()
        # A new site starts on the committee's clock (members/clock.py activates it).
        self.fields["time_zone"].initial = timezone.get_current_timezone_name()
        if kind == Campaign.Kind.TENANT:
            self.fields["name"].label = _("Building name")
            self.fields["name"].help_text = _("How the tenants call it: “Maple Court”, “412 Elm”.")
        else:
            self.fields["name"].label = _("Worksite name")
            self.fields["name"].help_text = _(
                "How the workers call it: “Eastside warehouse”, “Store 114”."
            )

    @classmethod
    def initial_from(cls, site) -> dict:
        return {"name": site.name, "address": site.address, "time_zone": site.time_zone}


def unit_choices(rows: list[UnitRow], *, exclude: Collection[int] = frozenset()) -> list[tuple]:
    """Units as select options, indented by depth so the tree shows in the list."""
    return [
        (str(row.unit.pk), "\u2003" * row.depth + row.unit.name)
        for row in rows
        if row.unit.pk not in exclude
    ]


class UnitAddForm(forms.Form):
    name = forms.CharField(
        label=_("Unit name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    parent = forms.ChoiceField(label=_("Under"), required=False)

    def __init__(self, data: QueryDict | None = None, *, rows: list[UnitRow], **kwargs) -> None:
        super().__init__(data, auto_id="add-unit-%s", **kwargs)
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", _("— top level —")),
            *unit_choices(rows),
        ]


class UnitRenameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, data: QueryDict | None = None, **kwargs) -> None:
        super().__init__(data, auto_id="rename-%s", **kwargs)


class UnitMoveForm(forms.Form):
    parent = forms.ChoiceField(label=_("Move under"))

    def __init__(
        self, data: QueryDict | None = None, *, rows: list[UnitRow], exclude: set[int], **kwargs
    ) -> None:
        super().__init__(data, auto_id="move-%s", **kwargs)
        top = (TOP_LEVEL, _("— top level —"))
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", _("Choose…")),
            top,
            *unit_choices(rows, exclude=exclude),
        ]


class UnitDeleteForm(forms.Form):
    move_to = forms.ChoiceField(label=_("Where do the people placed there go?"))

    def __init__(
        self, data: QueryDict | None = None, *, rows: list[UnitRow], exclude: set[int], **kwargs
    ) -> None:
        super().__init__(data, auto_id="delete-%s", **kwargs)
        no_unit = (NO_UNIT, _("No unit (place them later)"))
        cast(forms.ChoiceField, self.fields["move_to"]).choices = [
            no_unit,
            *unit_choices(rows, exclude=exclude),
        ]


class TeamMemberForm(forms.Form):
    """Whom to put on the team. `user` takes any id: the service says clearly who may join."""

    user = forms.IntegerField(label=_("Person"), widget=forms.Select)
    role = forms.ChoiceField(
        label=_("Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.ORGANIZER
    )

    def __init__(self, *args, candidates: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(user.pk), f"{user} · {user.email}") for user in candidates]
        self.fields["user"].widget.choices = [("", _("Choose an organizer or lead…")), *people]


class CommitteeRemindersForm(RemindersMixin):
    """The committee's reminder timing: the reminders a new action starts with, how long
    before a scheduled one-on-one its organizer is reminded, and the quiet hours of texts."""

    one_on_one_amount = forms.IntegerField(
        label=_("Remind the organizer"),
        min_value=1,
        error_messages={"min_value": _("Enter a number above 0.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    one_on_one_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    quiet_hours_start = forms.TimeField(
        label=_("Quiet from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, data=None, *, committee: Committee) -> None:
        amount, unit = amount_and_unit(committee.one_on_one_reminder_minutes)
        initial = {
            "one_on_one_amount": amount,
            "one_on_one_unit": unit,
            "quiet_hours_start": committee.quiet_hours_start,
            "quiet_hours_end": committee.quiet_hours_end,
        }
        super().__init__(data, initial=initial)
        self.setup_reminders(committee.reminder_offsets)

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        self.clean_reminders_together(data)
        amount, unit = data.get("one_on_one_amount"), data.get("one_on_one_unit")
        if amount is not None and unit and amount * int(unit) > ONE_ON_ONE_LONGEST:
            self.add_error("one_on_one_amount", _("At most 7 days before."))
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if start is not None and start == end:
            self.add_error(
                "quiet_hours_end",
                _("Quiet hours end at another time than they start, e.g. 21:00 to 08:00."),
            )
        return data

    def settings(self) -> dict:
        data = self.cleaned_data
        return {
            "reminder_offsets": self.reminder_offsets,
            "one_on_one_reminder_minutes": data["one_on_one_amount"] * int(data["one_on_one_unit"]),
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
        }
