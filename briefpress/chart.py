"""The rhythm of coverage: briefs per month, drawn at build time as an inline SVG bar chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from .brief import Brief


@dataclass(frozen=True, repr=False)
class MonthCount:
    year: int
    month: int
    count: int

    def __repr__(self) -> str:
        """Short, and quick: route keys hold the chart of each of hundreds of tag pages."""
        return f"MonthCount({self.year}-{self.month:02d}: {self.count})"

    @property
    def url(self) -> str:
        return f"/{self.year:04d}/{self.month:02d}/"


_YEAR_MONTH = attrgetter("date.year", "date.month")


def month_counts(briefs: Sequence[Brief]) -> tuple[MonthCount, ...]:
    """Briefs per month from the oldest month to the newest, empty months included."""
    if not briefs:
        return ()
    counts = Counter(map(_YEAR_MONTH, briefs))
    first, last = min(counts), max(counts)
    months: list[MonthCount] = []
    year, month = first
    while (year, month) <= last:
        months.append(MonthCount(year, month, counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)
