#!/usr/bin/env python3
"""A corpus of news briefs for bench/run.py when ../shared/bench/gen_corpus.py is not there.

    python bench/gen_corpus.py N OUTDIR [--seed S] [--years Y]

Writes N Markdown briefs as OUTDIR/content/YYYY/MM/<slug>.md, shaped like the shared
generator's (and like a newsroom's): front matter with a title, a date with its UTC offset
and 2-5 tags drawn from a Zipf distribution over about 300 names; a body of 4-8
paragraphs (about 420 words) with bold words, a link, curly quotes, and now and then a
list or a quote. Dates are spread over Y years (default 5) ending 2025-12-31. A title met
again gets an explicit `slug:`, as a writer would give it. The same arguments write the
same bytes; only the standard library is used.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
from pathlib import Path

PLACES = (
    "Armenia", "Azerbaijan", "Georgia", "Turkey", "Iran", "Russia", "USA", "France",
    "Germany", "China", "India", "Ukraine", "Kazakhstan", "Israel", "Egypt", "Brazil",
    "Canada", "Japan", "Italy", "Spain", "Poland", "Greece", "Cyprus", "Lebanon",
    "Syria", "Iraq", "Jordan", "Qatar", "Uzbekistan", "Moldova", "Romania", "Serbia",
)  # fmt: skip
SUBJECTS = (
    "Economy", "Energy", "Politics", "Security", "Elections", "Diplomacy", "Trade",
    "Inflation", "Budget", "Defense", "Migration", "Human Rights", "Sanctions", "NATO",
    "European Union", "Investment", "Banking", "Agriculture", "Mining", "Tourism",
    "Education", "Healthcare", "Courts", "Corruption", "Media", "Climate", "Transport",
    "Infrastructure", "Gas", "Oil", "Electricity", "Water", "Labor", "Pensions",
)  # fmt: skip
ACTORS = (
    "the government", "the central bank", "the opposition", "parliament", "the ministry",
    "regional governors", "the election commission", "local officials", "analysts",
    "the foreign minister", "the prime minister", "industry groups", "the court",
)  # fmt: skip
VERBS = (
    "announced", "criticized", "approved", "rejected", "discussed", "defended",
    "postponed", "welcomed", "questioned", "backed", "reviewed", "signed",
)  # fmt: skip
OBJECTS = (
    "the draft budget", "a new energy agreement", "the customs reform", "a loan package",
    "the pension changes", "a joint statement on regional stability", "the tariff plan",
    "an infrastructure program", "the water-sharing deal", "the media law",
    "a border crossing agreement", "the anti-corruption strategy",
)  # fmt: skip
DETAILS = (
    "Officials said the measure would take effect next quarter.",
    "The vote is expected before the end of the session.",
    "Gold production declined {n} percent compared with the same period last year.",
    "Exports rose {n} percent in the first nine months, the statistics office said.",
    "The agency reported that talks would resume next week.",
    "Critics said the plan lacked a clear source of funding.",
    "The decision follows months of negotiations with international lenders.",
    "Several hundred people gathered outside the building on {day}.",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def tag_names() -> list[str]:
    """About 300 names, most used first: subjects and places, then places with a subject."""
    names = [*SUBJECTS, *PLACES]
    names += [f"{place} {subject}" for place, subject in itertools.product(PLACES, SUBJECTS)]
    return names[:300]


def zipf_weights(count: int) -> list[float]:
    """Cumulative weights of ranks 1..count for a Zipf distribution with s = 1."""
    return list(itertools.accumulate(1 / rank for rank in range(1, count + 1)))


def pick_tags(rng: random.Random, names: list[str], cumulative: list[float]) -> list[str]:
    wanted = rng.randint(2, 5)
    tags: list[str] = []
    while len(tags) < wanted:
        name = names[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        if name not in tags:
            tags.append(name)
    return tags


def sentence(rng: random.Random) -> str:
    actor, verb, thing = rng.choice(ACTORS), rng.choice(VERBS), rng.choice(OBJECTS)
    text = f"{actor[0].upper()}{actor[1:]} {verb} {thing} on {rng.choice(DAYS)}"
    if rng.random() < 0.25:
        text += f", calling it “{rng.choice(('a step forward', 'premature', 'overdue'))}”"
    detail = rng.choice(DETAILS).format(n=round(rng.uniform(1, 15), 1), day=rng.choice(DAYS))
    return f"{text}. {detail}"


def paragraph(rng: random.Random) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 4)))
    if rng.random() < 0.3:
        words = text.split(" ")
        at = rng.randrange(len(words))
        words[at] = f"**{words[at]}**"
        text = " ".join(words)
    return text


def body(rng: random.Random, slug: str) -> str:
    paragraphs = [paragraph(rng) for _ in range(rng.randint(4, 8))]
    link = f"[the full statement](https://example.org/news/{slug})"
    paragraphs[rng.randrange(1, len(paragraphs))] += f" Read {link}."
    extra = rng.random()
    if extra < 0.12:
        items = "\n".join(f"- {rng.choice(OBJECTS)}" for _ in range(rng.randint(2, 4)))
        paragraphs.insert(rng.randrange(1, len(paragraphs)), items)
    elif extra < 0.2:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), f"> {sentence(rng)}")
    return "\n\n".join(paragraphs)


def slugify(title: str, limit: int = 80) -> str:
    """The slug briefpress makes of an ASCII title: cut at a hyphen near `limit`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[: limit + 1].rsplit("-", 1)[0] if len(slug) > limit else slug


def write_corpus(count: int, out: Path, seed: int = 1, years: int = 5) -> None:
    rng = random.Random(seed)
    names = tag_names()
    cumulative = zipf_weights(len(names))
    end = dt.datetime(2025, 12, 31, 23, 59)
    span = int((end - end.replace(year=end.year - years)).total_seconds() // 60)
    offset = dt.timezone(dt.timedelta(hours=4))
    seen: set[str] = set()
    for number in range(count):
        tags = pick_tags(rng, names, cumulative)
        actor, verb, thing = rng.choice(ACTORS), rng.choice(VERBS), rng.choice(OBJECTS)
        title = f"{actor[0].upper()}{actor[1:]} {verb} {thing} in {rng.choice(PLACES)}"
        slug = slugify(title)
        explicit = ""
        if slug in seen:
            slug = f"{slug}-{number}"
            explicit = f"slug: {slug}\n"
        seen.add(slug)
        date = (end - dt.timedelta(minutes=rng.randrange(span))).replace(tzinfo=offset)
        folder = out / "content" / f"{date.year:04d}" / f"{date.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        front = (
            f'---\ntitle: "{title}"\ndate: {date.isoformat(sep=" ")}\n'
            f"tags: [{', '.join(tags)}]\n{explicit}---\n\n"
        )
        (folder / f"{slug}.md").write_text(front + body(rng, slug) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    write_corpus(args.count, args.out, args.seed, args.years)


if __name__ == "__main__":
    main()
