"""Choices of a model choice field read with one plain query.

Django reads a ModelChoiceField's choices with ``QuerySet.iterator()``, which on PostgreSQL opens
a server-side cursor: three round trips (declare, fetch, close) for what here are a few dozen
rows of reference data (focus groups, languages). ``read_choices_at_once`` makes a form's model
choice fields read them with one query instead; the choices and their HTML are the same.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class ChoicesAtOnce(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh, plain query each time, as iterator() was
            yield self.choice(obj)


def read_choices_at_once(form: forms.BaseForm) -> None:
    """Every model choice field of ``form`` reads its choices in one query."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.iterator = ChoicesAtOnce
            field.widget.choices = field.choices  # the widget holds the field's iterator
