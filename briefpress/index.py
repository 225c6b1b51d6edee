"""Stage 6, index: the Pagefind search index of the brief pages, from the bundled binary."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .config import SiteConfig
from .errors import BriefpressError, Problem

PAGEFIND_DIR = "pagefind"


def pagefind_binary() -> str:
    """The Pagefind executable shipped in the pagefind[bin] wheel (never downloaded)."""
    try:
        from pagefind.service import _must_get_executable
    except ImportError as exc:  # pragma: no cover - a broken install
        raise BriefpressError(
            f"pagefind is not installed ({exc}); pip install 'pagefind[bin]'"
        ) from None
    return str(_must_get_executable().resolve())


def index_site(folder: Path, config: SiteConfig, progress: object = None) -> None:
    """Index the pages under `folder` that mark their body with data-pagefind-body."""
    command = [
        pagefind_binary(),
        "--site",
        str(folder),
        "--output-subdir",
        PAGEFIND_DIR,
        "--force-language",
        config.language.split("-")[0].lower(),
        "--quiet",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BriefpressError([Problem("pagefind", None, f"search indexing failed: {detail[0]}")])
