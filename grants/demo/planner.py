"""Decide every demo row in memory, from one seeded random generator and fixed dates.

Nothing here touches the database: the builder writes what the plan says. Keeping the two apart
makes the data deterministic (same seed, same rows, whatever day it runs) and lets the builder
write in bulk.
"""

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

ORGANISATIONS_PER_PROPOSAL = 150 / 1700  # the 2024 edition: about 150 organisations, 1,700 ideas
MIN_ORGANISATIONS_PER_COUNTRY = 2
REQUESTED_VALIDATION_SHARE = 0.05  # organisations still waiting for their partner's check
REPORTED_SHARE = 0.88  # approved events whose organisation has reported
ACCEPTED_SHARE = 0.82  # of those reports, accepted by the partner (the rest wait)
BUDGET_HEADROOM = Decimal("1.08")  # budgets a little above what the approved grants reserve
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
    validation: str  # validated or requested
    by_token: bool
    validated_at: datetime
    token_code: str
    language: str
    activity: float


@dataclass(slots=True)
class ReportPlan:
    status: str
    numbers: dict[str, int]
    only_possible: bool
    went_well: str
    went_badly: str
    created_at: datetime
    submitted_at: datetime
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
class Plan:
    staff: dict[str, dict[str, Person]]  # partner key -> role -> person
    programme: Person
    organisations: list[OrgPlan]
    proposals: list[ProposalPlan]
    budgets: dict[str, Decimal]
    reserved: dict[str, Decimal]
    spare_tokens: list[tuple[str, str, str]]  # country, code, issued to


