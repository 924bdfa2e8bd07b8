"""Masking a complainant's personal data for reading without revealing it (ISO 10002 4.10):
``홍*동``, ``h***@example.com``, ``010-****-5678``, and the same in free text (pure: no Django)."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
_PHONE = re.compile(r"(?<![\w.-])(?:\+\d|0)[\d\s().-]{7,}\d(?![\w-])")


def mask_name(name: str) -> str:
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_email(email: str) -> str:
    local, _at, domain = email.strip().partition("@")
    if not domain:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """Keep the first three and the last four digits: ``010-****-5678``."""
    digits = sum(c.isdigit() for c in phone)
    seen, out = 0, []
    for char in phone:
        if char.isdigit():
            seen += 1
            out.append(char if seen <= 3 or seen > digits - 4 else "*")
        else:
            out.append(char)
    return "".join(out)


def _phone_match(match: re.Match[str]) -> str:
    text = match.group(0)
    if not 9 <= sum(c.isdigit() for c in text) <= 15:
        return text
    return mask_phone(text)


def mask_text(text: str, *, names: tuple[str, ...] = ()) -> str:
    """E-mail addresses, phone numbers and the complainant's own name masked in free text."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PHONE.sub(_phone_match, text)
    for name in names:
        if len(name.strip()) >= 2:
            text = text.replace(name.strip(), mask_name(name))
    return text
