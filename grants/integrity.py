"""Integrity signals: what a careful reader would catch across proposals, found in the database.

Five kinds (``IntegritySignal.Kind``), each explained to partner staff in one line and never
blocking anything:

- **bank_account**: the organisation's IBAN (spaces and case ignored) is another
  organisation's as well;
- **contact**: its contact person's name (case and spaces around ignored), e-mail (case
  ignored) or phone (its last 9 digits, so "+49 30 1234567" is "030 1234567") is another
  organisation's as well;
- **similar_text**: the title or the description is nearly identical to a proposal of another
  organisation, in any edition. On PostgreSQL that is pg_trgm's similarity (the share of
  three-letter sequences two texts have in common, 0 to 1) of at least ``TITLE_SIMILARITY``
  (0.9) for titles of 15 characters or more, or ``DESCRIPTION_SIMILARITY`` (0.7) for
  descriptions of 80 characters or more, found through GIN trigram indexes (migration grants
  0018). Measured on pairs: a description copied with only the town changed scores 0.92; two
  clubs' own descriptions of a Scratch workshop 0.16; the titles "Scratch workshop 3" and
  "Scratch workshop 4" 0.81 and "Coding club for girls in Esch" and "... in Wiltz" 0.69, both
  under the title's 0.9, while a title copied with other capitals or punctuation scores 1. On
  SQLite (the demo) the texts must be the same, ignoring case;
- **venue_overlap**: another proposal (of any organisation: two of one club at the same place
  and time are a double claim) at the same address in the same town, at overlapping times;
- **over_limit**: the organisation has more proposals, or more funded events, in the country
  programme than the country's limit (``CountryProgramme.max_proposals_per_organisation``,
  ``max_funded_per_organisation``; empty: no limit).

Only proposals handed in take part (not drafts, nor withdrawn ones); rejected and cancelled ones
are left out of the venue signal as well. ``refresh`` computes a proposal's signals again after
it is submitted or its organisation's bank account or contact changes (Celery, grants.tasks),
and those of the proposals it points at, so both sides of a pair carry the signal.
``manage.py refresh_signals`` computes them all. A reviewer marks a signal "checked, fine" with
a note (``mark_checked``, audited); the check holds until something new is found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Lower, Replace, Right, Trim, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Proposal
from meetandcode.kernel.exceptions import DomainError
from organisations import audit
from organisations.audit import Action
from organisations.models import Organisation
from organisations.permissions import require

from .models import Grant, IntegritySignal, SignalCheck

Kind = IntegritySignal.Kind

TITLE_SIMILARITY = 0.9
DESCRIPTION_SIMILARITY = 0.7
MIN_TITLE_LENGTH = 15
MIN_DESCRIPTION_LENGTH = 80
PHONE_DIGITS = 9  # the last digits compared: the same number with or without the country code
MIN_PHONE_DIGITS = 6
SHOWN = 5  # related items kept on a signal; all of them count
#: the proposals a venue may be shared with: handed in and not given up
NOT_AT_THE_VENUE = (
    Proposal.Status.DRAFT,
    Proposal.Status.WITHDRAWN,
    Proposal.Status.REJECTED,
    Proposal.Status.CANCELLED,
)

# The % operator of pg_trgm on the two texts only, where the GIN indexes serve it.
for _name in ("title", "description"):
    Proposal._meta.get_field(_name).register_lookup(TrigramSimilar)


#: the proposals that take part: handed in and not taken back
NOT_TAKING_PART = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)


def handed_in() -> QuerySet[Proposal]:
    return Proposal.objects.exclude(status__in=NOT_TAKING_PART)


# --- Finding ---------------------------------------------------------------------------------


@dataclass
class Found:
    """What one kind of signal found for one proposal: the related items, in order."""

    kind: str
    related: list[dict]
    detail: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        keys = sorted(f"{item.get('organisation')}:{item.get('proposal')}" for item in self.related)
        return hashlib.sha256("|".join(keys).encode()).hexdigest()[:64]


def _digits(field: str):
    """The phone number's digits (the usual separators removed), in SQL on any database."""
    expression = F(field)
    for separator in (" ", "-", "/", "(", ")", ".", "+", "\u00a0"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def _organisation_keys():
    return {
        "iban_key": Upper(Replace(F("iban"), Value(" "), Value(""))),
        "name_key": Lower(Trim(F("contact_name"))),
        "email_key": Lower(Trim(F("contact_email"))),
        "phone_key": Right(_digits("phone"), PHONE_DIGITS),
        "phone_length": Length(_digits("phone")),
    }


def _latest_proposals(organisation_ids: Iterable[int]) -> dict[int, int]:
    """Each organisation's latest proposal handed in (organisations without one are left out:
    a club that never applied is no claim on the budget)."""
    latest: dict[int, int] = {}
    rows = handed_in().filter(organisation_id__in=set(organisation_ids))
    for organisation_id, pk in rows.order_by("organisation_id", "-pk").values_list(
        "organisation_id", "pk"
    ):
        latest.setdefault(organisation_id, pk)
    return latest


def _shared_details(proposal: Proposal) -> dict[str, list[dict]]:
    """The other organisations with the same bank account, and with the same contact, each
    with its latest proposal and what it shares."""
    organisations = Organisation.objects.annotate(**_organisation_keys())
    own = organisations.get(pk=proposal.organisation_id)
    checks = {
        "iban": ("iban_key", own.iban_key if own.iban_key else None),
        "contact_name": ("name_key", own.name_key or None),
        "contact_email": ("email_key", own.email_key or None),
        "phone": ("phone_key", own.phone_key if own.phone_length >= MIN_PHONE_DIGITS else None),
    }
    wanted = Q()
    for key, value in checks.values():
        if value:
            wanted |= Q(**{key: value})
    if not wanted:
        return {Kind.BANK_ACCOUNT: [], Kind.CONTACT: []}
    others = list(
        organisations.filter(wanted)
        .exclude(pk=own.pk)
        .values("pk", "iban_key", "name_key", "email_key", "phone_key", "phone_length")
    )
    latest = _latest_proposals(other["pk"] for other in others)
    bank, contact = [], []
    for other in others:
        if other["pk"] not in latest:
            continue
        same = [
            what
            for what, (key, value) in checks.items()
            if value
            and other[key] == value
            and (what != "phone" or other["phone_length"] >= MIN_PHONE_DIGITS)
        ]
        item = {"organisation": other["pk"], "proposal": latest[other["pk"]]}
        if "iban" in same:
            bank.append(item)
        contact_fields = [what for what in same if what != "iban"]
        if contact_fields:
            contact.append({**item, "what": contact_fields})
    return {Kind.BANK_ACCOUNT: bank, Kind.CONTACT: contact}


def _similar_texts(proposal: Proposal) -> list[dict]:
    others = handed_in().exclude(organisation_id=proposal.organisation_id)
    title = proposal.title.strip()
    description = proposal.description.strip()
    found: dict[int, dict] = {}
    if connection.vendor != "postgresql":
        if len(title) >= MIN_TITLE_LENGTH:
            for pk in others.filter(title__iexact=title).values_list("pk", flat=True):
                found.setdefault(pk, {"proposal": pk, "what": []})["what"].append("title")
        if len(description) >= MIN_DESCRIPTION_LENGTH:
            same = others.filter(description__iexact=description).values_list("pk", flat=True)
            for pk in same:
                found.setdefault(pk, {"proposal": pk, "what": []})["what"].append("description")
        return list(found.values())
    for column, text, minimum, threshold in (
        ("title", title, MIN_TITLE_LENGTH, TITLE_SIMILARITY),
        ("description", description, MIN_DESCRIPTION_LENGTH, DESCRIPTION_SIMILARITY),
    ):
        if len(text) < minimum:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            # the % operator's threshold for this query: the GIN index finds the candidates
            # (set_config, not SET: the parameters are bound by the server, and SET takes none)
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
            )
            rows = list(
                others.filter(**{f"{column}__trigram_similar": text})
                .annotate(similarity=TrigramSimilarity(column, Value(text)))
                .filter(similarity__gte=threshold)
                .order_by("-similarity", "-pk")
                .values_list("pk", "organisation_id", "similarity")
            )
        for pk, organisation_id, similarity in rows:
            item = found.setdefault(
                pk, {"proposal": pk, "organisation": organisation_id, "what": []}
            )
            item["what"].append(column)
            item["similarity"] = max(item.get("similarity", 0), round(similarity, 2))
    return sorted(found.values(), key=lambda item: -item["similarity"])


