"""``sori mailgate``: receive one email from standard input, for an MTA pipe (ISO 10002 7.2).

For example, in Postfix's ``master.cf``::

    sori  unix  -  n  n  -  -  pipe
      flags=R user=sori argv=/usr/local/bin/sori mailgate

The exit status follows ``sysexits.h``, which every MTA understands: 0 when the message was
received or deliberately ignored (an automatic reply, a bounce, a loop, a redelivery), 65
(EX_DATAERR) when the input is not an email — the MTA returns it to the sender — and 75
(EX_TEMPFAIL) on any other failure, so the MTA keeps the message and tries again later.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sori.messaging.inbound.parse import UnparsableMessage
from sori.messaging.inbound.services import MAIL_GATEWAY, receive_message

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
# Larger than any message the attachment limits allow (5 x 10 MB, base64-encoded).
MAX_INPUT = 80 * 1024 * 1024

logger = logging.getLogger("sori.messaging.mailgate")


class Command(BaseCommand):
    help = _("Receive one email message from standard input (for an MTA pipe).")
    # ``call_command("mailgate", stdin=...)`` hands the message in directly.
    stealth_options = ("stdin",)

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        source = getattr(stdin, "buffer", stdin)
        raw = source.read(MAX_INPUT + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if len(raw) > MAX_INPUT:
            raise CommandError(_("The message is too large."), returncode=EX_DATAERR)
        try:
            received = receive_message(actor=MAIL_GATEWAY, raw=raw)
        except UnparsableMessage as error:
            raise CommandError(str(error), returncode=EX_DATAERR) from error
        except Exception as error:
            # Whatever it was (the database is locked or down…), the MTA keeps the message and
            # delivers it again; the Message-ID makes a repeated delivery harmless.
            logger.exception("The message could not be received; the MTA will try again")
            raise CommandError(
                _("The message could not be received now; deliver it again later."),
                returncode=EX_TEMPFAIL,
            ) from error
        summary = received.classification + (f" {received.reference}" if received.reference else "")
        if received.duplicate:
            summary += " (" + _("already received") + ")"
        self.stdout.write(summary)
