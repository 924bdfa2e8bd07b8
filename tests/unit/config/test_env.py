"""Settings come from the environment, secrets also from NAME_FILE; keys are generated only when allowed."""

from __future__ import annotations

import stat

import pytest

from sori.config import env


def test_a_secret_is_read_from_the_file_named_by_name_file(tmp_path, monkeypatch):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("SORI_TEST_SECRET", raising=False)
    monkeypatch.setenv("SORI_TEST_SECRET_FILE", str(secret_file))
    assert env.secret("SORI_TEST_SECRET", generate=False, directory=tmp_path) == "from-a-file"


def test_the_variable_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SORI_TEST_SECRET", "direct")
    monkeypatch.setenv("SORI_TEST_SECRET_FILE", str(tmp_path / "missing"))
    assert env.secret("SORI_TEST_SECRET", generate=False, directory=tmp_path) == "direct"


def test_an_unreadable_secret_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("SORI_TEST_SECRET", raising=False)
    monkeypatch.setenv("SORI_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(env.ConfigurationError, match="SORI_TEST_SECRET_FILE"):
        env.secret("SORI_TEST_SECRET", generate=False, directory=tmp_path)


def test_a_missing_key_is_generated_once_privately_when_allowed(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("SORI_TEST_SECRET", raising=False)
    monkeypatch.delenv("SORI_TEST_SECRET_FILE", raising=False)
    first = env.secret("SORI_TEST_SECRET", generate=True, directory=tmp_path)
    second = env.secret("SORI_TEST_SECRET", generate=True, directory=tmp_path)
    assert first == second and len(first) >= 40
    stored = tmp_path / "keys" / "sori_test_secret"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert "SORI_TEST_SECRET was not set" in caplog.text


def test_a_generated_field_key_is_one_the_keyring_reads(tmp_path, monkeypatch):
    from sori.privacy.crypto import Keyring

    monkeypatch.delenv("SORI_TEST_KEYS", raising=False)
    value = env.secret("SORI_TEST_KEYS", generate=True, directory=tmp_path, make="field_key")
    ring = Keyring.from_config(value)
    assert ring.decrypt(ring.encrypt("홍길동", context="t.c"), context="t.c") == "홍길동"


def test_a_missing_key_stops_start_up_when_it_may_not_be_generated(tmp_path, monkeypatch):
    monkeypatch.delenv("SORI_TEST_SECRET", raising=False)
    monkeypatch.delenv("SORI_TEST_SECRET_FILE", raising=False)
    with pytest.raises(env.ConfigurationError, match="SORI_TEST_SECRET is not set"):
        env.secret("SORI_TEST_SECRET", generate=False, directory=tmp_path)
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("YES", True), ("0", False), ("off", False)]
)
def test_flags_read_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("SORI_TEST_FLAG", raw)
    assert env.flag("SORI_TEST_FLAG") is expected


def test_a_malformed_flag_names_the_setting(monkeypatch):
    monkeypatch.setenv("SORI_TEST_FLAG", "maybe")
    with pytest.raises(env.ConfigurationError, match="SORI_TEST_FLAG"):
        env.flag("SORI_TEST_FLAG")
