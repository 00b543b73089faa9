"""The one-on-one form: a phone-first record of one conversation. It validates and reads the
times in the person's time zone; campaigns.conversations.services.log writes."""

import datetime
import zoneinfo
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.conversations.services.log import (
    DURATION_MAX,
    ConversationData,
    duration_message,
    follow_up_check,
    happened_at_check,
)
from campaigns.models import Ask, AskAnswer, Assessment, Conversation, IssueTag
from organizing.forms import (
    DATETIME_LOCAL,
    DATETIME_LOCAL_FORMATS,
    DateInput,
    DateTimeLocalInput,
    TimeInput,
)

PICKS = {"tomorrow": 1, "three_days": 3, "next_week": 7}
PICK_CHOICES = [
    ("tomorrow", _("Tomorrow")),
    ("three_days", _("In 3 days")),
    ("next_week", _("Next week")),
]
NOT_ASSESSED = [("", _("Not assessed"))]
PLAN_FIELDS = ["follow_up_pick", "follow_up_on", "schedule_on", "schedule_time", "schedule_place"]


class QuickPickSelect(forms.RadioSelect):
    """Quick picks whose radios carry the date they stand for (data-date), so the page can
    show it in the date field the moment one is tapped (static/js/log-draft.js)."""

    dates: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.dates:
            option["attrs"]["data-date"] = self.dates[value]
            option["attrs"]["data-days"] = PICKS[value]  # a page kept offline dates from now
        return option


