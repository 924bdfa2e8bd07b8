"""Behaviour of the pure field-encryption core (no Django, no database)."""

import base64
import contextlib
import os

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sori.privacy.crypto import (
    CryptoError,
    DecryptionError,
    FieldKey,
    KeyFormatError,
    Keyring,
    UnknownKeyError,
    blind_index,
    generate_secret,
    normalise_email,
    normalise_phone,
    parse_secret,
)

KEY_A = FieldKey("keya", b"A" * 32)
KEY_B = FieldKey("keyb", b"B" * 32)
RING = Keyring([KEY_A])
CTX = "complainant.email"

korean_or_any_text = st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)),
    st.text(),
)


def _flip_blob_byte(token: str, index: int) -> str:
    version, key_id, payload = token.split("$")
    blob = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    blob[index % len(blob)] ^= 0x01
    encoded = base64.urlsafe_b64encode(bytes(blob)).rstrip(b"=").decode()
    return f"{version}${key_id}${encoded}"


# --- encryption -------------------------------------------------------------------------


@given(korean_or_any_text)
def test_any_unicode_text_round_trips(text):
    assert RING.decrypt(RING.encrypt(text, context=CTX), context=CTX) == text


def test_korean_name_round_trips():
    assert RING.decrypt(RING.encrypt("홍길동", context="name"), context="name") == "홍길동"


B64_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@given(st.text(min_size=4))
def test_token_never_contains_the_plaintext(text):
    # Exclude coincidences, not leaks: a fragment of the fixed "s1$keya$" header, or a short
    # all-base64 string that random ciphertext could contain by chance (~2**-24 per offset).
    assume(text not in "s1$keya$")
    assume(len(text) >= 8 or not set(text) <= B64_CHARS)
    assert text not in RING.encrypt(text, context=CTX)


def test_token_has_versioned_key_tagged_format():
    version, key_id, payload = RING.encrypt("x", context=CTX).split("$")
    assert (version, key_id) == ("s1", "keya")
    assert "=" not in payload
    # 12-byte nonce + 1 byte of ciphertext + 16-byte tag.
    assert len(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == 12 + 1 + 16


def test_encrypting_the_same_text_twice_gives_different_tokens():
    assert RING.encrypt("same", context=CTX) != RING.encrypt("same", context=CTX)


def test_new_ciphertext_uses_the_newest_key():
    ring = Keyring([KEY_B, KEY_A])
    assert ring.current == KEY_B
    assert ring.key_id_of(ring.encrypt("x", context=CTX)) == "keyb"


def test_ciphertext_from_an_older_key_still_decrypts_after_rotation():
    old_token = RING.encrypt("old data", context=CTX)
    rotated = Keyring([KEY_B, KEY_A])
    assert rotated.decrypt(old_token, context=CTX) == "old data"


def test_decrypting_with_a_keyring_that_lacks_the_key_raises_unknown_key():
    token = Keyring([KEY_B]).encrypt("x", context=CTX)
    with pytest.raises(UnknownKeyError):
        RING.decrypt(token, context=CTX)


def test_same_key_id_with_a_different_secret_fails_authentication():
    token = RING.encrypt("x", context=CTX)
    impostor = Keyring([FieldKey("keya", b"Z" * 32)])
    with pytest.raises(DecryptionError):
        impostor.decrypt(token, context=CTX)


@given(st.integers(min_value=0))
def test_a_flipped_byte_anywhere_in_the_token_fails_authentication(index):
    token = RING.encrypt("tamper me", context=CTX)
    with pytest.raises(DecryptionError):
        RING.decrypt(_flip_blob_byte(token, index), context=CTX)


def test_ciphertext_copied_into_another_column_fails_authentication():
    token = RING.encrypt("a@example.com", context="complainant.email")
    with pytest.raises(DecryptionError):
        RING.decrypt(token, context="complainant.phone")


def test_non_canonical_base64_is_rejected():
    token = RING.encrypt("xy", context=CTX)
    with pytest.raises(DecryptionError):
        RING.decrypt(token + "==", context=CTX)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "s1",
        "s1$keya",
        "s2$keya$AAAA",
        "s1$KEYA$AAAA",
        "s1$keya$!!!!",
        "s1$keya$AAAA",
        "s1$keya$" + "A" * 37,
        "s1$$AAAA",
        "s1$keya$x$y",
    ],
)
def test_malformed_tokens_raise_decryption_error(token):
    with pytest.raises(DecryptionError):
        RING.decrypt(token, context=CTX)


@given(st.one_of(st.text(), st.text().map(lambda s: "s1$keya$" + s)))
def test_malformed_tokens_only_ever_raise_crypto_errors(token):
    with contextlib.suppress(CryptoError):
        RING.decrypt(token, context=CTX)


def test_needs_rotation_is_true_only_for_tokens_from_older_keys():
    old_token = RING.encrypt("x", context=CTX)
    rotated = Keyring([KEY_B, KEY_A])
    assert rotated.needs_rotation(old_token)
    assert not rotated.needs_rotation(rotated.encrypt("x", context=CTX))


def test_key_id_of_rejects_malformed_tokens():
    with pytest.raises(DecryptionError):
        RING.key_id_of("plaintext")


# --- keys and keyrings ------------------------------------------------------------------


