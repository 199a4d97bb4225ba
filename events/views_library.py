"""The inspiration library: published guides, lesson plans, videos, toolkits and stories.

Anyone may browse and filter it (the filters live in the URL); uploaded files are served here,
and only while their resource is published.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from meetandcode.kernel.languages import LANGUAGE_CODES
from meetandcode.kernel.replica import replica_reads

from .models import Format, Resource

PER_PAGE = 12


def language_name(code: str) -> str:
    """The language's own name (Deutsch, français), or its code when Django does not know it."""
    return LANG_INFO.get(code, {}).get("name_local", code)


def _texts_in() -> list[str]:
    """The languages of the titles and summaries a visitor reads: theirs, then English."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return [code for code in (language, settings.LANGUAGE_CODE) if code in LANGUAGE_CODES]


def _language_choices():
    codes = Resource.objects.published().order_by().values_list("language", flat=True).distinct()
    return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1])


class LibraryForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


class ResourceFilter(django_filters.FilterSet):
    class Meta:
        model = Resource
        fields: list[str] = []
        form = LibraryForm

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Resource.Kind.choices, empty_label=_("Any type")
    )
    format = django_filters.ChoiceFilter(
        label=_("Event format"), choices=Format.choices, empty_label=_("Any format")
    )
    age = django_filters.ChoiceFilter(
        label=_("Ages"),
        choices=Resource.AgeBand.choices,
        method="filter_age",
        empty_label=_("Any age"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=_language_choices, empty_label=_("Any language")
    )

    def search(self, queryset, name, value):
        # The words as the visitor reads them: in their language's text and in the English
        # text a missing translation shows.
        columns = [f"{field}_{code}" for field in ("title", "summary") for code in _texts_in()]
        for word in value.split()[:8]:
            matches = Q()
            for column in columns:
                matches |= Q(**{f"{column}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset

    def filter_age(self, queryset, name, value):
        # A resource for all ages suits every band.
        if value == Resource.AgeBand.ALL:
            return queryset.filter(age_band=value)
        return queryset.filter(age_band__in=[value, Resource.AgeBand.ALL])


@require_GET
@replica_reads
def library(request: HttpRequest) -> HttpResponse:
    filterset = ResourceFilter(request.GET, queryset=Resource.objects.published())
    page = Paginator(filterset.qs.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    data = filterset.data
    query = urlencode(
        sorted((name, value) for name in filterset.filters for value in data.getlist(name) if value)
    )
    language = _texts_in()[0]
    for resource in page.object_list:
        resource.language_name = language_name(resource.language)
        # The language of the title and summary shown: the visitor's, or English in its place.
        resource.text_language = language if getattr(resource, f"title_{language}") else "en"
        resource.file_type = resource.file.name.rsplit(".", 1)[-1].upper() if resource.file else ""
    context = {"filterset": filterset, "page": page, "query": query}
    return render(request, "public/library.html", context)


@require_GET
@replica_reads
def resource_file(request: HttpRequest, pk: int) -> FileResponse:
    resource = get_object_or_404(Resource.objects.published(), pk=pk)
    if not resource.file:
        raise Http404
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = resource.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
