"""Stage 2, model: Briefs -> Site (published set, tags, chronology, neighbours, related)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .brief import Brief
from .config import SiteConfig
from .dates import instant
from .errors import Problem
from .slugs import slugify, tag_key

RELATED_COUNT = 5


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    """Display name: the tag_names entry, else the spelling most briefs use."""
    briefs: tuple[Brief, ...]
    """Newest first."""

    @property
    def count(self) -> int:
        return len(self.briefs)

    @property
    def url(self) -> str:
        return f"/tags/{self.slug}/"

    @property
    def feed_url(self) -> str:
        return f"/tags/{self.slug}/feed.xml"


@dataclass(frozen=True)
class Period:
    """A year or a month of the chronology."""

    year: int
    month: int | None
    briefs: tuple[Brief, ...]
    """Newest first."""

    @property
    def url(self) -> str:
        return f"/{self.year:04d}/" if self.month is None else f"/{self.year:04d}/{self.month:02d}/"

    @property
    def count(self) -> int:
        return len(self.briefs)

    @property
    def key(self) -> str:
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Site:
    """Everything the routes need, computed once; templates see it as `site`."""

    config: SiteConfig
    briefs: tuple[Brief, ...]
    """Published briefs, newest first."""
    tags: dict[str, Tag]
    """By slug, most briefs first, then by name."""
    years: tuple[Period, ...]
    """Newest first."""
    months: tuple[Period, ...]
    """Newest first."""
    scheduled: tuple[Brief, ...] = ()
    """Future briefs left out (listed in the build summary)."""
    drafts: int = 0
    """Drafts left out."""
    _position: dict[str, int] = field(default_factory=dict, repr=False)
    _tag_of_key: dict[str, str] = field(default_factory=dict, repr=False)

    @cached_property
    def tag_masks(self) -> dict[str, int]:
        """Tag key -> bitset of the positions of its briefs: related() in microseconds.

        Made on first use: a build that finds nothing changed never needs it.
        """
        return _tag_masks(self.tags, self._tag_of_key, self._position)

    @cached_property
    def instants(self) -> tuple[dt.timedelta, ...]:
        """instant() of each brief's date, by position: related() sorts thousands of them."""
        return tuple(instant(brief.date) for brief in self.briefs)

    def brief_of(self, source: str) -> Brief:
        """The published brief read from `source` (a path relative to the site root)."""
        return self.briefs[self._position[source]]

    def newer(self, brief: Brief) -> Brief | None:
        index = self._position[brief.source]
        return self.briefs[index - 1] if index > 0 else None

    def older(self, brief: Brief) -> Brief | None:
        index = self._position[brief.source]
        return self.briefs[index + 1] if index + 1 < len(self.briefs) else None

    def tags_of(self, brief: Brief) -> list[Tag]:
        """The brief's tags as site Tags (display name, count, url), in its order."""
        keys = (key for key in brief.tag_keys if key in self._tag_of_key)  # bad tags: a problem
        return [self.tags[self._tag_of_key[key]] for key in keys]

    def related(self, brief: Brief) -> list[Brief]:
        """Up to 5 briefs sharing the most tags with this one, then nearest in time."""
        return related_briefs(self, brief)

    @property
    def newest(self) -> Brief | None:
        return self.briefs[0] if self.briefs else None


def build_site(
    briefs: Iterable[Brief],
    config: SiteConfig,
    *,
    drafts: bool = False,
    future: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Site, list[Problem]]:
    """The published site from parsed briefs; collisions and bad tags become problems."""
    now = now or dt.datetime.now(dt.UTC)
    published: list[Brief] = []
    scheduled: list[Brief] = []
    left_drafts: list[Brief] = []
    for brief in briefs:
        if brief.draft and not drafts:
            left_drafts.append(brief)
        elif instant(brief.date) > instant(now) and not future:
            scheduled.append(brief)
        else:
            published.append(brief)
    published.sort(key=lambda b: (instant(b.date), b.source), reverse=True)
    scheduled.sort(key=lambda b: (instant(b.date), b.source))

    problems = _url_collisions(published, scheduled, left_drafts)
    tags, tag_of_key, tag_problems = _collect_tags(published, config)
    problems += tag_problems
    years, months = _chronology(published)
    position = {b.source: i for i, b in enumerate(published)}
    site = Site(
        config=config,
        briefs=tuple(published),
        tags=tags,
        years=years,
        months=months,
        scheduled=tuple(scheduled),
        drafts=len(left_drafts),
        _position=position,
        _tag_of_key=tag_of_key,
    )
    return site, problems


