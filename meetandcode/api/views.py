"""The API tokens page: a person's tokens, with their last use; make one (second factor
passed, as for every staff page), shown once; revoke one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetandcode.kernel.exceptions import DomainError
from organisations.permissions import partner_required

from .forms import TokenForm
from .models import ApiToken
from .tokens import create_token, revoke_token, tokens_of


@partner_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = create_token(request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            # Shown once: PrivatePagesMiddleware marks the answer private, no-store.
            return render(request, "api/token_made.html", {"token": token, "plain": plain})
    context = {"form": form, "tokens": tokens_of(request.user)}
    status = 400 if request.method == "POST" else 200
    return render(request, "api/tokens.html", context, status=status)


@partner_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another's: 404
    revoke_token(token, actor=request.user)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
