"""``{% queue_rows proposals can_bulk as rows %}``: the review queue's rows, each its HTML as the
template rendered it; ``{% queue_filter_fields filter %}``, its filter form's fields
(grants.queue_rows)."""

from django import template

from grants.queue_rows import filter_fields, rendered_rows

register = template.Library()


@register.simple_tag
def queue_rows(proposals, can_bulk):
    return rendered_rows(proposals, can_bulk=bool(can_bulk))


@register.simple_tag
def queue_filter_fields(filterset):
    """``{% queue_filter_fields filter %}``: the filter form's fields (grants.queue_rows)."""
    return filter_fields(filterset)
