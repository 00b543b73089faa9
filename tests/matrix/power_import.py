"""The payment import (campaigns.power): the treasury's rule, the committee's treasurer only;
everyone else 404 whatever the method, anonymous visitors sent to log in. The treasurer's
empty POST of the upload form comes back with its error (422). The world's `import_id` is a
roster file's, no payment file: the treasurer gets 404 for it too
(tests/power/test_payment_import.py goes through a real one)."""

from tests.matrix.power_treasury import NOBODY, only_the_treasurer

ROWS = {
    "payment_import_new": only_the_treasurer((200, 422)),
    "payment_import_detail": only_the_treasurer(NOBODY),
}
