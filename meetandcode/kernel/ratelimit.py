"""Rate limits for our own views, counted in the cache (Redis in production), answered with 429.

allauth limits its own views (login, sign-up, password reset: ACCOUNT_RATE_LIMITS in settings);
this covers the rest the same way::

    @ratelimit("redeem_token", "10/h/ip,10/h/user")
    def redeem_token(request, pk): ...

A rate is ``<count>/<period>/<per>``: period ``s``, ``m``, ``h`` or ``d`` (or a number of
seconds), per ``ip`` (the client's address, as allauth finds it behind TRUSTED_PROXY_COUNT
proxies) or ``user`` (the logged-in account). Counting is a fixed window per rate. When the
cache does not answer, the request is let through (and logged): a Redis fault must not lock
everyone out.
"""

import logging
import time
from dataclasses import dataclass
from functools import wraps

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.shortcuts import render

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int
    per: str


def parse_rates(spec: str) -> list[Rate]:
    rates = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        count, period, per = part.split("/")
        seconds = PERIODS[period] if period in PERIODS else int(period)
        if per not in ("ip", "user"):
            raise ValueError(f"Unknown rate limit scope {per!r} in {spec!r}")
        rates.append(Rate(int(count), seconds, per))
    return rates


def _identity(request, per: str) -> str | None:
    if per == "user":
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None
    return get_adapter(request).get_client_ip(request)


def consume(request, action: str, spec: str) -> bool:
    """Count one try of ``action``; False when any of the rates is already used up."""
    allowed = True
    for rate in parse_rates(spec):
        who = _identity(request, rate.per)
        if who is None:
            continue
        used = counted(f"{action}:{rate.per}", who, rate)
        if used is None:
            return True
        if used > rate.count:
            allowed = False
    return allowed


def counted(action: str, who: str, rate: Rate) -> int | None:
    """Count one more try by ``who`` in the rate's current window: the tries so far, or None
    when the cache does not answer (the caller lets the request through, and it is logged)."""
    window = int(time.time() // rate.seconds)
    key = f"rl:{action}:{rate.count}/{rate.seconds}:{who}:{window}"
    try:
        cache.add(key, 0, timeout=rate.seconds + 1)
        return cache.incr(key)
    except Exception:  # noqa: BLE001 (a cache fault lets the request through)
        log.warning("Rate limit %s not counted: the cache does not answer", action)
        return None


def seconds_left(rate: Rate) -> int:
    """Until the rate's current window ends (for Retry-After)."""
    return rate.seconds - int(time.time()) % rate.seconds


def too_many(request):
    return render(request, "429.html", status=429)


def ratelimit(action: str, spec: str, methods: tuple[str, ...] = ("POST",)):
    """Refuse a view with 429 once ``spec`` is used up for ``action`` (only for ``methods``)."""
    parse_rates(spec)  # a typo fails at import, not at the first request

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not consume(request, action, spec):
                log.info("Rate limit %s reached", action)
                return too_many(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
