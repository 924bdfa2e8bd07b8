"""Per-address rate limits for the public endpoints (submissions and look-ups by access code).

The counting is ``sori.core.ratelimit`` — the same counters as the portal's, so a client spends
one budget whichever front-end it uses. The rate is read from settings on every request, so an
operator's change or a test's ``override_settings`` applies at once.

Staff calling with a valid token are not limited here: they are identified and accountable, and
an integrator recording phone complaints must not be throttled like an anonymous guesser.
"""

from __future__ import annotations

import threading

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from sori.core import ratelimit
from sori.core.actors import Actor

client_ip = ratelimit.client_ip


class ClientRateThrottle(BaseThrottle):
    def __init__(self, scope: str, setting: str) -> None:
        self.scope = scope
        self.setting = setting
        # ninja asks wait() right after allow_request() on the same thread; instances are shared.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        caller = getattr(request, "auth", None)
        if isinstance(caller, Actor) and caller.is_staff:
            return True
        verdict = ratelimit.hit(self.scope, self.setting, client_ip(request))
        self._local.wait = verdict.retry_after or None
        return verdict.allowed

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return wait


submissions = ClientRateThrottle("submission", "SORI_SUBMISSION_RATE")
lookups = ClientRateThrottle("lookup", "SORI_LOOKUP_RATE")
