"""The back office's frame: both languages, the language switch, the menu, the error adapter."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from sori.accounts.models import Role
from sori.backoffice.context import BackOffice, optional_url
from sori.backoffice.errors import add_form_errors, domain_error_message, http_status_for
from sori.core.errors import Conflict, DomainError, InvalidInput, NotFound

pytestmark = pytest.mark.django_db

PAGES = ["/staff/queue/", "/staff/audit/", "/staff/audit/personal-data/"]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_sign_in_page_speaks_the_chosen_language(client, language):
    client.cookies["django_language"] = language
    page = client.get("/staff/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<html lang="{language}">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_staff_pages_render_in_korean_and_english(client, signed_in, language):
    signed_in(Role.AUDITOR, username="auditor")
    client.cookies["django_language"] = language
    for path in PAGES:
        page = client.get(path)
        html = page.content.decode()
        assert page.status_code == 200, path
        assert f'<html lang="{language}">' in html
        assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
        assert "auditor" in html  # who is signed in
        assert 'action="/staff/logout/"' in html


def test_an_english_browser_gets_english_without_choosing(client, db):
    page = client.get("/staff/login/", headers={"accept-language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in page.content.decode()
    assert '<html lang="ko">' in client.get("/staff/login/").content.decode()


def test_the_language_switch_keeps_the_page(client, signed_in):
    signed_in(Role.AUDITOR)
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/staff/audit/"})
    assert answer.status_code == 302 and answer["Location"] == "/staff/audit/"
    page = client.get("/staff/audit/").content.decode()
    assert '<html lang="en">' in page and "Audit trail" in page
    assert '<button type="submit" name="language" value="en" lang="en"' in page


def test_the_role_is_shown_beside_the_name(client, signed_in):
    signed_in(Role.COMPLAINTS_MANAGER, username="manager")
    client.cookies["django_language"] = "en"
    html = client.get("/staff/queue/").content.decode()
    assert "manager" in html and "Complaints manager" in html


def test_htmx_is_served_from_the_project_and_loaded_deferred(client, signed_in):
    signed_in(Role.HANDLER)
    html = client.get("/staff/queue/").content.decode()
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    script = client.get("/static/vendor/htmx/htmx.min.js")
    assert script.status_code == 200
    assert b'version:"2.0.' in b"".join(script.streaming_content)


def test_staff_home_sends_to_the_queue(client, signed_in):
    signed_in(Role.HANDLER)
    answer = client.get("/staff/")
    assert answer.status_code == 302 and answer["Location"] == "/staff/queue/"


def test_the_menu_leaves_out_pages_that_do_not_exist_yet(make_staff):
    assert optional_url("backoffice:queue") == "/staff/queue/"
    assert optional_url("backoffice:no-such-page") is None
    make_staff(Role.ADMINISTRATOR, username="admin")
    request = RequestFactory().get("/staff/queue/")
    request.user = get_user_model().objects.get(username="admin")
    urls = {item.url for item in BackOffice(request).menu}
    expected = {
        "/staff/queue/",
        "/staff/audit/",
        "/staff/audit/personal-data/",
        "/staff/admin/",
        # The analysis an administrator reads (ISO 10002 8.2, 8.4, 6.2, 8.7).
        "/staff/analytics/",
        "/staff/analytics/control-charts/",
        "/staff/analytics/recurring/",
        "/staff/objectives/",
        "/staff/improvement-actions/",
        # Governance (ISO 10002 5.2, 5.4, 6.4, 8.5, 8.6) and the conformance map (4.1).
        "/staff/policy/",
        "/staff/roles/",
        "/staff/training/",
        "/staff/audits/",
        "/staff/reviews/",
        "/staff/conformance/",
    }
    outbox = optional_url("backoffice:outbox")
    assert urls == expected | ({outbox} if outbox else set())


class NoteForm(forms.Form):
    email = forms.EmailField(required=False)
    body = forms.CharField()


def test_a_domain_error_lands_on_the_field_it_names():
    form = NoteForm({"email": "a@example.kr", "body": "text"})
    assert form.is_valid()
    add_form_errors(form, InvalidInput("That address bounced.", field="complainant.email"))
    assert form.errors == {"email": ["That address bounced."]}
    assert form.data["body"] == "text"  # nothing typed is lost


def test_a_domain_error_without_a_known_field_goes_on_top():
    form = NoteForm({"body": "text"})
    assert form.is_valid()
    add_form_errors(form, Conflict("Someone changed it first.", field="version"))
    assert form.non_field_errors() == ["Someone changed it first."]


def test_a_domain_error_field_can_be_mapped_to_a_form_field():
    form = NoteForm({"body": "text"})
    assert form.is_valid()
    add_form_errors(
        form, InvalidInput("Too long.", field="note.text"), fields={"note.text": "body"}
    )
    assert form.errors == {"body": ["Too long."]}


def test_domain_errors_keep_their_message_and_status():
    assert domain_error_message(NotFound("No such complaint.")) == "No such complaint."
    assert http_status_for(NotFound("x")) == 404
    assert http_status_for(Conflict("x")) == 409
    assert http_status_for(DomainError("x")) == 400