def _url_collisions(
    published: list[Brief], scheduled: list[Brief], drafts: list[Brief]
) -> list[Problem]:
    """Briefs that share a URL, also those this build leaves out: a scheduled brief would
    break the build on the day it comes out, a draft the first `--drafts` build."""
    by_url: dict[str, list[Brief]] = defaultdict(list)
    for group in (published, scheduled, drafts):
        for brief in group:
            by_url[brief.url].append(brief)
    left_out = {b.source: "scheduled" for b in scheduled} | {b.source: "draft" for b in drafts}
    problems = []
    for url, owners in by_url.items():
        if len(owners) > 1:
            owners.sort(key=lambda b: b.source)
            for brief in owners:
                others = ", ".join(
                    _named(other, left_out.get(other.source))
                    for other in owners
                    if other is not brief
                )
                problems.append(
                    Problem(
                        brief.source,
                        1,
                        f"URL {url} is also the URL of {others}: give one of them another "
                        "`slug:` or title",
                    )
                )
    return problems


def _named(brief: Brief, left_out: str | None) -> str:
    """A brief's file, and why this build does not publish it when it does not."""
    if left_out == "draft":
        return f"{brief.source} (a draft)"
    if left_out == "scheduled":
        return f"{brief.source} (scheduled for {brief.date.isoformat(timespec='minutes')})"
    return brief.source


def _collect_tags(
    briefs: list[Brief], config: SiteConfig
) -> tuple[dict[str, Tag], dict[str, str], list[Problem]]:
    members: dict[str, list[Brief]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, _TagUse] = {}
    problems: list[Problem] = []
    for brief in briefs:
        lines = brief.tag_lines or (1,) * len(brief.tags)  # a Brief built in code has none
        for name, key, line in zip(brief.tags, brief.tag_keys, lines, strict=True):
            members[key].append(brief)
            spellings[key][name] += 1
            if key not in where:
                where[key] = _TagUse(name, brief.source, line)
    keys_of_slug: dict[str, list[str]] = defaultdict(list)
    for key in sorted(members):
        keys_of_slug[slugify(key)].append(key)
    tag_of_key: dict[str, str] = {}
    tags: list[Tag] = []
    for slug, keys in keys_of_slug.items():
        if not slug:
            for key in keys:
                use = where[key]
                message = (
                    f"tag '#{use.name}' has no letters or digits to make a URL from: rename it"
                )
                problems.append(Problem(use.source, use.line, message))
            continue
        if len(keys) > 1:
            problems += _tag_clash(slug, [where[key] for key in keys])
        key = keys[0]  # in a clash the first tag keeps the slug, as before
        tag_of_key[key] = slug
        counts = spellings[key]
        best = max(counts.values())
        name = config.tag_names.get(slug) or min(s for s, n in counts.items() if n == best)
        tags.append(Tag(slug, name, tuple(members[key])))
    tags.sort(key=lambda t: (-t.count, tag_key(t.name), t.slug))
    return {t.slug: t for t in tags}, tag_of_key, problems


class _TagUse(NamedTuple):
    """Where a tag is first used, and how it is spelt there."""

    name: str
    source: str
    line: int


def _tag_clash(slug: str, uses: list[_TagUse]) -> list[Problem]:
    """One problem per tag whose URL other tags make too, each named as written."""
    problems = []
    for use in uses:
        rivals = [f"tag '#{r.name}' (used in {r.source}:{r.line})" for r in uses if r is not use]
        if len(rivals) == 1:
            clash = f"tag '#{use.name}' and {rivals[0]} both make"
            advice = "rename one of them"
        else:
            listed = ", ".join(rivals[:-1]) + " and " + rivals[-1]
            clash = f"tag '#{use.name}', {listed} all make"
            advice = "rename all but one of them"
        problems.append(Problem(use.source, use.line, f"{clash} the URL /tags/{slug}/: {advice}"))
    return problems