class ConversationForm(forms.Form):
    """Everything recorded about one conversation; dynamic fields ask_<id> per active ask."""

    happened_at = forms.DateTimeField(
        label=_("When"),
        input_formats=DATETIME_LOCAL_FORMATS,
        widget=DateTimeLocalInput(),
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=Conversation.Channel.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=1,
        max_value=DURATION_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    issues = forms.TypedMultipleChoiceField(
        label=_("Issues raised"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_issue = forms.CharField(label=_("Add an issue"), max_length=60, required=False)
    assessment = forms.TypedChoiceField(
        label=_("Assessment"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=NOT_ASSESSED + list(Assessment.choices),
        widget=forms.RadioSelect,
    )
    is_leader = forms.BooleanField(label=_("A leader: others follow them"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 4}))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    follow_up_pick = forms.ChoiceField(
        label=_("Follow up"), choices=PICK_CHOICES, required=False, widget=QuickPickSelect
    )
    follow_up_on = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
    )
    schedule_on = forms.DateField(
        label=_("Next one-on-one: date"),
        required=False,
        widget=DateInput(),
    )
    schedule_time = forms.TimeField(label=_("Time"), required=False, widget=TimeInput())
    schedule_place = forms.CharField(label=_("Where"), max_length=200, required=False)

    def __init__(
        self,
        *args,
        asks: list[Ask],
        issues: list[IssueTag],
        tz: zoneinfo.ZoneInfo,
        plan: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["duration_minutes"].error_messages |= {
            "min_value": duration_message(),
            "max_value": duration_message(),
        }
        if not plan:  # editing: the follow-up and the next one-on-one have lives of their own
            for name in PLAN_FIELDS:
                del self.fields[name]
        else:
            today = self.today()
            cast(QuickPickSelect, self.fields["follow_up_pick"].widget).dates = {
                pick: (today + datetime.timedelta(days=days)).isoformat()
                for pick, days in PICKS.items()
            }
        self.asks = asks
        self.issue_tags = {tag.pk: tag for tag in issues}
        cast(forms.TypedMultipleChoiceField, self.fields["issues"]).choices = [
            (tag.pk, tag.name) for tag in issues
        ]
        for ask in asks:
            self.fields[f"ask_{ask.pk}"] = forms.ChoiceField(
                label=ask.label,
                choices=AskAnswer.Answer.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def full_clean(self) -> None:
        """Times typed are wall-clock times where the person is."""
        with timezone.override(self.tz):
            super().full_clean()

    def today(self) -> datetime.date:
        return timezone.localdate(timezone=self.tz)

    @property
    def plans(self) -> bool:
        return "follow_up_on" in self.fields

    def clean_happened_at(self) -> datetime.datetime:
        happened_at = self.cleaned_data["happened_at"]
        happened_at_check(happened_at=happened_at)
        return happened_at

    def clean_follow_up_on(self) -> datetime.date | None:
        """A quick pick becomes a date when none was typed; a typed date wins."""
        due = self.cleaned_data["follow_up_on"]
        pick = self.cleaned_data.get("follow_up_pick")
        if due is None and pick:
            due = self.today() + datetime.timedelta(days=PICKS[pick])
        if due is not None and due < self.today():
            raise forms.ValidationError(_("Pick a day from today on."), code="past")
        happened_at = self.cleaned_data.get("happened_at")
        if happened_at is not None:
            follow_up_check(follow_up_on=due, happened_at=happened_at)
        return due

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        on, at = data.get("schedule_on"), data.get("schedule_time")
        if on is not None and at is None and "schedule_time" not in self.errors:
            self.add_error("schedule_time", _("Add a time for the next one-on-one."))
        if at is not None and on is None and "schedule_on" not in self.errors:
            self.add_error("schedule_on", _("Add a date for the next one-on-one."))
        return data

    def assessment_radios(self) -> list[tuple]:
        """(radio, level, meaning) per choice: the number big, its meaning beside it."""
        return [
            (radio, radio.data["value"], str(radio.data["label"]).split(" · ", 1)[-1])
            for radio in self["assessment"]
        ]

    def ask_fields(self) -> list[forms.BoundField]:
        return [self[f"ask_{ask.pk}"] for ask in self.asks]

    def conversation_data(self) -> ConversationData:
        """The cleaned form as the logging service takes it."""
        data = self.cleaned_data
        return ConversationData(
            happened_at=data["happened_at"],
            channel=data["channel"],
            duration_minutes=data["duration_minutes"],
            issues=[self.issue_tags[pk] for pk in data["issues"]],
            new_issue=data["new_issue"].strip(),
            answers={ask.pk: data[f"ask_{ask.pk}"] for ask in self.asks if data[f"ask_{ask.pk}"]},
            assessment=data["assessment"],
            is_leader=data["is_leader"],
            notes=data["notes"],
            next_step=data["next_step"],
            follow_up_on=data.get("follow_up_on"),
            schedule_at=self._schedule_at(),
            schedule_place=data.get("schedule_place", ""),
        )

    def _schedule_at(self) -> datetime.datetime | None:
        on, at = self.cleaned_data.get("schedule_on"), self.cleaned_data.get("schedule_time")
        if on is None or at is None:
            return None
        return datetime.datetime.combine(on, at, tzinfo=self.tz)


def initial_for_new(tz: zoneinfo.ZoneInfo) -> dict:
    return {
        "happened_at": timezone.localtime(timezone=tz).strftime(DATETIME_LOCAL),
        "channel": Conversation.Channel.IN_PERSON,
        "assessment": "",
    }


def initial_from(conversation: Conversation, tz: zoneinfo.ZoneInfo) -> dict:
    """The form filled with a logged conversation, for editing it."""
    return {
        "happened_at": timezone.localtime(conversation.happened_at, timezone=tz).strftime(
            DATETIME_LOCAL
        ),
        "channel": conversation.channel,
        "duration_minutes": conversation.duration_minutes,
        "issues": [tag.pk for tag in conversation.issues.all()],
        "assessment": conversation.assessment if conversation.assessment is not None else "",
        "is_leader": conversation.is_leader,
        "notes": conversation.notes,
        "next_step": conversation.next_step,
        **{f"ask_{a.ask_id}": a.answer for a in conversation.answers.all()},
    }
