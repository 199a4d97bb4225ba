"""Decide every demo row in memory, from one seeded random generator and the day it is built for.

Nothing here touches the database: the builder writes what the plan says. Keeping the two apart
makes the data deterministic (same seed and day, same rows) and lets the builder write in bulk.
The day decides which editions the demo holds and how far each has come: nothing is dated after
it except event dates, windows and deadlines.
"""

import bisect
import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.utils.text import slugify
from schwifty import IBAN

from . import data, texts
from .places import Town, towns_by_country

# About 180 organisations over three editions of 900 to 1,400 proposals; most come back each year.
ORGANISATIONS_PER_PROPOSAL = 180 / 3300
MIN_ORGANISATIONS_PER_COUNTRY = 2
REQUESTED_VALIDATION_SHARE = 0.05  # organisations still waiting for their partner's check
REPORTED_SHARE = 0.88  # approved events whose organisation has reported
ACCEPTED_SHARE = 0.92  # of those reports, accepted by the partner (the rest wait)
BUDGET_HEADROOM = Decimal("1.08")  # budgets a little above what the approved grants reserve
DECIDED_AFTER = timedelta(days=14)  # partners decide on proposals sent at least this long ago
REVIEWED_STATES = ("approved", "cancelled", "rejected", "changes_requested")
UTC = ZoneInfo("UTC")


@dataclass(slots=True)
class Person:
    email: str
    first_name: str
    last_name: str
    language: str
    joined: datetime
    is_staff: bool = False
    is_programme_staff: bool = False


@dataclass(slots=True)
class OrgPlan:
    country: data.CountrySpec
    legal_form: data.LegalFormSpec
    name: str
    registration: str
    street: str
    postcode: str
    town: Town
    website: str
    phone: str
    iban: str
    owner: Person
    member: Person | None
    created_at: datetime
    validations: dict[int, "ValidationPlan"]  # edition year -> its validation
    language: str
    activity: float

    @property
    def updated_at(self) -> datetime:
        return max([v.validated_at for v in self.validations.values()] + [self.created_at])


@dataclass(slots=True)
class ValidationPlan:
    status: str  # validated or requested
    by_token: bool
    validated_at: datetime  # when the partner validated it, or when it asked for the check
    token_code: str
    carried_over: bool = False  # validated in an earlier edition, and its country keeps that


@dataclass(slots=True)
class ReportPlan:
    status: str
    numbers: dict[str, int]
    only_possible: bool
    went_well: str
    went_badly: str
    created_at: datetime
    submitted_at: datetime | None
    accepted_at: datetime | None


@dataclass(slots=True)
class ProposalPlan:
    org: OrgPlan
    status: str
    language: str
    title: str
    description: str
    format: str
    delivery: str
    age_min: int
    age_max: int
    expected: int
    focus: list[str]
    languages: list[str]
    starts_at: datetime
    ends_at: datetime
    duration: int
    venue_name: str
    address: str
    postcode: str
    city: str
    town: Town | None
    requested: Decimal
    lines: list[tuple[str, str, Decimal, Decimal | None]]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    closed_at: datetime | None = None  # withdrawn or cancelled
    grant_amount: Decimal | None = None
    sequence: int = 0
    paid_on: date | None = None
    report: ReportPlan | None = None
    scores: list[int] = field(default_factory=list)
    review_comment: str = ""
    reviewed_at: datetime | None = None


@dataclass
class EditionPlan:
    fields: dict  # the Edition's fields (data.edition)
    proposals: list[ProposalPlan]
    budgets: dict[str, Decimal]
    reserved: dict[str, Decimal]
    spare_tokens: list[tuple[str, str, str]]  # country, code, issued to (the open call only)


@dataclass
class Plan:
    built_for: date
    staff: dict[str, dict[str, Person]]  # partner key -> role -> person
    programme: Person
    organisations: list[OrgPlan]
    editions: list[EditionPlan]  # oldest first; the last one's call is open

    @property
    def proposals(self) -> list[ProposalPlan]:
        return [p for edition in self.editions for p in edition.proposals]


def edition_sizes(today: date, proposals: int | None) -> list[int]:
    """Proposals per demo edition, oldest first: ``proposals`` in all (default: full sizes), split
    as data.edition_weights says for ``today``."""
    weights = data.edition_weights(today)
    total = round(sum(weights.values())) if proposals is None else proposals
    counts = _allocate(total, {str(offset): weight for offset, weight in weights.items()})
    return [counts[str(offset)] for offset in sorted(weights)]


