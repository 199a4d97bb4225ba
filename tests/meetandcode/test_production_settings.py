"""Production settings: Django's deployment check stays silent, a missing secret stops the start.

The production checks run in a fresh Python process with only production variables: this test
run's own TESTING=1 and any DEBUG=1 must not leak into them, or they would check the wrong
settings.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mc_deploy"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"


def _production_env(**overrides: str) -> dict[str, str]:
    """A process environment as the web container has it, built from scratch (nothing inherited
    but PATH), so neither TESTING nor DEBUG from this test run reaches the child."""
    database_url = os.environ.get("DATABASE_URL", "")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "meetandcode.settings",
        # Explicit off, not just absent: a developer's .env must not switch them on either.
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "grants.example.org",
        "DATABASE_URL": database_url
        if database_url.startswith("postgres")
        else DEFAULT_DATABASE_URL,
        "REDIS_URL": os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
    }
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_in_production():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "System check identified no issues" in output


def test_production_process_ignores_this_runs_testing_and_debug(monkeypatch):
    monkeypatch.setenv("TESTING", "1")
    monkeypatch.setenv("DEBUG", "1")
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER[0], s.SECURE_REFERRER_POLICY)"
    )

    result = _run(["-c", script], _production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "same-origin",
    ]


def test_production_answers_carry_hsts_preload_csp_and_isolation_headers():
    """A real response of the production process (through its middleware, over HTTPS as the
    proxy reports it): HSTS with preload, the CSP, the referrer and opener policies, secure
    cookies."""
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client(headers={'X-Forwarded-Proto': 'https'}).get('/healthz', "
        "HTTP_HOST='grants.example.org'); "
        "import json; print(json.dumps({k: r.get(k, '') for k in ("
        "'Strict-Transport-Security', 'Content-Security-Policy', 'Referrer-Policy', "
        "'X-Content-Type-Options', 'Cross-Origin-Opener-Policy')}))"
    )

    result = _run(["-c", script], _production_env())

    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in policy
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_missing_secret_key_with_debug_off_refuses_to_start():
    # Empty rather than absent, so that a SECRET_KEY in a local .env cannot fill it in.
    env = _production_env(SECRET_KEY="")

    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "Set the environment variable SECRET_KEY (DEBUG is off)" in result.stderr


@pytest.fixture
def geojson_static_root(tmp_path):
    """A static root holding a map feed compressed the way collectstatic compresses it."""
    feed = tmp_path / "events.geojson"
    point = {"type": "Point", "coordinates": [6.13, 49.61]}
    features = [{"type": "Feature", "geometry": point, "properties": {}}] * 200
    feed.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    Compressor(quiet=True).compress(str(feed))
    assert (tmp_path / "events.geojson.gz").exists()
    return tmp_path


def test_whitenoise_serves_geojson_gzipped_as_geojson(geojson_static_root):
    with override_settings(STATIC_ROOT=str(geojson_static_root), STATICFILES_DIRS=[]):
        response = Client().get("/static/events.geojson", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
