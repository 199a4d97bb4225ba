"""Reads for the "My organisation" area: what a person may see, fetched in few queries.

The fetch helpers answer 404 (Http404) for anything the person may not see, so a page never tells
a stranger that an organisation exists.
"""

import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from programmes.models import CountryProgramme, Edition

from .models import Membership, Organisation, OrganisationValidation, active_member_q

SEARCH_LIMIT = 20


def current_edition() -> Edition | None:
    """The edition applicants work on, decided by today's date (``EditionQuerySet.current``)."""
    return Edition.objects.current()


def get_organisation_for(user, pk: int, *, owner: bool = False) -> Organisation:
    """The organisation if the person is an active member (with ``owner``, an owner); else 404."""
    memberships = Membership.objects.active(user=user, organisation_id=pk)
    if owner:
        memberships = memberships.filter(role=Membership.Role.OWNER)
    membership = get_object_or_404(memberships.select_related("organisation__legal_form"))
    organisation = membership.organisation
    organisation.viewer_membership = membership  # the page shows the person's own role
    return organisation


def get_join_request_for_owner(user, pk: int) -> Membership:
    """A pending join request to an organisation the person owns; else 404."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=pk,
        status=Membership.Status.REQUESTED,
        organisation__in=_owned_organisations(user),
    )


def _owned_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.of_member(user, role=Membership.Role.OWNER)


# --- "validated for an edition": one rule, whatever page or service asks ---------------------


VALIDATED_HERE = "validated"
RETURNING = "returning"
FACT_NAMES = ("validation_status", "stays_validated", "validated_before")


@dataclass(frozen=True)
class ValidationFacts:
    """What "validated for an edition" is decided from, for one organisation."""

    validation_status: str | None  # its validation's status for the edition, if it has one
    stays_validated: bool  # its country's programme keeps returning organisations validated
    validated_before: bool  # validated in an edition whose events started earlier

    @property
    def standing(self) -> str:
        """VALIDATED_HERE, RETURNING, or "" when the organisation may not submit."""
        statuses = OrganisationValidation.Status
        if self.validation_status == statuses.VALIDATED:
            return VALIDATED_HERE
        if (
            self.stays_validated
            and self.validated_before
            and self.validation_status != statuses.REFUSED
        ):
            return RETURNING  # a refusal for this edition wins over the earlier validation
        return ""


def validation_facts(organisation: Organisation, edition: Edition) -> ValidationFacts:
    """The facts for one organisation, in one query."""
    row = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(**_fact_annotations(edition))
        .values(*FACT_NAMES)
        .get()
    )
    return ValidationFacts(*(row[name] for name in FACT_NAMES))


def _fact_annotations(edition: Edition, *, prefix: str = "") -> dict:
    """The facts as annotations of rows reaching the organisation through ``prefix``."""
    validations = OrganisationValidation.objects.filter(organisation=OuterRef(f"{prefix}pk"))
    keeps = CountryProgramme.objects.filter(
        edition=edition,
        country=OuterRef(f"{prefix}country"),
        returning_organisations=CountryProgramme.ReturningOrganisations.STAY_VALIDATED,
    )
    earlier = validations.filter(
        status=OrganisationValidation.Status.VALIDATED,
        edition__event_start__lt=edition.event_start,
    )
    return {
        "validation_status": Subquery(validations.filter(edition=edition).values("status")[:1]),
        "stays_validated": Exists(keeps),
        "validated_before": Exists(earlier),
    }


def _facts_from(row) -> ValidationFacts:
    return ValidationFacts(*(getattr(row, name) for name in FACT_NAMES))


@dataclass(frozen=True)
class MyOrganisations:
    """The people side of the person's "My organisation" page."""

    # the person's active memberships by organisation name, each organisation carrying its
    # ``validation_facts`` for the edition (None without an edition)
    memberships: list[Membership]
    waiting_for_me: list[Membership]  # people asking to act for an organisation the person owns
    mine: list[Membership]  # organisations the person asked to join, waiting for an owner


def my_organisations(user, edition: Edition | None) -> MyOrganisations:
    """The person's active memberships and both kinds of waiting join request, in one query."""
    start = edition.event_start if edition else None
    queryset = _my_memberships(user.pk, edition.pk if edition else None, start)
    rows = list(queryset.all())
    memberships = [row for row in rows if row.status == Membership.Status.ACTIVE]
    for membership in memberships:
        membership.organisation.validation_facts = _facts_from(membership) if edition else None
    waiting = sorted(
        (row for row in rows if row.status == Membership.Status.REQUESTED),
        key=lambda row: (row.created_at, row.pk),
    )
    return MyOrganisations(
        memberships=memberships,
        waiting_for_me=[row for row in waiting if row.user_id != user.pk],
        mine=[row for row in waiting if row.user_id == user.pk],
    )


