"""Write a demo plan to the database in bulk, and remove the demo data again.

Services change one object at a time, with locks and audit entries; a data set of 100,000
proposals needs bulk_create in batches instead. The rows written here are what those services
would have left behind (the same grant references, event fields, reserved sums and audit trail).
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from datetime import time as clock
from itertools import islice

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from modeltranslation.utils import get_translation_fields

from events.models import BudgetLine, Event, FocusGroup, Language, Proposal, Report
from events.services import AUDIT_ACTIONS
from grants.models import Grant, Review, ReviewScore
from grants.services import grant_reference, public_event_fields
from organisations.models import (
    AuditEntry,
    LegalForm,
    Membership,
    Organisation,
    OrganisationValidation,
    Partner,
    PartnerStaff,
    User,
    ValidationToken,
)
from programmes.models import CountryProgramme, Edition, ReviewCriterion

from . import content, data, translations
from .planner import EditionPlan, OrgPlan, Person, Plan, ProposalPlan, ValidationPlan

BATCH = 2000
DEMO_EMAILS = f"@{data.DEMO_DOMAIN}"
# Models whose auto_now / auto_now_add stamps the demo sets itself, so dates tell the story of the
# editions up to the day the demo is built for.
STAMPED = [Organisation, Membership, ValidationToken, OrganisationValidation, Proposal, Review,
           Event, Report, AuditEntry]  # fmt: skip


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextmanager
def explicit_timestamps(models: list[type[Model]]):
    """Let bulk_create keep the created_at/updated_at values we set instead of now()."""
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Progress:
    """Prints one line per step: what, how many rows, how long."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write

    @contextmanager
    def step(self, label: str):
        started = time.monotonic()
        counter = {"rows": 0}
        yield counter
        seconds = time.monotonic() - started
        self.write(f"  {label:<28} {counter['rows']:>9,} {_('rows')} {seconds:7.2f} s")


def demo_editions():
    """The editions the demo built: their country programmes belong to demo partners."""
    partners = Partner.objects.filter(contact_email__endswith=DEMO_EMAILS)
    return Edition.objects.filter(country_programmes__partner__in=partners).distinct()


def demo_data_exists() -> bool:
    return demo_editions().exists() or User.objects.filter(email__endswith=DEMO_EMAILS).exists()


def built_for() -> date | None:
    """The day the demo was built for: its unredeemed tokens were issued at that day's start
    (Brussels time), the last moment the demo tells of."""
    issued = (
        ValidationToken.objects.filter(
            issued_to_email__startswith="contact", issued_to_email__endswith=DEMO_EMAILS
        )
        .order_by("-issued_at")
        .values_list("issued_at", flat=True)
        .first()
    )
    return issued.astimezone(data.BRUSSELS).date() if issued else None


def delete_demo_data(progress: Progress) -> None:
    """Remove the demo editions with everything in them, and the demo people, organisations and
    partners (recognised by their e-mail under the demo domain). Reference rows (languages,
    focus groups, legal forms) stay: other data may use them."""
    editions = list(demo_editions())
    if editions:
        with progress.step(_("deleted the editions")) as counter:
            counter["rows"] = sum(_delete_edition(edition) for edition in editions)
    with progress.step(_("deleted people and partners")) as counter:
        for queryset in (
            Organisation.objects.filter(contact_email__endswith=DEMO_EMAILS),
            Partner.objects.filter(contact_email__endswith=DEMO_EMAILS),
            User.objects.filter(email__endswith=DEMO_EMAILS),
        ):
            counter["rows"] += queryset.delete()[0]


def _delete_edition(edition: Edition) -> int:
    # Children first, each as one DELETE, so Django's collector never loads 100,000 rows.
    proposals = Proposal.objects.filter(country_programme__edition=edition)
    in_edition = {"proposal__country_programme__edition": edition}
    querysets = [
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id__in=proposals.values("pk"),
        ),
        Report.objects.filter(**in_edition),
        Grant.objects.filter(country_programme__edition=edition),
        ReviewScore.objects.filter(review__proposal__country_programme__edition=edition),
        Review.objects.filter(**in_edition),
        Event.objects.filter(**in_edition),
        BudgetLine.objects.filter(**in_edition),
        Proposal.focus_groups.through.objects.filter(**in_edition),
        Proposal.languages.through.objects.filter(**in_edition),
        proposals,
        OrganisationValidation.objects.filter(edition=edition),
        ValidationToken.objects.filter(country_programme__edition=edition),
        CountryProgramme.objects.filter(edition=edition),
        ReviewCriterion.objects.filter(edition=edition),
        Edition.objects.filter(pk=edition.pk),
    ]
    return sum(queryset.delete()[0] for queryset in querysets)


