"""``{{ entry.action|action_label }}``: an audit entry's action as people read it in a timeline.

The stored keys (``proposal.approve``) stay untranslated data; only what is shown is worded.
The words are the labels of organisations.audit.Action; an action without a label of its own
(or not in Action at all) is shown as its key.
"""

from django import template

from organisations.audit import Action

register = template.Library()

ACTION_LABELS = {action.value: action.label for action in Action if action.worded}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
