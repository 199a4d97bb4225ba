"""Rate limits: per token for the staff API, per address for requests without one (a client
behind TRUSTED_PROXY_COUNT proxies found as allauth and our pages find it). Counted in the cache
(Redis in production) as the pages' limits are (meetandcode.kernel.ratelimit, fixed windows);
over the limit the answer is 429 with Retry-After. The rates are settings read at each request:
API_RATE_PER_TOKEN and API_RATE_PER_ADDRESS ("<count>/<period>", e.g. "600/m")."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from ninja.throttling import BaseThrottle

from meetandcode.kernel.ratelimit import PERIODS, Rate, counted, seconds_left

from .models import ApiToken


def rate_of(spec: str) -> Rate:
    count, period = spec.split("/")
    return Rate(int(count), PERIODS[period], "api")


class _Throttle(BaseThrottle):
    setting = ""

    def who(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request) -> bool:
        who = self.who(request)
        if who is None:
            return True
        rate = rate_of(getattr(settings, self.setting))
        used = counted(f"api:{self.setting}", who, rate)
        return used is None or used <= rate.count

    def wait(self) -> float | None:
        """Until the window ends (the same for everyone: nothing of the request is kept)."""
        return seconds_left(rate_of(getattr(settings, self.setting)))


class PerToken(_Throttle):
    """Each token its own count (one person's two tokens count apart)."""

    setting = "API_RATE_PER_TOKEN"

    def who(self, request) -> str | None:
        token = getattr(request, "auth", None)
        return f"token-{token.pk}" if isinstance(token, ApiToken) else None


class PerAddress(_Throttle):
    """Requests without a token, by the client's address."""

    setting = "API_RATE_PER_ADDRESS"

    def who(self, request) -> str | None:
        if isinstance(getattr(request, "auth", None), ApiToken):
            return None
        return get_adapter(request).get_client_ip(request)
