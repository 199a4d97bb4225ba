"""Load test: gunicorn on PostgreSQL, demo data of 10,000 and 100,000 proposals, driven by wrk.

For each size it
1. builds the database once (``seed_demo --proposals N``; reused when it already holds N demo
   proposals), named after DATABASE_URL's database plus the size: ``meetandcode_bench10k``;
2. prepares, in a Django process of its own (``--prepare``): 20 partner managers' sessions with
   two-factor passed, an applicant's session, the pages to ask for, the query count of one
   request of each page (Django's test client), and the GeoJSON feed's bytes, written as a
   static file under STATIC_ROOT;
3. starts gunicorn (gunicorn.conf.py, production settings: DEBUG off) and checks that every
   page answers 200 and that /events.geojson and the static file are the same bytes;
4. drives it with wrk (bench/load.lua), one run per page and a run of the public mix, each a
   closed loop (every connection sends its next request as soon as it has the answer: the
   most the server gives, saturation); then two paced runs, the load issue 9's targets name:
   the public mix offered at 300 req/s, and 20 reviewers each pausing between pages.

Then it runs bench/letters.py once (letters per minute for one worker) and writes
bench/results.md. It fails only when something does not work (a page not 200, an error under
load); the targets are reported, met or missed, not enforced: the machine may be shared.

    TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/meetandcode_bench \
        REDIS_URL=redis://127.0.0.1:6379/3 python -m bench.load 10000 100000

wrk talks to nginx in front of gunicorn (bench/proxy.py), as production does (docs/deploy.md).

Settings (environment): LOAD_SECONDS (15) per run, LOAD_WORKERS (2 x cores + 1) and
LOAD_THREADS (1) for gunicorn, LOAD_PROXY=none for wrk straight to gunicorn, LOAD_LETTERS=0
skips the letters, LOAD_ROWS="map page|public mix" runs only those rows and writes no results
(a quick look while working on a page).
"""

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import proxy
from grants.demo.data import DEMO_DOMAIN  # plain data: no Django set-up needed

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench-load"
STATIC_ROOT = WORK_DIR / "static"
RESULTS = BASE_DIR / "bench" / "results.md"
# The results' hand-written part: from this heading on, a new run keeps it as it is.
NOTES = "# Notes written by hand"
LUA = BASE_DIR / "bench" / "load.lua"
PY = sys.executable
# Shared by the gunicorn processes and the --prepare process (sessions are signed with it).
SECRET_KEY = "bench-load-only-" + "x" * 40

SECONDS = int(os.environ.get("LOAD_SECONDS", "15"))
WARMUP_SECONDS = 5
BESIDE_SECONDS = max(3, SECONDS // 2)  # the floor right before and after each page with a target
CORES = len(os.sched_getaffinity(0))
WORKERS = int(os.environ.get("LOAD_WORKERS") or 2 * CORES + 1)
THREADS = int(os.environ.get("LOAD_THREADS", "1"))
PROXY = os.environ.get("LOAD_PROXY", "nginx") != "none"
ROWS = [row.strip() for row in os.environ.get("LOAD_ROWS", "").split("|") if row.strip()]
WRK_THREADS = 2
PUBLIC_CONNECTIONS = 10
MIX_CONNECTIONS = 20
REVIEWERS = 20
EVENT_PAGES = 200
PROPOSAL_PAGES = 50

# The public mix: shares of the requests (the paths file repeats each path by its weight).
MIX = {"map page": 2, "geojson": 2, "event page": 4, "home": 1, "impact": 1}

TARGETS = {"geojson_vs_static": 0.70, "mix_rps": 300, "mix_p95_ms": 200, "queue_p95_ms": 300}

# The paced runs. The mix is offered at TARGETS["mix_rps"] over enough connections to keep that
# rate up to 330 ms a request; it counts as kept when at least PACED_KEPT of it was served.
PACED_CONNECTIONS = 100
PACED_KEPT = 0.95
PACED_MIX = f"public mix, {TARGETS['mix_rps']} req/s offered"
# A reviewer glances at a page between two requests: 1 to 3 s, 2 s on average.
REVIEWER_PAUSE_S = 2
WORKING_QUEUE = f"partner queue, {REVIEWERS} reviewers working"


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def database_url(size: int) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path=f"/{parts.path.lstrip('/')}{label(size)}").geturl()


# --- The Django side (run as `python -m bench.load --prepare SIZE`) ------------------------------


def session_cookie(user, *, second_factor: bool) -> str:
    from django.conf import settings
    from django.test import Client

    from tests.factories import log_in_with_second_factor

    client = Client()
    if second_factor:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _partner_managers():
    """REVIEWERS people who manage the demo manager's partner (SOCIALware: LU and BE)."""
    from grants.demo.data import DEMO_LOGINS
    from organisations.models import PartnerStaff, User

    demo = PartnerStaff.objects.filter(user__email=DEMO_LOGINS["manager"]).first()
    people = []
    for n in range(REVIEWERS):
        person, _ = User.objects.get_or_create(email=f"bench-manager{n}@example.org")
        PartnerStaff.objects.get_or_create(
            user=person, partner=demo.partner, defaults={"role": PartnerStaff.Role.MANAGER}
        )
        people.append(person)
    return demo.partner, people


