"""One RFC 5322 message read with the standard library into what Sori needs (ISO 10002 7.2).

No ORM here: ``parse()`` turns bytes into a ``ParsedMail`` — decoded subject and text, the
attachments as bytes, the threading headers, and what a delivery status notification reports.
Korean mail arrives in UTF-8 or in EUC-KR, whose Microsoft extension (CP949, labelled
``ks_c_5601-1987`` by Outlook) Python's ``euc-kr`` codec refuses: both are read as CP949.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from sori.core.errors import DomainError

MAX_MESSAGE_ID = 250
# Labels of the Korean legacy encoding; CP949 is the superset every one of them is sent in.
_KOREAN = {
    "euc-kr",
    "euc_kr",
    "euckr",
    "ks_c_5601-1987",
    "ks_c_5601",
    "ksc5601",
    "ks_c_5601_1987",
    "x-windows-949",
    "windows-949",
    "cp949",
    "uhc",
    "korean",
}
_MSG_ID = re.compile(r"<[^<>\s]+>")
_OWN_ID_IN_TEXT = re.compile(r"<sori\.[0-9a-f]{32}@[^<>\s]+>", re.IGNORECASE)
RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")


class UnparsableMessage(DomainError):
    """The input is not an email message at all (``sori mailgate`` exits 65, EX_DATAERR)."""

    code = "unparsable_message"
    status = 400


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery status notification (RFC 3464) says about a message of ours."""

    # ``failed`` (a bounce), or ``delayed``/``delivered``/``relayed``/``expanded``.
    action: str
    status: str
    original_message_ids: tuple[str, ...]


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    has_message_id: bool
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str
    from_name: str
    # None when the header is absent; '' for the null sender ``<>`` of bounces and auto-replies.
    return_path: str | None
    recipients: tuple[str, ...]
    subject: str
    text: str
    attachments: tuple[MailAttachment, ...]
    headers: dict[str, str] = field(default_factory=dict)
    report: DeliveryReport | None = None
    # Our own Message-IDs quoted anywhere in the message (bounces that are not RFC 3464).
    quoted_own_ids: tuple[str, ...] = ()
    size: int = 0

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


# ------------------------------------------------------------------------------------ text