def _chronology(briefs: list[Brief]) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    by_year: dict[int, list[Brief]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Brief]] = defaultdict(list)
    for brief in briefs:
        by_year[brief.date.year].append(brief)
        by_month[(brief.date.year, brief.date.month)].append(brief)
    years = tuple(Period(y, None, tuple(b)) for y, b in sorted(by_year.items(), reverse=True))
    months = tuple(Period(y, m, tuple(b)) for (y, m), b in sorted(by_month.items(), reverse=True))
    return years, months


def related_briefs(site: Site, brief: Brief, count: int = RELATED_COUNT) -> list[Brief]:
    """Most shared tags first, then nearest in time (then nearest in the list, then newer).

    Bitsets keep it fast at 100k briefs: the masks of the brief's tags are summed as a
    bit-sliced counter, so "shares exactly n tags" is a few big-int operations whatever
    the number of tags (trying every combination of tags would be exponential).
    """
    all_masks = site.tag_masks
    masks = [all_masks[key] for key in brief.tag_keys if key in all_masks]
    position = site._position[brief.source]
    planes = _bit_sliced_sum(masks)
    chosen: list[Brief] = []
    for shared in range(len(masks), 0, -1):
        if shared.bit_length() > len(planes):
            continue  # no brief has that many tags in common with this one
        group = ~(1 << position)
        for bit, plane in enumerate(planes):
            group &= plane if shared >> bit & 1 else ~plane
        if group:
            chosen += _nearest(site, group, position, count - len(chosen))
            if len(chosen) >= count:
                break
    return chosen


def related_positions(
    site: Site, start: int = 0, stop: int | None = None
) -> list[tuple[int, ...]]:
    """related_briefs of site.briefs[start:stop], as positions in site.briefs: what a
    forked worker sends back (see related_lookup)."""
    position = site._position
    return [
        tuple(position[other.source] for other in related_briefs(site, brief))
        for brief in site.briefs[start:stop]
    ]


def related_lookup(
    site: Site, positions: Callable[[], list[tuple[int, ...]]]
) -> Callable[[Brief], list[Brief]]:
    """site.related, answered from related_positions(site) (asked for on first use)."""
    lists: list[list[Brief]] = []

    def related(brief: Brief) -> list[Brief]:
        if not lists:
            briefs = site.briefs
            lists.extend([briefs[i] for i in found] for found in positions())
        return lists[site._position[brief.source]]

    return related


def _bit_sliced_sum(masks: list[int]) -> list[int]:
    """Add bitsets up: bit i of planes[j] is bit j of how many masks have bit i set."""
    planes: list[int] = []
    for mask in masks:
        carry = mask
        for index, plane in enumerate(planes):
            planes[index] = plane ^ carry
            carry &= plane
            if not carry:
                break
        if carry:
            planes.append(carry)
    return planes


def _nearest(site: Site, mask: int, position: int, want: int) -> list[Brief]:
    """The `want` briefs of mask nearest in time to the one at `position`.

    Briefs are sorted newest first, so the nearest ones are the closest set bits on
    either side of `position`: `want` from each side are enough to choose from.
    """
    newer = mask & ((1 << position) - 1)
    older = mask >> (position + 1)
    candidates: list[int] = []
    while newer and len(candidates) < want:
        top = newer.bit_length() - 1
        candidates.append(top)
        newer ^= 1 << top
    for _ in range(want):
        if not older:
            break
        low = (older & -older).bit_length() - 1
        candidates.append(position + 1 + low)
        older &= older - 1
    instants = site.instants
    moment = instants[position]
    candidates.sort(key=lambda i: (abs(instants[i] - moment), abs(i - position), i))
    return [site.briefs[i] for i in candidates[:want]]


def _tag_masks(
    tags: dict[str, Tag], tag_of_key: dict[str, str], position: dict[str, int]
) -> dict[str, int]:
    masks: dict[str, int] = {}
    for key, slug in tag_of_key.items():
        mask = 0
        for brief in tags[slug].briefs:
            mask |= 1 << position[brief.source]
        masks[key] = mask
    return masks