def _every_nth(queryset, count: int) -> list:
    total = queryset.count()
    step = max(1, total // count)
    return [queryset[n] for n in range(0, min(total, step * count), step)]


def _query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: caches, the session's first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)


# The signed-in rows (issue 19): each as a multiple of the floor measured in the same run.
BARE = "bare Django page (session and user only)"
FLOOR = "signed-in floor"
RATIO_TARGETS = {
    "partner queue": 2.5,
    "proposal page (partner)": 2.5,
    "applicant dashboard": 2.0,
    "proposal form": 3.0,
}


def signed_in_pages() -> dict:
    """name -> the urls asked in turn, whose sessions ask them ("partner": the managers,
    "applicant") and words each answer must hold (a timed error page would look fast).

    The floor is the cheapest signed-in page: the privacy notice (a page of fixed text in the
    site's layout, with the person's navigation and notification badge), asked by a partner
    manager whose second factor is passed, through every middleware the other pages go through.
    The bare page is Django's own floor: sessions and users only (bench/bare_settings.py)."""
    from django.urls import reverse

    from bench.bare_urls import BARE_PATH
    from bench.journey import bench_applicant
    from events.models import Proposal

    partner, managers = _partner_managers()
    applicant = bench_applicant()
    sent = _every_nth(
        Proposal.objects.filter(country_programme__partner=partner)
        .exclude(status=Proposal.Status.DRAFT)
        .order_by("pk")
        .only("pk"),
        PROPOSAL_PAGES,
    )
    draft = (
        Proposal.objects.filter(
            organisation__memberships__user=applicant, status=Proposal.Status.DRAFT
        )
        .order_by("pk")
        .first()
    )
    return {
        "people": {"partner": managers, "applicant": [applicant]},
        "pages": {
            BARE: {"urls": [BARE_PATH], "who": "partner", "words": "signed in as"},
            FLOOR: {"urls": [reverse("privacy")], "who": "partner", "words": "Privacy notice</h1>"},
            "partner queue": {
                "urls": [reverse("grants:dashboard")],
                "who": "partner",
                "words": 'id="queue-total"',
            },
            "proposal page (partner)": {
                "urls": [reverse("grants:proposal", args=[p.pk]) for p in sent],
                "who": "partner",
                "words": 'id="proposal-status"',
            },
            "applicant dashboard": {
                "urls": [reverse("organisations:mine")],
                "who": "applicant",
                "words": 'id="organisations-title"',
            },
            "proposal form": {
                "urls": [reverse("events:edit", args=[draft.pk])],
                "who": "applicant",
                "words": draft.title,
            },
        },
    }


def _settings_of(name: str):
    """The bare page's settings for the bare row (its own middleware and URLs), else the site's."""
    import contextlib

    from django.test.utils import override_settings

    if name != BARE:
        return contextlib.nullcontext()
    import bench.bare_settings as bare

    return override_settings(MIDDLEWARE=bare.MIDDLEWARE, ROOT_URLCONF=bare.ROOT_URLCONF)


def prepare(size: int, folder: Path) -> dict:
    import django

    django.setup()
    from django.db.models import Min
    from django.test import Client
    from django.urls import reverse

    from events.feed_encoding import StoredFeed
    from events.public import visible_events

    signed_in = signed_in_pages()
    events = _every_nth(visible_events().order_by("pk").only("pk", "slug"), EVENT_PAGES)
    # The map shows upcoming events by default; ask for every demo event (three editions), the
    # most the map and the feed can hold.
    first = visible_events().aggregate(first=Min("starts_at"))["first"]
    since = f"?date_from={first:%Y-%m-%d}"
    pages = {
        "map page": [reverse("events:list") + since],
        "geojson": ["/events.geojson" + since],
        "static geojson": [f"/static/bench/events-{label(size)}.geojson"],
        "event page": [reverse("events:event", args=[e.pk, e.slug]) for e in events],
        "home": [reverse("home")],
        "impact": [reverse("public:impact")],
        **{name: page["urls"] for name, page in signed_in["pages"].items()},
    }
    people = signed_in["people"]
    cookies = {
        "partner": [session_cookie(person, second_factor=True) for person in people["partner"]],
        "applicant": [session_cookie(people["applicant"][0], second_factor=False)],
    }
    whose = {name: page["who"] for name, page in signed_in["pages"].items()}

    public = Client()
    geojson = public.get(pages["geojson"][0])
    assert geojson.status_code == 200, f"the feed answered {geojson.status_code}"
    static = STATIC_ROOT / "bench" / f"events-{label(size)}.geojson"
    static.parent.mkdir(parents=True, exist_ok=True)
    static.write_bytes(geojson.content)
    # whitenoise sends a file's .gz to a client accepting gzip, as the feed sends its gzipped
    # bytes: the same compression, so the two answers are the same bytes again.
    static.with_name(static.name + ".gz").write_bytes(StoredFeed.of(geojson.content).gzipped)

    queries = {}
    for name, urls in pages.items():
        if name == "static geojson":
            continue
        client = public
        if name in whose:  # a client of its own: the bare page's loads its own middleware
            client = Client()
            client.cookies.load(cookies[whose[name]][0])
        with _settings_of(name):
            queries[name] = max(_query_count(client, url) for url in urls[:5])
    return {
        "pages": pages,
        "cookies": cookies,
        "whose": whose,
        "queries": queries,
        "geojson_bytes": len(geojson.content),
        "geojson_gzip_bytes": len(StoredFeed.of(geojson.content).gzipped),
        "proposals": _proposal_count(),
        "events": visible_events().count(),
    }


def _proposal_count() -> int:
    from events.models import Proposal

    return Proposal.objects.count()


# --- The orchestrator ----------------------------------------------------------------------------


def run(command: list[str], env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=BASE_DIR, env=env, check=True, **kwargs)  # noqa: S603


def ensure_database(size: int) -> dict:
    """Create, migrate and seed the size's database unless it holds that many demo proposals."""
    import psycopg

    url = database_url(size)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "TESTING": "1"}
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    held = demo_proposals(url)
    if held == size:
        note = _seed_note(name) or "built by an earlier run"
        return {"seeded": False, "note": f"reused ({note})"}
    print(f"seeding {size:,} proposals into {name} (it holds {held:,} demo proposals)", flush=True)
    started = time.monotonic()
    run([PY, "manage.py", "seed_demo", "--reset", "--proposals", str(size)], env)
    run([PY, "manage.py", "shell", "-c", "from django.db import connection; "
         "connection.cursor().execute('VACUUM ANALYZE')"], env)  # fmt: skip
    seconds = time.monotonic() - started
    note = f"seeded in {seconds / 60:.1f} min on {dt.date.today():%Y-%m-%d}"
    (WORK_DIR / f"seeded-{name}.txt").write_text(note)
    return {"seeded": True, "note": note}


