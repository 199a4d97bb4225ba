"""Award letters: the PDF a grant's organisation receives, its versions and its verification.

``build_award_letter`` renders the letter with WeasyPrint from ``templates/letters/`` and stores it
privately; it is idempotent (the current letter stating the same facts is returned as it is) and
builds a new version, superseding the old one, when the facts change (the amount, above all).
WeasyPrint may read only the app's own static files (``StaticOnlyFetcher``): a template or a
field value naming an outside URL never makes the worker open a connection.
"""

import hashlib
import json
import logging
import mimetypes
import secrets
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from organisations import audit
from organisations.audit import Action
from programmes.country_content import info_of, text_for
from programmes.models import CountryProgramme

from .models import AwardLetter, Grant

log = logging.getLogger(__name__)

TEMPLATE = "letters/award_letter.html"
# No 0/O, 1/I/L, U: a code read off paper and typed in is hard to get wrong. 16 characters of 30
# are about 78 bits: not guessable, and each code is also unique in the database.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 16


# --- Verification codes -----------------------------------------------------------------------


def new_code() -> str:
    """A fresh verification code, grouped for reading: ``K7QF-3MZP-XW2A-9RTB``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """What a person typed (lower case, spaces, no dashes) in the stored form, or ``""``."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def find_letter(typed_code: str) -> AwardLetter | None:
    """The letter a verification code belongs to, or None."""
    code = normalise_code(typed_code)
    if not code:
        return None
    return (
        AwardLetter.objects.select_related("grant__proposal__organisation")
        .filter(code=code)
        .first()
    )


def verification_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("letters:verify", args=[code])


def qr_svg(url: str) -> str:
    """The URL as a QR code: an inline SVG made here, no network service involved."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#1d2440")


# --- What WeasyPrint may read -----------------------------------------------------------------


class ResourceRefused(ValueError):
    """The letter asked for something that is not one of the app's static files."""


def static_roots() -> list[Path]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    return [*roots, Path(settings.STATIC_ROOT).resolve()]


def static_base_url() -> str:
    """``file://.../static/``: the letter template's relative URLs resolve to the static files."""
    return path2url(str(Path(settings.STATICFILES_DIRS[0]).resolve())) + "/"


class StaticOnlyFetcher(URLFetcher):
    """Serves files under the static directories from disk; refuses everything else (http, data,
    other files, paths escaping the directory with ``..`` or a symlink)."""

    def __init__(self, *, time_limit: float | None = None, **kwargs):
        # It never opens a connection: a bare TLS context spares URLFetcher's default one, which
        # loads the system's CA certificates (30 ms, an eighth of a letter).
        kwargs.setdefault("ssl_context", ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        super().__init__(**kwargs)
        # A render that is still asking for files after its time limit (a template pulling in
        # thousands of images) is refused from then on; the Celery task's own time limits
        # (grants.tasks) end a render stuck elsewhere.
        limit = settings.LETTER_RENDER_TIME_LIMIT if time_limit is None else time_limit
        self.deadline = time.monotonic() + limit

    def fetch(self, url, headers=None):
        if time.monotonic() > self.deadline:
            raise ResourceRefused(f"The letter took too long to render; not loading {url}")
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Award letters load only the app's static files, not {url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
            raise ResourceRefused(f"Not one of the app's static files: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(str(path)), path.read_bytes(), {"Content-Type": content_type}
        )


_renderer = threading.local()


def font_config() -> FontConfiguration:
    """This thread's fonts, loaded once: WeasyPrint otherwise loads Fontconfig's configuration and
    the system fonts afresh for every letter (a sixth of its time). Per thread, as Pango's font
    map is not made to be shared between threads."""
    if not hasattr(_renderer, "font_config"):
        _renderer.font_config = FontConfiguration()
    return _renderer.font_config


def render_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(font_config=font_config())


# --- The letter -------------------------------------------------------------------------------


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``content:``), whatever characters it holds."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:-/()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def page_counter_css(text: str) -> str:
    """A translated "Page %(page)s of %(pages)s" as a CSS ``content`` value with counters, so
    each language keeps its own word order."""
    marker = "\x00"
    filled = text % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    tokens = []
    for index, piece in enumerate(filled.split(marker)):
        if index % 2:
            tokens.append(f"counter({piece})")
        elif piece:
            tokens.append(css_string(piece))
    return " ".join(tokens)