def test_field_key_parse_accepts_its_own_encoded_form():
    key = FieldKey.generate()
    assert FieldKey.parse(key.encoded()) == key


def test_bare_secret_gets_an_id_derived_from_its_hash():
    secret = os.urandom(32)
    key = FieldKey.parse(base64.urlsafe_b64encode(secret).decode())
    assert key.secret == secret
    assert len(key.key_id) == 8
    assert key.key_id == FieldKey.parse(base64.b64encode(secret).decode().rstrip("=")).key_id


def test_standard_and_urlsafe_base64_with_or_without_padding_are_accepted():
    secret = bytes(range(200, 232))  # encodes with '+' / '/' in standard base64
    for encoded in (
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
    ):
        assert FieldKey.parse(f" k1 : {encoded} ").secret == secret


def test_generated_keys_are_distinct():
    assert FieldKey.generate() != FieldKey.generate()


def test_field_key_repr_does_not_show_the_secret():
    assert "AAAA" not in repr(KEY_A)


SECRET_TEXT = base64.urlsafe_b64encode(b"s" * 31).decode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        SECRET_TEXT,  # 31 bytes
        "k1:" + SECRET_TEXT,
        "BAD:" + base64.urlsafe_b64encode(b"s" * 32).decode(),
        "waytoolongkeyid000:" + base64.urlsafe_b64encode(b"s" * 32).decode(),
        "k1:" + SECRET_TEXT + "!*",
        "k1:" + SECRET_TEXT + "A",  # impossible base64 length
    ],
)
def test_bad_key_strings_raise_key_format_error_without_leaking_the_secret(text):
    with pytest.raises(KeyFormatError) as info:
        FieldKey.parse(text)
    assert SECRET_TEXT[:12] not in str(info.value)


def test_keyring_from_config_is_newest_first_and_whitespace_tolerant():
    ring = Keyring.from_config(f"  {KEY_B.encoded()} ,\n {KEY_A.encoded()} ,")
    assert ring.current == KEY_B
    assert ring.decrypt(RING.encrypt("x", context=CTX), context=CTX) == "x"


def test_keyring_rejects_duplicate_key_ids():
    with pytest.raises(KeyFormatError):
        Keyring([KEY_A, FieldKey("keya", b"C" * 32)])


@pytest.mark.parametrize("config", ["", " , "])
def test_keyring_needs_at_least_one_key(config):
    with pytest.raises(KeyFormatError):
        Keyring.from_config(config)


# --- blind index ------------------------------------------------------------------------


def test_blind_index_is_deterministic_128_bit_hex():
    first = blind_index(b"k" * 32, "a@example.com", purpose="email")
    assert first == blind_index(b"k" * 32, "a@example.com", purpose="email")
    assert len(first) == 32
    assert set(first) <= set("0123456789abcdef")


def test_blind_index_differs_per_purpose():
    key = b"k" * 32
    assert blind_index(key, "01012345678", purpose="email") != blind_index(
        key, "01012345678", purpose="phone"
    )


def test_blind_index_differs_per_key():
    assert blind_index(b"k" * 32, "v", purpose="email") != blind_index(
        b"j" * 32, "v", purpose="email"
    )


def test_blind_index_does_not_contain_the_value():
    assert "01012345678" not in blind_index(b"k" * 32, "01012345678", purpose="phone")


# --- normalisation ----------------------------------------------------------------------


def test_email_case_whitespace_and_width_variants_normalise_alike():
    assert normalise_email("  Hong.GilDong@Example.COM \n") == "hong.gildong@example.com"
    assert normalise_email("ｈｏｎｇ@example.com") == "hong@example.com"  # full-width


@pytest.mark.parametrize(
    "phone",
    [
        "+82 10-1234-5678",
        "010 1234 5678",
        "01012345678",
        "82-10-1234-5678",
        "+82 (0)10 1234 5678",
        "０１０-１２３４-５６７８",
    ],
)
def test_korean_phone_variants_normalise_to_national_form(phone):
    assert normalise_phone(phone) == "01012345678"


@given(st.text())
def test_normalise_email_is_idempotent(value):
    once = normalise_email(value)
    assert normalise_email(once) == once


@given(st.text())
def test_normalise_phone_is_idempotent(value):
    once = normalise_phone(value)
    assert normalise_phone(once) == once


@given(st.text())
def test_normalised_phone_is_digits_only(value):
    assert set(normalise_phone(value)) <= set("0123456789")


# --- secrets ----------------------------------------------------------------------------


def test_generated_secret_parses_back_to_32_bytes():
    text = generate_secret()
    assert "=" not in text
    assert len(parse_secret(text, name="SORI_BLIND_INDEX_KEY")) == 32


def test_longer_secrets_are_accepted():
    assert len(parse_secret(base64.b64encode(b"x" * 64).decode(), name="K")) == 64


@pytest.mark.parametrize("text", ["", SECRET_TEXT, "not base64 at all!!"])
def test_bad_secret_names_the_setting_but_not_the_value(text):
    with pytest.raises(KeyFormatError) as info:
        parse_secret(text, name="SORI_BLIND_INDEX_KEY")
    assert "SORI_BLIND_INDEX_KEY" in str(info.value)
    if text:
        assert text[:12] not in str(info.value)
