"""Saved filters: each staff member's own, named, applied by their address (ISO 10002 7.3)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints import queue
from sori.complaints.models import SavedFilter
from sori.complaints.queue import normalise_query, saved_filters
from sori.complaints.services.saved_filters import MAX_FILTERS, delete_filter, save_filter
from sori.core.actors import SYSTEM
from sori.core.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji(book):
    return book.worker(Role.HANDLER, username="minji", unit="north")


def test_a_filter_is_saved_listed_and_deleted(minji):
    saved = save_filter(actor=minji, name="  급한 것   ", query="priority=urgent&due=overdue")
    assert saved.name == "급한 것"
    assert saved_filters(viewer=minji) == [
        queue.SavedFilterView(saved.pk, "급한 것", "priority=urgent&due=overdue")
    ]
    assert delete_filter(actor=minji, filter_id=saved.pk) == "급한 것"
    assert saved_filters(viewer=minji) == []


def test_saving_under_the_same_name_replaces_the_filter(minji):
    first = save_filter(actor=minji, name="mine", query="view=mine")
    second = save_filter(actor=minji, name="mine", query="view=mine&priority=high")
    assert first.pk == second.pk
    assert [f.query for f in saved_filters(viewer=minji)] == ["view=mine&priority=high"]


def test_only_the_filter_part_of_an_address_is_kept():
    raw = "after=abc&status=assessed&status=investigating&q=+환불+&evil=1&unit=&priority=high&priority=low"
    assert normalise_query(raw) == (
        "status=assessed&status=investigating&priority=high&q=%ED%99%98%EB%B6%88"
    )
    assert normalise_query("") == ""
    assert len(normalise_query("q=" + "x" * 5000)) <= queue.MAX_QUERY


def test_each_person_sees_and_deletes_only_their_own(book, minji):
    jun = book.worker(Role.HANDLER, username="jun", unit="north")
    hers = save_filter(actor=minji, name="mine", query="view=mine")
    save_filter(actor=jun, name="mine", query="view=team")
    assert [f.query for f in saved_filters(viewer=jun)] == ["view=team"]
    with pytest.raises(NotFound):
        delete_filter(actor=jun, filter_id=hers.pk)
    assert SavedFilter.objects.filter(pk=hers.pk).exists()


def test_a_filter_needs_a_short_name(minji):
    with pytest.raises(InvalidInput) as error:
        save_filter(actor=minji, name="   ", query="")
    assert error.value.code == "required" and error.value.params["field"] == "name"
    with pytest.raises(InvalidInput) as error:
        save_filter(actor=minji, name="x" * 101, query="")
    assert error.value.code == "too_long"


def test_a_person_keeps_a_bounded_number_of_filters(minji):
    for number in range(MAX_FILTERS):
        save_filter(actor=minji, name=f"f{number}", query="")
    with pytest.raises(InvalidInput) as error:
        save_filter(actor=minji, name="one more", query="")
    assert error.value.code == "too_many_filters"
    save_filter(actor=minji, name="f0", query="priority=high")  # replacing is still fine


def test_only_staff_save_filters():
    with pytest.raises(Forbidden):
        save_filter(actor=SYSTEM, name="x", query="")
