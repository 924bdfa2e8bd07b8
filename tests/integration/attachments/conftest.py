"""A private MEDIA_ROOT per test, so "nothing was stored" can be checked on the disk itself."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
