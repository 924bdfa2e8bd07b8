"""Masking for the evidence pack (ISO 10002 4.10): anything shaped like an e-mail address or a
phone number in a text, or in the text nodes of an HTML page, is replaced by ``[masked]``.

A last pass over every member of the pack, after the parts have left complainants' details out
(``conformance_pack_parts``), for what staff may have typed into findings, minutes or notes.
"""

from __future__ import annotations

import re

# Anything shaped like an e-mail address or a phone number (Korean and international forms).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number starts with "+" or a trunk "0" (010-1234-5678, 02 123 4567, +82 10 …).
_PHONE = re.compile(r"(?<![\w.-])(?:\+\d|0)[\d\s().-]{7,}\d(?![\w-])")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.+-]+)?$")
MASK = "[masked]"


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    # Dates, times and plain numbers of a record (2026-03-01, 12:00:00) are not phone numbers.
    if _DATE_LIKE.match(text.strip()) or not 9 <= sum(c.isdigit() for c in text) <= 15:
        return text
    return MASK


def mask_text(text: str) -> str:
    """Mask e-mail addresses and phone numbers (defence in depth, 4.10)."""
    return _PHONE.sub(_mask_phone, _EMAIL.sub(MASK, text))


_TEXT_NODE = re.compile(r">([^<]+)<")


def mask_html(page: str) -> str:
    """``mask_text`` on the text between tags only: attributes (SVG paths, links) stay whole."""
    return _TEXT_NODE.sub(lambda match: ">" + mask_text(match.group(1)) + "<", page)
