"""Every URL of the app, found through the URL resolver (a new URL is covered, or fails here until
it is mapped), asked by each kind of person; the expected answer for each is in MATRIX below.

Personas: anonymous; an applicant of another organisation; the right applicant; the manager of
another country (BE); the reviewer and the manager of the right country (LU); programme staff.
Staff log in with their second factor; the LU manager and programme staff are asked again signed
in with their password alone, and every page for staff must send them to the second factor first
(organisations.permissions, the one policy). Pages are asked with GET; actions (POST only) must
refuse GET with 405, and a POST by a wrong person must be refused without changing anything.

The admin's pages are Django's, all behind one guard (meetandcode/admin_site.py): a sample of them
(ADMIN_PAGES) is asked of each persona too.

Every page but the few in UNPREFIXED also lives under each language's prefix (/de/my/...): the
same view, asked again there, must answer each persona the same (one table for all languages).
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from django.utils import translation

from tests.matrix_world import SECRET_ORGANISATION, SECRET_TITLE, MatrixWorld, all_urls

pytestmark = pytest.mark.django_db

# Prefixes not asked here, each with its reason.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin: one guard for all its pages, a sample in ADMIN_PAGES below",
    "i18n/": "Django's set_language: public by design, changes only the visitor's own cookie",
    "accounts/": "allauth's login, sign-up and MFA pages: public or the visitor's own account",
    "static/": "static files (not served by Django in production)",
    "media/": "no media URL exists (test_upload_attacks.py checks that)",
}

# The addresses that are the same in every language (outside i18n_patterns, meetandcode/urls.py):
# the health probe, the metrics and the open feeds partners subscribe to.
UNPREFIXED = {"healthz", "metrics", "feeds:geojson", "feeds:ics", "feeds:rss", "feeds:csv"}
# ... and the API (/api/v1/..., its schema and its page), for other systems
UNPREFIXED |= {
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "api:list_events",
    "api:get_event",
    "api:get_figures",
    "api:me",
    "api:list_proposals",
    "api:get_proposal",
    "api:get_report",
    "api:add_comment",
    "api:record_payment",
    "api:list_payments",
}
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

PERSONAS = [
    "anonymous",
    "other_applicant",
    "applicant",
    "other_partner",
    "reviewer",
    "manager",
    "programme_staff",
    "manager_without_second_factor",
    "programme_staff_without_second_factor",
]
WITHOUT_SECOND_FACTOR = list(MatrixWorld.WITHOUT_SECOND_FACTOR)


def _kwargs(world: MatrixWorld, name: str, params: list[str]) -> dict:
    """Each URL parameter from the world. An unmapped one fails: map the new URL here."""
    kwargs = {}
    for param in params:
        key = (name, param)
        if key in PARAM_MAP:
            value = PARAM_MAP[key](world)
        elif param in PARAM_MAP:
            value = PARAM_MAP[param](world)
        else:
            raise AssertionError(f"map the parameter {param!r} of {name!r} in PARAM_MAP")
        kwargs[param] = value
    return kwargs


PARAM_MAP = {
    # by (URL name, parameter) where the same name means different objects
    ("organisations:detail", "pk"): lambda w: w.organisation.pk,
    ("organisations:edit", "pk"): lambda w: w.organisation.pk,
    ("organisations:request_join", "pk"): lambda w: w.organisation.pk,
    ("organisations:redeem_token", "pk"): lambda w: w.organisation.pk,
    ("organisations:request_validation", "pk"): lambda w: w.organisation.pk,
    ("organisations:invite_member", "pk"): lambda w: w.organisation.pk,
    ("organisations:accept_member", "pk"): lambda w: w.joiner.pk,
    ("organisations:decline_member", "pk"): lambda w: w.joiner.pk,
    ("organisations:revoke_invitation", "pk"): lambda w: w.invitation.pk,
    ("organisations:invitation", "token"): lambda w: w.invitation.token,
    ("organisations:accept_invitation", "token"): lambda w: w.invitation.token,
    ("grants:decide_validation", "pk"): lambda w: w.validation.pk,
    ("grants:check_signal", "kind"): lambda w: "bank_account",
    ("grants:message_edit", "kind"): lambda w: "proposal_approved",
    ("events:answer_file", "question_pk"): lambda w: w.file_question.pk,
    ("grants:message_edit", "language"): lambda w: "de",
    ("events:event", "pk"): lambda w: w.event.pk,
    ("events:event_calendar", "pk"): lambda w: w.event.pk,
    ("events:event_photo", "pk"): lambda w: w.event.pk,
    ("events:event", "slug"): lambda w: w.event.slug,
    ("events:event_calendar", "slug"): lambda w: w.event.slug,
    ("events:event_photo", "slug"): lambda w: w.event.slug,
    ("events:library_file", "pk"): lambda w: w.resource.pk,
    ("events:edit", "pk"): lambda w: w.draft.pk,
    ("events:save_section", "pk"): lambda w: w.draft.pk,
    ("events:submit", "pk"): lambda w: w.draft.pk,
    ("events:withdraw", "pk"): lambda w: w.draft.pk,
    ("events:save_section", "section"): lambda w: "basics",
    ("public:country", "code"): lambda w: "lu",
    ("letters:verify", "code"): lambda w: w.letter.code,
    ("api:get_event", "event_id"): lambda w: w.event.pk,
    ("api:get_proposal", "proposal_id"): lambda w: w.proposal.pk,
    ("api:get_report", "proposal_id"): lambda w: w.proposal.pk,
    ("api:add_comment", "proposal_id"): lambda w: w.proposal.pk,
    ("api:record_payment", "proposal_id"): lambda w: w.proposal.pk,
    ("webhooks:detail", "pk"): lambda w: w.webhook.pk,
    ("webhooks:ping", "pk"): lambda w: w.webhook.pk,
    ("webhooks:disable", "pk"): lambda w: w.webhook.pk,
    ("webhooks:new_secret", "pk"): lambda w: w.webhook.pk,
    ("webhooks:replay", "pk"): lambda w: w.webhook.pk,
    ("webhooks:replay", "delivery_pk"): lambda w: w.delivery.pk,
    # by parameter name: every other <pk> of the app is the approved proposal
    "pk": lambda w: w.proposal.pk,
    "grant_id": lambda w: w.grant.pk,
    "file_pk": lambda w: w.report_file.pk,
}


URLS = [
    (name, route, params)
    for name, route, params in all_urls()
    if not any(route.startswith(prefix) for prefix in SKIPPED_PREFIXES)
]


@pytest.fixture
def world(private_storage, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the library's file: the test's own folder
    return MatrixWorld()


def test_every_url_parameter_is_mapped(world):
    for name, _route, params in URLS:
        reverse(name, kwargs=_kwargs(world, name, params))


# --- The one table ---------------------------------------------------------------------------
# What each persona gets from GET, by kind of page (a kind names one answer per persona):
L, OK, NF, FB, NA = "login", 200, 404, 403, 405
SF = "second factor"  # sent to set up the authenticator or to enter a code, then back
#: Staff pages ask staff without the second factor for it, before anything else.
ASKED_FOR_IT = dict.fromkeys(WITHOUT_SECOND_FACTOR, SF)
KINDS = {
    # everyone, signed in or not
    "public": dict.fromkeys(PERSONAS, OK),
    # any signed-in person, about their own account (nothing of another's)
    "signed_in": {"anonymous": L, **dict.fromkeys(PERSONAS[1:], OK)},
    # a secret link (the token is the key): any signed-in person who holds it
    "token": {"anonymous": L, **dict.fromkeys(PERSONAS[1:], OK)},
    # the right applicant's organisation, proposal or report
    "applicant": {**dict.fromkeys(PERSONAS, NF), "anonymous": L, "applicant": OK},
    # the grant's papers: the organisation and the right country's partner (and programme staff)
    "applicant_and_partner": {
        "anonymous": L,
        "other_applicant": NF,
        "applicant": OK,
        "other_partner": NF,
        "reviewer": OK,
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # the partner dashboard's lists: other countries' staff see only their own (checked below)
    "partner_list": {
        "anonymous": L,
        "other_applicant": FB,
        "applicant": FB,
        "other_partner": OK,
        "reviewer": OK,
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # one proposal in the partner dashboard: only the right country's staff
    "partner_object": {
        "anonymous": L,
        "other_applicant": FB,
        "applicant": FB,
        "other_partner": NF,
        "reviewer": OK,
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # managers' pages (tokens, validations): each manager sees their own country's
    "manager_list": {
        "anonymous": L,
        "other_applicant": FB,
        "applicant": FB,
        "other_partner": OK,
        "reviewer": FB,
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # one manager's object (a webhook endpoint): the managers of its countries only
    "manager_object": {
        "anonymous": L,
        "other_applicant": FB,
        "applicant": FB,
        "other_partner": NF,
        "reviewer": FB,
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # programme staff's pages under /partner/: the message editor (and the managers of a
    # partner programme staff allow, which none of these is: tests/grants/test_message_editor.py)
    # and the question preview
    "programme_staff_page": {
        "anonymous": L,
        **dict.fromkeys(["other_applicant", "applicant", "other_partner", "reviewer"], FB),
        "manager": FB,
        "programme_staff": OK,
        **ASKED_FOR_IT,
        "manager_without_second_factor": FB,  # refused whatever the second factor
    },
    # the API's staff endpoints: a personal token only, never a session (tests/api/ for tokens)
    "token_only": dict.fromkeys(PERSONAS, 401),
    # the API's prefix itself: nothing there (the endpoints are under /api/v1/)
    "nothing": dict.fromkeys(PERSONAS, NF),
    # the admin's index: accounts let into the admin (the LU manager for the country pages)
    "admin_index": {
        "anonymous": L,
        **dict.fromkeys(["other_applicant", "applicant", "other_partner", "reviewer"], FB),
        "manager": OK,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
    # the admin's organisations and budgets: programme staff only
    "admin_programme": {
        "anonymous": L,
        **dict.fromkeys(["other_applicant", "applicant", "other_partner", "reviewer"], FB),
        "manager": FB,
        "programme_staff": OK,
        **ASKED_FOR_IT,
    },
}
# POST-only actions: GET answers 405 (anonymous may be sent to log in first), and a POST by
# anyone outside the set is refused (login, 403 or 404) with nothing changed. "any": an action a
# signed-in person takes on their own behalf (joining, accepting an invitation they hold).
APPLICANT_ONLY = {"applicant"}
STAFF = {"reviewer", "manager", "programme_staff"}
MANAGER = {"manager", "programme_staff"}
ANY = frozenset({"any signed-in person"})
#: the API's write endpoints: a personal token only; a session, any persona's, gets 401
TOKEN_ACTION = frozenset({"a personal API token"})

MATRIX = {
    "home": "public",
    "healthz": "health",
    "metrics": "metrics",
    "privacy": "public",
    "letters:download": "applicant_and_partner",
    "letters:upload_donation_receipt": APPLICANT_ONLY,
    "letters:donation_receipt": "applicant_and_partner",
    "letters:verify_form": "public",
    "letters:verify": "public",
    "organisations:mine": "signed_in",
    "organisations:create": "signed_in",
    "organisations:legal_forms": "signed_in",
    "organisations:letter_languages": "signed_in",
    "organisations:join": "signed_in",
    "organisations:detail": "applicant",
    "organisations:edit": "applicant",
    "organisations:request_join": ANY,
    "organisations:redeem_token": APPLICANT_ONLY,
    "organisations:request_validation": APPLICANT_ONLY,
    "organisations:accept_member": APPLICANT_ONLY,
    "organisations:decline_member": APPLICANT_ONLY,
    "organisations:invite_member": APPLICANT_ONLY,
    "organisations:revoke_invitation": APPLICANT_ONLY,
    "organisations:invitation": "token",
    "organisations:accept_invitation": ANY,
    "organisations:notifications_read": ANY,
    "organisations:account": "signed_in",
    "organisations:account_data": "signed_in",
    "organisations:delete_account": "signed_in",
    "organisations:accept_privacy": "signed_in",
    "grants:dashboard": "partner_list",
    "grants:export_csv": "partner_list",
    "grants:export_xlsx": "partner_list",
    "grants:proposal": "partner_object",
    "grants:payments": "partner_list",
    "grants:payments_csv": "partner_list",
    "grants:payments_xlsx": "partner_list",
    "grants:payment": "partner_object",
    "grants:figures": "partner_list",
    "grants:figures_csv": "partner_list",
    "grants:figures_xlsx": "partner_list",
    "grants:notifications": "partner_list",
    "grants:messages": "programme_staff_page",
    "grants:question_preview": "programme_staff_page",
    "grants:message_edit": "programme_staff_page",
    "grants:review": "partner_object",
    "grants:conflict": STAFF,
    "grants:comment": STAFF,
    "grants:check_signal": STAFF,
    "grants:request_changes": MANAGER,
    "grants:approve": MANAGER,
    "grants:reject": MANAGER,
    "grants:cancel_grant": MANAGER,
    "grants:bulk_decide": MANAGER | {"other_partner"},  # acts on the chosen rows of one's own
    "grants:tokens": "manager_list",
    "grants:validations": "manager_list",
    "grants:decide_validation": MANAGER,
    "public:impact": "public",
    "public:country": "public",
    "public:faq": "public",
    "events:start": "signed_in",
    "events:detail": "applicant",
    "events:edit": "applicant",
    "events:save_section": APPLICANT_ONLY,
    "events:submit": "applicant",
    "events:withdraw": APPLICANT_ONLY,
    "events:report": "applicant",
    "events:report_save": APPLICANT_ONLY,
    "events:report_submit": APPLICANT_ONLY,
    "events:report_upload": APPLICANT_ONLY,
    "events:report_file_remove": APPLICANT_ONLY,
    "events:report_file_public": APPLICANT_ONLY,
    "events:report_file": "applicant_and_partner",
    "events:answer_file": "applicant_and_partner",
    "events:report_accept": MANAGER,
    "events:report_request_changes": MANAGER,
    "events:list": "public",
    "events:event": "public",
    "events:event_calendar": "public",
    "events:event_photo": "public",
    "feeds:geojson": "public",
    "feeds:ics": "public",
    "feeds:rss": "public",
    "feeds:csv": "public",
    "events:embed_map": "public",
    "events:library": "public",
    "events:library_file": "public",
    "api:api-root": "nothing",
    "api:openapi-json": "public",
    "api:openapi-view": "public",
    "api:list_events": "public",
    "api:get_event": "public",
    "api:get_figures": "public",
    "api:me": "token_only",
    "api:list_proposals": "token_only",
    "api:get_proposal": "token_only",
    "api:get_report": "token_only",
    "api:list_payments": "token_only",
    "api:add_comment": TOKEN_ACTION,
    "api:record_payment": TOKEN_ACTION,
    "api_tokens:list": "partner_list",
    "api_tokens:revoke": STAFF | {"other_partner"},  # one's own token only: tests/api/
    "webhooks:list": "manager_list",
    "webhooks:new": "manager_list",
    "webhooks:detail": "manager_object",
    "webhooks:ping": MANAGER,
    "webhooks:disable": MANAGER,
    "webhooks:new_secret": MANAGER,
    "webhooks:replay": MANAGER,
}


def test_every_url_has_a_line_in_the_table():
    names = {name for name, _route, _params in URLS}
    assert names - MATRIX.keys() == set(), "add the new URLs to MATRIX"
    assert MATRIX.keys() - names == set(), "MATRIX names URLs that no longer exist"


def test_each_page_has_the_same_view_under_every_language_prefix(world):
    for name, _route, params in URLS:
        kwargs = _kwargs(world, name, params)
        english = reverse(name, kwargs=kwargs)
        for language in OTHER_LANGUAGES:
            with translation.override(language):
                address = reverse(name, kwargs=kwargs)
                match = resolve(address)
            assert match.view_name == name, (address, match.view_name)
            if name in UNPREFIXED:
                assert address == english, name
            else:
                assert address == f"/{language}{english}", name


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _is_login(response) -> bool:
    return response.status_code == 302 and (
        urlparse(response["Location"]).path == reverse("account_login")
    )


def _is_second_factor(response) -> bool:
    steps = (reverse("mfa_reauthenticate"), reverse("mfa_activate_totp"))
    return response.status_code == 302 and urlparse(response["Location"]).path in steps


def _snapshot():
    """Every row a wrong POST could touch."""
    from django.apps import apps

    rows = {}
    for label in (
        "events.Proposal",
        "events.Report",
        "events.ReportFile",
        "events.Event",
        "grants.Grant",
        "grants.Review",
        "organisations.Membership",
        "organisations.MemberInvitation",
        "organisations.OrganisationValidation",
        "organisations.ValidationToken",
        "api.WebhookEndpoint",
        "api.WebhookDelivery",
    ):
        model = apps.get_model(label)
        rows[label] = list(model.objects.order_by("pk").values())
    return rows


PAGES = [(n, r, p) for n, r, p in URLS if isinstance(MATRIX.get(n), str)]
ACTIONS = [(n, r, p) for n, r, p in URLS if not isinstance(MATRIX.get(n), str)]


@pytest.mark.parametrize(("name", "route", "params"), PAGES, ids=[u[0] for u in PAGES])
def test_each_page_by_each_persona(world, name, route, params, settings):
    kind = MATRIX[name]
    if kind == "metrics":  # a scraper's token or network, never a person's session or role
        settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "a-scraper-token", []
        url = reverse(name)
        assert {p: world.client(p).get(url).status_code for p in PERSONAS} == dict.fromkeys(
            PERSONAS, 403
        )
        return
    if kind == "health":  # the probe answers the same to everyone and shows no data
        url = reverse(name, kwargs=_kwargs(world, name, params))
        answers = {world.client(p).get(url).status_code for p in PERSONAS}
        assert len(answers) == 1 and answers <= {200, 503}
        return
    _ask_each_persona(world, name, params, kind)
    if name not in UNPREFIXED:  # the same page in German: the same answers (login: German too)
        with translation.override("de"):
            _ask_each_persona(world, name, params, kind)


def _ask_each_persona(world, name, params, kind):
    url = reverse(name, kwargs=_kwargs(world, name, params))
    for persona, expected in KINDS[kind].items():
        response = world.client(persona).get(url)
        if expected == L:
            assert _is_login(response), (url, persona, response.status_code)
            continue
        if expected == SF:
            assert _is_second_factor(response), (url, persona, response.status_code)
            continue
        assert response.status_code == expected, (url, persona, response.status_code)
        wrong = persona in ("other_partner", "other_applicant")
        if wrong and expected == OK and kind not in ("public", "token"):
            body = _body(response)  # their own view: nothing of Luxembourg's
            assert SECRET_TITLE.encode() not in body, (url, persona)
            assert SECRET_ORGANISATION.encode() not in body, (url, persona)


@pytest.mark.parametrize(("name", "route", "params"), ACTIONS, ids=[u[0] for u in ACTIONS])
def test_each_action_refuses_get_and_wrong_people(world, name, route, params):
    url = reverse(name, kwargs=_kwargs(world, name, params))
    allowed = MATRIX[name]
    for persona in PERSONAS:
        response = world.client(persona).get(url)
        if persona == "anonymous":
            assert response.status_code == NA or _is_login(response), (url, response.status_code)
        elif persona in WITHOUT_SECOND_FACTOR and _is_second_factor(response):
            pass  # a staff action: the second factor first
        else:
            assert response.status_code in (NA, FB), (url, persona, response.status_code)
    if allowed == ANY:
        return
    if allowed == TOKEN_ACTION:  # no session is enough, whoever's: 401, nothing changed
        before = _snapshot()
        answers = {p: world.client(p).post(url, {}).status_code for p in PERSONAS}
        assert answers == dict.fromkeys(PERSONAS, 401) and _snapshot() == before, answers
        return
    for persona in PERSONAS:
        if persona in allowed:
            continue
        before = _snapshot()
        response = world.client(persona).post(url, {})
        if persona == "anonymous":
            assert _is_login(response), (url, response.status_code)
        elif persona in WITHOUT_SECOND_FACTOR and _is_second_factor(response):
            pass  # refused until they pass it
        else:
            assert response.status_code in (FB, NF), (url, persona, response.status_code)
        assert _snapshot() == before, (url, persona)


# --- The admin: a sample of its pages -----------------------------------------------------------
ADMIN_PAGES = [
    ("admin:index", lambda w: [], "admin_index"),
    ("admin:organisations_organisation_changelist", lambda w: [], "admin_programme"),
    ("admin:organisations_organisation_change", lambda w: [w.organisation.pk], "admin_programme"),
    ("admin:programmes_countryprogramme_changelist", lambda w: [], "admin_programme"),
    ("admin:programmes_countryprogramme_change", lambda w: [w.lu.pk], "admin_programme"),
]


@pytest.mark.parametrize(("name", "args", "kind"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES])
def test_each_admin_page_by_each_persona(world, name, args, kind):
    url = reverse(name, args=args(world))
    for persona, expected in KINDS[kind].items():
        response = world.client(persona).get(url)
        if expected == L:
            assert _is_login(response), (url, persona, response.status_code)
        elif expected == SF:
            assert _is_second_factor(response), (url, persona, response.status_code)
            assert SECRET_ORGANISATION.encode() not in response.content, (url, persona)
        else:
            assert response.status_code == expected, (url, persona, response.status_code)
