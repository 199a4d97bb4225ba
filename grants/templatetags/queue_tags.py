"""``{% queue_rows proposals can_bulk as rows %}``: the review queue's rows, each its HTML as the
template rendered it (grants.queue_rows)."""

from django import template

from grants.queue_rows import rendered_rows

register = template.Library()


@register.simple_tag
def queue_rows(proposals, can_bulk):
    return rendered_rows(proposals, can_bulk=bool(can_bulk))
