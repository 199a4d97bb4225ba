"""Public pages of the programme: its impact figures, a page per country and the FAQ.

No login, no personal data: partners appear with their public contact only, figures are sums.
"""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from events.models import Language, language_name
from meetandcode.kernel.languages import LANGUAGE_CODES
from meetandcode.kernel.page_cache import for_visitors
from meetandcode.kernel.replica import replica_reads
from organisations.models import LegalForm
from programmes.country_content import info_of, text_for
from programmes.models import CountryProgramme, Edition, current_of

from . import impact
from .models import FaqEntry

# The bar chart's geometry, in SVG user units (the SVG scales to the width of the screen).
CHART_WIDTH = 460
CHART_LABEL_WIDTH = 125
CHART_VALUE_WIDTH = 50
CHART_ROW = 28
CHART_BAR = 20


class EditionForm(forms.Form):
    edition = forms.TypedChoiceField(
        label=gettext_lazy("Edition"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("All editions"))]
        choices += [(edition.year, edition.name) for edition in editions]
        self.fields["edition"].choices = choices
        self.fields["edition"].widget.attrs["class"] = "form-select"


@require_GET
@for_visitors
@replica_reads
def impact_page(request: HttpRequest) -> HttpResponse:
    editions = list(Edition.objects.only("id", "year", "name"))
    form = EditionForm(request.GET or None, editions=editions)
    edition = None
    if form.is_valid() and form.cleaned_data["edition"]:
        edition = next(e for e in editions if e.year == form.cleaned_data["edition"])
    figures = impact.cached(edition)
    context = {
        "form": form,
        "edition": edition,
        "impact": figures,
        "chart": SimpleLazyObject(lambda: bar_chart(figures.by_country)),
        # The rendered figures are cached under the figures themselves: never older than they.
        "fragment_key": f"{request.get_full_path()}:{figures!r}",
    }
    return render(request, "public/impact.html", context)


def bar_chart(rows: list[impact.Figures]) -> dict | None:
    """Bars of participants per country (approved events while no report is accepted yet),
    laid out here so the template only draws them."""
    if not rows:
        return None
    metric = "participants" if any(row.participants for row in rows) else "approved_events"
    title = (
        _("Participants per country")
        if metric == "participants"
        else _("Approved events per country")
    )
    largest = max(getattr(row, metric) for row in rows) or 1
    room = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    bars = []
    for index, row in enumerate(rows):
        value = getattr(row, metric)
        width = round(room * value / largest, 1)
        top = index * CHART_ROW
        bars.append(
            {
                "label": row.label,
                "value": value,
                "y": top,
                "text_y": top + CHART_BAR - 5,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 6,
            }
        )
    description = "; ".join(f"{bar['label']}: {bar['value']}" for bar in bars)
    return {
        "title": title,
        "description": description,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(rows) * CHART_ROW,
        "label_width": CHART_LABEL_WIDTH,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_height": CHART_BAR,
    }


@require_GET
@replica_reads
def country_page(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    programmes = list(
        CountryProgramme.objects.select_related("edition", "partner", "info")
        .prefetch_related("info__texts")
        .filter(country=code)
    )
    # The country's programme in the edition the programme lives now (by the dates).
    edition = current_of([p.edition for p in programmes])
    programme = next((p for p in programmes if p.edition == edition), None)
    if programme is None:
        raise Http404(_("Meet and Code has no programme in this country."))
    info = info_of(programme)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    conditions = text_for(info, "conditions", language) or programme.conditions
    context = {
        "programme": programme,
        "country": programme.country,
        "edition": programme.edition,
        "partner": programme.partner,
        "partner_contact": text_for(info, "partner_contact", language),
        "conditions": [line.strip() for line in conditions.splitlines() if line.strip()],
        "notes": text_for(info, "extra_notes", language),
        "legal_forms": sorted(str(form) for form in LegalForm.objects.filter(country=code)),
        "languages": _language_names(programme.languages),
        "other_countries": _other_countries(programme),
    }
    return render(request, "public/country.html", context)


def _language_names(codes: list[str]) -> list[str]:
    names = dict(Language.objects.filter(code__in=codes).values_list("code", "name"))
    return [language_name(code, names.get(code, code)) for code in codes]


def _other_countries(programme: CountryProgramme) -> list[tuple[str, str]]:
    codes = CountryProgramme.objects.filter(edition=programme.edition).values_list(
        "country", flat=True
    )
    others = [(code, str(countries.name(code))) for code in codes if code != programme.country]
    return sorted(others, key=lambda pair: pair[1])


@require_GET
@replica_reads
def faq(request: HttpRequest) -> HttpResponse:
    """The published questions in the visitor's language; one not yet translated shows its
    English text (an entry with neither is left out)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    shown = {language, settings.LANGUAGE_CODE} & set(LANGUAGE_CODES)
    written = Q()
    for code in shown:
        written |= Q(**{f"question_{code}__gt": ""})
    entries = list(FaqEntry.objects.published().filter(written))
    for entry in entries:  # the language of the text shown, for the page's lang attribute
        entry.shown_language = language if getattr(entry, f"question_{language}", "") else "en"
    return render(request, "public/faq.html", {"entries": entries})