@functools.lru_cache(maxsize=256)
def _my_memberships(user_id: int, edition_id: int | None, event_start) -> QuerySet[Membership]:
    """The query of ``my_organisations``, built once per person and edition in each process:
    putting its filters and annotations together cost more than running it (issue 19). It is
    a description of the query, evaluated afresh (``.all()``) at every request."""
    edition = Edition(pk=edition_id, event_start=event_start) if edition_id else None
    requested = Q(status=Membership.Status.REQUESTED) & (
        Q(user_id=user_id) | Q(organisation__in=_owned_organisations(user_id))
    )
    queryset = Membership.objects.filter(active_member_q(user=user_id) | requested)
    queryset = queryset.select_related("user", "organisation__legal_form")
    if edition is not None:
        queryset = queryset.annotate(**_fact_annotations(edition, prefix="organisation__"))
    return queryset.order_by("organisation__name", "created_at", "pk")


def join_requests_for_organisation(organisation: Organisation) -> list[Membership]:
    return list(
        organisation.memberships.filter(status=Membership.Status.REQUESTED)
        .select_related("user")
        .order_by("created_at")
    )


def members_of(organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.active().select_related("user").order_by("role", "id"))


def validation_for(organisation: Organisation, edition: Edition | None):
    if edition is None:
        return None
    return OrganisationValidation.objects.filter(organisation=organisation, edition=edition).first()


def country_programme_for(organisation: Organisation, edition: Edition | None):
    """The edition in the organisation's country, with its national partner; None if it does
    not run there."""
    if edition is None:
        return None
    return (
        CountryProgramme.objects.select_related("partner")
        .filter(edition=edition, country=organisation.country)
        .first()
    )


def country_is_locked(organisation: Organisation) -> bool:
    """Whether the country may no longer change: a partner validated it or it has proposals."""
    return organisation.validations.exists() or organisation.proposals.exists()


def search_organisations(name: str, country: str = "") -> list[Organisation]:
    """At most SEARCH_LIMIT organisations whose name contains ``name``; public fields only."""
    queryset = Organisation.objects.filter(name__icontains=name.strip())
    if country:
        queryset = queryset.filter(country=country)
    return list(queryset.only("id", "name", "city", "country").order_by("name")[:SEARCH_LIMIT])


def membership_states(user, organisations: list[Organisation]) -> dict[int, str]:
    """The person's membership status per organisation id, for the search results."""
    ids = [organisation.pk for organisation in organisations]
    rows = Membership.objects.filter(user=user, organisation_id__in=ids)
    return dict(rows.values_list("organisation_id", "status"))


@dataclass(frozen=True)
class NextStep:
    """What the person should do next for one organisation, in plain words."""

    key: str
    label: str
    tone: str  # a Bootstrap colour: success, warning, info, danger


def next_step(
    edition: Edition | None,
    validation_status: str | None,
    facts: ValidationFacts | None = None,
    country: str = "",
) -> NextStep:
    """The validation state in plain words, from the status of the organisation's validation for
    ``edition`` (None without one). With ``facts`` (and the ``country``'s name) it also tells a
    returning organisation whether its earlier validation counts."""
    statuses = OrganisationValidation.Status
    if edition is None:
        return NextStep("no_edition", _("Applications are not open yet."), "secondary")
    if facts is not None and facts.standing == RETURNING:
        label = _(
            "Validated in an earlier edition; %(country)s keeps returning organisations "
            "validated: you can write proposals."
        )
        return NextStep("returning", label % {"country": country}, "success")
    if validation_status is None:
        return _not_validated_yet(facts, country)
    if validation_status == statuses.REQUESTED:
        return NextStep(
            "waiting", _("Waiting for your national partner to check your organisation."), "info"
        )
    if validation_status == statuses.REFUSED:
        return NextStep(
            "refused",
            _("Your national partner could not validate your organisation. See why."),
            "danger",
        )
    label = _("Validated for %(edition)s: you can write proposals.") % {"edition": edition}
    return NextStep("validated", label, "success")


def _not_validated_yet(facts: ValidationFacts | None, country: str) -> NextStep:
    if facts is not None and facts.validated_before and not facts.stays_validated:
        label = _(
            "The national partner in %(country)s checks every organisation again in each "
            "edition: redeem this edition's code or ask for a check."
        )
        return NextStep("check_again", label % {"country": country}, "warning")
    return NextStep(
        "enter_code",
        _("Enter the validation code from your national partner, or ask for a check."),
        "warning",
    )


def get_organisation_to_join(pk: int) -> Organisation:
    """Any organisation may be asked to join; nothing about it is shown by this."""
    return get_object_or_404(Organisation, pk=pk)
