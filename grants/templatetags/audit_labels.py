"""``{{ entry.action|action_label }}``: an audit entry's action as people read it in a timeline.

The stored keys (``proposal.approve``) stay untranslated data; only what is shown is worded.
The words are the labels of organisations.audit.Action (``audit.label_of``); a key that is no
longer an action (an entry from an older version) gets a general label, never the key itself.
"""

from django import template

from organisations.audit import Action, label_of

register = template.Library()

ACTION_LABELS = {action.value: action.label for action in Action}


@register.filter
def action_label(action: str) -> str:
    return label_of(action)
