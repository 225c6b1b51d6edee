"""Every date form of SPEC §4, read in the site timezone, and impossible dates refused."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import brief_text, page
from hypothesis import given, settings
from hypothesis import strategies as st

from briefpress.dates import (
    _COMMON,
    _parse_by_pattern,
    _parse_text,
    date_from_filename,
    parse_date,
    rfc3339,
)
from briefpress.errors import ProblemError

YEREVAN = ZoneInfo("Asia/Yerevan")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

FORMS = [
    ("2025-08-06", "2025-08-06T00:00:00+04:00"),
    ("2025-08-06 06:27", "2025-08-06T06:27:00+04:00"),
    ("2025-08-06 06:27:45", "2025-08-06T06:27:45+04:00"),
    ("2013-05-06 02:12:52 +0200", "2013-05-06T04:12:52+04:00"),
    ("2025-08-06 06:27 -0130", "2025-08-06T11:57:00+04:00"),
    ("2025-08-06T06:27:00", "2025-08-06T06:27:00+04:00"),
    ("2025-08-06T06:27:00Z", "2025-08-06T10:27:00+04:00"),
    ("2025-08-06T06:27:00+04:00", "2025-08-06T06:27:00+04:00"),
    ("2025-08-06T02:27:00.500+00:00", "2025-08-06T06:27:00+04:00"),
    ("06.08.2025", "2025-08-06T00:00:00+04:00"),
    ("06.08.2025 06:27", "2025-08-06T06:27:00+04:00"),
    ("6.8.2025 6:27", "2025-08-06T06:27:00+04:00"),
    ("20250806", "2025-08-06T00:00:00+04:00"),
    ("20250806T0627", "2025-08-06T06:27:00+04:00"),
    ("20250806T062700Z", "2025-08-06T10:27:00+04:00"),
    ("20250806T062700.5+0200", "2025-08-06T08:27:00+04:00"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    FORMS,
    ids=[
        "yaml-date",
        "ymd-hm",
        "ymd-hms",
        "jekyll-offset",
        "negative-offset",
        "iso-naive",
        "iso-z",
        "iso-offset",
        "iso-fraction",
        "dmy",
        "dmy-hm",
        "dmy-short",
        "iso-basic-day",
        "iso-basic-hm",
        "iso-basic-z",
        "iso-basic-offset",
    ],
)
def test_date_forms_in_site_timezone(text: str, expected: str) -> None:
    assert rfc3339(parse_date(text, YEREVAN)) == expected


def test_python_date_and_datetime_values() -> None:
    assert rfc3339(parse_date(dt.date(2025, 8, 6), YEREVAN)) == "2025-08-06T00:00:00+04:00"
    naive = dt.datetime(2025, 8, 6, 6, 27)
    assert rfc3339(parse_date(naive, YEREVAN)) == "2025-08-06T06:27:00+04:00"
    aware = dt.datetime(2025, 8, 6, 6, 27, tzinfo=dt.UTC)
    assert rfc3339(parse_date(aware, YEREVAN)) == "2025-08-06T10:27:00+04:00"


def test_offset_follows_daylight_saving_of_the_instant() -> None:
    assert rfc3339(parse_date("2025-01-15 12:00", BERLIN)) == "2025-01-15T12:00:00+01:00"
    assert rfc3339(parse_date("2025-07-15 12:00", BERLIN)) == "2025-07-15T12:00:00+02:00"


def test_eight_digit_number_is_a_basic_day() -> None:
    """`date: 20250806` unquoted is a number to YAML and TOML."""
    assert rfc3339(parse_date(20250806, YEREVAN)) == "2025-08-06T00:00:00+04:00"
    with pytest.raises(ProblemError, match="expected text, got int"):
        parse_date(1754461620, YEREVAN)  # a Unix time is not taken for a day


DST = [
    ("2025-03-09 01:59", "2025-03-09T01:59:00-05:00"),
    ("2025-03-09 02:00", "2025-03-09T03:00:00-04:00"),
    ("2025-03-09 02:30", "2025-03-09T03:30:00-04:00"),
    ("2025-03-09 03:00", "2025-03-09T03:00:00-04:00"),
    ("2025-11-02 00:59", "2025-11-02T00:59:00-04:00"),
    ("2025-11-02 01:30", "2025-11-02T01:30:00-04:00"),
    ("2025-11-02 02:00", "2025-11-02T02:00:00-05:00"),
    ("2025-03-09T02:30:00-05:00", "2025-03-09T03:30:00-04:00"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    DST,
    ids=[
        "before-gap",
        "gap-start",
        "in-gap",
        "after-gap",
        "before-fold",
        "in-fold",
        "after-fold",
        "offset-at-gap",
    ],
)
def test_wall_times_around_daylight_saving_changes(text: str, expected: str) -> None:
    """A time skipped when clocks go forward is the instant 1 h later on the clock
    (02:30 EST is 07:30Z, 03:30 EDT); a time repeated when they go back is the first."""
    moment = parse_date(text, NEW_YORK)
    assert rfc3339(moment) == expected
    assert rfc3339(moment.astimezone(dt.UTC).astimezone(NEW_YORK)) == expected  # a real offset


def test_day_starting_in_a_gap() -> None:
    """Santiago moves its clocks from 00:00 to 01:00: that day's first instant is 01:00."""
    santiago = ZoneInfo("America/Santiago")
    found = date_from_filename("2024-09-08-x.md", santiago)
    assert found is not None and rfc3339(found) == "2024-09-08T01:00:00-03:00"
    assert rfc3339(parse_date(dt.date(2024, 9, 8), santiago)) == "2024-09-08T01:00:00-03:00"


