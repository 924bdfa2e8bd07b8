"""Per-address rate limits shared by every front-end (the portal's forms, the API's endpoints).

The same sliding-window estimate as ``sori.api.throttling`` and the same cache keys, so a client
sending complaints through the portal and the API at once spends one budget, not two.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

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
    """REMOTE_ADDR, or behind a trusted proxy the last X-Forwarded-For hop (the one it added)."""
    if settings.SORI_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def hit(scope: str, setting: str, client: str) -> Verdict:
    """Count one request by ``client`` in ``scope`` against the rate in ``settings.<setting>``."""
    limit, period = parse_rate(str(getattr(settings, setting)))
    now = time.time()
    window, into = divmod(now, period)
    fraction = into / period
    prefix = f"sori:throttle:{scope}:{limit}/{period}:{client}"
    current_key = f"{prefix}:{int(window)}"
    previous = cache.get(f"{prefix}:{int(window) - 1}", 0)
    current = cache.get(current_key, 0)
    if previous * (1 - fraction) + current >= limit:
        if current >= limit:
            seconds = (1 - fraction) * period + (1 - limit / current) * period
        else:
            seconds = (1 - (limit - current) / previous - fraction) * period
        return Verdict(False, max(1, math.ceil(seconds)))
    cache.add(current_key, 0, timeout=2 * period + 1)
    try:
        cache.incr(current_key)
    except ValueError:  # expired between add() and incr()
        cache.set(current_key, 1, timeout=2 * period + 1)
    return Verdict(True)