def _integrity_examples(proposals: list[ProposalPlan]) -> None:
    """What the integrity signals are for (grants.integrity), in the latest edition: two
    organisations with the same bank account, and a description sent again by a third one,
    in the demo partner's country (Luxembourg) when it has three organisations with a proposal
    handed in, submitted ones first (they are in the reviewers' queue)."""
    handed_in = [p for p in proposals if p.status not in ("draft", "withdrawn")]
    handed_in.sort(key=lambda p: p.status != "submitted")
    by_country: dict[str, list[ProposalPlan]] = {}
    for proposal in handed_in:
        chosen = by_country.setdefault(proposal.org.country.code, [])
        if proposal.org.registration not in {p.org.registration for p in chosen}:
            chosen.append(proposal)
    enough = [code for code, chosen in sorted(by_country.items()) if len(chosen) >= 3]
    if not enough:
        return
    first, second, third = by_country["LU" if "LU" in enough else enough[0]][:3]
    second.org.iban = first.org.iban
    third.description = first.description


class Planner:
    """Plans the demo editions around ``today`` for ``proposals`` proposals in all (default: their
    full sizes), deterministically from ``seed``."""

    def __init__(self, proposals: int | None, today: date, seed: int = data.SEED):
        self.rng = random.Random(seed)
        self.today = today
        # Nothing is dated after the start of the day (Brussels time): the demo is never ahead.
        self.now = datetime.combine(today, time(0), data.BRUSSELS)
        self.editions = data.demo_editions(today)
        self.sizes = edition_sizes(today, proposals)
        self.target = sum(self.sizes)
        self.towns = towns_by_country(tuple(spec.code for spec in data.COUNTRIES))
        self.people = 0
        self.used_registrations: set[tuple[str, str]] = set()
        self.used_names: set[str] = set()
        self.used_tokens: set[str] = set()
        self.budgets: dict[str, Decimal] = {}

    def plan(self) -> Plan:
        staff, programme = self._staff()
        organisations = self._organisations()
        editions = [
            self._edition(fields, size, organisations)
            for fields, size in zip(self.editions, self.sizes, strict=True)
        ]
        _integrity_examples(editions[-1].proposals)
        return Plan(self.today, staff, programme, organisations, editions)

    def _edition(self, fields: dict, size: int, organisations: list[OrgPlan]) -> EditionPlan:
        self.edition, self.open_call = fields, fields is self.editions[-1]
        self.event_days, self.call_days = _event_days(fields), _call_days(fields)
        proposals = self._proposals(organisations, size)
        proposals.sort(key=lambda p: (p.created_at, p.org.registration))
        reserved = self._number_grants(proposals)
        # An open call's budget is set for the whole year: never below the year before's.
        self.budgets = {
            code: max(self._budget(code, amount), self.budgets.get(code, Decimal(0)))
            for code, amount in reserved.items()
        }
        spare = self._spare_tokens() if self.open_call else []
        return EditionPlan(fields, proposals, self.budgets, reserved, spare)

    # --- people -------------------------------------------------------------------------------

    def _person(self, spec: data.CountrySpec, email: str = "", names=None) -> Person:
        first, last = names or (
            self.rng.choice(spec.first_names),
            self.rng.choice(spec.last_names),
        )
        self.people += 1
        if not email:
            local = f"{_ascii(first)}.{_ascii(last)}.{self.people:05d}"
            email = f"{local}@{data.DEMO_DOMAIN}"
        since = _at(self.editions[0]["applications_open"], 9) - timedelta(days=365)
        joined = since + timedelta(minutes=self.rng.randrange(0, 480 * 24 * 60))
        language = spec.text_languages[0][0]
        return Person(email, first, last, language, joined)

    def _staff(self) -> tuple[dict[str, dict[str, Person]], Person]:
        fixed = {
            ("socialware", "reviewer"): (data.DEMO_LOGINS["reviewer"], ("Marc", "Weber")),
            ("socialware", "manager"): (data.DEMO_LOGINS["manager"], ("Claire", "Thill")),
        }
        staff: dict[str, dict[str, Person]] = {}
        for partner in data.PARTNERS:
            spec = data.COUNTRY_BY_CODE[partner.countries[0]]
            staff[partner.key] = {}
            for role in ("reviewer", "manager"):
                email, names = fixed.get(
                    (partner.key, role), (f"{role}.{partner.key}@{data.DEMO_DOMAIN}", None)
                )
                staff[partner.key][role] = self._person(spec, email, names)
        programme = self._person(
            data.COUNTRY_BY_CODE["DE"], data.DEMO_LOGINS["programme"], ("Eva", "Lorenz")
        )
        programme.language = "en"
        programme.is_staff = programme.is_programme_staff = True
        return staff, programme

    # --- organisations ------------------------------------------------------------------------

    def _organisations(self) -> list[OrgPlan]:
        total = max(
            round(self.target * ORGANISATIONS_PER_PROPOSAL),
            MIN_ORGANISATIONS_PER_COUNTRY * len(data.COUNTRIES),
        )
        counts = _allocate(total, {spec.code: spec.share for spec in data.COUNTRIES})
        organisations = []
        for spec in data.COUNTRIES:
            for index in range(max(counts[spec.code], MIN_ORGANISATIONS_PER_COUNTRY)):
                demo = spec.code == data.DEMO_COUNTRY and index == 0
                organisations.append(self._organisation(spec, first=index == 0, demo=demo))
        return organisations

    def _organisation(self, spec: data.CountrySpec, *, first: bool, demo: bool) -> OrgPlan:
        rng = self.rng
        town = self.towns[spec.code].pick(rng)
        legal_form = rng.choice(spec.legal_forms)
        name = self._org_name(spec, legal_form, town)
        owner = self._person(
            spec, data.DEMO_LOGINS["applicant"] if demo else "", ("Léa", "Schmit") if demo else None
        )
        member = self._person(spec) if rng.random() < 0.3 else None
        span = range(len(self.editions)) if first else self._span()
        joined = _at(self.editions[span[0]]["applications_open"], 10)
        created = joined - timedelta(days=rng.randrange(20, 1900))
        language = _pick_weighted(rng, spec.text_languages)
        owner.language, owner.joined = language, created
        if member:
            member.language = language
            member.joined = min(created + _minutes(rng, 400 * 1440), self.now - timedelta(days=1))
        return OrgPlan(
            country=spec,
            legal_form=legal_form,
            name=name,
            registration=self._registration(spec),
            street=_street(rng, spec),
            postcode=_pattern(rng, spec.postcode),
            town=town,
            website=f"https://{slugify(name)[:40].strip('-') or 'org'}.example"
            if rng.random() < 0.6
            else "",
            phone=_pattern(rng, spec.phone),
            iban=IBAN.random(country_code=spec.code, random=rng).formatted,
            owner=owner,
            member=member,
            created_at=created,
            validations=self._validations(spec, span, first=first),
            language=language,
            activity=rng.lognormvariate(0, 0.6),
        )

    def _span(self) -> range:
        """The editions (indexes) an organisation takes part in: most come back every year."""
        rng, last = self.rng, len(self.editions) - 1
        start = _pick_weighted(rng, ((0, 80), (1, 12), (2, 8)))
        end = last if rng.random() < 0.9 else rng.randint(start, last)
        return range(start, end + 1)

    def _validations(self, spec, span: range, *, first: bool) -> dict[int, ValidationPlan]:
        """One per edition: by token or a manual check, or carried over where the country keeps
        returning organisations validated; a few still wait for their partner's check."""
        rng, validations = self.rng, {}
        for index in span:
            opens = datetime.combine(self.editions[index]["applications_open"], time(0), UTC)
            if index > span[0] and spec.code in data.STAY_VALIDATED:
                when, carried, requested, by_token = opens, True, False, False
            else:
                when, carried = opens + _minutes(rng, 40 * 1440, 8 * 60), False
                requested = not first and rng.random() < REQUESTED_VALIDATION_SHARE
                by_token = not requested and rng.random() < 0.6
            if when >= self.now:
                when = self.now - _minutes(rng, 600, 5)
            validations[self.editions[index]["year"]] = ValidationPlan(
                status="requested" if requested else "validated",
                by_token=by_token,
                validated_at=when,
                token_code=self._token(self.editions[index]["code"]) if by_token else "",
                carried_over=carried,
            )
        return validations

    def _org_name(self, spec, legal_form, town: Town) -> str:
        for attempt in range(20):
            stem = self.rng.choice(spec.stems)
            name = legal_form.template.format(stem=stem, city=town.name)
            if attempt > 10:
                name = f"{name} {attempt - 9}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return f"{name} {self.people}"

    def _registration(self, spec) -> str:
        while True:
            number = _pattern(self.rng, spec.registration)
            if (spec.code, number) not in self.used_registrations:
                self.used_registrations.add((spec.code, number))
                return number

    def _token(self, prefix: str) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand
        while True:
            code = f"{prefix}-" + "".join(self.rng.choices(alphabet, k=10))
            if code not in self.used_tokens:
                self.used_tokens.add(code)
                return code

    def _spare_tokens(self) -> list[tuple[str, str, str]]:
        """Tokens a partner issued that nobody redeemed yet: two per country."""
        return [
            (
                spec.code,
                self._token(self.edition["code"]),
                f"contact{n}.{spec.code.lower()}@{data.DEMO_DOMAIN}",
            )
            for spec in data.COUNTRIES
            for n in (1, 2)
        ]

    # --- proposals ----------------------------------------------------------------------------

    def _proposals(self, organisations: list[OrgPlan], size: int) -> list[ProposalPlan]:
        year = self.edition["year"]
        demo_org = next(o for o in organisations if o.owner.email == data.DEMO_LOGINS["applicant"])
        plans = [
            self._proposal(demo_org, state, report, demo=True)
            for state, report in self._demo_applicant_states()[:size]
        ]
        active = [
            o
            for o in organisations
            if year in o.validations and o.validations[year].status == "validated"
        ]
        if self.open_call and plans:
            plans += self._queue(active, size - len(plans))
        weights = self._org_weights(active)
        states, state_weights = zip(*data.STATE_WEIGHTS.items(), strict=True)
        for _ in range(max(size - len(plans), 0)):
            org = self.rng.choices(active, cum_weights=weights, k=1)[0]
            state = self.rng.choices(states, weights=state_weights, k=1)[0]
            plans.append(self._proposal(org, state, "random"))
        return plans

    def _queue(self, active: list[OrgPlan], room: int) -> list[ProposalPlan]:
        """Proposals waiting for the demo partner's decision (data.DEMO_QUEUE)."""
        demo = data.DEMO_LOGINS["applicant"]
        plans = []
        for code, count in data.DEMO_QUEUE.items():
            orgs = [o for o in active if o.country.code == code and o.owner.email != demo]
            for _ in range(count if orgs else 0):
                plans.append(self._proposal(self.rng.choice(orgs), "submitted", None))
        return plans[: max(room, 0)]

    def _demo_applicant_states(self) -> list[tuple[str, str | None]]:
        if not self.open_call:
            return data.DEMO_APPLICANT_PAST_PROPOSALS
        # On the call's first day nothing can have been written for it yet.
        return data.DEMO_APPLICANT_PROPOSALS if self.call_days[0][0] < self.today else []

    def _org_weights(self, active: list[OrgPlan]) -> list[float]:
        per_country: dict[str, float] = {}
        for org in active:
            per_country[org.country.code] = per_country.get(org.country.code, 0) + org.activity
        cum, total = [], 0.0
        for org in active:
            total += org.country.share * org.activity / per_country[org.country.code]
            cum.append(total)
        return cum

    def _proposal(
        self, org: OrgPlan, state: str, report: str | None, *, demo: bool = False
    ) -> ProposalPlan:
        rng, spec = self.rng, org.country
        language = _pick_weighted(rng, spec.text_languages)
        words = texts.TEXTS[language]
        fmt = _pick_weighted(rng, data.FORMAT_WEIGHTS.items())
        age_min, age_max = rng.choice(data.AGE_RANGES)
        focus = _sample_weighted(rng, data.FOCUS_WEIGHTS, rng.choice((1, 1, 2, 2, 2, 3)))
        starts_at, ends_at, duration = self._when(spec, fmt, self._wanted_days(demo, report))
        delivery = _pick_weighted(rng, (("in_person", 85), ("hybrid", 8), ("online", 7)))
        town = org.town if rng.random() < 0.5 else self.towns[spec.code].pick(rng)
        requested = self._requested(spec)
        plan = ProposalPlan(
            org=org,
            status=state,
            language=language,
            title="",
            description="",
            format=fmt,
            delivery=delivery,
            age_min=age_min,
            age_max=age_max,
            expected=self._expected(spec, fmt),
            focus=focus,
            languages=self._languages(spec, language),
            starts_at=starts_at,
            ends_at=ends_at,
            duration=duration,
            venue_name="" if delivery == "online" else rng.choice(words["venues"]),
            address="" if delivery == "online" else _street(rng, spec),
            postcode="" if delivery == "online" else _pattern(rng, spec.postcode),
            city=town.name,
            town=None if delivery == "online" else town,
            requested=requested,
            lines=self._lines(spec, requested, words),
            created_at=starts_at,
            updated_at=starts_at,
        )
        self._write_texts(plan, words)
        self._history(plan, settled=demo and state not in ("draft", "submitted"))
        if plan.status in ("approved", "cancelled"):
            plan.grant_amount = self._grant_amount(spec, requested)
        if plan.status in REVIEWED_STATES or plan.reviewed_at:
            self._review(plan)
        if plan.status == "approved":
            self._report(plan, report)
        return plan

    def _wanted_days(self, demo: bool, report: str | None) -> tuple[date, date] | None:
        """The demo applicant's events: reported ones well past, unreported ones still to come."""
        if not demo:
            return None
        if report:
            return (date.min, self.today - timedelta(days=40))
        return (self.today + timedelta(days=7), date.max)

    def _write_texts(self, plan: ProposalPlan, words: dict) -> None:
        rng = self.rng
        audience = (
            words["focus"][plan.focus[0]] if rng.random() < 0.6 else rng.choice(words["audience"])
        )
        values = {
            "format": words["formats"][plan.format],
            "topic": rng.choice(words["topics"]),
            "audience": audience,
            "city": plan.city,
            "age_min": plan.age_min,
            "age_max": plan.age_max,
        }
        title = rng.choice(texts.TITLES).format(**values)
        plan.title = title[:1].upper() + title[1:120]
        plan.venue_name = plan.venue_name.format(**values)
        plan.description = " ".join(
            [
                rng.choice(words["intro"]).format(**values),
                rng.choice(words["middle"]),
                rng.choice(words["closing"]),
            ]
        )

    def _event_day(self, wanted: tuple[date, date] | None) -> date:
        days, cum = self.event_days
        if wanted:
            chosen = [i for i, day in enumerate(days) if wanted[0] <= day <= wanted[1]]
            if chosen:  # else the day allows no such event: any day
                return days[self.rng.choice(chosen)]
        return self.rng.choices(days, cum_weights=cum, k=1)[0]

    def _when(self, spec, fmt: str, wanted=None) -> tuple[datetime, datetime, int]:
        """Start, end and net minutes of an event inside the edition's window."""
        rng, tz = self.rng, ZoneInfo(spec.timezone)
        day = self._event_day(wanted)
        last_day = self.edition["event_end"]
        hour = rng.choice((9, 10, 10, 13, 14, 14, 15, 16))
        if fmt == "coding_night":
            hour = 18
        minute = 0 if fmt == "coding_night" else rng.choice((0, 0, 30))  # over by midnight
        start = datetime.combine(day, time(hour, minute), tz)
        if fmt == "hackathon" and day < last_day and rng.random() < 0.5:
            start = datetime.combine(day, time(9, 0), tz)
            end = datetime.combine(day + timedelta(days=1), time(17, 0), tz)
            return start, end, max(900, spec.min_duration)
        if fmt == "robotics":
            # Weekly sessions that together last at least the country's minimum.
            sessions = min(rng.randint(2, 8), (last_day - day).days // 7 + 1)
            session = max(rng.choice((90, 120)), -(-spec.min_duration // sessions))
            end = start + timedelta(weeks=sessions - 1, minutes=session)
            return start, end, session * sessions
        minutes = max(_duration(rng, fmt), spec.min_duration)
        breaks = 30 if minutes > 180 else 0
        if fmt != "coding_night" and hour * 60 + minutes + breaks > 21 * 60:
            start = start.replace(hour=9, minute=0)
        return start, start + timedelta(minutes=minutes + breaks), minutes

    def _expected(self, spec, fmt: str) -> int:
        low, high = {
            "workshop": (12, 30),
            "robotics": (10, 18),
            "hackathon": (20, 60),
            "conference": (50, 200),
            "film": (20, 60),
            "competition": (15, 50),
            "coding_night": (15, 40),
        }.get(fmt, (15, 40))
        return max(self.rng.randint(low, high), spec.min_participants + self.rng.randint(0, 5))

    def _languages(self, spec, main: str) -> list[str]:
        chosen = [main]
        for code, chance in spec.extra_languages:
            if code not in chosen and self.rng.random() < chance:
                chosen.append(code)
        return chosen

    def _requested(self, spec) -> Decimal:
        eur = 500 if self.rng.random() < 0.35 else self.rng.randrange(150, 500, 10)
        local = _round_to(Decimal(eur) * spec.rate, spec.round_to, ROUND_FLOOR)
        return min(local, spec.max_grant)

    def _lines(self, spec, amount: Decimal, words: dict) -> list:
        """Budget lines in distinct eligible categories that add up to the amount exactly."""
        rng, unit = self.rng, spec.round_to
        units = int(amount / unit)
        count = min(_pick_weighted(rng, ((1, 15), (2, 35), (3, 35), (4, 15))), units)
        categories = _sample_weighted(
            rng,
            {"trainer": 40, "materials": 30, "software": 12, "promotion": 10, "tech_help": 8,
             "venue": 8},
            count,
        )  # fmt: skip
        parts = _split(rng, units, [rng.uniform(1, 3) for _ in categories])
        return [
            (category, words["budget"][category], Decimal(part * unit), None)
            for category, part in zip(categories, parts, strict=True)
            if part
        ]

    def _grant_amount(self, spec, requested: Decimal) -> Decimal:
        if self.rng.random() < 0.85:
            return requested
        cut = requested * Decimal(str(round(self.rng.uniform(0.7, 0.95), 2)))
        return max(_round_to(cut, spec.round_to, ROUND_FLOOR), Decimal(spec.round_to))

    # --- history: when things happened --------------------------------------------------------

    def _history(self, plan: ProposalPlan, *, settled: bool = False) -> None:
        """When it was written, sent, decided, closed: all before the day the demo is built for;
        an open call's proposals sent in the last weeks still wait for their decision (unless
        ``settled``, when the day allows: the demo applicant's)."""
        rng, start = self.rng, plan.starts_at
        opens = _at(self.edition["applications_open"], 7)
        limit = min(self.now, self.edition["application_deadline"], start - timedelta(days=10))
        if settled and self.now - opens > DECIDED_AFTER * 2:
            limit = min(limit, self.now - DECIDED_AFTER * 1.5)
        submitted = self._call_moment(opens, limit)
        plan.created_at = plan.updated_at = max(opens, submitted - _minutes(rng, 10 * 1440, 60))
        if plan.status == "draft" or (plan.status == "withdrawn" and rng.random() < 0.4):
            plan.updated_at = self._clip(plan.created_at, plan.created_at + _minutes(rng, 5 * 1440))
            if plan.status == "withdrawn":
                plan.closed_at = plan.updated_at
            return
        plan.submitted_at = plan.updated_at = submitted
        if plan.status == "withdrawn":
            plan.closed_at = plan.updated_at = self._clip(
                submitted, submitted + _minutes(rng, 8 * 1440, 60)
            )
        elif plan.status != "submitted" and self.now - submitted < DECIDED_AFTER:
            plan.status = "submitted"
        if plan.status == "submitted":
            self._maybe_in_review(plan)
        elif plan.status != "withdrawn":
            self._decide(plan)

    def _call_moment(self, opens: datetime, limit: datetime) -> datetime:
        """A moment of the call before ``limit``, on a day as busy as the call's months say."""
        days, cum = self.call_days
        count = bisect.bisect_left(days, limit.date())
        moment = opens
        if count:
            index = bisect.bisect_left(cum, self.rng.random() * cum[count - 1])
            moment = _at(days[index], 7) + _minutes(self.rng, 14 * 60)
        return moment if moment < limit else limit - _minutes(self.rng, 300, 30)

    def _clip(self, since: datetime, moment: datetime) -> datetime:
        """``moment``, or a moment between ``since`` and now when it would lie ahead."""
        return moment if moment < self.now else since + (self.now - since) * self.rng.random()

    def _maybe_in_review(self, plan: ProposalPlan) -> None:
        """In the open call, half the waiting proposals have a review but no decision yet."""
        if self.open_call and self.rng.random() < 0.5:
            plan.reviewed_at = plan.submitted_at + (self.now - plan.submitted_at) * 0.6

    def _decide(self, plan: ProposalPlan) -> None:
        """Partners decide within three weeks, before the event and before now."""
        rng, submitted, start = self.rng, plan.submitted_at, plan.starts_at
        room = min(start - timedelta(days=1), self.now) - submitted
        plan.decided_at = submitted + min(room * 0.9, timedelta(days=rng.uniform(3, 21)))
        plan.reviewed_at = submitted + (plan.decided_at - submitted) * 0.6
        plan.updated_at = plan.decided_at
        if plan.status == "cancelled":
            end = min(start, self.now) - timedelta(hours=2)
            rest = max(end - plan.decided_at, timedelta(hours=1))
            closed = self._clip(plan.decided_at, plan.decided_at + rest * rng.random())
            plan.closed_at = plan.updated_at = closed

    def _review(self, plan: ProposalPlan) -> None:
        low, high, kind = {
            "approved": (3, 5, "good"),
            "cancelled": (3, 5, "good"),
            "changes_requested": (2, 4, "changes"),
            "rejected": (1, 3, "weak"),
            "submitted": (2, 5, "good"),
        }[plan.status]
        plan.scores = [self.rng.randint(low, high) for _ in data.CRITERIA]
        plan.review_comment = self.rng.choice(texts.REVIEW_COMMENTS[kind])

    def _report(self, plan: ProposalPlan, kind: str | None) -> None:
        """Reports on events that are over: most sent two days after, then accepted; recent ones
        may still be drafts or missing; a few never come (overdue)."""
        rng = self.rng
        if kind == "random":
            if rng.random() >= REPORTED_SHARE:
                return
            kind = "accepted" if rng.random() < ACCEPTED_SHARE else "submitted"
        if kind is None or plan.ends_at >= self.now:
            return
        delay = _minutes(rng, 46 * 60, 120) if rng.random() < 0.9 else _minutes(rng, 10 * 1440)
        created, submitted = plan.ends_at + delay * 0.5, plan.ends_at + delay
        accepted = submitted + _minutes(rng, 19 * 1440, 2 * 1440) if kind == "accepted" else None
        if submitted >= self.now:
            if created >= self.now or rng.random() < 0.4:
                return
            kind, submitted = "draft", None
        if accepted and accepted >= self.now:
            kind, accepted = "submitted", None
        plan.report = self._report_plan(plan, kind, created, submitted, accepted)

    def _report_plan(self, plan: ProposalPlan, kind: str, created, submitted, accepted):
        words, rng = texts.TEXTS[plan.language], self.rng
        report = ReportPlan(
            status=kind,
            numbers=self._report_numbers(plan),
            only_possible=rng.random() < 0.68,
            went_well=rng.choice(words["well"]),
            went_badly=rng.choice(words["badly"]),
            created_at=created,
            submitted_at=submitted,
            accepted_at=accepted,
        )
        plan.lines = [
            (category, text, amount, self._actual(amount, plan.org.country.round_to))
            for category, text, amount, _ in plan.lines
        ]
        return report

    def _actual(self, amount: Decimal, unit: int) -> Decimal:
        if self.rng.random() < 0.7:
            return amount
        return max(_round_to(amount * Decimal(str(self.rng.uniform(0.85, 1.1))), unit), Decimal(0))

    def _report_numbers(self, plan: ProposalPlan) -> dict[str, int]:
        """Participants by age band, gender and focus group; bands and genders add up."""
        rng = self.rng
        total = max(5, round(plan.expected * rng.uniform(0.75, 1.25)))
        bands = {"age_under_8": (0, 7), "age_8_12": (8, 12), "age_13_16": (13, 16),
                 "age_17_24": (17, 24), "age_over_24": (25, 30)}  # fmt: skip
        weights = [
            max(0, min(hi, plan.age_max) - max(lo, plan.age_min) + 1) + 0.03
            for lo, hi in bands.values()
        ]
        numbers = dict(zip(bands, _split(rng, total, weights), strict=True))
        girls = "girls" in plan.focus
        female = round(total * (rng.uniform(0.6, 0.95) if girls else rng.uniform(0.25, 0.55)))
        other = min(round(total * rng.uniform(0, 0.04)), total - female)
        numbers.update(gender_female=female, gender_other=other, gender_male=total - female - other)
        shares = {
            "refugees": ("refugees", (0.3, 0.8), (0.0, 0.08)),
            "migration_background": ("migration-background", (0.3, 0.7), (0.05, 0.2)),
            "disability": ("disability", (0.2, 0.6), (0.0, 0.1)),
            "low_income": ("low-income", (0.4, 0.8), (0.15, 0.35)),
            "no_own_device": ("no-own-device", (0.3, 0.7), (0.1, 0.3)),
            "deprived_area": ("deprived-area", (0.4, 0.9), (0.05, 0.3)),
        }
        for name, (code, focused, usual) in shares.items():
            numbers[name] = round(total * rng.uniform(*(focused if code in plan.focus else usual)))
        numbers["first_contact_with_coding"] = round(total * rng.uniform(0.25, 0.65))
        numbers["participants_total"] = total
        return numbers

    # --- grants and budgets -------------------------------------------------------------------

    def _number_grants(self, proposals: list[ProposalPlan]) -> dict[str, Decimal]:
        """Grant numbers in the order of approval, per country; the reserved sums."""
        reserved = {spec.code: Decimal(0) for spec in data.COUNTRIES}
        granted = sorted(
            (p for p in proposals if p.grant_amount is not None),
            key=lambda p: (p.decided_at, p.org.registration),
        )
        sequences: dict[str, int] = {}
        for plan in granted:
            code = plan.org.country.code
            sequences[code] = plan.sequence = sequences.get(code, 0) + 1
            if plan.status == "approved":
                reserved[code] += plan.grant_amount
                plan.paid_on = self._paid_on(plan)
        return reserved

    def _paid_on(self, plan: ProposalPlan) -> date | None:
        """Paid a few days after approval or after the accepted report, if that day is past."""
        if plan.org.country.payment_timing == "before_event":
            paid = (plan.decided_at + timedelta(days=self.rng.randint(3, 10))).date()
        elif plan.report and plan.report.accepted_at:
            paid = (plan.report.accepted_at + timedelta(days=self.rng.randint(5, 15))).date()
        else:
            return None
        return paid if paid < self.today else None

    def _budget(self, code: str, reserved: Decimal) -> Decimal:
        spec = data.COUNTRY_BY_CODE[code]
        step = _round_to(Decimal(1000) * spec.rate, 1000, ROUND_CEILING)
        wanted = max(reserved * BUDGET_HEADROOM, spec.max_grant * 10)
        return _round_to(wanted, int(step), ROUND_CEILING)


# --- small helpers ----------------------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _minutes(rng: random.Random, spread: int, least: int = 0) -> timedelta:
    return timedelta(minutes=least + rng.randrange(0, max(spread, 1)))


def _call_days(edition: dict) -> tuple[list[date], list[float]]:
    """Days of the call with their cumulative weight (data.CALL_MONTH_WEIGHTS)."""
    day, last = edition["applications_open"], edition["application_deadline"].date()
    days, cum, total = [], [], 0.0
    while day <= last:
        total += data.CALL_MONTH_WEIGHTS[day.month]
        days.append(day)
        cum.append(total)
        day += timedelta(days=1)
    return days, cum


def _event_days(edition: dict) -> tuple[list[date], list[float]]:
    """Days of the event window with their weight: busier after the summer holidays, busiest in
    EU Code Week (mid-October)."""
    start, end = edition["event_start"], edition["event_end"]
    month_weight = {6: 0.8, 7: 0.5, 8: 0.35, 9: 1.0, 10: 1.5}
    days, cum, total = [], [], 0.0
    day = start
    while day <= end:
        weight = month_weight[day.month] * (1.4 if day.weekday() >= 5 else 1.0)
        if day.month == 10 and 5 <= day.day <= 20:
            weight *= 1.6
        total += weight
        days.append(day)
        cum.append(total)
        day += timedelta(days=1)
    return days, cum


def _duration(rng: random.Random, fmt: str) -> int:
    choices = {
        "workshop": (90, 120, 150, 180, 240),
        "conference": (240, 300, 360, 420),
        "film": (120, 150, 180),
        "competition": (180, 240, 300, 360),
        "coding_night": (240, 270, 300),
        "hackathon": (360, 420, 480),
    }
    return rng.choice(choices.get(fmt, (90, 120, 180, 240)))


def _pick_weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _sample_weighted(rng: random.Random, weights: dict[str, float], count: int) -> list[str]:
    pool = dict(weights)
    chosen = []
    for _ in range(min(count, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()), k=1)[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split a whole number by noisy weights into whole parts that add up to it exactly."""
    noisy = [w * rng.uniform(0.6, 1.4) for w in weights]
    scale = total / sum(noisy)
    raw = [w * scale for w in noisy]
    parts = [int(r) for r in raw]
    by_fraction = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_fraction[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder allocation of a whole number by shares."""
    raw = {key: total * share / sum(shares.values()) for key, share in shares.items()}
    counts = {key: int(value) for key, value in raw.items()}
    rest = sorted(raw, key=lambda key: raw[key] - counts[key], reverse=True)
    for key in rest[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _round_to(amount: Decimal, unit: int, rounding=None) -> Decimal:
    units = (amount / unit).quantize(Decimal(1), rounding=rounding or "ROUND_HALF_EVEN")
    return (units * unit).quantize(Decimal("0.01"))


def _pattern(rng: random.Random, pattern: str) -> str:
    out = []
    for char in pattern:
        if char == "#":
            out.append(rng.choice(string.digits))
        elif char == "A":
            out.append(rng.choice(string.ascii_uppercase))
        else:
            out.append(char)
    return "".join(out)


def _street(rng: random.Random, spec: data.CountrySpec) -> str:
    street, number = rng.choice(spec.streets), rng.randint(1, 120)
    return f"{number} {street}" if spec.number_first else f"{street} {number}"


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ı": "i", "'": ""})


def _ascii(name: str) -> str:
    return slugify(name.translate(_ASCII)) or "person"
