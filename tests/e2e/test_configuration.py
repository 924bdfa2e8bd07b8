"""On PostgreSQL with debug off a missing key stops start-up with a clear message, and no key is
generated: a key made up by one of several processes would lock the others out of the personal
data it encrypts (ISO 10002 4.10)."""

from __future__ import annotations

import subprocess

import pytest

from sori.privacy.crypto import FieldKey, generate_secret
from tests.e2e.helpers import newcomer_env

POSTGRES = "postgres://sori@127.0.0.1:5432/sori"
KEYS = {
    "SORI_SECRET_KEY": "a-secret-key-for-a-test-that-never-serves-anything",
    "SORI_FIELD_KEYS": FieldKey.generate().encoded(),
    "SORI_BLIND_INDEX_KEY": generate_secret(),
}


def sori_check(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sori", "check"], env=newcomer_env(tmp_path / "data", DATABASE_URL=POSTGRES, **env),
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("missing", sorted(KEYS))
def test_a_missing_key_on_postgresql_stops_sori_and_names_it(tmp_path, missing):
    given = {name: value for name, value in KEYS.items() if name != missing}
    result = sori_check(tmp_path, given)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr
    for value in given.values():
        assert value not in result.stderr  # a message never repeats a secret
    assert not (tmp_path / "data" / "keys").exists()


def test_with_every_key_given_sori_check_passes_on_postgresql(tmp_path):
    result = sori_check(tmp_path, KEYS)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data" / "keys").exists()
