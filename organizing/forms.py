"""Form widgets every app uses: the browser's own date and time pickers.

The pickers send and expect ISO values whatever the page's language, so each widget fixes
its format instead of taking the locale's (which would put "31/12/2025" in a date input,
and the browser would show it empty).
"""

from django import forms

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
