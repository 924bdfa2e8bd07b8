"""Settings for the test suite: the real settings, with tasks run at once and a private data dir."""

import os
import tempfile

# A data directory of this run's own, so two test runs on one machine never share a database;
# subprocesses started by tests inherit it through the environment.
os.environ.setdefault("SORI_DATA_DIR", tempfile.mkdtemp(prefix="sori-test-"))
os.environ.setdefault("SORI_TASKS_IMMEDIATE", "true")
# Tests that exercise the rate limits lower these with override_settings.
os.environ.setdefault("SORI_SUBMISSION_RATE", "100000/m")
os.environ.setdefault("SORI_LOOKUP_RATE", "100000/m")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # PostgreSQL in CI runs with debug off and no keys in the environment; tests may use
    # generated keys because the test database is thrown away.
    os.environ.setdefault("SORI_DEBUG", "true")

from sori.config.settings import *  # noqa: F403
from sori.config.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not shared-cache memory, so concurrency tests see SQLite's real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEBUG = False
