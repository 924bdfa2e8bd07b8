"""Korean is the default: every message a person reads has a Korean translation, compiled and current."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sori"
PO = PACKAGE / "locale" / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="needs GNU gettext (apt-get install gettext)"
)


def compiled_catalog(po_file: Path) -> dict:
    """A catalogue as msgfmt compiles it (no hand-written .po parser)."""
    with tempfile.TemporaryDirectory() as scratch:
        compiled = Path(scratch) / "django.mo"
        subprocess.run(["msgfmt", "-o", str(compiled), str(po_file)], check=True)
        with compiled.open("rb") as handle:
            return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def msgids(po_file: Path) -> set[str]:
    return {key if isinstance(key, str) else key[0] for key in compiled_catalog(po_file) if key}


def test_every_korean_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_the_catalogue_covers_every_message_in_the_code(tmp_path):
    copy = tmp_path / "sori"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale" / "ko" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ko",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    fresh = msgids(copy / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    missing = sorted(fresh - msgids(PO))
    assert not missing, (
        "run `cd sori && django-admin makemessages -l ko --add-location file` and translate: "
        + repr(missing[:10])
    )


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    assert shipped == compiled_catalog(PO), "run `cd sori && django-admin compilemessages`"


def test_korean_terms_follow_ks_q_iso_10002():
    text = PO.read_text(encoding="utf-8")
    for term in ("불만", "접수", "종결"):
        assert re.search(term, text), term
