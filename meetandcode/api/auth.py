"""Who is asking: ``Authorization: Bearer mcg_...`` (a personal token), or no one (the public
endpoints). A token acts as its person, so every permission check below is the pages' own."""

from ninja.security import HttpBearer

from .tokens import token_for


class TokenAuth(HttpBearer):
    """The person's token; ``request.auth`` is the token, ``request.user`` its person."""

    openapi_description = "A personal API token (mcg_...), made on the API tokens page."

    def authenticate(self, request, token: str):
        found = token_for(token)
        if found is not None:
            request.user = found.user
        return found


class OptionalTokenAuth(TokenAuth):
    """The public endpoints: anyone, or a token (then its own rate limit applies). A token that
    is sent but does not work is refused all the same (401): the client should know."""

    openapi_description = "Optional: a personal API token, for its own rate limit."

    def __call__(self, request):
        if not request.headers.get(self.header):
            return ANYONE
        return super().__call__(request)


#: ``request.auth`` of a request to a public endpoint without a token
ANYONE = "anyone"

token_auth = TokenAuth()
optional_token_auth = OptionalTokenAuth()
