"""A seeded organisation for the dashboard tests, built through the real services at fixed times.

Built on the KPI tests' ``Book`` (units north/south, categories delivery→north and
billing→south, an SLA policy in calendar days: acknowledge 1, decision 10, close 20). Added here:
sub-categories delivery-late and delivery-damaged (north) and root causes process (with the
sub-code process-handoff) and system. Events at 01:00Z = 10:00 KST unless said otherwise.

  A delivery-late, web    — recv 2024-12-20, cause process-handoff, upheld 12-27, closed 01-05,
                            survey 4
  B delivery-late, email  — recv 01-10, cause process, decided 01-24 (decision missed: due
                            01-20), closed 01-25, survey 5
  C delivery-damaged, phone — recv 01-15, left open
  L billing, web          — recv 01-31 16:00Z = 02-01 01:00 KST (February in Seoul, January in
                            UTC), withdrawn 02-02
  D billing, web          — recv 02-03, cause system, decided 02-05, closed 02-10, no survey
  E delivery (itself), web — recv 02-14, left open
  F no category (no unit), letter — recv 02-20, left open
  G billing, web          — recv 03-05, withdrawn 03-06
  H delivery-late, email  — recv 03-10, cause process-handoff, decided 03-12, closed 03-14,
                            survey 2
  K delivery-late, web    — recv 03-11, merged into H 03-12 (never counted as received)
  I billing, phone        — recv 03-25, left open
  J delivery, web         — recv 04-05, after every period used here
"""

from __future__ import annotations

import datetime as dt

from sori.complaints.models import Category, RootCause
from sori.complaints.services.investigation import record_findings
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import Actor, complainant_actor
from tests.integration.analytics.test_kpis import ASSESSMENT, Book

# Dec 2024 – Mar 2025: longer than 92 days, so month by month.
PERIOD = (dt.date(2024, 12, 1), dt.date(2025, 3, 31))
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
# Well after the period: the period's end is in the past.
AFTER = dt.datetime(2025, 4, 10, 1, 0, tzinfo=dt.UTC)
# Noon in Seoul on the period's last day: "now" falls inside the period.
LAST_DAY_NOON = dt.datetime(2025, 3, 31, 3, 0, tzinfo=dt.UTC)


def on(year: int, month: int, day: int, hour: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=dt.UTC)


class DashboardBook(Book):
    def __init__(self) -> None:
        super().__init__()
        delivery = Category.objects.get(code="delivery")
        Category.objects.create(code="delivery-late", label_ko="배송 지연", label_en="Late delivery",
                                parent=delivery, unit=self.north)  # fmt: skip
        Category.objects.create(code="delivery-damaged", label_ko="배송 파손",
                                label_en="Damaged in delivery", parent=delivery,
                                unit=self.north)  # fmt: skip
        process = RootCause.objects.create(code="dash-process", label_ko="절차",
                                           label_en="Process")  # fmt: skip
        RootCause.objects.create(code="dash-process-handoff", label_ko="인계 누락",
                                 label_en="Missed hand-off", parent=process)  # fmt: skip
        RootCause.objects.create(code="dash-system", label_ko="시스템", label_en="System")
        self.refs: dict[str, str] = {}

    def work(self, when: dt.datetime, actor: Actor, ref: str, cause: str | None) -> None:
        self.fire(when, actor, ref, Event.ASSESS, **ASSESSMENT)
        self.fire(when, actor, ref, Event.START_INVESTIGATION)
        if cause:
            with clock.frozen_at(when):
                record_findings(actor=actor, reference=ref, findings="확인 결과입니다.",
                                root_cause_code=cause)  # fmt: skip


def seed() -> DashboardBook:
    book = DashboardBook()
    nh, sh = book.north_handler, book.south_handler
    refs = book.refs

    refs["A"] = a = book.submit(on(2024, 12, 20), "a@example.kr", "delivery-late")
    book.work(on(2024, 12, 22), nh, a, "dash-process-handoff")
    book.decide(on(2024, 12, 27), nh, a, "upheld", 10_000, first=False)
    book.close(on(2025, 1, 5), nh, a)
    book.survey(on(2025, 1, 6), a, 4)

    refs["B"] = b = book.submit(on(2025, 1, 10), "b@example.kr", "delivery-late", "email")
    book.work(on(2025, 1, 12), nh, b, "dash-process")
    book.decide(on(2025, 1, 24), nh, b, "not_upheld", first=False)
    book.close(on(2025, 1, 25), nh, b)
    book.survey(on(2025, 1, 26), b, 5)

    refs["C"] = book.submit(on(2025, 1, 15), "c@example.kr", "delivery-damaged", "phone")

    refs["L"] = l_ = book.submit(on(2025, 1, 31, 16), "l@example.kr", "billing")
    book.fire(on(2025, 2, 2), complainant_actor(l_), l_, Event.WITHDRAW)

    refs["D"] = d = book.submit(on(2025, 2, 3), "d@example.kr", "billing")
    book.work(on(2025, 2, 4), sh, d, "dash-system")
    book.decide(on(2025, 2, 5), sh, d, "upheld", first=False)
    book.close(on(2025, 2, 10), sh, d)

    refs["E"] = book.submit(on(2025, 2, 14), "e@example.kr", "delivery")
    refs["F"] = book.submit(on(2025, 2, 20), "f@example.kr", None, "letter")

    refs["G"] = g = book.submit(on(2025, 3, 5), "g@example.kr", "billing")
    book.fire(on(2025, 3, 6), complainant_actor(g), g, Event.WITHDRAW)

    refs["H"] = h = book.submit(on(2025, 3, 10), "h@example.kr", "delivery-late", "email")
    book.work(on(2025, 3, 11), nh, h, "dash-process-handoff")
    refs["K"] = k = book.submit(on(2025, 3, 11), "k@example.kr", "delivery-late")
    book.fire(on(2025, 3, 12), nh, k, Event.MERGE, into_reference=h)
    book.decide(on(2025, 3, 12), nh, h, "upheld", first=False)
    book.close(on(2025, 3, 14), nh, h)
    book.survey(on(2025, 3, 15), h, 2)

    refs["I"] = book.submit(on(2025, 3, 25), "i@example.kr", "billing", "phone")
    refs["J"] = book.submit(on(2025, 4, 5), "j@example.kr", "delivery")
    return book
