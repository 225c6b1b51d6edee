"""Read every date form a brief may use, and write dates out in the site's timezone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import ProblemError

EXPECTED = "expected YYYY-MM-DD HH:MM, DD.MM.YYYY HH:MM or ISO 8601"

_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_YEAR_FIRST = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[ T]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?P<frac>\.\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?"
)
_COMMON = re.compile(
    r"\d{4}-\d\d-\d\d"
    r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?"
)
"""2025-08-06, 2025-08-06 06:27, 2025-08-06T06:27:00+04:00: what nearly every brief has,
which datetime.fromisoformat reads as _YEAR_FIRST does (not so other forms: it takes
2025-08-06+04:00 for 04:00)."""
_BASIC = re.compile(  # ISO 8601 basic format: 20250806, 20250806T0627, 20250806T062700Z
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?P<frac>[.,]\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)


def parse_date(value: object, tz: ZoneInfo) -> dt.datetime:
    """An aware datetime in `tz` from a front-matter value; naive values are in `tz`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse_text(value.strip())
    elif type(value) is int and 10_000_000 <= value <= 99_999_999:
        moment = _parse_text(str(value))  # `date: 20250806` unquoted: YAML and TOML read a number
    else:
        raise ProblemError(f"date: expected text, got {type(value).__name__} ({EXPECTED})")
    try:
        if moment.tzinfo is None:
            return _localise(moment, tz)
        return moment.astimezone(dt.UTC).astimezone(tz)
    except (OverflowError, ValueError):
        raise ProblemError(f"date: '{value}' is out of range ({EXPECTED})") from None


def _parse_text(text: str) -> dt.datetime:
    if _COMMON.fullmatch(text):  # read 5 times faster
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass  # 2025-02-30: the patterns say what is wrong
    return _parse_by_pattern(text)


def _parse_by_pattern(text: str) -> dt.datetime:
    match = _DAY_FIRST.fullmatch(text) or _YEAR_FIRST.fullmatch(text) or _BASIC.fullmatch(text)
    if match is None:
        raise ProblemError(f"date: '{text}' is not a date ({EXPECTED})")
    parts = match.groupdict()
    try:
        moment = dt.datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int(float((parts.get("frac") or "0").replace(",", ".")) * 1_000_000),
        )
    except ValueError:
        raise ProblemError(f"date: '{text}' is not a real day or time ({EXPECTED})") from None
    offset = parts.get("tz")
    if offset:
        moment = moment.replace(tzinfo=_offset(offset, text))
    return moment


def _offset(text: str, whole: str) -> dt.tzinfo:
    if text == "Z":
        return dt.UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ProblemError(f"date: '{whole}' has an impossible UTC offset '{text}'")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if text[0] == "-" else delta)


def _localise(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Attach tz to a wall-clock time, as an instant that really is in tz.

    zoneinfo reads a wall time with fold=0 at the offset in force before a change: a
    time repeated when clocks go back is its first occurrence (as in Hugo), and a time
    skipped when they go forward is read at the old offset, an instant that the zone
    shows one gap later (New York's 02:30 on a spring-forward day is 07:30Z, 03:30-04:00;
    as RFC 5545 and JavaScript read it, where Hugo moves it back to 01:30-05:00). Going
    through UTC writes that instant with the offset tz really has then, never a wall
    time that did not exist.
    """
    return moment.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)


def date_from_filename(name: str, tz: ZoneInfo) -> dt.datetime | None:
    """The day of a `YYYY-MM-DD-slug.md` file name at 00:00 in tz, or None."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})-", name)
    if not match:
        return None
    try:
        year, month, day_of_month = (int(g) for g in match.groups())
        day = dt.datetime(year, month, day_of_month)
    except ValueError:
        raise ProblemError(
            f"file name starts with '{match.group(0)[:-1]}', not a real day"
        ) from None
    return _localise(day, tz)


def front_matter_date(moment: dt.datetime) -> str:
    """How `new` and `import` write a date: wall-clock time with its UTC offset
    (2025-08-06 06:27 +0400), so the instant survives a later change of timezone."""
    seconds = ":%S" if moment.second else ""
    return moment.strftime(f"%Y-%m-%d %H:%M{seconds} %z")


def rfc3339(moment: dt.datetime) -> str:
    """2025-08-06T06:27:00+04:00: feeds, <time datetime>, JSON-LD, sitemap."""
    return moment.isoformat(timespec="seconds")


MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def instant(moment: dt.datetime) -> dt.timedelta:
    """The instant of an aware datetime, exactly, as time since the epoch: what to order,
    compare or subtract dates by. Two datetimes that share a tzinfo (every brief's date is
    in the site's ZoneInfo) compare by wall-clock time, fold and offset ignored, so in the
    hour repeated when clocks go back 01:30-04:00 would come after 01:10-05:00. A
    subtraction across tzinfos goes by UTC offsets and never overflows, unlike
    astimezone(UTC) at the ends of the calendar."""
    return moment - _EPOCH
