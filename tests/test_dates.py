"""Every date form of SPEC §4, read in the site timezone, and impossible dates refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import page

from briefpress.dates import date_from_filename, parse_date, rfc3339
from briefpress.errors import ProblemError

YEREVAN = ZoneInfo("Asia/Yerevan")
BERLIN = ZoneInfo("Europe/Berlin")

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


@pytest.mark.parametrize(
    "text",
    ["31.02.2025", "2025-02-30", "2025-13-01", "32.01.2025 10:00", "2025-08-06 25:00", "yesterday"],
    ids=["dmy-feb-31", "ymd-feb-30", "month-13", "day-32", "hour-25", "words"],
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
]


@pytest.mark.parametrize(
    ("value", "expected"),
    YAML_VALUES,
    ids=["date", "timestamp", "iso-z", "quoted-dmy", "dmy", "jekyll"],
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
