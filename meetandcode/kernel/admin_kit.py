"""Pieces the apps' admin pages share.

- ``TranslatedAdmin`` / ``TranslatedTabularInline``: staff-edited texts (FAQ, library, criteria,
  focus groups; their ``translation.py``) side by side in every language of the site, with the
  languages that still lack a text in the list and on the change form. Visitors reading such a
  language see the English text (``MODELTRANSLATION_FALLBACK_LANGUAGES``).
- ``country_filter(path)``: a country filter listing only the countries the rows have, instead
  of the 250 countries a ``CountryField`` offers.
- ``LanguagesField``: a choice among the site's languages for a JSON list of language codes.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname, get_translation_fields

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def missing_languages(obj) -> list[str]:
    """The site's languages in which a translated field of ``obj`` is empty while another
    language has its text (an empty optional field counts in no language)."""
    fields = translator.get_options_for_model(type(obj)).fields
    missing = set()
    for field in fields:
        texts = {
            code: getattr(obj, build_localized_fieldname(field, code)) for code in LANGUAGE_NAMES
        }
        if any(texts.values()):
            missing.update(code for code, text in texts.items() if not text)
    return [code for code in LANGUAGE_NAMES if code in missing]


def missing_language_names(obj) -> str:
    return ", ".join(str(LANGUAGE_NAMES[code]) for code in missing_languages(obj))


class MissingTranslationsColumn:
    @admin.display(description=_("Missing translations"))
    def missing_translations(self, obj) -> str:
        if obj is None or obj.pk is None:
            return ""
        return missing_language_names(obj) or "—"


class TranslatedAdmin(MissingTranslationsColumn, TranslationAdmin):
    """Each translated field once per language, side by side (plain fields: no tabs, so no
    jQuery UI from anywhere); a note on the change form names the languages without text."""

    change_form_template = "admin/translated_change_form.html"

    def get_search_fields(self, request):
        """A translated field is searched in every language (not only the admin's own)."""
        translated = translator.get_options_for_model(self.model).fields
        return [
            column
            for name in super().get_search_fields(request)
            for column in (get_translation_fields(name) if name in translated else [name])
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["missing_translations"] = missing_language_names(obj) if obj else ""
        return super().render_change_form(request, context, add, change, form_url, obj)


class TranslatedTabularInline(MissingTranslationsColumn, TranslationTabularInline):
    """An inline's rows with their translated fields per language and a column of the languages
    still missing (add ``missing_translations`` to ``fields`` and ``readonly_fields``)."""


def country_filter(path: str) -> type[admin.SimpleListFilter]:
    """A list filter on the country at ``path`` (a CountryField, e.g. ``info__country_programme__
    country``) offering only the countries of the rows this person may see, by name."""

    class CountryInUseFilter(admin.SimpleListFilter):
        parameter_name = path

        def lookups(self, request, model_admin):
            rows = model_admin.get_queryset(request).order_by().values_list(path, flat=True)
            codes = {code for code in rows.distinct() if code}
            return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{path: value}) if value else queryset

    CountryInUseFilter.title = _("country")
    return CountryInUseFilter


class LanguagesField(forms.MultipleChoiceField):
    """The site's languages to tick, for a JSON list of codes (``["nl", "fr"]``). The form
    keeps the order already stored (the first is the country's main language) and appends
    newly ticked ones: call ``ordered(cleaned, stored)``."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", settings.LANGUAGES)
        super().__init__(**kwargs)

    @staticmethod
    def ordered(chosen: list[str], stored: list[str] | None) -> list[str]:
        kept = [code for code in stored or [] if code in chosen]
        return list(dict.fromkeys([*kept, *chosen]))
