"""Personal API tokens: made (second factor passed, checked by the page), used, revoked.

A token reads ``mcg_`` and 43 random characters (256 bits). Only its SHA-256 digest is stored,
with the first eight characters to tell tokens apart; the token itself is shown once. It acts
as its person, under the same permission policy as the pages: a token can never do more than
its person may at the moment it is used, and a read token only reads.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetandcode.kernel.exceptions import DomainError
from organisations import audit
from organisations.audit import Action
from organisations.permissions import require, rule, scope_of

from .models import ApiToken

PREFIX = "mcg_"
SHOWN = 8  # characters of the secret kept in clear, to tell tokens apart
DEFAULT_DAYS = 90
LONGEST_DAYS = 366
# a token's last use is written at most this often (not a write on every request)
LAST_USED_EVERY = timedelta(minutes=1)


@rule("api_token.create", gettext_lazy("API tokens are for partner and programme staff."))
def _makes_tokens(user, _obj) -> bool:
    return scope_of(user).any


@rule("api_token.revoke", gettext_lazy("Only the token's own person revokes it."))
def _own_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def latest_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=LONGEST_DAYS)


def create_token(user, *, name: str, scope: str, expires_on: date) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the token, which is never shown again."""
    require(user, "api_token.create")
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the system that will use it."))
    today = timezone.localdate()
    if not today < expires_on <= latest_expiry(today):
        raise DomainError(_("A token expires after today and within a year."))
    if scope not in ApiToken.Scope.values:
        raise DomainError(_("Choose read or read and write."))
    secret = secrets.token_urlsafe(32)
    plain = f"{PREFIX}{secret}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:SHOWN],
            digest=digest_of(plain),
            scope=scope,
            expires_on=expires_on,
        )
        audit.record(
            token, actor=user, action=Action.API_TOKEN_CREATE, data={"scope": scope, "name": name}
        )
    return token, plain


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    require(actor, "api_token.revoke", token)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit.record(locked, actor=actor, action=Action.API_TOKEN_REVOKE)
    return locked


def token_for(plain: str) -> ApiToken | None:
    """The active token this is, with its person (active too), or None."""
    if not plain.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    _note_use(token)
    return token


def _note_use(token: ApiToken) -> None:
    """Record when the token was last used (at most once a minute: not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def tokens_of(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))