def letter_language(grant: Grant) -> str:
    """One of the country's languages: the organisation's choice, else the grant's, else the
    language of the person who wrote the proposal, else the country's first language."""
    languages = grant.country_programme.site_languages()
    creator = grant.proposal.created_by
    wishes = (
        grant.proposal.organisation.letter_language,
        grant.award_letter_language,
        getattr(creator, "language", ""),
    )
    return next((code for code in wishes if code in languages), languages[0])


def letter_facts(grant: Grant) -> dict:
    """The facts the letter states; a change to any of them makes a new version."""
    proposal, organisation = grant.proposal, grant.proposal.organisation
    return {
        "reference": grant.reference,
        "amount": str(grant.amount),
        "currency": grant.currency,
        "organisation": [
            organisation.name,
            organisation.legal_form.name,
            organisation.registration_number,
            organisation.street,
            organisation.postcode,
            organisation.city,
            str(organisation.country),
        ],
        "event": [
            proposal.title,
            proposal.starts_at.isoformat() if proposal.starts_at else "",
            proposal.ends_at.isoformat() if proposal.ends_at else "",
            proposal.city,
            proposal.delivery,
        ],
        "partner": grant.country_programme.partner.name,
        "language": letter_language(grant),
    }


def fingerprint(facts: dict) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Conditions:
    report_deadline_hours: int
    report_due: object  # an aware datetime, or None without an end time
    payment_timing: str
    paid_before_event: bool
    extra: str


def _conditions(programme: CountryProgramme, proposal) -> Conditions:
    hours = programme.report_deadline_hours
    due = proposal.ends_at + timedelta(hours=hours) if proposal.ends_at else None
    return Conditions(
        report_deadline_hours=hours,
        report_due=due,
        payment_timing=programme.get_payment_timing_display(),
        paid_before_event=programme.payment_timing == CountryProgramme.PaymentTiming.BEFORE_EVENT,
        extra=programme.conditions,
    )


def letter_dates(grant: Grant, *, version: int, issued_at) -> dict:
    """The letter is dated the day of the decision, not the day its PDF was built; a later
    version also says when it was reissued. Local dates, in the programme's time zone."""
    return {
        "letter_date": timezone.localdate(grant.approved_at),
        "reissued_on": timezone.localdate(issued_at) if version > 1 else None,
    }


def letter_context(grant: Grant, *, code: str, version: int, issued_at) -> dict:
    """Everything the template shows. Call inside ``translation.override(language)``."""
    proposal = grant.proposal
    programme = grant.country_programme
    language = translation.get_language() or settings.LANGUAGE_CODE
    info = info_of(programme)
    url = verification_url(code)
    return {
        "letter_text": text_for(info, "letter_text", language),
        "partner_contact": text_for(info, "partner_contact", language),
        "legal_form_name": proposal.organisation.legal_form.name_in(language),
        "programme_name": settings.PROGRAMME_NAME,
        "grant": grant,
        "programme": programme,
        "edition": programme.edition,
        "partner": programme.partner,
        "organisation": proposal.organisation,
        "proposal": proposal,
        "conditions": _conditions(programme, proposal),
        "approved_by": grant.approved_by,
        "issued_at": issued_at,
        **letter_dates(grant, version=version, issued_at=issued_at),
        "version": version,
        "code": code,
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "page_counter": page_counter_css(_("Page %(page)s of %(pages)s")),
        "reference_css": css_string(grant.reference),
    }


