"""The answers to the edition's extra questions, wherever a proposal is shown (the applicant's
summary, the partner's proposal page): ``{% proposal_answers proposal as answers %}`` gives
(question, answer as read) pairs (events.questions.shown)."""

from django import template

from .. import questions

register = template.Library()


@register.simple_tag
def proposal_answers(proposal, of: str = "proposal") -> list:
    """``of``: "proposal" (the application form's questions) or "report"."""
    return questions.shown(proposal, of)
