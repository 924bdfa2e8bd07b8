"""The clause list 4.1–8.7 carries both numberings, each complete and without gaps."""

from __future__ import annotations

from sori.governance.clauses import BY_KEY, BY_KS, CLAUSES, by_ks


def _numbers(part: int, last: int) -> list[str]:
    return [f"{part}.{n}" for n in range(1, last + 1)]


def test_the_2018_numbers_run_without_gaps_from_4_1_to_8_7():
    expected = _numbers(4, 15) + _numbers(5, 4) + _numbers(6, 4) + _numbers(7, 9) + _numbers(8, 7)
    assert [clause.key for clause in CLAUSES] == expected
    assert len(BY_KEY) == len(CLAUSES) == 39


def test_the_ks_numbers_run_without_gaps_in_the_order_of_the_clauses():
    expected = _numbers(4, 10) + _numbers(5, 3) + _numbers(6, 4) + _numbers(7, 9) + _numbers(8, 7)
    assert [clause.ks for clause in CLAUSES if clause.ks] == expected
    assert len(BY_KS) == len(expected)


def test_a_clause_is_labelled_with_both_numbers_only_when_they_differ():
    assert by_ks("5.2").title_en == "Policy" and by_ks("5.2").label == "5.2 (2018: 5.3)"
    assert BY_KEY["7.4"].label == "7.4"
    assert BY_KEY["4.15"].label == "— (2018: 4.15)"
    assert (
        BY_KEY["8.6"].title("ko") == "경영검토" and BY_KEY["8.6"].title("en") == "Management review"
    )


def test_every_clause_has_a_korean_and_an_english_title():
    assert all(clause.title_ko and clause.title_en for clause in CLAUSES)
