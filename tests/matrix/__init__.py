"""The permission matrix's table, one module per area (named after it; `actions_checkin` is
a part of actions) so each area keeps its own rows.

Each module defines ROWS: {url name: {persona: (GET status, POST status)}} covering every
persona in PERSONAS. tests/test_permission_matrix.py merges them and walks every named URL.
The `treasurer` is a lead who keeps the books (campaigns.power): a row that does not name
them gives them what it gives the lead.
"""

import importlib
import pkgutil

PERSONAS = [
    "anonymous",
    "member",
    "organizer_a",
    "organizer_b",
    "lead",
    "treasurer",
    "outsider",
    "staff",
]
LOGIN = 302  # a redirect to the login page


def every(status: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(PERSONAS, status)


def rows() -> dict[str, dict[str, tuple[int, int]]]:
    merged: dict[str, dict[str, tuple[int, int]]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(merged) & set(module.ROWS)
        assert not overlap, f"{info.name} repeats rows: {overlap}"
        merged.update(module.ROWS)
    for row in merged.values():
        row.setdefault("treasurer", row["lead"])
    return merged
