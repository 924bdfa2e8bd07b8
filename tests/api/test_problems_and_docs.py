"""The API's contract: problem+json errors in the caller's language, OpenAPI and its docs page."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from sori.api import problems
from tests.api.helpers import URL

pytestmark = pytest.mark.django_db

NOT_FOUND = "No complaint matches this reference and access code."


def test_detail_follows_accept_language(api):
    english = api.get(f"{URL}/C-1999-000001", HTTP_X_ACCESS_CODE="AAAA-BBBB-CCCC",
                      HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    default = api.get(f"{URL}/C-1999-000001", HTTP_X_ACCESS_CODE="AAAA-BBBB-CCCC")

    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == NOT_FOUND
    assert english.json()["title"] == "Not found"
    # Korean is the default language (KS Q ISO 10002); the text is whatever the catalogue says.
    assert default["Content-Language"] == "ko"
    with translation.override("ko"):
        assert default.json()["detail"] == gettext(NOT_FOUND)


def test_validation_problems_are_translated_too(api):
    response = api.post(URL, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["errors"][0]["detail"] == "This field is required."


def test_malformed_json_is_a_problem_not_a_crash(api):
    response = api.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "malformed_request"


def test_an_unexpected_error_is_logged_and_answered_without_a_trace(caplog):
    request = RequestFactory().post(URL)
    try:
        raise RuntimeError("secret table name in a stack trace")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="sori.api"):
            response = problems.unexpected(request, exc)

    body = json.loads(response.content)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert body["code"] == "internal_error"
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret table name" in caplog.text


def test_openapi_document_describes_the_api(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    assert spec["info"] == {**spec["info"], "title": "Sori API", "version": "1"}
    paths = spec["paths"]
    assert set(paths) >= {
        "/api/v1/complaints",
        "/api/v1/complaints/{reference}",
        "/api/v1/complaints/{reference}/transitions",
    }
    assert set(paths["/api/v1/complaints"]) == {"get", "post"}
    assert set(paths["/api/v1/complaints/{reference}/transitions"]) == {"get", "post"}
    submit = paths["/api/v1/complaints"]["post"]
    assert "201" in submit["responses"]
    assert "application/problem+json" in submit["responses"]["422"]["content"]
    # Anonymous submission is allowed: the empty requirement makes the token optional.
    assert {} in submit["security"]
    schemes = spec["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    body_schema = spec["components"]["schemas"]["ComplaintIn"]
    assert body_schema["required"] == ["description"]
    assert body_schema["properties"]["subject"]["maxLength"] == 200


def test_every_reference_in_the_openapi_document_resolves(api):
    spec = api.get("/api/v1/openapi.json").json()
    text = json.dumps(spec)
    refs = {part.split('"')[0] for part in text.split('"$ref": "')[1:]}

    assert refs
    for ref in refs:
        node = spec
        for key in ref.removeprefix("#/").split("/"):
            node = node[key]
        assert isinstance(node, dict)


def test_docs_page_is_served_without_a_cdn(api):
    response = api.get("/api/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "/api/v1/openapi.json" in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
