"""The FAQ in every language of the site: one entry, its question and answer in a column per
language (django-modeltranslation; a missing translation shows the English text)."""

from modeltranslation.translator import TranslationOptions, register

from .models import FaqEntry


@register(FaqEntry)
class FaqEntryTranslation(TranslationOptions):
    fields = ("question", "answer")
