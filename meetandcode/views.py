from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health


def home(request):
    return render(request, "home.html")


@never_cache
def healthz(request):
    """The state of each part; 200 when all answer, 503 naming the ones that do not."""
    checks = health.run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
