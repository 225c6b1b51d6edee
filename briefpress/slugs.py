"""URL slugs for briefs and tags: Unicode letters kept, everything else folded to '-'."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80

_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _word_chars(text: str) -> str:
    """Letters and digits of any script kept, with the combining marks that follow them
    (Devanagari vowels); everything else, and a mark with nothing to combine with, is '-'."""
    out: list[str] = []
    for ch in text:
        kind = unicodedata.category(ch)[0]
        combines = kind == "M" and bool(out) and out[-1] != "-"
        out.append(ch if kind in "LN" or combines else "-")
    return "".join(out)


def slugify(text: str, max_length: int | None = None) -> str:
    """NFKC, casefold, runs of non-letters/digits to '-', trimmed: 'Հայաստան' stays readable."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        slug = _NOT_ASCII_WORD.sub("-", folded).strip("-")
    else:
        slug = _word_chars(folded)
        slug = re.sub("-{2,}", "-", slug).strip("-")
    if max_length and len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug


def tag_key(name: str) -> str:
    """What two spellings of one tag share: #USA, #usa and #Usa are one tag."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def split_headline(title: str) -> tuple[str, str]:
    """`Main headline: the dek` -> (main headline, dek) when the main part has 3+ words."""
    head, sep, dek = title.partition(": ")
    if sep and dek and len(head.split()) >= 3:
        return head, dek
    return title, ""


def title_slug(title: str) -> str:
    """Slug of a headline; `Main headline: the dek` takes only the main headline."""
    return slugify(split_headline(title)[0], MAX_SLUG)
