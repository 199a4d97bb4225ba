"""The programme figures dashboard (/partner/figures/) and its CSV/XLSX exports.

Partners see their countries, programme staff all; every number comes from grants/figures.py.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries import countries as all_countries

from organisations.permissions import partner_required, visible_programmes
from programmes.models import Edition

from . import figures
from .exports import table_csv_response, table_xlsx_response
from .filters import visible_countries


class FiguresForm(forms.Form):
    edition = forms.TypedChoiceField(
        label=gettext_lazy("Edition"), required=False, coerce=int, empty_value=None
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, *args, editions, country_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", gettext_lazy("All editions"))] + [
            (edition.year, edition.name) for edition in editions
        ]
        self.fields["country"].choices = [("", gettext_lazy("All my countries"))] + [
            (code, all_countries.name(code) or code) for code in country_codes
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def _programmes(request: HttpRequest):
    """The form and the country programmes it selects."""
    programmes = visible_programmes(request.user)
    editions = list(Edition.objects.only("id", "year", "name"))
    form = FiguresForm(
        request.GET or None, editions=editions, country_codes=visible_countries(request.user)
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data["edition"]:
            programmes = programmes.filter(edition__year=form.cleaned_data["edition"])
        if form.cleaned_data["country"]:
            programmes = programmes.filter(country=form.cleaned_data["country"])
    return form, programmes


def _figures(request: HttpRequest):
    """The form and the figures it selects: three queries (scope, editions, figures)."""
    form, programmes = _programmes(request)
    return form, figures.programme_figures(programmes)


def chart_data(editions: list[figures.EditionFigures]) -> dict:
    """What figures.js draws: plain numbers and labels, rendered with json_script."""
    several = len(editions) > 1
    rows = [row for edition in editions for row in edition.rows]
    totals = [edition.total for edition in editions]

    def label(row):
        return f"{row.label} {row.edition_year}" if several else row.label

    return {
        "countries": {
            "labels": [label(row) for row in rows],
            "series": [
                {"label": str(_("Applications")), "data": [row.applications for row in rows]},
                {"label": str(_("Funded events")), "data": [row.funded for row in rows]},
                {"label": str(_("Events held")), "data": [row.held for row in rows]},
            ],
        },
        "ages": _series(figures.breakdown(totals, figures.AGE_BANDS), _("Participants")),
        "genders": _series(figures.breakdown(totals, figures.GENDERS), _("Participants")),
        "focus": _series(figures.breakdown(totals, figures.FOCUS_GROUPS), _("Participants")),
    }


def _series(parts, name) -> dict:
    return {
        "labels": [label for _key, label, _n in parts],
        "series": [{"label": str(name), "data": [n for _key, _label, n in parts]}],
    }


@require_GET
@partner_required
def figures_page(request: HttpRequest) -> HttpResponse:
    form, programmes = _programmes(request)
    editions = figures.programme_figures(programmes)
    totals = [edition.total for edition in editions]
    context = {
        "form": form,
        "editions": editions,
        "column_groups": figures.column_groups(),
        "ages": figures.breakdown(totals, figures.AGE_BANDS),
        "genders": figures.breakdown(totals, figures.GENDERS),
        "focus": figures.breakdown(totals, figures.FOCUS_GROUPS),
        "chart": chart_data(editions),
        "several_editions": len(editions) > 1,
        "question_counts": figures.question_counts(programmes),
    }
    return render(request, "grants/figures.html", context)


def _filename(extension: str) -> str:
    return f"figures-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@partner_required
def figures_csv(request: HttpRequest) -> HttpResponse:
    _form, editions = _figures(request)
    return table_csv_response(
        _filename("csv"), figures.export_header(), figures.export_rows(editions)
    )


@require_GET
@partner_required
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    _form, editions = _figures(request)
    return table_xlsx_response(
        _filename("xlsx"),
        figures.export_header(),
        figures.export_rows(editions),
        sheet=_("Figures"),
    )
