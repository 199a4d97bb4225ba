"""The applicant's journey on the demo data: every page answers in well under 200 ms.

Run with `make bench` (PostgreSQL, demo data of 1,700 proposals in 13 countries); or
`python -m bench.journey` with DJANGO_SETTINGS_MODULE and a database that holds the demo data.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.timing import report, time_page  # noqa: E402
from events.models import Proposal  # noqa: E402
from grants.demo.data import DEMO_LOGINS  # noqa: E402
from organisations.models import Membership, User  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
BUDGET_MS = 200


def journey_urls(applicant) -> list[tuple[str, str]]:
    proposals = Proposal.objects.filter(organisation__memberships__user=applicant)
    draft = proposals.filter(status=Proposal.Status.DRAFT).first()
    sent = proposals.exclude(status=Proposal.Status.DRAFT).first()
    organisation = draft.organisation
    return [
        ("home", reverse("home")),
        ("my organisation (dashboard)", reverse("organisations:mine")),
        ("organisation page", reverse("organisations:detail", args=[organisation.pk])),
        ("proposal form (draft)", reverse("events:edit", args=[draft.pk])),
        ("check and submit (draft)", reverse("events:submit", args=[draft.pk])),
        ("proposal page (submitted)", reverse("events:detail", args=[sent.pk])),
    ]


def bench_applicant() -> User:
    """A member of the demo applicant's organisations (demo logins work only with DEBUG on)."""
    demo = User.objects.get(email=DEMO_LOGINS["applicant"])
    person, _ = User.objects.get_or_create(
        email="bench@example.org", defaults={"first_name": "Bench"}
    )
    for membership in Membership.objects.filter(user=demo):
        Membership.objects.get_or_create(
            user=person,
            organisation=membership.organisation,
            defaults={"role": membership.role, "status": membership.status},
        )
    return person


def main() -> int:
    applicant = bench_applicant()
    client = Client()
    client.force_login(applicant)
    rows = [(name, time_page(client, url, RUNS)) for name, url in journey_urls(applicant)]
    print(f"{Proposal.objects.count()} proposals in the database, {RUNS} runs per page")
    return 0 if report(rows, BUDGET_MS) else 1


if __name__ == "__main__":
    sys.exit(main())
