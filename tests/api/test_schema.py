"""The OpenAPI schema: valid, served at /api/schema/, browsable at /api/docs/ from our own files,
and the same as docs/openapi.json, so a change to the API is a change to the published schema
(``make openapi`` writes it again)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PUBLISHED = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def test_the_schema_validates_and_is_the_published_one(client):
    answer = client.get("/api/schema/")
    assert answer.status_code == 200
    schema = answer.json()
    validate(schema)
    assert schema["info"]["version"] == "1"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    published = json.loads(PUBLISHED.read_text())
    assert schema == published, "the API changed: run `make openapi` and commit docs/openapi.json"


def test_the_browsable_page_loads_nothing_from_elsewhere(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
