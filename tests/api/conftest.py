"""The API's tests read messages in English: a Spanish page another test asked for earlier in
the same process leaves its language active in the thread (Django's handler does not reset it),
so each test starts in the default language."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override("en"):
        yield