def _seed_note(name: str) -> str:
    path = WORK_DIR / f"seeded-{name}.txt"
    return path.read_text().strip() if path.exists() else ""


def demo_proposals(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT count(*) FROM events_proposal p JOIN grants_countryprogramme c "
            "ON c.id = p.country_programme_id JOIN organisations_partner r ON r.id = c.partner_id "
            "WHERE r.contact_email LIKE %s",
            [f"%@{DEMO_DOMAIN}"],
        ).fetchone()[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(size: int) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url(size),
        SECRET_KEY=SECRET_KEY,
        STATIC_ROOT=str(STATIC_ROOT),
        CACHE_KEY_PREFIX=f"bench-load-{label(size)}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL="https://127.0.0.1",
        DEBUG="0",
        TESTING="0",
    )
    return env


def clear_cache(env: dict) -> None:
    """Start each size from an empty cache: delete this size's keys (and only those)."""
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    for key in client.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*", count=1000):
        client.delete(key)


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(PY).with_name("gunicorn")), "-c", "gunicorn.conf.py", "meetandcode.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
    ]  # fmt: skip
    with log.open("ab") as output:
        server = subprocess.Popen(  # noqa: S603 (our own fixed command)
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            status = get(port, "/healthz")[0]
            if status in (200, 503):
                return server
            stop(server)
            raise SystemExit(f"gunicorn's /healthz answered {status}:\n{log.read_text()[-3000:]}")
        except OSError:
            time.sleep(0.2)
    stop(server)  # not left running (and eating the cores) after the run
    raise SystemExit(f"gunicorn did not answer in 60 s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def get(port: int, path: str, cookie: str = "", gzipped: bool = False) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}
    if gzipped:
        headers["Accept-Encoding"] = "gzip"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def check_pages(ports: dict, prepared: dict) -> None:
    """Every page answers 200 as the load will ask for it; the feed equals the static file."""
    port = ports["site"]
    for name, urls in prepared["pages"].items():
        cookies = cookie_list(name, prepared) or [""]
        for url in urls:
            status, _body = get(ports.get(name, port), url, cookies[0])
            assert status == 200, f"{name}: {url} answered {status}"
    for gzipped in (False, True):
        feed = get(port, prepared["pages"]["geojson"][0], gzipped=gzipped)[1]
        static = get(port, prepared["pages"]["static geojson"][0], gzipped=gzipped)[1]
        assert feed == static, f"the static file is not the feed's bytes (gzip: {gzipped})"
    assert feed[:2] == b"\x1f\x8b", "the feed was not sent gzipped to a client accepting gzip"


def cookie_list(name: str, prepared: dict) -> list[str]:
    who = prepared["whose"].get(name)
    return prepared["cookies"][who] if who else []


def cpu_seconds(group: int) -> float:
    """CPU time of a process group (Linux): each process's own and that of its children it
    has reaped, so that a worker recycled by max_requests (reaped by the master) still counts."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # after the name: state, ppid, pgrp, ...; utime is the 12th
            ticks += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(target: tuple[int, Path, int, int], paths: list[str], cookies: list[str],
        connections: int, seconds: int, pace: dict | None = None) -> dict:  # fmt: skip
    """One wrk run; target is the port wrk asks (nginx's, or gunicorn's without the proxy),
    gunicorn's access log and process group, and nginx's process group (0 without); pace, if given,
    LOAD_GAP_MS or LOAD_PAUSE_MS for bench/load.lua (without it, a closed loop). wrk counts 4xx
    and 5xx only: the log tells the other answers that are not 200 (a redirect to the login).
    The CPU time of gunicorn's processes per request does not depend on what else the machine
    runs, as req/s does: it tells what the cores would give gunicorn alone (not counting
    PostgreSQL's and Redis's share)."""
    port, log, group, proxy_group = target
    log_start, cpu_start = log.stat().st_size, cpu_seconds(group)
    proxy_cpu_start = cpu_seconds(proxy_group) if proxy_group else 0.0
    paths_file = WORK_DIR / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    args = [str(paths_file)]
    if cookies:
        cookies_file = WORK_DIR / "cookies.txt"
        cookies_file.write_text("\n".join(cookies) + "\n")
        args.append(str(cookies_file))
    output = subprocess.run(  # noqa: S603 (our own fixed command)
        ["/usr/bin/env", "wrk", "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", *args],
        capture_output=True, text=True, check=True, env={**os.environ, **(pace or {})},
    ).stdout  # fmt: skip
    result = json.loads(output.split("LOADJSON ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    time.sleep(0.5)  # the requests in flight at the end are logged too
    result["cpu_ms"] = (cpu_seconds(group) - cpu_start) * 1000 / max(1, result["requests"])
    proxy_cpu = cpu_seconds(proxy_group) - proxy_cpu_start if proxy_group else 0.0
    result["proxy_cpu_ms"] = proxy_cpu * 1000 / max(1, result["requests"])
    with log.open("rb") as access_log:
        access_log.seek(log_start)
        statuses = re.findall(rb'HTTP/1\.[01]" (\d{3}) ', access_log.read())
    result["not_200"] = sum(status != b"200" for status in statuses)
    kinds = ("connect", "read", "write", "status", "timeout", "not_200")
    result["errors"] = sum(result[k] for k in kinds)
    result["connections"] = connections
    return result


def mix_paths(pages: dict) -> list[str]:
    """Each page kind by its weight; each sampled event page once (the event pages' share)."""
    per_weight = max(1, len(pages["event page"]) // MIX["event page"])
    paths = []
    for name, weight in MIX.items():
        urls = pages[name]
        paths += [urls[n % len(urls)] for n in range(weight * per_weight)]
    return paths


def interleave(paths: list[str]) -> list[str]:
    """The same paths spread evenly (a stride prime to their number), so that every stretch of
    a run sees every kind of page."""
    step = 7
    while math.gcd(step, len(paths)) != 1:
        step += 2
    return [paths[(n * step) % len(paths)] for n in range(len(paths))]


def serve(env: dict, log: Path, nginx_folder: Path) -> tuple:
    """gunicorn, and nginx in front of it (None without the proxy), and the port wrk asks."""
    port = free_port()
    server = start_gunicorn(env, port, log)
    asked = free_port() if PROXY else port
    front = proxy.start(port, asked, nginx_folder) if PROXY else None
    return server, front, asked


def load_size(size: int, log: Path) -> dict:
    started = time.monotonic()
    load_at_start = os.getloadavg()
    seeding = ensure_database(size)
    env = server_env(size)
    clear_cache(env)
    folder = WORK_DIR / label(size)
    folder.mkdir(parents=True, exist_ok=True)
    prepared_file = folder / "prepared.json"
    run([PY, "-m", "bench.load", "--prepare", str(size), "--out", str(prepared_file)],
        {**env, "TESTING": "1"})  # fmt: skip
    prepared = json.loads(prepared_file.read_text())
    pages = prepared["pages"]
    server, front, asked = serve(env, log, folder / "nginx")
    bare_server = bare_front = None
    results = {}
    try:
        # Django's bare page: a gunicorn of its own (its own middleware and URLs), same sessions.
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
        bare_server, bare_front, bare_asked = serve(bare_env, log, folder / "nginx-bare")
        check_pages({"site": asked, BARE: bare_asked}, prepared)
        print(f"{label(size)}: every page answers 200; warming up {WARMUP_SECONDS} s", flush=True)
        targets = {
            "site": (asked, log, server.pid, front.pid if front else 0),
            BARE: (bare_asked, log, bare_server.pid, bare_front.pid if bare_front else 0),
        }
        every = interleave([url for name, urls in pages.items() if name != BARE for url in urls])
        wrk(targets["site"], every, [], MIX_CONNECTIONS, WARMUP_SECONDS)
        bare_cookies = cookie_list(BARE, prepared)
        wrk(targets[BARE], pages[BARE], bare_cookies, PUBLIC_CONNECTIONS, WARMUP_SECONDS)
        results = run_rows(targets, prepared)
    finally:
        for process in (front, server, bare_front, bare_server):
            if process:
                stop(process)
    return {
        "size": size,
        "seeding": seeding,
        "prepared": prepared,
        "results": results,
        "load_at_start": load_at_start,
        "load_at_end": os.getloadavg(),
        "minutes": (time.monotonic() - started) / 60,
    }


def run_rows(targets: dict, prepared: dict) -> dict:
    """Every page alone (closed loops), the public mix, then the two paced runs."""
    pages, results, target = prepared["pages"], {}, targets["site"]

    def wanted(name: str) -> bool:
        return not ROWS or name in ROWS

    def floor_run() -> dict:
        floor_cookies = cookie_list(FLOOR, prepared)
        return wrk(target, pages[FLOOR], floor_cookies, PUBLIC_CONNECTIONS, BESIDE_SECONDS)

    for name, urls in pages.items():
        if wanted(name):
            beside = name in RATIO_TARGETS and FLOOR in pages
            before = floor_run() if beside else None
            connections = REVIEWERS if name == "partner queue" else PUBLIC_CONNECTIONS
            cookies = cookie_list(name, prepared)
            results[name] = wrk(targets.get(name, target), urls, cookies, connections, SECONDS)
            if beside:
                results[name]["floor_beside_ms"] = pooled_cpu_ms([before, floor_run()])
            print(f"  {name:<26} {summary_line(results[name])}", flush=True)
    mix = interleave(mix_paths(pages))
    if wanted("public mix"):
        results["public mix"] = wrk(target, mix, [], MIX_CONNECTIONS, SECONDS)
    if wanted(PACED_MIX):
        gap = {"LOAD_GAP_MS": str(WRK_THREADS * 1000 / TARGETS["mix_rps"])}
        results[PACED_MIX] = wrk(target, mix, [], PACED_CONNECTIONS, SECONDS, gap)
    if wanted(WORKING_QUEUE):
        # About 10 requests a second: twice as long, for enough of them to tell a p95.
        pause = {"LOAD_PAUSE_MS": str(REVIEWER_PAUSE_S * 1000)}
        queue, managers = pages["partner queue"], prepared["cookies"]["partner"]
        results[WORKING_QUEUE] = wrk(target, queue, managers, REVIEWERS, 2 * SECONDS, pause)
    for name in ("public mix", PACED_MIX, WORKING_QUEUE):
        if name in results:
            print(f"  {name:<26} {summary_line(results[name])}", flush=True)
    return results


def pooled_cpu_ms(runs: list[dict]) -> float:
    """gunicorn CPU a request over several runs together."""
    requests = sum(run["requests"] for run in runs)
    return sum(run["cpu_ms"] * run["requests"] for run in runs) / max(1, requests)


def _kinds(result: dict) -> str:
    kinds = ("connect", "read", "write", "status", "timeout", "not_200")
    found = [f"{kind} {result[kind]}" for kind in kinds if result.get(kind)]
    return f" ({', '.join(found)})" if found else ""


def summary_line(result: dict) -> str:
    return (
        f"{result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  "
        f"p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}{_kinds(result)}  "
        f"gunicorn CPU {result['cpu_ms']:.1f} ms a request, nginx {result['proxy_cpu_ms']:.1f}"
    )


def letters() -> str:
    """Letters per minute for one worker: bench/letters.py's own line, as it printed it."""
    if os.environ.get("LOAD_LETTERS", "1") == "0":
        return "not run (LOAD_LETTERS=0)"
    output = subprocess.run(  # noqa: S603 (our own fixed command)
        [PY, "-m", "bench.letters"], cwd=BASE_DIR, capture_output=True, text=True,
        env={**os.environ, "TESTING": "1"},
    ).stdout  # fmt: skip
    print(output, flush=True)
    wanted = ("one worker", "in this", "bare WeasyPrint", "target")
    lines = [line for line in output.splitlines() if line.startswith(wanted)]
    return "\n".join(f"    {line}" for line in lines) or f"    (no result)\n{output[-1500:]}"


def collectstatic() -> None:
    env = server_env(10_000)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)


# --- The report ----------------------------------------------------------------------------------


def machine() -> dict:
    import psycopg
    import redis

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")["redis_version"]
    wrk_version = subprocess.run(  # noqa: S603
        ["/usr/bin/env", "wrk", "-v"], capture_output=True, text=True
    ).stdout.split()[1]
    gunicorn = subprocess.run(  # noqa: S603
        [str(Path(PY).with_name("gunicorn")), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "cores": CORES,
        "ram_gb": int(memory.group(1)) / 1024 / 1024 if memory else 0,
        "python": platform.python_version(),
        "postgres": postgres,
        "redis": redis_version,
        "wrk": wrk_version,
        "gunicorn": gunicorn,
        "kernel": platform.release(),
        "nginx": proxy.version() if PROXY else "",
        "python_loop_s": python_loop_seconds(),
    }


def python_loop_seconds() -> float:
    """A fixed piece of pure Python work (the best of three): a measure of this machine's
    speed that runs of other days can be compared by, since these machines differ."""
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        sum(n * n for n in range(3_000_000))
        best = min(best, time.process_time() - started)
    return best


def _whole_run() -> str:
    """The whole `make bench` so far (the Makefile passes its start as BENCH_STARTED)."""
    started = os.environ.get("BENCH_STARTED", "")
    if not started.isdigit():
        return ""
    return f", the whole `make bench` {(time.time() - int(started)) / 60:.1f} minutes"


def _load(values) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _paced(result: dict) -> str:
    return (
        f"{result['rps']:.0f} req/s served, p50 {result['p50_ms']:.0f} / p95 "
        f"{result['p95_ms']:.0f} / p99 {result['p99_ms']:.0f} ms, {result['errors']} errors, "
        f"{result['requests']} requests"
    )


def write_results(sizes: list[dict], info: dict, started: dt.datetime, minutes: float,
                  letters_text: str) -> None:  # fmt: skip
    busy = sizes and max(s["load_at_start"][0] for s in sizes) > 0.5
    lines = [
        "# Load test: nginx and gunicorn on PostgreSQL, driven by wrk",
        "",
        f"Written by `make bench` (`python -m bench.load`) on {started:%Y-%m-%d %H:%M} UTC; "
        f"the load part took {minutes:.1f} minutes{_whole_run()}.",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores for this process "
        f"(`sched_getaffinity`); RAM {info['ram_gb']:.1f} GB; Linux {info['kernel']}",
        f"- Python {info['python']}, PostgreSQL {info['postgres']}, Redis {info['redis']}, "
        f"{info['gunicorn']}, wrk {info['wrk']}",
        f"- Speed: a fixed pure-Python loop (`python_loop_seconds`) took "
        f"{info['python_loop_s']:.3f} s (lower is faster). Machines of this kind differ: the same "
        "code took about twice the CPU a request on 2026-12-03 as on 2026-11-29, so compare "
        "runs by this figure too.",
        f"- load average (1, 5, 15 min) at the start: {_load(sizes[0]['load_at_start'])}"
        if sizes
        else "",
        "- "
        + (
            "**The machine was busy** (load average over 0.5 at a start): other work shared "
            "the cores, so these numbers are lower than a quiet machine's."
            if busy
            else "The machine was quiet at the start of each size (load average under 0.5)."
        ),
        "- PostgreSQL, Redis, gunicorn and wrk all run on this one machine: wrk's own CPU "
        "comes out of the same cores.",
        "",
        "## Set-up",
        "",
        f"- gunicorn: `gunicorn.conf.py` with `--workers {WORKERS} --threads {THREADS}` "
        f"({'sync' if THREADS == 1 else 'gthread'} workers: 2 x cores + 1, the conf's own "
        "default; each request is CPU work in Python, so processes, not threads, use the cores); "
        "production settings (DEBUG off, hashed static files by whitenoise, Redis cache), "
        "access log on (to a file).",
        (
            f"- nginx {info['nginx']} in front of gunicorn, as docs/deploy.md sets it up "
            "(bench/proxy.py: it keeps the clients' connections alive, buffers requests and "
            "answers, and sets `X-Forwarded-Proto: https`), TLS left out; wrk asks nginx. "
            "nginx's CPU is counted apart (`nginx CPU ms/req`)."
            if PROXY
            else "- No proxy (LOAD_PROXY=none): wrk asks gunicorn itself, every request with "
            "`X-Forwarded-Proto: https`. Sync workers expect a buffering proxy: a kept-alive "
            "connection with nothing to send yet holds a worker, so paced rows suffer."
        ),
        "- Every request says `Accept-Encoding: gzip, deflate, br`, as browsers and feed readers "
        "do: the feeds answer their gzipped bytes (compressed once, when the feed is built); "
        "HTML pages are sent as they are.",
        f"- wrk: {WRK_THREADS} threads, {SECONDS} s a run after a {WARMUP_SECONDS} s warm-up "
        f"of every page; {PUBLIC_CONNECTIONS} connections for one page, {MIX_CONNECTIONS} for "
        f"the mix, {REVIEWERS} for the partner queue ({REVIEWERS} partner managers signed in, "
        "two-factor passed, one session each, taken in turn). wrk keeps as many requests in "
        "flight as it has connections (closed loop): req/s is the most the server gave at that "
        "concurrency, and the latencies are those at that throughput.",
        f"- Paced runs (bench/load.lua's `delay()`; wrk times a request from when it is sent, so "
        f"the waits are not in the latencies): *{PACED_MIX}*: the public mix over "
        f"{PACED_CONNECTIONS} connections, each wrk thread sending a request every "
        f"{WRK_THREADS * 1000 / TARGETS['mix_rps']:.2f} ms, a turn no connection is free for "
        f"lost, not made up; *{WORKING_QUEUE}*: {REVIEWERS} connections (the {REVIEWERS} "
        f"managers' sessions) each pausing {REVIEWER_PAUSE_S / 2:g} to "
        f"{REVIEWER_PAUSE_S * 1.5:g} s (on average {REVIEWER_PAUSE_S} s, a glance at the page) "
        f"before each request, {2 * SECONDS} s.",
        f"- Event pages: {EVENT_PAGES} events spread over the map, in turn; proposal pages: "
        f"{PROPOSAL_PAGES} of the partner's sent proposals. Public mix: "
        + ", ".join(f"{name} {weight}" for name, weight in MIX.items())
        + " (shares of the requests).",
        "- Map page and feed: `?date_from=` the first demo event's day. The map shows upcoming "
        "events by default; this asks for every event of the demo's three editions (the most "
        "the map and the feed can hold).",
        "- Signed-in rows (issue 19): the *signed-in floor* is the cheapest signed-in page, the "
        "privacy notice asked by a partner manager whose second factor is passed (the site's "
        "layout, navigation and notification badge, every middleware); the *bare Django page* is "
        "Django's own floor, sessions and users only, served by a gunicorn of its own "
        "(bench/bare_settings.py) with the same cookies. `x floor` is a page's gunicorn CPU a "
        "request over the floor's in the same run; the targets are set on it, since times differ "
        "from machine to machine and ratios hold. For the pages with a target the floor is asked "
        f"again for {BESIDE_SECONDS} s right before and {BESIDE_SECONDS} s right after the page, "
        "and the ratio is taken over those two runs together: the machine's speed drifts by 15 "
        "to 25 % within one run, more than the margins. The targets table also gives the ratio "
        "over the floor's own row. The proposal form is a draft of the benchmark's applicant.",
        "- errors: failed requests (wrk) plus answers other than 200 (gunicorn's access log).",
        "- gunicorn CPU ms/req: CPU time (user and system) of gunicorn's processes during the "
        "run over its requests. It hardly depends on the machine's other work, unlike req/s; "
        "`req/s on the cores alone` = cores x 1000 / that: what the cores would give if "
        "gunicorn had them to itself, an upper bound since PostgreSQL's, Redis's and wrk's CPU "
        "are not counted.",
        "- Static file: the bytes of `/events.geojson?date_from=...` and the same gzipped (its "
        "`.gz`) written under STATIC_ROOT before gunicorn starts and served by whitenoise from "
        "the same gunicorn, which sends the `.gz` to a client accepting gzip: both answers are "
        "the same bytes (the check before the load compares them, plain and gzipped).",
        "- Public pages are kept whole for visitors not signed in (meetandcode.kernel.page_cache, "
        "`PUBLIC_PAGE_SECONDS`, 30 s): wrk's requests carry no cookie, so after the first "
        "request of an address they are answered from Redis, as most visitors' would be.",
        "- Query counts: one request of each page through Django's test client "
        "(`CaptureQueriesContext`) after a first one; for event and proposal pages the largest "
        "of five.",
        "",
    ]
    for size in sizes:
        lines += _size_section(size)
    lines += _targets_section(sizes)
    lines += ["## Award letters (bench/letters.py, one worker)", "", letters_text, ""]
    lines += [kept_notes()]
    RESULTS.write_text("\n".join(line for line in lines if line is not None).rstrip() + "\n")


def kept_notes() -> str:
    """What was written by hand under NOTES in the results (profiles, what changed and why)."""
    old = RESULTS.read_text() if RESULTS.exists() else ""
    return old[old.index(NOTES) :] if NOTES in old else ""


def floor_ratio(results: dict, name: str) -> float | None:
    """A signed-in page's gunicorn CPU a request as a multiple of the floor's: the floor asked
    right before and right after the page (``floor_beside_ms``), else the run's floor row."""
    signed_in = name in RATIO_TARGETS or name in (BARE, FLOOR)
    if not signed_in or name not in results or FLOOR not in results:
        return None
    floor = results[name].get("floor_beside_ms") or results[FLOOR]["cpu_ms"]
    return results[name]["cpu_ms"] / max(floor, 0.01)


def run_floor_ratio(results: dict, name: str) -> float | None:
    """The same page over the run's own floor row (measured minutes away from the page)."""
    if name not in RATIO_TARGETS or name not in results or FLOOR not in results:
        return None
    return results[name]["cpu_ms"] / max(results[FLOOR]["cpu_ms"], 0.01)


def _size_section(size: dict) -> list[str]:
    prepared, results = size["prepared"], size["results"]
    static_rps = results["static geojson"]["rps"]
    lines = [
        f"## {size['size']:,} proposals",
        "",
        f"{prepared['proposals']:,} proposals, {prepared['events']:,} events on the map, "
        f"GeoJSON {prepared['geojson_bytes'] / 1e6:.2f} MB "
        f"({prepared['geojson_gzip_bytes'] / 1e6:.2f} MB gzipped); "
        f"database {size['seeding']['note']}; "
        f"load average at the start {_load(size['load_at_start'])}, at the end "
        f"{_load(size['load_at_end'])}.",
        "",
        "| page | connections | req/s | p50 ms | p95 ms | p99 ms | errors | queries "
        "| gunicorn CPU ms/req | x floor | nginx CPU ms/req | req/s on the cores alone |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        queries = prepared["queries"].get(name, "")
        ratio = floor_ratio(results, name)
        lines.append(
            f"| {name} | {result['connections']} | {result['rps']:.1f} | {result['p50_ms']:.1f} "
            f"| {result['p95_ms']:.1f} | {result['p99_ms']:.1f} | {result['errors']} | {queries} "
            f"| {result['cpu_ms']:.1f} | {'' if ratio is None else f'{ratio:.2f}'} "
            f"| {result['proxy_cpu_ms']:.1f} | {CORES * 1000 / max(result['cpu_ms'], 0.01):.0f} |"
        )
    ratio = results["geojson"]["rps"] / static_rps
    cpu_ratio = results["static geojson"]["cpu_ms"] / max(results["geojson"]["cpu_ms"], 0.01)
    lines += [
        "",
        f"Cached `/events.geojson` gives {ratio:.0%} of the static file's throughput "
        f"({results['geojson']['rps']:.1f} against {static_rps:.1f} req/s); by gunicorn's CPU "
        f"time a request ({results['geojson']['cpu_ms']:.1f} against "
        f"{results['static geojson']['cpu_ms']:.1f} ms) {cpu_ratio:.0%}.",
        "",
    ]
    return lines


def _targets_section(sizes: list[dict]) -> list[str]:
    lines = ["## Targets", "", "| target | " + " | ".join(label(s["size"]) for s in sizes) + " |"]
    lines.append("|---|" + "---|" * len(sizes))

    def row(text, check):
        lines.append(f"| {text} | " + " | ".join(check(s["results"]) for s in sizes) + " |")

    def geojson(r):
        ratio = r["geojson"]["rps"] / r["static geojson"]["rps"]
        return f"{_verdict(ratio >= TARGETS['geojson_vs_static'])} ({ratio:.0%})"

    def mix(r):
        m = r["public mix"]
        ok = m["rps"] >= TARGETS["mix_rps"] and m["p95_ms"] < TARGETS["mix_p95_ms"]
        ok = ok and m["errors"] == 0
        measured = f"{m['rps']:.0f} req/s, p95 {m['p95_ms']:.0f} ms, {m['errors']} errors"
        return f"{_verdict(ok)} ({measured})"

    def queue(r):
        q = r["partner queue"]
        return f"{_verdict(q['p95_ms'] < TARGETS['queue_p95_ms'])} (p95 {q['p95_ms']:.0f} ms)"

    def paced_mix(r):
        m = r[PACED_MIX]
        ok = m["rps"] >= PACED_KEPT * TARGETS["mix_rps"] and m["p95_ms"] < TARGETS["mix_p95_ms"]
        return f"{_verdict(ok and m['errors'] == 0)} ({_paced(m)})"

    def working_queue(r):
        q = r[WORKING_QUEUE]
        ok = q["p95_ms"] < TARGETS["queue_p95_ms"] and q["errors"] == 0
        return f"{_verdict(ok)} ({_paced(q)})"

    def times_floor(name):
        def check(r):
            ratio = floor_ratio(r, name)
            if ratio is None:
                return "not run"
            apart = run_floor_ratio(r, name)
            against_row = f"; {apart:.2f} x the floor's own row" if apart is not None else ""
            return f"{_verdict(ratio <= RATIO_TARGETS[name])} ({ratio:.2f} x{against_row})"

        return check

    def floor(r):
        if BARE not in r or FLOOR not in r:
            return "not run"
        bare, own = r[BARE]["cpu_ms"], r[FLOOR]["cpu_ms"]
        return f"{own:.1f} against {bare:.1f} ms: {own / max(bare, 0.01):.1f} x (reported)"

    for name, most in RATIO_TARGETS.items():
        row(f"{name}: at most {most:g} x the floor (gunicorn CPU a request)", times_floor(name))
    row("the floor against Django's bare signed-in page (CPU a request)", floor)
    row("cached /events.geojson at least 70 % of the static file's req/s", geojson)
    row("saturation: public mix, 300 req/s, p95 under 200 ms, no errors", mix)
    row(f"saturation: partner queue p95 under 300 ms, {REVIEWERS} connections", queue)
    served = f"{PACED_KEPT:.0%} served"
    row(f"public mix offered 300 req/s: {served}, p95 under 200 ms, no errors", paced_mix)
    row(f"partner queue p95 under 300 ms, no errors, {REVIEWERS} reviewers at once", working_queue)
    lines += [
        "",
        f"- Saturation rows: closed loops ({MIX_CONNECTIONS} connections for the mix, "
        f"{REVIEWERS} for the queue, no pause): the most req/s the server gives and the "
        "latencies at that throughput. They tell the headroom, not the targets' load.",
        f"- *{PACED_MIX}*: the mix offered at the target's rate, as visitors arriving; the p95 "
        "is the wait at that load, and the target counts as met only if the server kept up "
        f"(at least {PACED_KEPT:.0%} of the offered requests served).",
        f"- *{WORKING_QUEUE}*: {REVIEWERS} managers at work at the same time, each looking at "
        f"a page for {REVIEWER_PAUSE_S} s on average before the next: the p95 a reviewer waits "
        "for the queue.",
        "",
    ]
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        grown = [
            name
            for name, count in last["prepared"]["queries"].items()
            if count > first["prepared"]["queries"].get(name, count)
        ]
        lines += [
            f"Query counts, {label(first['size'])} against {label(last['size'])}: "
            + ", ".join(
                f"{name} {first['prepared']['queries'][name]} / {count}"
                for name, count in last["prepared"]["queries"].items()
            )
            + ". No page's query count grows with the data: "
            + (_verdict(not grown) + ("" if not grown else f" (grows: {', '.join(grown)})")),
            "",
        ]
    else:
        lines += ["Query counts: one size only; run both sizes to compare them.", ""]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
        args.out.write_text(json.dumps(prepare(args.prepare, args.out.parent)))
        return 0
    for needed in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(needed, "").startswith(("postgres", "redis")):
            sys.exit(f"bench.load needs {needed} (PostgreSQL and Redis)")
    if not shutil.which("wrk"):
        sys.exit("bench.load needs wrk (apt-get install wrk)")
    if PROXY and not proxy.available():
        sys.exit("bench.load puts nginx in front (apt-get install nginx), or LOAD_PROXY=none")
    started, clock = dt.datetime.now(dt.UTC), time.monotonic()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"load average at the start: {_load(os.getloadavg())}; collectstatic", flush=True)
    collectstatic()
    log = WORK_DIR / "gunicorn.log"
    log.write_bytes(b"")
    sizes = [load_size(size, log) for size in args.sizes]
    if ROWS:
        print("LOAD_ROWS was set: bench/results.md left as it was")
        return 0
    letters_text = letters()
    write_results(sizes, info, started, (time.monotonic() - clock) / 60, letters_text)
    print(f"wrote {RESULTS.relative_to(BASE_DIR)}")
    errors = {
        f"{label(s['size'])} {name}": r["errors"]
        for s in sizes
        for name, r in s["results"].items()
        if r["errors"]
    }
    if errors:
        print(f"errors under load: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
