"""Turning site paths into links under the base path, relative or absolute."""

from __future__ import annotations

from urllib.parse import quote

from .config import SiteConfig

_SAFE = "/:@-._~!$&'()*+,;=%"


def url_for(config: SiteConfig, path: str) -> str:
    """A site path (/tags/usa/) as a link that includes the base path (/briefs/tags/usa/)."""
    if "://" in path or path.startswith(("#", "mailto:", "//")):
        return path
    return config.base_path + path.lstrip("/")


def abs_url_for(config: SiteConfig, path: str) -> str:
    """A site path as an absolute, percent-encoded URL (feeds, sitemap, canonical links)."""
    if "://" in path:
        return path
    return config.base_url + quote(path.lstrip("/"), safe=_SAFE)
