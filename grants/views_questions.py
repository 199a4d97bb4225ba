"""The preview of an edition's application form and report with their extra questions, as an
applicant of a country sees them (/partner/questions/preview/, programme staff; issue 18).

Nothing is saved: the forms are those of events.forms, unbound, for a proposal not stored.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries import countries as all_countries

from events.forms import SECTIONS, section_form
from events.forms_reports import ReportForm
from events.models import Proposal, Report
from organisations.permissions import programme_staff_required
from programmes.models import CountryProgramme, Edition


class PreviewForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=gettext_lazy("Edition"), queryset=Edition.objects.none(), empty_label=None
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.order_by("-year")
        codes = CountryProgramme.objects.order_by("country").values_list("country", flat=True)
        self.fields["country"].choices = [
            (code, all_countries.name(code) or code) for code in dict.fromkeys(codes)
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


@programme_staff_required
@require_GET
def question_preview(request: HttpRequest) -> HttpResponse:
    form = PreviewForm(request.GET or _first_choice())
    sections, report_form, programme = [], None, None
    if form.is_valid():
        programme = CountryProgramme.objects.filter(
            edition=form.cleaned_data["edition"], country=form.cleaned_data["country"]
        ).first()
    if programme is not None:
        proposal = Proposal(country_programme=programme)
        sections = [
            (title, section_form(key, proposal))
            for key, (title, _form) in SECTIONS.items()
            if key != "budget"
        ]
        report_form = ReportForm(instance=Report(proposal=proposal), proposal=proposal)
    context = {
        "form": form,
        "programme": programme,
        "sections": sections,
        "report_fields": report_form.question_fields() if report_form else [],
    }
    return render(request, "grants/question_preview.html", context)


def _first_choice() -> dict:
    latest = CountryProgramme.objects.order_by("-edition__year", "country").first()
    if latest is None:
        return {}
    return {"edition": latest.edition_id, "country": latest.country}