class Planner:
    """Plans the 2024 edition for ``proposals`` proposals, deterministically from ``seed``."""

    def __init__(self, proposals: int, seed: int = data.SEED):
        self.rng = random.Random(seed)
        self.target = proposals
        self.towns = towns_by_country(tuple(spec.code for spec in data.COUNTRIES))
        self.people = 0
        self.used_registrations: set[tuple[str, str]] = set()
        self.used_names: set[str] = set()
        self.used_tokens: set[str] = set()
        self.event_days = _event_days()

    def plan(self) -> Plan:
        staff, programme = self._staff()
        organisations = self._organisations()
        proposals = self._proposals(organisations)
        proposals.sort(key=lambda p: (p.created_at, p.org.registration))
        reserved = self._number_grants(proposals)
        budgets = {code: self._budget(code, amount) for code, amount in reserved.items()}
        return Plan(
            staff, programme, organisations, proposals, budgets, reserved, self._spare_tokens()
        )

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
        joined = _at(date(2023, 1, 9), 9) + timedelta(minutes=self.rng.randrange(0, 480 * 24 * 60))
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
        created = _at(date(2019, 1, 7), 10) + timedelta(days=rng.randrange(0, 1920))
        requested = not first and rng.random() < REQUESTED_VALIDATION_SHARE
        by_token = not requested and rng.random() < 0.6
        # When the partner validated it, or when it asked for the check it still waits for.
        validated_at = _at(date(2024, 4, 15), 9) + _minutes(rng, 25 * 1440)
        language = _pick_weighted(rng, spec.text_languages)
        owner.language, owner.joined = language, created
        if member:
            member.language = language
            member.joined = created + _minutes(rng, 400 * 1440)
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
            validation="requested" if requested else "validated",
            by_token=by_token,
            validated_at=validated_at,
            token_code=self._token() if by_token else "",
            language=language,
            activity=rng.lognormvariate(0, 0.6),
        )

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

    def _token(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand
        while True:
            code = "MC24-" + "".join(self.rng.choices(alphabet, k=10))
            if code not in self.used_tokens:
                self.used_tokens.add(code)
                return code

    def _spare_tokens(self) -> list[tuple[str, str, str]]:
        """Tokens a partner issued that nobody redeemed yet: two per country."""
        return [
            (spec.code, self._token(), f"contact{n}.{spec.code.lower()}@{data.DEMO_DOMAIN}")
            for spec in data.COUNTRIES
            for n in (1, 2)
        ]

    # --- proposals ----------------------------------------------------------------------------

    def _proposals(self, organisations: list[OrgPlan]) -> list[ProposalPlan]:
        demo_org = next(o for o in organisations if o.owner.email == data.DEMO_LOGINS["applicant"])
        plans = [
            self._proposal(demo_org, state, report)
            for state, report in data.DEMO_APPLICANT_PROPOSALS
        ]
        active = [o for o in organisations if o.validation == "validated"]
        weights = self._org_weights(active)
        states, state_weights = zip(*data.STATE_WEIGHTS.items(), strict=True)
        for _ in range(max(self.target - len(plans), 0)):
            org = self.rng.choices(active, cum_weights=weights, k=1)[0]
            state = self.rng.choices(states, weights=state_weights, k=1)[0]
            plans.append(self._proposal(org, state, "random"))
        return plans

    def _org_weights(self, active: list[OrgPlan]) -> list[float]:
        per_country: dict[str, float] = {}
        for org in active:
            per_country[org.country.code] = per_country.get(org.country.code, 0) + org.activity
        cum, total = [], 0.0
        for org in active:
            total += org.country.share * org.activity / per_country[org.country.code]
            cum.append(total)
        return cum

    def _proposal(self, org: OrgPlan, state: str, report: str | None) -> ProposalPlan:
        rng, spec = self.rng, org.country
        language = _pick_weighted(rng, spec.text_languages)
        words = texts.TEXTS[language]
        fmt = _pick_weighted(rng, data.FORMAT_WEIGHTS.items())
        age_min, age_max = rng.choice(data.AGE_RANGES)
        focus = _sample_weighted(rng, data.FOCUS_WEIGHTS, rng.choice((1, 1, 2, 2, 2, 3)))
        starts_at, ends_at, duration = self._when(spec, fmt)
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
        self._history(plan)
        if state in ("approved", "cancelled"):
            plan.grant_amount = self._grant_amount(spec, requested)
        if state in ("approved", "cancelled", "rejected", "changes_requested"):
            self._review(plan)
        if state == "approved":
            self._report(plan, report)
        return plan

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

    def _when(self, spec, fmt: str) -> tuple[datetime, datetime, int]:
        """Start, end and net minutes of an event inside the edition's window."""
        rng, tz = self.rng, ZoneInfo(spec.timezone)
        day = rng.choices(self.event_days[0], cum_weights=self.event_days[1], k=1)[0]
        last_day = data.EDITION["event_end"]
        hour = rng.choice((9, 10, 10, 13, 14, 14, 15, 16))
        if fmt == "coding_night":
            hour = 18
        start = datetime.combine(day, time(hour, rng.choice((0, 0, 30))), tz)
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

    def _history(self, plan: ProposalPlan) -> None:
        rng, start = self.rng, plan.starts_at
        edition = data.EDITION
        earliest = max(_at(date(2024, 5, 13), 8), start - timedelta(days=75))
        latest = min(edition["application_deadline"], start - timedelta(days=10))
        submitted = earliest + (latest - earliest) * rng.random()
        created = max(
            _at(edition["applications_open"], 8), submitted - _minutes(rng, 10 * 1440, 60)
        )
        plan.created_at = plan.updated_at = created
        if plan.status == "draft" or (plan.status == "withdrawn" and rng.random() < 0.4):
            plan.updated_at = created + _minutes(rng, 5 * 1440)
            if plan.status == "withdrawn":
                plan.closed_at = plan.updated_at
            return
        plan.submitted_at = plan.updated_at = submitted
        if plan.status == "submitted":
            return
        if plan.status == "withdrawn":
            plan.closed_at = plan.updated_at = submitted + _minutes(rng, 8 * 1440, 60)
            return
        # Submitted at least ten days before the event; partners decide within three weeks.
        room = start - timedelta(days=1) - submitted
        plan.decided_at = submitted + min(room * 0.9, timedelta(days=rng.uniform(3, 21)))
        plan.reviewed_at = submitted + (plan.decided_at - submitted) * 0.6
        plan.updated_at = plan.decided_at
        if plan.status == "cancelled":
            rest = max(start - plan.decided_at - timedelta(hours=2), timedelta(hours=1))
            plan.closed_at = plan.updated_at = plan.decided_at + rest * rng.random()

    def _review(self, plan: ProposalPlan) -> None:
        low, high, kind = {
            "approved": (3, 5, "good"),
            "cancelled": (3, 5, "good"),
            "changes_requested": (2, 4, "changes"),
            "rejected": (1, 3, "weak"),
        }[plan.status]
        plan.scores = [self.rng.randint(low, high) for _ in data.CRITERIA]
        plan.review_comment = self.rng.choice(texts.REVIEW_COMMENTS[kind])

    def _report(self, plan: ProposalPlan, kind: str | None) -> None:
        rng = self.rng
        if kind == "random":
            if rng.random() >= REPORTED_SHARE:
                return
            kind = "accepted" if rng.random() < ACCEPTED_SHARE else "submitted"
        if kind is None:
            return
        delay = _minutes(rng, 46 * 60, 120) if rng.random() < 0.9 else _minutes(rng, 10 * 1440)
        submitted = plan.ends_at + delay
        words = texts.TEXTS[plan.language]
        plan.report = ReportPlan(
            status=kind,
            numbers=self._report_numbers(plan),
            only_possible=rng.random() < 0.68,
            went_well=rng.choice(words["well"]),
            went_badly=rng.choice(words["badly"]),
            created_at=plan.ends_at + delay * 0.5,
            submitted_at=submitted,
            accepted_at=submitted + _minutes(rng, 19 * 1440, 2 * 1440)
            if kind == "accepted"
            else None,
        )
        plan.lines = [
            (category, text, amount, self._actual(amount, plan.org.country.round_to))
            for category, text, amount, _ in plan.lines
        ]

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
        if plan.org.country.payment_timing == "before_event":
            return (plan.decided_at + timedelta(days=self.rng.randint(3, 10))).date()
        if plan.report and plan.report.accepted_at:
            return (plan.report.accepted_at + timedelta(days=self.rng.randint(5, 15))).date()
        return None

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


def _event_days() -> tuple[list[date], list[float]]:
    """Days of the event window with their weight: busier after the summer holidays, busiest in
    EU Code Week (mid-October)."""
    start, end = data.EDITION["event_start"], data.EDITION["event_end"]
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
