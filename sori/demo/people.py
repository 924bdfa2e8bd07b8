"""Who complains and what they write: fictional people and the texts of ``data``, varied a little."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sori.complaints.services.intake import ComplainantInput, ComplaintInput
from sori.demo import data
from sori.demo.data import Story

LOCAL = ZoneInfo(data.TIME_ZONE)


class Deck:
    """Stories dealt in a shuffled order, so all of them are used before any repeats."""

    def __init__(self, rng: random.Random, stories: tuple[Story, ...]) -> None:
        self.rng, self.stories, self.cards = rng, stories, list[Story]()

    def deal(self) -> Story:
        if not self.cards:
            self.cards = list(self.stories)
            self.rng.shuffle(self.cards)
        return self.cards.pop()


def complainant(
    rng: random.Random, *, language: str, channel: str, anonymous: bool
) -> tuple[ComplainantInput | None, str]:
    """The person complaining (fictional), and how they want to hear back."""
    if anonymous:
        return None, "none"
    if language == "ko":
        i = rng.randrange(len(data.KO_NAMES))
        name, handle, domain = data.KO_NAMES[i], data.KO_HANDLES[i], "example.kr"
        address = rng.choice(data.KO_ADDRESSES)
    else:
        name = rng.choice(data.EN_NAMES)
        handle, domain = name.lower().replace(" ", ".").replace("'", ""), "example.com"
        address = rng.choice(data.EN_ADDRESSES)
    phone = f"010-0000-{rng.randrange(10000):04d}"
    email = f"{handle}{rng.randrange(1, 100)}@{domain}"
    if channel in ("phone", "in_person"):
        contact = "phone"
        email = email if rng.random() < 0.5 else ""
    elif channel == "letter":
        contact = "letter"
    else:
        contact = "email" if rng.random() < 0.85 else "phone"
    person = ComplainantInput(
        name=name,
        email=email,
        phone=phone,
        postal_address=address if contact == "letter" else "",
        preferred_contact=contact,
        preferred_language=language,
    )
    return person, contact


def complaint(
    rng: random.Random,
    *,
    story: Story,
    channel: str,
    anonymous: bool,
    received: dt.datetime,
    person: ComplainantInput | None,
) -> ComplaintInput:
    """What the complainant writes, with the details that vary from one telling to the next."""
    language = story.language
    local_day = received.astimezone(LOCAL).date()
    occurred = local_day - dt.timedelta(days=rng.randrange(0, 10))
    product = rng.choice(story.products) if story.products else ""
    order = ""
    if story.category.startswith(("product", "delivery", "billing")):
        order = f"ORD-{occurred:%Y%m%d}-{rng.randrange(100000):05d}"
    when = (
        f"{occurred.month}월 {occurred.day}일"
        if language == "ko"
        else f"{occurred.day} {occurred:%B}"
    )
    on_behalf, relationship = "", ""
    if not anonymous and (story.on_behalf or rng.random() < 0.06):
        relatives = data.KO_RELATIVES if language == "ko" else data.EN_RELATIVES
        on_behalf, relationship = rng.choice(relatives)
    assistance = ""
    if not anonymous and rng.random() < 0.07:
        assistance = rng.choice(data.KO_ASSISTANCE if language == "ko" else data.EN_ASSISTANCE)
    return ComplaintInput(
        description=story.description.format(
            product=product or ("상품" if language == "ko" else "item"),
            order=order or "-",
            date=when,
            place=story.place,
        ),
        channel=channel,
        language=language,
        subject=story.subject,
        category=story.category,
        desired_remedy=story.remedy,
        occurred_on=occurred,
        occurred_place=story.place,
        product_or_service=product,
        order_reference=order,
        on_behalf_of=on_behalf,
        representative_relationship=relationship,
        assistance_needs=assistance,
        complainant=person,
    )