def codec(charset: str | None) -> str:
    label = (charset or "utf-8").strip().strip('"').lower()
    return "cp949" if label in _KOREAN else label


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in its declared charset; a wrong or unknown label falls back to UTF-8, then CP949."""
    for candidate in (codec(charset), "utf-8", "cp949"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_words(value: str) -> str:
    """A header with RFC 2047 encoded words (B or Q, any charset) as text."""
    pieces = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, bytes):
            pieces.append(decode_bytes(chunk, charset or "utf-8"))
        else:
            pieces.append(chunk)
    return "".join(pieces)


def _raw_header(message: Message, name: str) -> str | None:
    """The header as it came over the wire, unfolded, before the policy decoded it.

    Unencoded 8-bit bytes (mail clients that ignore RFC 2047) are read as UTF-8, else CP949.
    """
    for key, value in message.raw_items():
        if key.lower() == name:
            text = re.sub(r"\r?\n[ \t]+", " ", str(value))
            if any("\udc80" <= ch <= "\udcff" for ch in text):
                text = decode_bytes(text.encode("ascii", "surrogateescape"), "utf-8")
            return text
    return None


def _header_text(message: Message, name: str) -> str:
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    try:
        text = decode_words(raw)
    except (ValueError, AssertionError):  # a malformed encoded word: take the policy's reading
        text = str(message.get(name, ""))
    return " ".join(text.split())


class _TextFromHtml(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def text_from_html(html: str) -> str:
    reader = _TextFromHtml()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = decode_bytes(data, part.get_content_charset())
    if part.get_content_type() == "text/html":
        return text_from_html(text)
    return text.replace("\r\n", "\n").strip()


# ------------------------------------------------------------------------------ structure


def _leaves(message: Message) -> list[Message]:
    """The non-multipart parts, not descending into attached messages (message/rfc822)."""
    if message.is_multipart() and not message.get_content_type().startswith("message/"):
        found: list[Message] = []
        for part in message.get_payload():
            assert isinstance(part, Message)
            found.extend(_leaves(part))
        return found
    return [message]


def _body_part(message: EmailMessage) -> Message | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (KeyError, AttributeError, TypeError):
        return None


def _filename(part: Message) -> str:
    name = part.get_filename() or ""
    if "=?" in name:
        name = decode_words(name)
    return name


def _attachments(message: EmailMessage, body: Message | None) -> tuple[MailAttachment, ...]:
    found = []
    for part in _leaves(message):
        if part is body:
            continue
        content_type = part.get_content_type()
        name = _filename(part)
        disposition = part.get_content_disposition()
        if content_type.startswith("message/") or content_type == "text/rfc822-headers":
            continue
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not name:
            continue  # the other rendering of a multipart/alternative body
        if content_type.startswith("multipart/"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        found.append(
            MailAttachment(
                name=name or f"attachment.{content_type.rpartition('/')[2] or 'bin'}",
                content_type=content_type,
                data=payload,
            )
        )
    return tuple(found)


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(found for found in _MSG_ID.findall(value or "")))


def _message_id(message: Message, raw: bytes) -> tuple[str, bool]:
    value = (_raw_header(message, "message-id") or "").strip()
    ids = _ids(value)
    found = ids[0] if ids else (f"<{value.strip('<>')}>" if value and " " not in value else "")
    if found and len(found) <= MAX_MESSAGE_ID:
        return found, True
    # No usable Message-ID: the content itself identifies the message, so a redelivery of the
    # very same bytes is still recognised.
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@sori.invalid>", False


def _report(message: EmailMessage, raw: bytes) -> DeliveryReport | None:
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    action, status = "failed", ""
    originals: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                if not isinstance(block, Message):
                    continue
                if block.get("Action"):
                    action = str(block.get("Action")).strip().lower()
                if block.get("Status"):
                    status = str(block.get("Status")).strip().split()[0]
        elif kind == "message/rfc822":
            for inner in part.get_payload():
                if isinstance(inner, Message):
                    originals.extend(_ids(str(inner.get("Message-ID", ""))))
        elif kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            headers = HeaderParser().parsestr(decode_bytes(data, "utf-8"))
            originals.extend(_ids(str(headers.get("Message-ID", ""))))
    # Some servers quote the original only as text: our own Message-IDs are recognisable.
    originals.extend(_quoted_own_ids(raw))
    return DeliveryReport(
        action=action, status=status, original_message_ids=tuple(dict.fromkeys(originals))
    )


def _quoted_own_ids(raw: bytes) -> tuple[str, ...]:
    text = decode_bytes(raw, None)
    return tuple(dict.fromkeys(match.group(0) for match in _OWN_ID_IN_TEXT.finditer(text)))


CLASSIFYING_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "list-id",
)


def parse(raw: bytes) -> ParsedMail:
    """Read one message; ``UnparsableMessage`` when the input is not an email at all."""
    if not raw or not raw.strip():
        raise UnparsableMessage(_("The message is empty."))
    headers_only = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    if not headers_only.keys() or headers_only.get("From") is None:
        raise UnparsableMessage(_("The input has no email headers (no From line)."))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    # Split before decoding: a decoded display name may hold commas or angle brackets.
    raw_name, from_address = parseaddr(_raw_header(message, "from") or "")
    from_name = decode_words(raw_name) if raw_name else ""
    if "@" not in from_address:
        from_address = ""
    return_path: str | None = None
    if (raw_return := _raw_header(message, "return-path")) is not None:
        return_path = parseaddr(raw_return)[1].strip().lower()
    recipients: list[str] = []
    for name in RECIPIENT_HEADERS:
        for value in message.get_all(name) or []:
            recipients.extend(a.lower() for _n, a in getaddresses([str(value)]) if "@" in a)
    body = _body_part(message)
    message_id, has_message_id = _message_id(message, raw)
    return ParsedMail(
        message_id=message_id,
        has_message_id=has_message_id,
        in_reply_to=_ids(_raw_header(message, "in-reply-to") or ""),
        references=_ids(" ".join(str(v) for v in message.get_all("references") or [])),
        from_address=from_address.strip().lower(),
        from_name=" ".join(from_name.split()),
        return_path=return_path,
        recipients=tuple(dict.fromkeys(recipients)),
        subject=_header_text(message, "subject"),
        text=_part_text(body) if body is not None else "",
        attachments=_attachments(message, body),
        headers={
            name: " ".join(_header_text(message, name).split())
            for name in CLASSIFYING_HEADERS
            if _raw_header(message, name) is not None
        },
        report=_report(message, raw),
        quoted_own_ids=_quoted_own_ids(raw),
        size=len(raw),
    )
