"""Grouping similar complaint texts (pure core, no database): small Korean and English examples."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.analytics import text_groups
from sori.analytics.text_groups import TextItem, group_similar, normalise_text, similar_pairs

DAY = dt.date(2025, 3, 3)

EN_LETTER = (
    "I am a victim of identity theft. The account listed on my credit report was opened without my "
    "knowledge or consent. Under the Fair Credit Reporting Act section 605B you must block this "
    "fraudulent information within four business days. Please remove it and send me an updated report."
)
EN_COPY = EN_LETTER.replace("four business days", "4 business days").replace("Please", "Kindly")
EN_OTHER = (
    "My mortgage servicer applied my extra payment to interest instead of principal for six months, "
    "and nobody at the call centre could explain the escrow shortage on my annual statement."
)
KO_PETITION = (
    "아파트 단지 앞 횡단보도에 신호등이 없어 등하굣길 아이들이 매일 위험에 노출되어 있습니다. "
    "지난달에도 초등학생이 차량에 부딪힐 뻔한 사고가 있었습니다. 신호등과 과속방지턱 설치를 요청합니다."
)
KO_REPOST = KO_PETITION.replace("매일", "날마다").replace("요청합니다", "간곡히 요청드립니다")
KO_OTHER = (
    "택배 기사님이 물건을 문 앞이 아닌 경비실에 두고 배송 완료 처리를 했습니다. 고객센터는 "
    "일주일째 답변이 없고 환불도 되지 않습니다. 택배사 관리 감독을 강화해 주십시오."
)


def item(id_: str, text: str, days: int = 0, key: str | None = None) -> TextItem:
    return TextItem(id_, text, DAY + dt.timedelta(days=days), key)


def members(groups: list[text_groups.Group]) -> list[set[object]]:
    return [set(group.members) for group in groups]


def test_normalising_removes_cfpb_scrubbing_marks_case_and_width():
    text = "On XX/XX/XXXX I paid {$1,000.00} to XXXX Bank.\n\nＡＢＣ  Refund"
    assert normalise_text(text) == "on i paid to bank. abc refund"


def test_normalising_keeps_korean_text():
    assert normalise_text("  환불을\t요청합니다  ") == "환불을 요청합니다"


def test_an_english_template_letter_filed_twice_is_one_group():
    groups = group_similar([item("a", EN_LETTER), item("b", EN_COPY, 5), item("c", EN_OTHER, 2)])
    assert members(groups) == [{"a", "b"}]
    assert groups[0].score >= text_groups.DEFAULT_THRESHOLD
    assert (groups[0].first, groups[0].last) == (DAY, DAY + dt.timedelta(days=5))


def test_a_korean_petition_reposted_with_small_edits_is_one_group():
    items = [item("원문", KO_PETITION), item("재게시", KO_REPOST, 3), item("택배", KO_OTHER, 1)]
    assert members(group_similar(items)) == [{"원문", "재게시"}]


def test_members_are_listed_in_date_order():
    groups = group_similar([item("late", EN_LETTER, 9), item("early", EN_COPY, 1)])
    assert groups[0].members == ["early", "late"]


def test_repeats_further_apart_than_the_window_are_not_grouped():
    items = [item("a", EN_LETTER), item("b", EN_COPY, 40)]
    assert group_similar(items, window_days=30) == []
    assert members(group_similar(items, window_days=None)) == [{"a", "b"}]


def test_repeats_about_different_products_are_not_grouped():
    items = [item("a", EN_LETTER, key="Credit reporting"), item("b", EN_COPY, key="Mortgage")]
    assert group_similar(items) == []
    same = [
        item("a", EN_LETTER, key="Credit reporting"),
        item("b", EN_COPY, key="Credit reporting"),
    ]
    assert [group.key for group in group_similar(same)] == ["Credit reporting"]


def test_texts_too_short_to_judge_are_left_out():
    assert group_similar([item("a", "Refund please"), item("b", "Refund please", 1)]) == []


def test_similarity_does_not_chain_unrelated_texts_through_a_middle_one():
    first = "the branch closed my savings account without any notice or letter sent to my home"
    second = "the parking lot of the shopping mall has no lights and people fall on the ice"
    third = "my phone bill doubled after the carrier added a roaming plan that i never chose"
    items = [item("a", f"{first} {second}"), item("b", f"{second} {third}"), item("c", third)]
    pairs = {(i, j) for i, j, _ in similar_pairs(items, threshold=0.55)}
    assert pairs == {(0, 1), (1, 2)}  # a chain a~b~c, where a and c share nothing
    assert members(group_similar(items, threshold=0.55)) == [{"b", "c"}]


def test_the_result_does_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch):
    texts = [EN_LETTER, EN_OTHER, EN_COPY, KO_PETITION, KO_OTHER, KO_REPOST, EN_LETTER, EN_COPY]
    days = [0, 1, 2, 3, 4, 5, 200, 201]
    items = [item(str(n), text, day) for n, (text, day) in enumerate(zip(texts, days, strict=True))]
    whole = {frozenset(group) for group in members(group_similar(items))}
    monkeypatch.setattr(text_groups, "BLOCK_CELLS", 2)
    split = {frozenset(group) for group in members(group_similar(items))}
    assert split == whole == {frozenset(pair) for pair in [("0", "2"), ("3", "5"), ("6", "7")]}


def test_no_items_give_no_groups():
    assert group_similar([]) == []