def _venue_overlaps(proposal: Proposal) -> list[dict]:
    address = proposal.address.strip()
    if proposal.status in NOT_AT_THE_VENUE or not address or not proposal.city.strip():
        return []
    if proposal.starts_at is None or proposal.ends_at is None:
        return []
    others = (
        Proposal.objects.exclude(status__in=NOT_AT_THE_VENUE)
        .exclude(pk=proposal.pk)
        .annotate(address_key=Lower(Trim(F("address"))), city_key=Lower(Trim(F("city"))))
        .filter(
            address_key=address.lower(),
            city_key=proposal.city.strip().lower(),
            starts_at__lt=proposal.ends_at,
            ends_at__gt=proposal.starts_at,
        )
        .order_by("starts_at", "pk")
    )
    return [
        {"proposal": pk, "organisation": organisation_id}
        for pk, organisation_id in others.values_list("pk", "organisation_id")
    ]


def _over_limit(proposal: Proposal) -> Found:
    """The organisation's proposals in the country programme, when they are more (or more of
    them funded) than the country allows."""
    programme = proposal.country_programme
    limits = {
        "proposals": programme.max_proposals_per_organisation,
        "funded": programme.max_funded_per_organisation,
    }
    if all(limit is None for limit in limits.values()):
        return Found(Kind.OVER_LIMIT, [])
    siblings = handed_in().filter(
        organisation_id=proposal.organisation_id, country_programme=programme
    )
    counts = siblings.aggregate(
        proposals=Count("pk"), funded=Count("pk", filter=Q(Exists(_active_grant())))
    )
    over = [name for name, limit in limits.items() if limit is not None and counts[name] > limit]
    if not over:
        return Found(Kind.OVER_LIMIT, [])
    others = siblings.exclude(pk=proposal.pk).order_by("-pk").values_list("pk", flat=True)
    detail = {"over": over, "counts": counts, "limits": limits}
    return Found(Kind.OVER_LIMIT, [{"proposal": pk} for pk in others], detail)


