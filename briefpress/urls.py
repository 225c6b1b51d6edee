"""Turning site paths into links under the base path, relative or absolute."""

from __future__ import annotations

import re
from urllib.parse import quote

from .config import SiteConfig

_SAFE = "/:@-._~!$&'()*+,;=%"
PAGEFIND_DIR = "pagefind"
_BUNDLE_FOLDER = re.compile(rf"{PAGEFIND_DIR}(-\d{{4}})?")


def is_search_path(relpath: str) -> bool:
    """True for files of the search index: pagefind/... or, on a sharded site, pagefind-YYYY/...
    No page or static file may be there, search or not: the index would replace it."""
    return _BUNDLE_FOLDER.fullmatch(relpath.lstrip("/").split("/", 1)[0]) is not None


def is_web_url(value: object) -> bool:
    """An absolute http(s) URL: the only address from content that is linked as written.

    Anything else (`javascript:`, `data:`, `JAVASCRIPT://%0a...`) is taken as a site path,
    so a value from front matter can never become a script that runs in a reader's browser.
    """
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def url_for(config: SiteConfig, path: str) -> str:
    """A site path (/tags/usa/) as a link that includes the base path (/briefs/tags/usa/)."""
    if is_web_url(path) or path.startswith(("#", "mailto:", "//")):
        return path
    return config.base_path + path.lstrip("/")


def abs_url_for(config: SiteConfig, path: str) -> str:
    """A site path as an absolute, percent-encoded URL (feeds, sitemap, canonical links)."""
    if is_web_url(path):
        return path
    return config.base_url + quote(path.lstrip("/"), safe=_SAFE)
