"""The action form (times typed in the action's local time), the invitation form, and the
answer to an invitation.

Times are typed as the clock will read where the action happens: in its site's time zone,
else the committee's. Which zone that is depends on the site chosen, so the form reads the
typed times as plain wall-clock times and puts them in the zone once the site is known.
"""

import datetime
import zoneinfo
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.actions.forms.reminders import RemindersMixin
from campaigns.actions.selectors.actions import InviteCriteria
from campaigns.actions.services.actions import ActionData
from campaigns.models import Action, Assessment, Campaign, Rsvp, Site, Unit
from members.models import Committee, Tag
from members.templatetags.dates import clock
from organizing.forms import DATETIME_LOCAL, DATETIME_LOCAL_FORMATS, DateTimeLocalInput

TIMES = ["starts_at", "ends_at", "rsvp_deadline"]
MAX_PICKED = 500
MAX_GUESTS = 20


def _local_field(label, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
    )


class SiteSelect(forms.Select):
    """Each site's option says which campaign it is on and its time zone, so the page can
    show the sites of the chosen campaign and the zone times are typed in."""

    def __init__(self, *args, sites: dict[int, Site] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = sites or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        site = self.sites.get(getattr(value, "value", value))
        if site is not None:
            option["attrs"] |= {"data-campaign": site.campaign_id, "data-zone": site.time_zone}
        return option


class ActionForm(RemindersMixin):
    title = forms.CharField(label=_("Title"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=Action.Kind.choices)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("Committee-wide (no campaign)"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("No site")
    )
    starts_at = _local_field(_("Starts"))
    ends_at = _local_field(_("Ends"))
    location = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea({"rows": 2})
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 4})
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Places, guests included. Leave empty for no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can RSVP"), choices=Action.Visibility.choices, widget=forms.RadioSelect
    )
    rsvp_deadline = _local_field(_("RSVP by"), required=False)

    def __init__(
        self,
        *args,
        committee: Committee,
        campaigns,
        sites: list[Site],
        action: Action | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.action = action
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        by_pk = {site.pk: site for site in sites}
        site_field = cast(forms.ModelChoiceField, self.fields["site"])
        site_field.queryset = Site.objects.filter(pk__in=by_pk)
        site_field.widget = SiteSelect(sites=by_pk)
        site_field.choices = [("", _("No site"))] + [(site.pk, _site_label(site)) for site in sites]
        if action is not None:
            # Who was invited came from the campaign's roster: the campaign stays.
            self.fields["campaign"].disabled = True
            self.fields["campaign"].help_text = _("An action's campaign cannot change.")
        self.time_zone = action.time_zone if action is not None else committee.time_zone
        # A new action starts from the committee's reminders; an action keeps its own.
        self.setup_reminders(action.reminder_offsets if action else committee.reminder_offsets)

    def full_clean(self) -> None:
        """Typed times are read as bare wall-clock times (in UTC here) and put in the
        action's zone by clean(), once the site is known."""
        with timezone.override(datetime.UTC):
            super().full_clean()

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        campaign, site = data.get("campaign"), data.get("site")
        if site is not None and (campaign is None or site.campaign_id != campaign.pk):
            self.add_error("site", _("Pick a site of the chosen campaign, or no site."))
            site = None
        self.time_zone = site.time_zone if site is not None else self.committee.time_zone
        zone = zoneinfo.ZoneInfo(self.time_zone)
        for name in TIMES:
            if data.get(name) is not None:
                data[name] = self._in_zone(name, data[name], zone)
        self._check_times(data)
        self.clean_reminders_together(data)
        return data

    def _in_zone(self, name: str, value: datetime.datetime, zone) -> datetime.datetime | None:
        local = value.replace(tzinfo=zone)
        wall = local.astimezone(datetime.UTC).astimezone(zone)
        if wall.replace(tzinfo=None) != value.replace(tzinfo=None):
            self.add_error(
                name,
                _("The clocks change then: %(time)s does not exist in %(zone)s.")
                % {"time": clock(value), "zone": self.time_zone},
            )
            return None
        return local

    def _check_times(self, data: dict) -> None:
        starts, ends, deadline = (data.get(name) for name in TIMES)
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        if starts is not None and deadline is not None and deadline > starts:
            self.add_error("rsvp_deadline", _("RSVPs must close before the action starts."))
        moved = self.action is None or self.action.starts_at != starts
        if starts is not None and moved and starts < timezone.now():
            self.add_error("starts_at", _("Pick a start from now on."))

    @property
    def has_no_place(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("location", "").strip() and not data.get("video_url")

    def action_data(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            title=data["title"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=self.time_zone,
            site=data["site"],
            location=data["location"],
            video_url=data["video_url"],
            description=data["description"],
            capacity=data["capacity"],
            visibility=data["visibility"],
            rsvp_deadline=data["rsvp_deadline"],
            reminder_offsets=self.reminder_offsets,
        )


def _site_label(site: Site) -> str:
    return f"{site.campaign.code_name} · {site.name} ({site.time_zone})"


def initial_for_new(campaign: Campaign | None) -> dict:
    return {
        "campaign": campaign.pk if campaign is not None else None,
        "kind": Action.Kind.COMMITTEE_MEETING,
        "visibility": Action.Visibility.INVITED,
    }


def initial_from(action: Action) -> dict:
    """The form filled with an action, its times on its own clock."""
    zone = zoneinfo.ZoneInfo(action.time_zone)

    def local(value: datetime.datetime | None) -> str:
        return timezone.localtime(value, zone).strftime(DATETIME_LOCAL) if value is not None else ""

    return {
        "title": action.title,
        "kind": action.kind,
        "campaign": action.campaign_id,
        "site": action.site_id,
        "starts_at": local(action.starts_at),
        "ends_at": local(action.ends_at),
        "location": action.location,
        "video_url": action.video_url,
        "description": action.description,
        "capacity": action.capacity,
        "visibility": action.visibility,
        "rsvp_deadline": local(action.rsvp_deadline),
    }


# --- Inviting -----------------------------------------------------------------------------------

NO_LEVEL = [("", "–")]
LEVELS = [(level, str(level)) for level in Assessment.values]


class PersonIds(forms.Field):
    """People picked one by one: their ids, as many `person` values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [int(v) for v in values if str(v).isdigit()][:MAX_PICKED]


class InviteForm(forms.Form):
    WHO = [("group", _("A group from a roster")), ("people", _("People one by one"))]

    who = forms.ChoiceField(label=_("Whom to invite"), choices=WHO, widget=forms.RadioSelect)
    campaign = forms.ModelChoiceField(
        label=_("Roster of"), queryset=Campaign.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Every unit"),
        help_text=_("A unit includes the units under it."),
    )
    assessment_from = forms.TypedChoiceField(
        label=_("from"),
        choices=[*NO_LEVEL, *LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    assessment_to = forms.TypedChoiceField(
        label=_("to"), choices=[*NO_LEVEL, *LEVELS], coerce=int, empty_value=None, required=False
    )
    leaders = forms.BooleanField(label=_("Leaders only"), required=False)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("Any tag")
    )
    person = PersonIds(required=False)

    def __init__(
        self, *args, campaigns, units: list[tuple[Unit, str]], tags, fixed: bool, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_campaign = fixed
        campaign_field = cast(forms.ModelChoiceField, self.fields["campaign"])
        campaign_field.queryset = campaigns
        campaign_field.empty_label = None if fixed else _("Pick a campaign")
        labels = {unit.pk: label for unit, label in units}
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        unit_field.queryset = Unit.objects.filter(pk__in=labels).select_related("site")
        unit_field.choices = [("", _("Every unit"))] + [(unit.pk, label) for unit, label in units]
        cast(forms.ModelChoiceField, self.fields["tag"]).queryset = tags

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        if data.get("who") == "group":
            self._clean_group(data)
        elif data.get("who") == "people" and not data.get("person"):
            self.add_error(None, _("Pick at least one person, or invite a group."))
        return data

    def _clean_group(self, data: dict) -> None:
        campaign, unit = data.get("campaign"), data.get("unit")
        if campaign is None:
            if "campaign" not in self.errors:
                self.add_error("campaign", _("Pick the campaign whose roster to invite from."))
            return
        if unit is not None and unit.site.campaign_id != campaign.pk:
            self.add_error("unit", _("Pick a unit of this campaign."))
        low, high = data.get("assessment_from"), data.get("assessment_to")
        if low is not None and high is not None and low > high:
            self.add_error("assessment_to", _("Pick a range from low to high, e.g. 1 to 2."))

    def criteria(self) -> InviteCriteria:
        data = self.cleaned_data
        return InviteCriteria(
            who=data["who"],
            campaign=data.get("campaign"),
            unit=data.get("unit"),
            assessment_from=data.get("assessment_from"),
            assessment_to=data.get("assessment_to"),
            leaders=bool(data.get("leaders")),
            tag=data.get("tag"),
            people=data.get("person") or [],
        )


# --- Answering ----------------------------------------------------------------------------------


class RsvpForm(forms.Form):
    """An answer, in the app or from the emailed link: the button pressed is the answer;
    guests and a note ride along."""

    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Rsvp.Response.YES, _("Yes")),
            (Rsvp.Response.MAYBE, _("Maybe")),
            (Rsvp.Response.NO, _("No")),
        ],
        error_messages={
            "required": _("Choose yes, maybe or no."),
            "invalid_choice": _("Choose yes, maybe or no."),
        },
    )
    guests = forms.IntegerField(
        label=_("Guests you are bringing"), min_value=0, max_value=MAX_GUESTS, required=False
    )
    note = forms.CharField(label=_("Note for the organizers"), max_length=300, required=False)