class DemoBuilder:
    """Writes a Plan. Call build() inside transaction.atomic()."""

    def __init__(self, plan: Plan, progress: Progress, batch_size: int = BATCH):
        self.plan = plan
        self.progress = progress
        self.batch = batch_size

    def build(self) -> None:
        with explicit_timestamps(STAMPED):
            self._reference_data()
            self._people()
            self._partners()
            self.by_year = {}
            for edition in self.plan.editions:
                self._edition(edition)
                self._programmes(edition)
                self._public_content()
                self.by_year[edition.fields["year"]] = (
                    self.edition,
                    self.criteria,
                    self.programmes,
                )
            self._organisations()
            for edition in self.plan.editions:
                self.edition, self.criteria, self.programmes = self.by_year[edition.fields["year"]]
                self._proposals(edition)

    # --- lookups and the edition --------------------------------------------------------------

    def _reference_data(self) -> None:
        with self.progress.step(_("reference data")) as counter:
            rows = [Language(code=code, name=name) for code, name in data.LANGUAGES.items()]
            Language.objects.bulk_create(rows, ignore_conflicts=True)
            groups = [
                FocusGroup(code=code, **translations.columns("name", {"en": name, **names}))
                for code, name in data.FOCUS_GROUPS.items()
                for names in [translations.FOCUS_GROUPS.get(code, {})]
            ]
            # An earlier build's groups get their translations too.
            names = get_translation_fields("name")
            FocusGroup.objects.bulk_create(
                groups, update_conflicts=True, unique_fields=["code"], update_fields=names
            )
            rows += groups
            forms = [
                LegalForm(country=spec.code, name=form.name)
                for spec in data.COUNTRIES
                for form in spec.legal_forms
            ]
            LegalForm.objects.bulk_create(forms, ignore_conflicts=True)
            counter["rows"] = len(rows) + len(forms)
        self.languages = dict(Language.objects.values_list("code", "pk"))
        self.focus_groups = dict(FocusGroup.objects.values_list("code", "pk"))
        self.legal_forms = {
            (str(country), name): pk
            for country, name, pk in LegalForm.objects.values_list("country", "name", "pk")
        }

    def _edition(self, edition: EditionPlan) -> None:
        label = _("edition %(code)s and criteria") % {"code": edition.fields["code"]}
        with self.progress.step(label) as counter:
            self.edition = Edition.objects.create(**edition.fields)
            criteria = ReviewCriterion.objects.bulk_create(
                ReviewCriterion(
                    edition=self.edition,
                    position=i,
                    **translations.columns("name", {"en": name, **names}),
                    **translations.columns("description", {"en": text, **descriptions}),
                )
                for i, ((name, text), names, descriptions) in enumerate(
                    zip(
                        data.CRITERIA,
                        translations.CRITERIA_NAMES,
                        translations.CRITERIA_DESCRIPTIONS,
                        strict=True,
                    ),
                    start=1,
                )
            )
            self.criteria = [c.pk for c in criteria]
            counter["rows"] = 1 + len(criteria)

    def _people(self) -> None:
        plan = self.plan
        people = [plan.programme]
        people += [person for roles in plan.staff.values() for person in roles.values()]
        for org in plan.organisations:
            people += [org.owner] + ([org.member] if org.member else [])
        # One hash for everyone: hashing 10,000 passwords would take minutes.
        password = make_password(settings.DEMO_PASSWORD)
        with self.progress.step(_("people")) as counter:
            users = [self._user(person, password) for person in people]
            User.objects.bulk_create(users, batch_size=self.batch)
            EmailAddress.objects.bulk_create(
                (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
                batch_size=self.batch,
            )
            counter["rows"] = len(users)
        self.user_ids = {user.email: user.pk for user in users}

    @staticmethod
    def _user(person: Person, password: str) -> User:
        return User(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            password=password,
            is_demo=True,
            is_staff=person.is_staff,
            is_superuser=person.is_programme_staff,
            is_programme_staff=person.is_programme_staff,
            date_joined=person.joined,
        )

    def _partners(self) -> None:
        with self.progress.step(_("partners and their staff")) as counter:
            self.partners = {}
            staff = []
            for spec in data.PARTNERS:
                partner = Partner.objects.create(
                    name=spec.name,
                    countries=list(spec.countries),
                    website=spec.website,
                    contact_email=f"info.{spec.key}{DEMO_EMAILS}",
                    # The demo manager's partner edits its countries' messages (issue 18).
                    may_edit_messages=spec.key == data.PARTNERS[0].key,
                )
                self.partners[spec.key] = partner
                staff += [
                    PartnerStaff(user_id=self.user_ids[person.email], partner=partner, role=role)
                    for role, person in self.plan.staff[spec.key].items()
                ]
            PartnerStaff.objects.bulk_create(staff)
            counter["rows"] = len(self.partners) + len(staff)
        partner_of = {code: spec.key for spec in data.PARTNERS for code in spec.countries}
        self.manager = {
            code: self.user_ids[self.plan.staff[key]["manager"].email]
            for code, key in partner_of.items()
        }
        self.reviewer = {
            code: self.user_ids[self.plan.staff[key]["reviewer"].email]
            for code, key in partner_of.items()
        }
        self.partner_of = partner_of

    def _programmes(self, edition: EditionPlan) -> None:
        returning = CountryProgramme.ReturningOrganisations
        stay, again = returning.STAY_VALIDATED, returning.CHECK_AGAIN
        with self.progress.step(_("country programmes")) as counter:
            self.programmes = {}
            for spec in data.COUNTRIES:
                self.programmes[spec.code] = CountryProgramme.objects.create(
                    edition=self.edition,
                    country=spec.code,
                    partner=self.partners[self.partner_of[spec.code]],
                    currency=spec.currency,
                    # Set with the reserved sum at once: the CHECK wants reserved <= budget.
                    budget=edition.budgets[spec.code],
                    reserved=edition.reserved[spec.code],
                    max_grant=spec.max_grant,
                    min_participants=spec.min_participants,
                    min_duration_minutes=spec.min_duration,
                    payment_timing=spec.payment_timing,
                    report_deadline_hours=48,
                    languages=list(spec.ui_languages),
                    donation_receipt_required=spec.donation_receipt,
                    returning_organisations=stay if spec.code in data.STAY_VALIDATED else again,
                )
            counter["rows"] = len(self.programmes)

    def _public_content(self) -> None:
        with self.progress.step(_("library, FAQ and country pages")) as counter:
            counter["rows"] = content.write_public_content(self.programmes)

    # --- organisations ------------------------------------------------------------------------

    def _organisations(self) -> None:
        plans = self.plan.organisations
        with self.progress.step(_("organisations")) as counter:
            orgs = Organisation.objects.bulk_create(
                (self._organisation(org) for org in plans), batch_size=self.batch
            )
            self.org_ids = {id(plan): org.pk for plan, org in zip(plans, orgs, strict=True)}
            counter["rows"] = len(orgs)
        with self.progress.step(_("memberships")) as counter:
            rows = Membership.objects.bulk_create(self._memberships(plans), batch_size=self.batch)
            counter["rows"] = len(rows)
        with self.progress.step(_("validations and tokens")) as counter:
            counter["rows"] = self._validations(plans)

    def _organisation(self, org: OrgPlan) -> Organisation:
        return Organisation(
            name=org.name,
            country=org.country.code,
            legal_form_id=self.legal_forms[(org.country.code, org.legal_form.name)],
            registration_number=org.registration,
            street=org.street,
            postcode=org.postcode,
            city=org.town.name,
            website=org.website,
            contact_name=f"{org.owner.first_name} {org.owner.last_name}",
            contact_email=org.owner.email,
            phone=org.phone,
            bank_account_holder=org.name[:200],
            iban=org.iban,
            created_at=org.created_at,
            updated_at=org.updated_at,
        )

    def _memberships(self, plans: list[OrgPlan]) -> Iterator[Membership]:
        for org in plans:
            org_id = self.org_ids[id(org)]
            yield Membership(
                user_id=self.user_ids[org.owner.email],
                organisation_id=org_id,
                role=Membership.Role.OWNER,
                created_at=org.created_at,
            )
            if org.member:
                yield Membership(
                    user_id=self.user_ids[org.member.email],
                    organisation_id=org_id,
                    role=Membership.Role.MEMBER,
                    created_at=org.member.joined,
                )

    def _validations(self, plans: list[OrgPlan]) -> int:
        tokens, validations = [], []
        for org in plans:
            for year, validation in org.validations.items():
                if validation.carried_over:
                    continue  # no row: its country keeps the earlier edition's validation
                token = self._token(org, year, validation) if validation.by_token else None
                tokens += [token] if token else []
                validations.append((org, year, validation, token))
        tokens += self._spare_tokens()
        ValidationToken.objects.bulk_create(tokens, batch_size=self.batch)
        rows = OrganisationValidation.objects.bulk_create(
            (self._validation(*row) for row in validations), batch_size=self.batch
        )
        return len(tokens) + len(rows)

    def _token(self, org: OrgPlan, year: int, validation: ValidationPlan) -> ValidationToken:
        code = org.country.code
        issued = validation.validated_at - (validation.validated_at - org.created_at) / 50
        return ValidationToken(
            country_programme=self.by_year[year][2][code],
            code=validation.token_code,
            issued_by_id=self.manager[code],
            issued_to_email=org.owner.email,
            issued_at=issued,
            redeemed_by_id=self.org_ids[id(org)],
            redeemed_at=validation.validated_at,
        )

    def _spare_tokens(self) -> list[ValidationToken]:
        """Unredeemed tokens of the open call, issued at the start of the day the demo is built
        for: they mark that day (``built_for``)."""
        marker = datetime.combine(self.plan.built_for, clock(0), data.BRUSSELS)
        edition = self.plan.editions[-1]
        return [
            ValidationToken(
                country_programme=self.by_year[edition.fields["year"]][2][code],
                code=token_code,
                issued_by_id=self.manager[code],
                issued_to_email=email,
                issued_at=marker,
            )
            for code, token_code, email in edition.spare_tokens
        ]

    def _validation(self, org: OrgPlan, year: int, v: ValidationPlan, token):
        validated = v.status == "validated"
        method = OrganisationValidation.Method
        decider = self.manager[org.country.code] if validated else None
        return OrganisationValidation(
            organisation_id=self.org_ids[id(org)],
            edition=self.by_year[year][0],
            status=v.status,
            method=method.TOKEN if token else method.MANUAL,
            token=token,
            decided_by_id=decider,
            decided_at=v.validated_at if validated else None,
            created_at=token.issued_at if token else v.validated_at,
        )

    # --- proposals and what hangs from them -----------------------------------------------------

    def _proposals(self, edition: EditionPlan) -> None:
        self.proposal_type = ContentType.objects.get_for_model(Proposal)
        names = [gettext_noop("proposals"), gettext_noop("focus groups and languages"),
                 gettext_noop("budget lines"), gettext_noop("reviews and scores"),
                 gettext_noop("grants"), gettext_noop("events"), gettext_noop("reports"),
                 gettext_noop("audit entries")]  # fmt: skip
        totals = dict.fromkeys(names, 0)
        seconds = dict.fromkeys(names, 0.0)
        for chunk in batched(edition.proposals, self.batch):
            for name, rows in self._write_chunk(chunk, seconds):
                totals[name] += rows
        self.progress.write(edition.fields["name"])
        for name in names:
            self.progress.write(
                f"  {_(name):<28} {totals[name]:>9,} {_('rows')} {seconds[name]:7.2f} s"
            )

    def _write_chunk(self, chunk: list[ProposalPlan], seconds: dict[str, float]):
        steps = [
            ("proposals", self._insert_proposals),
            ("focus groups and languages", self._insert_m2m),
            ("budget lines", self._insert_budget_lines),
            ("reviews and scores", self._insert_reviews),
            ("grants", self._insert_grants),
            ("events", self._insert_events),
            ("reports", self._insert_reports),
            ("audit entries", self._insert_audit),
        ]
        ids: list[int] = []
        for name, write in steps:
            started = time.monotonic()
            rows = write(chunk, ids)
            seconds[name] += time.monotonic() - started
            yield name, rows

    def _insert_proposals(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        rows = Proposal.objects.bulk_create(
            [self._proposal(p) for p in chunk], batch_size=self.batch
        )
        ids.extend(row.pk for row in rows)
        self._chunk_rows = rows
        return len(rows)

    def _proposal(self, p: ProposalPlan) -> Proposal:
        code = p.org.country.code
        return Proposal(
            organisation_id=self.org_ids[id(p.org)],
            country_programme=self.programmes[code],
            created_by_id=self.user_ids[p.org.owner.email],
            status=p.status,
            title=p.title,
            description=p.description,
            format=p.format,
            delivery=p.delivery,
            age_min=p.age_min,
            age_max=p.age_max,
            expected_participants=p.expected,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            duration_minutes=p.duration,
            venue_name=p.venue_name,
            address=p.address,
            postcode=p.postcode,
            city=p.city,
            latitude=p.town.latitude if p.town else None,
            longitude=p.town.longitude if p.town else None,
            location_is_approximate=p.town is not None,
            requested_amount=p.requested,
            currency=p.org.country.currency,
            free_for_participants=True,
            accepts_conditions=p.submitted_at is not None,
            created_at=p.created_at,
            updated_at=p.updated_at,
            submitted_at=p.submitted_at,
            decided_at=p.decided_at,
        )

    def _insert_m2m(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        focus_through = Proposal.focus_groups.through
        language_through = Proposal.languages.through
        focus = [
            focus_through(proposal_id=pk, focusgroup_id=self.focus_groups[code])
            for p, pk in zip(chunk, ids, strict=True)
            for code in p.focus
        ]
        languages = [
            language_through(proposal_id=pk, language_id=self.languages[code])
            for p, pk in zip(chunk, ids, strict=True)
            for code in p.languages
        ]
        focus_through.objects.bulk_create(focus, batch_size=self.batch)
        language_through.objects.bulk_create(languages, batch_size=self.batch)
        return len(focus) + len(languages)

    def _insert_budget_lines(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        lines = [
            BudgetLine(
                proposal_id=pk, category=category, description=text, amount=amount,
                actual_amount=actual,
            )
            for p, pk in zip(chunk, ids, strict=True)
            for category, text, amount, actual in p.lines
        ]  # fmt: skip
        return len(BudgetLine.objects.bulk_create(lines, batch_size=self.batch))

    def _insert_reviews(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        pairs = [(p, pk) for p, pk in zip(chunk, ids, strict=True) if p.scores]
        reviews = Review.objects.bulk_create(
            [
                Review(
                    proposal_id=pk,
                    reviewer_id=self.reviewer[p.org.country.code],
                    comment=p.review_comment,
                    created_at=p.reviewed_at,
                    updated_at=p.reviewed_at,
                )
                for p, pk in pairs
            ],
            batch_size=self.batch,
        )
        scores = [
            ReviewScore(review_id=review.pk, criterion_id=criterion, score=score)
            for (p, _pk), review in zip(pairs, reviews, strict=True)
            for criterion, score in zip(self.criteria, p.scores, strict=True)
        ]
        ReviewScore.objects.bulk_create(scores, batch_size=self.batch)
        return len(reviews) + len(scores)

    def _insert_grants(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        grants = [self._grant(p, pk) for p, pk in zip(chunk, ids, strict=True) if p.grant_amount]
        return len(Grant.objects.bulk_create(grants, batch_size=self.batch))

    def _grant(self, p: ProposalPlan, pk: int) -> Grant:
        code = p.org.country.code
        programme = self.programmes[code]
        reference = grant_reference(programme, p.sequence)
        cancelled = p.status == "cancelled"
        return Grant(
            proposal_id=pk,
            country_programme=programme,
            sequence=p.sequence,
            reference=reference,
            amount=p.grant_amount,
            currency=programme.currency,
            status=Grant.Status.CANCELLED if cancelled else Grant.Status.ACTIVE,
            approved_by_id=self.manager[code],
            approved_at=p.decided_at,
            cancelled_at=p.closed_at if cancelled else None,
            award_letter_language=p.language,
            payment_status=Grant.PaymentStatus.PAID if p.paid_on else Grant.PaymentStatus.UNPAID,
            paid_on=p.paid_on,
            paid_amount=p.grant_amount if p.paid_on else None,
            payment_reference=f"SEPA {reference}" if p.paid_on else "",
        )

    def _insert_events(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        events = [
            self._event(p, row)
            for p, row in zip(chunk, self._chunk_rows, strict=True)
            if p.status in ("approved", "cancelled")
        ]
        return len(Event.objects.bulk_create(events, batch_size=self.batch))

    def _event(self, p: ProposalPlan, proposal: Proposal) -> Event:
        """The public fields, mapped by the same function the approval service uses."""
        if p.status == "cancelled":
            status, updated = Event.Status.CANCELLED, p.closed_at
        elif p.report and p.report.accepted_at:
            # Accepting the report marks the event held (events.reports.accept_report).
            status, updated = Event.Status.HELD, p.report.accepted_at
        else:
            status, updated = Event.Status.SCHEDULED, p.decided_at
        fields = public_event_fields(
            proposal, organisation=p.org, language_codes=p.languages, focus_codes=p.focus
        )
        return Event(
            proposal_id=proposal.pk,
            status=status,
            published_at=p.decided_at,
            updated_at=updated,
            **fields,
        )

    def _insert_reports(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        reports = [
            Report(
                proposal_id=pk,
                status=p.report.status,
                **p.report.numbers,
                only_possible_thanks_to_grant=p.report.only_possible,
                went_well=p.report.went_well,
                went_badly=p.report.went_badly,
                created_at=p.report.created_at,
                updated_at=p.report.accepted_at or p.report.submitted_at or p.report.created_at,
                submitted_at=p.report.submitted_at,
                accepted_at=p.report.accepted_at,
            )
            for p, pk in zip(chunk, ids, strict=True)
            if p.report
        ]
        return len(Report.objects.bulk_create(reports, batch_size=self.batch))

    def _insert_audit(self, chunk: list[ProposalPlan], ids: list[int]) -> int:
        entries = [entry for p, pk in zip(chunk, ids, strict=True) for entry in self._audit(p, pk)]
        return len(AuditEntry.objects.bulk_create(entries, batch_size=self.batch))

    def _audit(self, p: ProposalPlan, pk: int) -> Iterator[AuditEntry]:
        """The transitions the services would have recorded, with their actors and times."""
        applicant = self.user_ids[p.org.owner.email]
        manager = self.manager[p.org.country.code]

        def entry(action: str, actor, when, source, target, message="", extra=None):
            return AuditEntry(
                created_at=when,
                actor_id=actor,
                action=AUDIT_ACTIONS[action],
                content_type=self.proposal_type,
                object_id=pk,
                from_state=source,
                to_state=target,
                message=message,
                data=extra or {},
            )

        if p.submitted_at:
            yield entry("submit", applicant, p.submitted_at, "draft", "submitted")
        if p.status == "withdrawn":
            source = "submitted" if p.submitted_at else "draft"
            yield entry("withdraw", applicant, p.closed_at, source, "withdrawn")
        elif p.status == "changes_requested":
            yield entry("request_changes", manager, p.decided_at, "submitted", p.status,
                        p.review_comment)  # fmt: skip
        elif p.status == "rejected":
            yield entry("reject", manager, p.decided_at, "submitted", p.status, p.review_comment)
        elif p.status in ("approved", "cancelled"):
            amount = {"amount": str(p.grant_amount)}
            yield entry("approve", manager, p.decided_at, "submitted", "approved", extra=amount)
            if p.status == "cancelled":
                yield entry("cancel", manager, p.closed_at, "approved", "cancelled",
                            _("The organisation called the event off."))  # fmt: skip


def model_counts() -> dict[str, int]:
    """Rows per model of the apps the demo fills (for the summary and the tests)."""
    models = [User, Partner, PartnerStaff, Organisation, Membership, ValidationToken,
              OrganisationValidation, CountryProgramme, Proposal, BudgetLine, Review, Grant,
              Event, Report, AuditEntry]  # fmt: skip
    return {model._meta.label: model.objects.count() for model in models}


def reserved_mismatches() -> list[str]:
    """Country programmes whose reserved sum differs from their active grants' amounts."""
    active = Sum("grants__amount", filter=Q(grants__status=Grant.Status.ACTIVE), default=0)
    programmes = CountryProgramme.objects.filter(edition__in=demo_editions())
    return [
        str(p.country.code)
        for p in programmes.annotate(active=active)
        if p.active != p.reserved or p.reserved > p.budget
    ]
