"""The new part of a reply, and a guess at its language (pure text helpers, ISO 10002 7.2)."""

from __future__ import annotations

import re

# The signed status link of our own emails, quoted back in a reply: whoever holds it can act as
# the complainant, so it must not end up in a note that staff or anyone else reads.
STATUS_LINK = re.compile(r"(\S*/complaints/status/t/)[^/\s]+/?")
# Lines that start the quoted message in common clients (Gmail, Apple Mail, Outlook, Naver,
# Daum) in English and Korean.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On .{4,200} wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*\d{4}[년./-].{0,200}(?:작성|wrote)\s*:?\s*$"),
    re.compile(r"^.{0,200}님이 작성(?:한 글)?\s*:?\s*$"),
    re.compile(
        r"^\s*-{2,}\s*(?:Original Message|원본 메시지|원래 메시지|Forwarded message)\s*-{2,}",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*(?:From|보낸 사람|보낸사람)\s*:\s*.+$", re.IGNORECASE),
)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def new_part(text: str) -> str:
    """The text above the quoted message a reply carries; all of it when nothing is quoted."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(">"):
            # Bottom-posting quotes; a quote block ends what is new only if something was written.
            if kept and any(k.strip() for k in kept):
                break
            continue
        if any(pattern.match(line) for pattern in _QUOTE_HEADERS):
            break
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or text.strip()


def without_status_links(text: str) -> str:
    return STATUS_LINK.sub(r"\1…/", text)


def language_of(*texts: str) -> str:
    """Korean when any Hangul is written, else English."""
    return "ko" if any(_HANGUL.search(t or "") for t in texts) else "en"