def _active_grant():
    return Grant.objects.filter(proposal=OuterRef("pk"), status=Grant.Status.ACTIVE)


def find(proposal: Proposal) -> list[Found]:
    """Every kind of signal the proposal raises now."""
    shared = _shared_details(proposal)
    found = [
        Found(Kind.BANK_ACCOUNT, shared[Kind.BANK_ACCOUNT]),
        Found(Kind.CONTACT, shared[Kind.CONTACT]),
        Found(Kind.SIMILAR_TEXT, _similar_texts(proposal)),
        Found(Kind.VENUE_OVERLAP, _venue_overlaps(proposal)),
        _over_limit(proposal),
    ]
    return [one for one in found if one.related or one.detail]


# --- Keeping ---------------------------------------------------------------------------------


def refresh(proposal_ids: Iterable[int], *, both_sides: bool = True) -> int:
    """Compute the signals of these proposals again (drafts and withdrawn ones lose theirs),
    and, with ``both_sides``, those of the proposals they point at and of the organisation's other
    proposals in the same country programme. Returns how many proposals were computed."""
    proposals = list(
        Proposal.objects.filter(pk__in=set(proposal_ids)).select_related("country_programme")
    )
    touched: set[int] = set()
    for proposal in proposals:
        found = [] if proposal.status in NOT_TAKING_PART else find(proposal)
        _keep(proposal, found)
        for one in found:
            touched.update(item["proposal"] for item in one.related if item.get("proposal"))
        touched.update(_pointing_at(proposal))
    done = {proposal.pk for proposal in proposals}
    if both_sides and touched - done:
        refresh(touched - done, both_sides=False)
    return len(done)


def _pointing_at(proposal: Proposal) -> set[int]:
    """The proposals whose signals point at this one (they may have to drop it)."""
    pointing = IntegritySignal.objects.filter(related__contains=[{"proposal": proposal.pk}])
    if connection.vendor != "postgresql":  # no JSON containment on SQLite: read them all
        pointing = IntegritySignal.objects.exclude(proposal=proposal)
        return {
            signal.proposal_id
            for signal in pointing.only("proposal_id", "related")
            if any(item.get("proposal") == proposal.pk for item in signal.related)
        }
    return set(pointing.values_list("proposal_id", flat=True))


@transaction.atomic
def _keep(proposal: Proposal, found: list[Found]) -> None:
    kinds = [one.kind for one in found]
    IntegritySignal.objects.filter(proposal=proposal).exclude(kind__in=kinds).delete()
    for one in found:
        IntegritySignal.objects.update_or_create(
            proposal=proposal,
            kind=one.kind,
            defaults={
                "related": one.related[:SHOWN],
                "related_count": len(one.related),
                "detail": one.detail,
                "fingerprint": one.fingerprint,
            },
        )


def refresh_organisation(organisation_id: int) -> int:
    ids = handed_in().filter(organisation_id=organisation_id).values_list("pk", flat=True)
    return refresh(list(ids))


# --- Reading ---------------------------------------------------------------------------------


def unchecked() -> Exists:
    """For a queryset of proposals: it has a signal no one has checked as it stands now."""
    checked = SignalCheck.objects.filter(
        proposal=OuterRef("proposal"), kind=OuterRef("kind"), fingerprint=OuterRef("fingerprint")
    )
    return Exists(IntegritySignal.objects.filter(proposal=OuterRef("pk")).exclude(Exists(checked)))


def any_signal() -> Exists:
    return Exists(IntegritySignal.objects.filter(proposal=OuterRef("pk")))


# --- Checking --------------------------------------------------------------------------------


MIN_NOTE_LENGTH = 3


def mark_checked(proposal: Proposal, kind: str, *, actor, note: str) -> SignalCheck:
    """A reviewer looked into the signal and found it fine: kept with their note, audited."""
    require(actor, "proposal.review", proposal)
    note = note.strip()
    if len(note) < MIN_NOTE_LENGTH:
        raise DomainError(_("Say in a few words what you checked."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        signal = IntegritySignal.objects.filter(proposal=locked, kind=kind).first()
        if signal is None:
            raise DomainError(_("This signal is no longer raised."))
        check, _created = SignalCheck.objects.update_or_create(
            proposal=locked,
            kind=kind,
            defaults={
                "fingerprint": signal.fingerprint,
                "note": note,
                "checked_by": actor,
                "checked_at": timezone.now(),
            },
        )
        audit.record(
            locked,
            actor=actor,
            action=Action.SIGNAL_CHECK,
            from_state=locked.status,
            to_state=locked.status,
            message=note,
            data={"kind": kind, "fingerprint": signal.fingerprint},
        )
    return check
