"""What a page shows asks the one policy: ``{% may "proposal.decide" proposal as can_decide %}``
(organisations.permissions.may, for the signed-in person of the request)."""

from django import template

from organisations import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj=None) -> bool:
    return permissions.may(context["request"].user, action, obj)
