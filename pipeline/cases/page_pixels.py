"""The last few captured pages with their pixels, kept by the process that serves the console, so the page images
it shows right after an upload are the ones the extraction just made instead of a second capture of the file.

Off unless ``enable()`` is called (the API app does, with the console); bounded to a few files. A miss only costs
capturing the file again (``pipeline.cases.page_images``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from domain.models import Page

MAX_FILES = 16

_lock = threading.Lock()
_files: OrderedDict[str, tuple[Page, ...]] = OrderedDict()
_enabled = False


def enable() -> None:
    global _enabled
    _enabled = True


def keep(sha: str, pages: Sequence[Page]) -> None:
    if not _enabled:
        return
    with _lock:
        _files[sha] = tuple(pages)
        _files.move_to_end(sha)
        while len(_files) > MAX_FILES:
            _files.popitem(last=False)


def take(sha: str) -> tuple[Page, ...] | None:
    """The pages kept for a file, handed over once (the caller keeps what it makes of them)."""
    with _lock:
        return _files.pop(sha, None)
