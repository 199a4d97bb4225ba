"""The API for partner and programme staff, with a personal token: who the token acts as, and
(issue 21, next) their countries' proposals, reviews, payments and reports through the same
selectors, services and permission policy as the pages."""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from organisations.permissions import scope_of

from .auth import token_auth

router = Router(tags=["Staff: with a token"], auth=token_auth)


class Me(Schema):
    """The token's person and what the token may."""

    email: str
    token: str
    scope: str
    expires_on: date
    programme_staff: bool
    countries: list[str]
    managed_countries: list[str]


@router.get("/me/", response=Me, summary="The token's person")
def me(request: HttpRequest):
    token, scope = request.auth, scope_of(request.user)
    return {
        "email": request.user.email,
        "token": token.name,
        "scope": token.scope,
        "expires_on": token.expires_on,
        "programme_staff": scope.everywhere,
        "countries": sorted(scope.countries),
        "managed_countries": sorted(scope.managed_countries),
    }
