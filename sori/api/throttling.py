"""Per-address rate limits for the public endpoints (submissions and look-ups by access code).

The rate is read from settings on every request (``"30/m"`` style), so an operator's change or a
test's ``override_settings`` applies at once. Counting is a sliding-window estimate in Django's
cache: O(1) per request whatever the rate. Each process has its own local-memory cache unless a shared cache
is configured, so with N web processes a client may get up to N times the rate.

Staff calling with a valid token are not limited here: they are identified and accountable, and
an integrator recording phone complaints must not be throttled like an anonymous guesser.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from sori.core.actors import Actor

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` → (30, 60); ``"100/5m"`` → (100, 300)."""
    count, _sep, period = rate.strip().partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :] or "s"
    if unit not in _PERIODS:
        raise ValueError(f"Invalid rate {rate!r}: use a form like '30/m'")
    return int(count), int(digits or 1) * _PERIODS[unit]


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or, behind a trusted proxy, the address that proxy saw.

    With SORI_TRUST_X_FORWARDED_FOR the last X-Forwarded-For entry is used: it is the one our
    own proxy appended; earlier entries are whatever the client chose to send.
    """
    if settings.SORI_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


class ClientRateThrottle(BaseThrottle):
    """A sliding-window counter per client address: two cache counters, O(1) per request.

    The estimate is ``previous window × (share of it still inside the sliding window) + current
    window``, so a burst cannot double up across a window boundary.
    """

    def __init__(self, scope: str, setting: str) -> None:
        self.scope = scope
        self.setting = setting
        # ninja asks wait() right after allow_request() on the same thread; instances are shared.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        caller = getattr(request, "auth", None)
        if isinstance(caller, Actor) and caller.is_staff:
            return True
        limit, period = parse_rate(str(getattr(settings, self.setting)))
        now = time.time()
        window, into = divmod(now, period)
        fraction = into / period
        prefix = f"sori:throttle:{self.scope}:{limit}/{period}:{client_ip(request)}"
        current_key = f"{prefix}:{int(window)}"
        previous = cache.get(f"{prefix}:{int(window) - 1}", 0)
        current = cache.get(current_key, 0)
        if previous * (1 - fraction) + current >= limit:
            self._local.wait = self._wait(limit, period, previous, current, fraction)
            return False
        # add() is a no-op when the key exists; incr() is atomic in the local-memory cache.
        cache.add(current_key, 0, timeout=2 * period + 1)
        try:
            cache.incr(current_key)
        except ValueError:  # expired between add() and incr()
            cache.set(current_key, 1, timeout=2 * period + 1)
        return True

    @staticmethod
    def _wait(limit: int, period: int, previous: int, current: int, fraction: float) -> int:
        """Seconds until the estimate drops below the limit again (for Retry-After)."""
        if current >= limit:
            # Into the next window, where this window's count becomes the decaying one.
            seconds = (1 - fraction) * period + (1 - limit / current) * period
        else:
            seconds = (1 - (limit - current) / previous - fraction) * period
        return max(1, math.ceil(seconds))

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return wait


submissions = ClientRateThrottle("submission", "SORI_SUBMISSION_RATE")
lookups = ClientRateThrottle("lookup", "SORI_LOOKUP_RATE")
