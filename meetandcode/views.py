from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from grants.models import CountryProgramme, Edition

from . import health


def home(request: HttpRequest) -> HttpResponse:
    """The programme's front page: the current edition, how to apply, where to start."""
    edition = (
        Edition.objects.order_by("-year")
        .prefetch_related(
            Prefetch(
                "country_programmes",
                queryset=CountryProgramme.objects.only("id", "edition_id", "country"),
            )
        )
        .first()
    )
    context = {"edition": edition}
    if edition is not None:
        countries = [programme.country for programme in edition.country_programmes.all()]
        context["countries"] = sorted(countries, key=lambda country: country.name)
        context["phase"] = _application_phase(edition)
    return render(request, "home.html", context)


def _application_phase(edition: Edition) -> str:
    """Whether applications are upcoming, open or closed right now."""
    if timezone.localdate() < edition.applications_open:
        return "upcoming"
    return "open" if timezone.now() <= edition.application_deadline else "closed"


@never_cache
def healthz(request):
    """The state of each part; 200 when all answer, 503 naming the ones that do not."""
    checks = health.run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
