"""Slugs of headlines and tags: the dek rule, 80 characters cut at '-', any script kept."""

from __future__ import annotations

import pytest

from briefpress.slugs import MAX_SLUG, slugify, tag_key, title_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Washington Prepares Meeting of Armenian and Azerbaijani Leaders",
            "washington-prepares-meeting-of-armenian-and-azerbaijani-leaders",
        ),
        (
            "Washington Prepares Meeting of Leaders: Trump to host talks in August",
            "washington-prepares-meeting-of-leaders",
        ),
        ("Update: talks resume", "update-talks-resume"),
        ("Two words: the dek", "two-words-the-dek"),
        ("Yerevan's budget, revised (2025)", "yerevan-s-budget-revised-2025"),
        ("Հայաստանի կառավարությունը", "հայաստանի-կառավարությունը"),
        ("Реакция Москвы на встречу", "реакция-москвы-на-встречу"),
        ("Ünïcödé Straße", "ünïcödé-strasse"),
        ("ﬁve ① ｆｕｌｌ", "five-1-full"),
        ("--- !!! ---", ""),
    ],
    ids=[
        "seed",
        "dek",
        "short-head-no-dek",
        "two-word-head-no-dek",
        "punctuation",
        "armenian",
        "cyrillic",
        "latin-accents-casefold",
        "nfkc",
        "nothing-left",
    ],
)
def test_title_slug(title: str, slug: str) -> None:
    assert title_slug(title) == slug


def test_long_title_is_cut_at_a_hyphen_within_80() -> None:
    title = " ".join(["Negotiations"] * 12)
    slug = title_slug(title)
    assert len(slug) <= MAX_SLUG
    assert slug == "-".join(["negotiations"] * 6)
    assert not slug.endswith("-")


def test_long_single_word_is_cut_at_80() -> None:
    assert slugify("a" * 100, MAX_SLUG) == "a" * 80


def test_slug_of_exactly_80_is_kept_whole() -> None:
    words = "-".join(["abcdefghi"] * 7 + ["abcdefghij"])
    assert len(words) == MAX_SLUG
    assert slugify(words + " x", MAX_SLUG) == words


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("USA", "usa"),
        ("South Caucasus", "south-caucasus"),
        ("Հայաստան", "հայաստան"),
        ("Россия", "россия"),
        ("C++", "c"),
        ("C#", "c"),
        ("+++", ""),
        ("हिन्दी", "हिन्दी"),
    ],
    ids=["ascii", "space", "armenian", "cyrillic", "cplusplus", "csharp", "empty", "devanagari"],
)
def test_tag_slug(tag: str, slug: str) -> None:
    assert slugify(tag) == slug


@pytest.mark.parametrize(
    "spellings",
    [("USA", "usa", "Usa"), ("Straße", "STRASSE"), ("ՀԱՅԱՍՏԱՆ", "Հայաստան")],
    ids=["latin", "sharp-s", "armenian"],
)
def test_tag_key_folds_case(spellings: tuple[str, ...]) -> None:
    assert len({tag_key(s) for s in spellings}) == 1
