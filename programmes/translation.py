"""The review criteria in every language of the site (django-modeltranslation: a column per
language, ``name_de``, ``description_fr``, ...; a missing one shows the English text)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Question, QuestionChoice, ReviewCriterion


@register(ReviewCriterion)
class ReviewCriterionTranslation(TranslationOptions):
    fields = ("name", "description")
    # An empty translation is NULL, not "": the unique name per edition holds in each language
    # (modeltranslation adds criterion_unique_per_edition-de, ...), and NULLs never collide.
    empty_values = None


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")
    required_languages = {"en": ("text",), "default": ()}


@register(QuestionChoice)
class QuestionChoiceTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = {"en": ("label",), "default": ()}
