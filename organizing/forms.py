"""Form widgets every app uses: the browser's own date and time pickers, and a long select.

The pickers send and expect ISO values whatever the page's language, so each widget fixes
its format instead of taking the locale's (which would put "31/12/2025" in a date input,
and the browser would show it empty).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
DATETIME_LOCAL_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]  # for the field: also typed


class DateInput(forms.DateInput):
    """<input type="date">: the browser's date picker."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """<input type="datetime-local">: a wall-clock date and time, no zone; the form says in
    which zone it is read."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class TimeInput(forms.TimeInput):
    """<input type="time">: the browser's time picker (hours and minutes)."""

    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class LongSelect(forms.Select):
    """A <select> of many options (a campaign's 1,000 units), rendered here: Django's Select
    renders a template per option, which cost a dashboard ~150 ms at that size. Same markup:
    optgroups, the chosen option `selected`, every label escaped."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        parts: list[str] = [format_html('<select name="{}"{}>', name, flatatt(final))]
        for group, options in self._groups():
            if group is not None:
                parts.append(format_html('<optgroup label="{}">', group))
            for option_value, label in options:
                option_value = "" if option_value is None else str(option_value)
                selected = " selected" if option_value in chosen else ""
                parts.append(
                    format_html('<option value="{}"{}>{}</option>', option_value, selected, label)
                )
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html

    def _groups(self):
        """(group label or None, [(value, label), ...]) in the choices' order."""
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                yield option_value, label
            else:
                yield None, [(option_value, label)]
