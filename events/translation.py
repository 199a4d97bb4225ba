"""Focus groups and library resources in every language of the site (django-modeltranslation;
a missing translation shows the English text). A resource's ``language`` stays the language of
the resource itself; only its title and summary are translated."""

from modeltranslation.translator import TranslationOptions, register

from .models import FocusGroup, Resource


@register(FocusGroup)
class FocusGroupTranslation(TranslationOptions):
    fields = ("name",)


@register(Resource)
class ResourceTranslation(TranslationOptions):
    fields = ("title", "summary")