def render_letter(grant: Grant, *, code: str, version: int, issued_at, language: str) -> bytes:
    with translation.override(language):
        context = letter_context(grant, code=code, version=version, issued_at=issued_at)
        return render_pdf(render_to_string(TEMPLATE, context))


def _locked_grant(grant_id: int) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related(
            "proposal__organisation__legal_form",
            "proposal__created_by",
            "country_programme__edition",
            "country_programme__partner",
            "country_programme__info",
            "approved_by",
        )
        .prefetch_related("country_programme__info__texts")
        .get(pk=grant_id)
    )


def build_award_letter(grant_id: int) -> AwardLetter | None:
    """The grant's current award letter, built (and stored privately) if it is missing or states
    facts that changed since; the earlier version is then marked superseded.

    Safe to run twice and at once: the grant's row is locked while its letter is built, and a
    current letter with the same facts is returned as it is. A cancelled grant gets no letter.
    """
    with transaction.atomic():
        grant = _locked_grant(grant_id)
        if grant.status != Grant.Status.ACTIVE:
            return None
        facts_hash = fingerprint(letter_facts(grant))
        current = grant.letters.filter(superseded=False).first()
        if current is not None and current.fingerprint == facts_hash:
            return current
        letter = _new_version(grant, facts_hash, previous=current)
        audit.record(
            grant,
            actor=None,
            action=Action.AWARD_LETTER_BUILD,
            data={"version": letter.version, "letter": letter.pk},
        )
    return letter


def _new_version(grant: Grant, facts_hash: str, *, previous: AwardLetter | None) -> AwardLetter:
    last = grant.letters.aggregate(n=Max("version"))["n"] or 0
    version, code, issued_at = last + 1, new_code(), timezone.now()
    language = letter_language(grant)
    pdf = render_letter(grant, code=code, version=version, issued_at=issued_at, language=language)
    if previous is not None:
        AwardLetter.objects.filter(pk=previous.pk).update(superseded=True)
    letter = AwardLetter(
        grant=grant,
        version=version,
        code=code,
        language=language,
        amount=grant.amount,
        currency=grant.currency,
        fingerprint=facts_hash,
    )
    letter.file.save(f"{grant.reference}-v{version}.pdf", ContentFile(pdf), save=False)
    try:
        letter.save()
    except Exception:
        letter.file.delete(save=False)
        raise
    # The row records the moment the PDF states as its reissue date (``auto_now_add`` would
    # take the moment of saving, a day later if the render crossed midnight).
    AwardLetter.objects.filter(pk=letter.pk).update(created_at=issued_at)
    letter.created_at = issued_at
    return letter


def current_letter(grant: Grant) -> AwardLetter | None:
    """The letter in force for the grant (None until the worker built it): for the approval
    e-mail's attachment and the download view. ``letter.file.open("rb")`` reads the PDF."""
    return AwardLetter.objects.filter(grant=grant, superseded=False).first()


def letter_filename(letter: AwardLetter) -> str:
    return f"award-letter-{letter.grant.reference}-v{letter.version}.pdf"


def award_letter_attachments(notification) -> list[tuple[str, bytes, str]]:
    """The approval e-mail carries the grant's current award letter (file name, PDF, type),
    built now if its task has not run yet (building is idempotent and locks the grant). Nothing
    for another kind of message, an unknown or a cancelled grant. Added to
    ``organisations.hooks.attachments`` in grants.apps."""
    if notification.kind != "proposal_approved":
        return []
    reference = notification.context.get("reference", "")
    grant = Grant.objects.filter(reference=reference).first() if reference else None
    letter = grant and (current_letter(grant) or build_award_letter(grant.pk))
    if not letter:
        return []
    with letter.file.open("rb") as stored:
        return [(letter_filename(letter), stored.read(), "application/pdf")]


def grants_missing_a_letter():
    """Active grants without a current letter (their task was lost)."""
    return Grant.objects.filter(status=Grant.Status.ACTIVE).exclude(letters__superseded=False)
