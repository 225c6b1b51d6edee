"""URL slugs for briefs and tags: Unicode letters kept, everything else folded to '-'."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80

_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _is_word(ch: str) -> bool:
    """Letters and digits of any script, with their combining marks (Devanagari vowels)."""
    return unicodedata.category(ch)[0] in "LNM"


def slugify(text: str, max_length: int | None = None) -> str:
    """NFKC, casefold, runs of non-letters/digits to '-', trimmed: 'Հայաստան' stays readable."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        slug = _NOT_ASCII_WORD.sub("-", folded).strip("-")
    else:
        slug = "".join(ch if _is_word(ch) else "-" for ch in folded)
        slug = re.sub("-{2,}", "-", slug).strip("-")
    if max_length and len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug


def tag_key(name: str) -> str:
    """What two spellings of one tag share: #USA, #usa and #Usa are one tag."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def title_slug(title: str) -> str:
    """Slug of a headline; `Main headline: the dek` takes only the main headline."""
    head, sep, _ = title.partition(": ")
    if sep and len(head.split()) >= 3:
        title = head
    return slugify(title, MAX_SLUG)
