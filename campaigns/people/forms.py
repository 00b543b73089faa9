"""Forms for putting people on a roster, placing them, taking them off, and merging two
records of one person. They validate; campaigns.people.services writes."""

from collections.abc import Sequence
from typing import cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Unit
from campaigns.people.selectors import MERGE_FIELDS
from members.forms_people import PhoneField
from members.models import Person, User

UNPLACED = [("", _("Not placed yet"))]
UNASSIGNED = [("", _("No one yet"))]


class PlacementForm(forms.Form):
    """Where someone is on a campaign: unit, title or apartment, shift, leader, organizer.

    Choices come from the campaign (its units, its team and the committee's leads), so an id
    from anywhere else is refused as an invalid choice.
    """

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(max_length=120, required=False)
    shift = forms.CharField(label=_("Shift"), max_length=60, required=False)
    is_leader = forms.BooleanField(
        label=_("Leader: others in the unit follow them"), required=False
    )
    organizer = forms.TypedChoiceField(
        label=_("Assigned organizer"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args,
        campaign: Campaign,
        units: list[tuple[Unit, str]],
        organizers: list[User],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit, _path in units}
        self.organizers = {user.pk: user for user in organizers}
        cast(forms.TypedChoiceField, self.fields["unit"]).choices = UNPLACED + [
            (unit.pk, path) for unit, path in units
        ]
        cast(forms.TypedChoiceField, self.fields["organizer"]).choices = UNASSIGNED + [
            (user.pk, user.name or user.email) for user in organizers
        ]
        tenant = campaign.kind == Campaign.Kind.TENANT
        self.fields["title"].label = _("Apartment") if tenant else _("Job title")
        if tenant:
            del self.fields["shift"]

    def clean_unit(self) -> Unit | None:
        unit_id = self.cleaned_data["unit"]
        return self.units[unit_id] if unit_id is not None else None

    def clean_organizer(self) -> User | None:
        user_id = self.cleaned_data["organizer"]
        return self.organizers[user_id] if user_id is not None else None

    def placement(self) -> dict:
        """The cleaned placement, with a blank shift for tenant campaigns."""
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "title": data["title"],
            "shift": data.get("shift", ""),
            "is_leader": data["is_leader"],
            "organizer": data["organizer"],
        }


class RosterAddForm(PlacementForm):
    """One short form to put someone on the roster from a phone."""

    given_name = forms.CharField(
        label=_("Given name"), max_length=100, widget=forms.TextInput(attrs={"autofocus": True})
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    field_order = [
        "given_name",
        "family_name",
        "phone",
        "email",
        "unit",
        "title",
        "shift",
        "is_leader",
        "organizer",
    ]


class RosterRemoveForm(forms.Form):
    """Why someone leaves the roster; kept on their entry for the record."""

    MOVED, QUIT, NO_CONTACT, OTHER = "moved", "quit", "do_not_contact", "other"
    REASONS = [
        (MOVED, _("Moved away")),
        (QUIT, _("Quit or left")),
        (NO_CONTACT, _("Asked not to be contacted")),
        (OTHER, _("Other")),
    ]

    reason = forms.ChoiceField(label=_("Why?"), choices=REASONS, widget=forms.RadioSelect)
    other = forms.CharField(label=_("Say why"), max_length=200, required=False)

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if cleaned.get("reason") == self.OTHER and not cleaned.get("other", "").strip():
            self.add_error("other", _("Say why they are leaving the roster."))
        return cleaned

    def reason_text(self) -> str:
        """The reason as it is kept on the entry: the choice's words, or what was typed."""
        reason = self.cleaned_data["reason"]
        if reason == self.OTHER:
            return self.cleaned_data["other"].strip()
        return str(dict(self.REASONS)[reason])

    @property
    def do_not_contact(self) -> bool:
        return self.cleaned_data["reason"] == self.NO_CONTACT


class PersonMergeForm(forms.Form):
    """Which duplicate to fold into this person, and whose value wins where they differ."""

    duplicate = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        conflicts: Sequence[str] = (),
        survivor: Person | None = None,
        duplicate: Person | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if survivor is None or duplicate is None:
            return  # nothing to compare until the duplicate is picked
        for field in conflicts:
            # MERGE_FIELDS are Person's own columns, never a relation.
            model_field = cast(models.Field, Person._meta.get_field(field))
            self.fields[f"choice_{field}"] = forms.ChoiceField(
                label=capfirst(model_field.verbose_name),
                choices=[
                    ("survivor", _value(survivor, field)),
                    ("duplicate", _value(duplicate, field)),
                ],
                initial="survivor",
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {
            field: self.cleaned_data[f"choice_{field}"]
            for field in MERGE_FIELDS
            if f"choice_{field}" in self.cleaned_data
        }


def _value(person: Person, field: str) -> str:
    """A field's value as people read it: the choice's label, yes/no for a flag."""
    value = getattr(person, field)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    display = getattr(person, f"get_{field}_display", None)
    return str(display()) if display else str(value)


class PersonEraseForm(forms.Form):
    """Erasing a person cannot be undone: the lead says they understand."""

    confirm = forms.BooleanField(
        label=_(
            "I understand: their name, contact details and everything typed about them are "
            "removed for good."
        ),
        error_messages={"required": _("Tick the box to confirm, or go back.")},
    )


class PersonNotesForm(forms.Form):
    """A person's notes, one box per campaign the user is on (`note_<campaign id>`), and the
    committee's own notes for a lead (`notes`). Each box is seen only by whom it says."""

    def __init__(self, *args, notes: Sequence, is_lead: bool, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign_ids = [note.campaign.pk for note in notes]
        for note in notes:
            self.fields[f"note_{note.campaign.pk}"] = forms.CharField(
                label=_("Notes of %(campaign)s") % {"campaign": note.campaign.code_name},
                required=False,
                initial=note.text,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("Seen by this campaign's team and the committee's leads."),
            )
        if is_lead:
            self.fields["notes"] = forms.CharField(
                label=_("Committee notes"),
                required=False,
                initial=person.notes,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("Seen by the committee's leads only."),
            )

    def notes_data(self) -> dict:
        """What person_notes_set takes: the text per campaign, and the committee's (None:
        not the user's to change)."""
        data = self.cleaned_data
        return {
            "campaign_notes": {pk: data[f"note_{pk}"] for pk in self.campaign_ids},
            "committee_notes": data.get("notes"),
        }
