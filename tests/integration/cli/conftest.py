"""Running the real ``sori`` executable against the test database.

A subprocess sees only committed data, so ``run_sori`` brings a transactional test database
instead of the usual rolled-back transaction.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import translation

SORI = str(Path(sys.executable).with_name("sori"))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Commands speak the installation's language (Korean by default); these tests read English.

    Subprocess tests assert only on what no translation changes (exit status, entry numbers).
    """
    with translation.override("en"):
        yield


@contextmanager
def bypassing_triggers() -> Iterator[object]:
    """A cursor that can change the audit trail, as an attacker with superuser rights could.

    On PostgreSQL the append-only trigger is skipped with ``session_replication_role``; SQLite
    has no such guard.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def database_url() -> str:
    """The URL of the test database, for a subprocess to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def sori_env() -> dict[str, str]:
    """The real settings module, the test database, and the test run's keys (same data dir)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sori.config.settings",
        "DATABASE_URL": database_url(),
    }


@pytest.fixture
def run_sori(transactional_db) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``sori`` command on the test database (same keys, real settings)."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SORI, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=sori_env(),
            timeout=120,
            check=False,
        )

    return run
