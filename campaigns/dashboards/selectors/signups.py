"""The dashboard's sign-up panel: the campaign's current drive (the most recent running) as of
today, fresh, stale, revoked and not signed against its thresholds, and fresh signatures as
of the end of each of the last weeks. Counted by the one rule (campaigns.roster.signatures),
in the dashboard's site or unit: three queries."""

from dataclasses import dataclass

from campaigns.models import Campaign, SignupDrive
from campaigns.roster.signatures import (
    Tally,
    TrendPoint,
    drives_open,
    signature_rows,
    signature_trend,
    tally,
)

WEEKS = 12


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    point: TrendPoint


@dataclass(frozen=True)
class SignupPanel:
    drive: SignupDrive
    tally: Tally
    trend: list[TrendPoint]
    others: int  # how many more drives run (their numbers are on their own pages)

    @property
    def bars(self) -> list[Bar]:
        """The trend as bars of fresh %, 20 wide, on a 100-high scale (SVG coordinates)."""
        return [
            Bar(x=i * 20 + 2, y=100 - point.tally.percent, height=point.tally.percent, point=point)
            for i, point in enumerate(self.trend)
        ]

    @property
    def width(self) -> int:
        return len(self.trend) * 20

    @property
    def threshold_lines(self) -> list[tuple[int, int]]:
        return [(100 - at, at) for at in self.drive.thresholds]


def signup_panel(campaign: Campaign, units: list[int] | None) -> SignupPanel | None:
    """None when no drive runs."""
    drives = drives_open(campaign)
    if not drives:
        return None
    drive = drives[0]
    rows = signature_rows(drive)
    if units is not None:
        scope = set(units)
        rows = [row for row in rows if row.unit_id in scope]
    trend = signature_trend(drive, weeks=WEEKS, units=units)
    return SignupPanel(drive=drive, tally=tally(drive, rows), trend=trend, others=len(drives) - 1)