def test_date_in_a_gap_reaches_the_page(write_site, run_cli) -> None:
    root = write_site(
        {"content/a.md": brief_text("A brief", "2025-03-09 02:30", ["X"])},
        config="base_url: https://example.org/\ntimezone: America/New_York\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    time = page(root / "site", "/2025/03/a-brief/").find("time")
    assert time["datetime"] == "2025-03-09T03:30:00-04:00"


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2025",
        "2025-02-30",
        "2025-13-01",
        "32.01.2025 10:00",
        "2025-08-06 25:00",
        "yesterday",
        "20250230",
        "20250806T2500",
        "2025080",
    ],
    ids=[
        "dmy-feb-31",
        "ymd-feb-30",
        "month-13",
        "day-32",
        "hour-25",
        "words",
        "basic-feb-30",
        "basic-hour-25",
        "basic-7-digits",
    ],
)
def test_impossible_dates_are_errors(text: str) -> None:
    with pytest.raises(ProblemError, match=r"^date: '.*' is not"):
        parse_date(text, YEREVAN)


def test_impossible_offset_is_an_error() -> None:
    with pytest.raises(ProblemError, match="offset"):
        parse_date("2025-08-06 06:27 +2500", YEREVAN)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-07-21-budget.md", "2025-07-21T00:00:00+04:00"),
        ("budget.md", None),
        ("2025-07-21.md", None),
    ],
    ids=["dated", "undated", "no-slug"],
)
def test_date_from_file_name(name: str, expected: str | None) -> None:
    found = date_from_filename(name, YEREVAN)
    assert (rfc3339(found) if found else None) == expected


def test_impossible_file_name_date_is_an_error() -> None:
    with pytest.raises(ProblemError, match="not a real day"):
        date_from_filename("2025-02-31-x.md", YEREVAN)


YAML_VALUES = [
    ("2025-08-06", "2025-08-06T00:00:00+04:00"),
    ("2025-08-06 06:27", "2025-08-06T06:27:00+04:00"),
    ("2025-08-06T06:27:00Z", "2025-08-06T10:27:00+04:00"),
    ("'06.08.2025 06:27'", "2025-08-06T06:27:00+04:00"),
    ("06.08.2025 06:27", "2025-08-06T06:27:00+04:00"),
    ("2013-05-06 02:12:52 +0200", "2013-05-06T04:12:52+04:00"),
    ('"20250806T062700Z"', "2025-08-06T10:27:00+04:00"),
    ("20250806T0627", "2025-08-06T06:27:00+04:00"),
    ("20250806", "2025-08-06T00:00:00+04:00"),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    YAML_VALUES,
    ids=["date", "timestamp", "iso-z", "quoted-dmy", "dmy", "jekyll", "basic", "basic-hm", "int"],
)
def test_front_matter_dates_reach_the_page(write_site, run_cli, value: str, expected: str) -> None:
    root = write_site(
        {"content/a.md": f"---\ntitle: A brief\ndate: {value}\n---\nText.\n"},
        config="base_url: https://example.org/\ntimezone: Asia/Yerevan\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    moment = dt.datetime.fromisoformat(expected)
    url = f"/{moment.year}/{moment.month:02d}/a-brief/"
    assert page(root / "site", url).find("time")["datetime"] == expected


def test_toml_date_and_file_name_date(write_site, run_cli) -> None:
    root = write_site(
        {
            "content/t.md": '+++\ntitle = "Toml brief"\ndate = 2025-08-06T06:27:00\n+++\nText.\n',
            "content/2025-07-21-budget.md": "---\ntitle: Budget\n---\nText.\n",
        },
        config="base_url: https://example.org/\ntimezone: Asia/Yerevan\n",
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 0, err
    out = root / "site"
    assert page(out, "/2025/08/toml-brief/").find("time")["datetime"] == (
        "2025-08-06T06:27:00+04:00"
    )
    budget = page(out, "/2025/07/budget/")
    assert budget.find("time")["datetime"] == "2025-07-21T00:00:00+04:00"


def test_impossible_front_matter_date_names_the_line(write_site, run_cli) -> None:
    root = write_site(
        {"content/x.md": "---\ntitle: X\ntags: [A]\n\ndate: 31.02.2025\n---\nText.\n"}
    )
    code, _, err = run_cli(["build", "--no-search", "-q"], root)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/x.md:5: date: '31.02.2025' is not a real day or time "
        "(expected YYYY-MM-DD HH:MM, DD.MM.YYYY HH:MM or ISO 8601)"
    )
    assert not (Path(root) / "site").exists()


@settings(max_examples=400, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["date", " HH:MM", "THH:MM", "THH:MM:SS"]),
    st.sampled_from(["", "Z", "+04:00", "-05:30", "+23:59", "-00:00", "+00:00"]),
    st.integers(min_value=0, max_value=31),
)
def test_the_quick_reading_of_common_dates_is_the_patterns_reading(
    moment: dt.datetime, form: str, offset: str, day: int
) -> None:
    """Dates like 2025-08-06T06:27:00+04:00 are read by datetime.fromisoformat: the same
    instant, offset and errors as the patterns give (day 0 or 31 of a short month too)."""
    assert _COMMON.fullmatch("2025-08-06T06:27:00+04:00")
    text = f"{moment.year:04d}-{moment.month:02d}-{day:02d}"
    if form != "date":
        text += form.replace("HH", f"{moment:%H}").replace("MM", f"{moment:%M}")
        text = text.replace("SS", f"{moment:%S}")
    text += offset  # a date with an offset and no time is not for fromisoformat
    try:
        expected = _parse_by_pattern(text)
    except ProblemError as exc:
        with pytest.raises(ProblemError, match=re.escape(exc.message)):
            _parse_text(text)
        return
    got = _parse_text(text)
    assert (got, got.utcoffset()) == (expected, expected.utcoffset())
