"""A small world for asking every URL of the app as each kind of person (tests/test_permission_
matrix.py): Luxembourg's organisation with its member (the right applicant), an approved grant
with its public event, a submitted report with a file, an award letter and a donation receipt;
another organisation's member; the reviewer and manager of Luxembourg (the right partner; the
manager is let into the admin, for the country pages) and the manager of Belgium (another
country); programme staff (a superuser). The Luxembourg manager and programme staff are also asked
signed in with their password alone, the second factor not passed in that session."""

import uuid

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from events.models import Answer, Proposal, Report, ReportFile, Resource
from grants.letters import new_code
from grants.models import AwardLetter
from meetandcode.api.models import WebhookDelivery, WebhookEndpoint
from organisations.models import (
    Membership,
    OrganisationValidation,
    PartnerStaff,
)
from programmes.models import Question
from tests.events.test_reports import approved_event
from tests.factories import (
    CountryProgrammeFactory,
    MemberInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
    with_totp,
)

SECRET_TITLE = "Robots in Esch"
SECRET_ORGANISATION = "Luxembourg Coders ASBL"


def all_urls() -> list[tuple[str, str, list[str]]]:
    """(namespaced name, route, parameter names) of every named URL, nested includes too."""
    found = []

    def walk(patterns, route, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                full = route + str(pattern.pattern)
                params = list(getattr(pattern.pattern, "converters", {}))
                found.append((namespace + pattern.name, full, params))

    walk(get_resolver().url_patterns, "", "")
    return found


class MatrixWorld:
    def __init__(self):
        lu = CountryProgrammeFactory(country="LU")
        be = CountryProgrammeFactory(edition=lu.edition, country="BE")
        self.lu, self.be = lu, be
        membership = MembershipFactory(
            organisation=OrganisationFactory(country="LU", name=SECRET_ORGANISATION)
        )
        self.organisation = membership.organisation
        self.applicant = membership.user
        self.proposal, self.manager = approved_event(self.organisation, programme=lu)
        Proposal.objects.filter(pk=self.proposal.pk).update(title=SECRET_TITLE)
        self.proposal.refresh_from_db()
        self.draft = ProposalFactory(organisation=self.organisation, country_programme=lu)
        self.grant = self.proposal.grant
        self.event = self.proposal.event
        self.report = Report.objects.create(proposal=self.proposal, status=Report.Status.DRAFT)
        self.report_file = ReportFile.objects.create(
            report=self.report,
            kind=ReportFile.Kind.PHOTO,
            file=ContentFile(b"\xff\xd8\xff photo", name="p.jpg"),
            original_name="p.jpg",
            content_type="image/jpeg",
            size=12,
            consent=True,
            public=True,
            uploaded_by=self.applicant,
        )
        self.file_question = Question.objects.create(
            edition=lu.edition, section="event", kind="file", text="Your programme (PDF)"
        )
        Answer.objects.create(
            proposal=self.proposal,
            question=self.file_question,
            value="plan.pdf",
            file=ContentFile(b"%PDF-1.4 plan", name="a.pdf"),
            file_name="plan.pdf",
        )
        self.letter = AwardLetter.objects.filter(
            grant=self.grant
        ).first() or AwardLetter.objects.create(
            grant=self.grant,
            version=1,
            code=new_code(),
            file=ContentFile(b"%PDF-1.4 letter", name="l.pdf"),
            language="en",
            amount=self.grant.amount,
            currency=self.grant.currency,
            fingerprint="x",
        )
        self.grant.donation_receipt.save("r.pdf", ContentFile(b"%PDF-1.4 receipt"), save=True)
        self.resource = Resource.objects.create(
            title="Guide", published=True, file=ContentFile(b"%PDF-1.4 guide", name="g.pdf")
        )
        self.joiner = Membership.objects.create(
            user=UserFactory(), organisation=self.organisation, status=Membership.Status.REQUESTED
        )
        self.invitation = MemberInvitationFactory(
            organisation=self.organisation, invited_by=self.applicant
        )
        self.validation = OrganisationValidation.objects.get_or_create(
            organisation=self.organisation, edition=lu.edition
        )[0]
        self.other_applicant = MembershipFactory(
            organisation=OrganisationFactory(country="LU", name="Other Org")
        ).user
        self.reviewer = PartnerStaffFactory(
            partner=lu.partner, role=PartnerStaff.Role.REVIEWER
        ).user
        self.other_manager = PartnerStaffFactory(
            partner=be.partner, role=PartnerStaff.Role.MANAGER
        ).user
        self.manager.is_staff = True  # let into the admin (their country pages)
        self.manager.save(update_fields=["is_staff"])
        self.programme_staff = UserFactory(
            is_programme_staff=True, is_staff=True, is_superuser=True
        )
        self.webhook = WebhookEndpoint.objects.create(
            owner=self.manager,
            name="Luxembourg's site",
            url="https://hooks.example.org/in",
            kinds=["event.published"],
            countries=["LU"],
            secret="whsec_matrix",  # noqa: S106 (a test's)
        )
        self.delivery = WebhookDelivery.objects.create(
            endpoint=self.webhook, event_id=uuid.uuid4(), kind="event.published", body="{}"
        )

    #: Signed in with the password alone: they hold an authenticator, the session has not used it.
    WITHOUT_SECOND_FACTOR = {
        "manager_without_second_factor": "manager",
        "programme_staff_without_second_factor": "programme_staff",
    }

    def client(self, persona: str) -> Client:
        client = Client()
        user = {
            "anonymous": None,
            "other_applicant": self.other_applicant,
            "applicant": self.applicant,
            "other_partner": self.other_manager,
            "reviewer": self.reviewer,
            "manager": self.manager,
            "programme_staff": self.programme_staff,
        }[self.WITHOUT_SECOND_FACTOR.get(persona, persona)]
        if user is None:
            return client
        if persona in self.WITHOUT_SECOND_FACTOR:
            with_totp(user)
            client.force_login(user)
        elif persona in ("other_partner", "reviewer", "manager", "programme_staff"):
            log_in_with_second_factor(client, user)
        else:
            client.force_login(user)
        return client
