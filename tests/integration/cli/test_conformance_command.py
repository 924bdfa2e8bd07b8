"""``sori conformance``: the conformance map on the command line, as a table or JSON, and the
evidence pack (ISO 10002 4.1; R-4.1.1)."""

from __future__ import annotations

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sori.core import clock
from sori.governance.clauses import CLAUSES
from tests.integration.governance.conformance.seed import TODAY


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("conformance", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_table_prints_every_clause_from_4_1_to_8_7(submit):
    submit()
    output, _err = run()
    lines = output.splitlines()
    assert "2025-03-16 to 2026-03-15" in lines[0]
    for clause in CLAUSES:
        row = next(line for line in lines if f" {clause.key} " in f" {line} ")
        assert clause.title_en in row
    assert "Acknowledgement of complaint" in output and "present" in output
    assert lines[-1].endswith("missing.")


@pytest.mark.django_db
def test_json_parses_and_has_39_clauses_for_the_period_asked():
    output, _err = run("--json", "--from", "2026-01-01", "--to", "2026-02-28")
    found = json.loads(output)
    assert len(found["clauses"]) == 39
    assert (found["period_from"], found["period_to"]) == ("2026-01-01", "2026-02-28")
    assert found["clauses"][0]["clause"] == "4.1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "2026-13-01 is not a date"),
        (("--from", "2026-03-01", "--to", "2026-01-01"), "must not be after its end"),
    ],
)
def test_a_bad_period_is_refused_with_a_message(args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)


@pytest.mark.django_db
def test_pack_writes_a_zip_with_the_listed_members_and_says_where(submit, tmp_path):
    submit()
    target = tmp_path / "evidence.zip"
    output, err = run("--pack", str(target), "--from", "2026-01-01", "--to", "2026-03-15")
    assert str(target) in err
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
    assert {"index.html", "conformance.json", "roles.json", "kpis.csv", "objectives.csv",
            "audits/programmes.json", "case-files/index.json",
            "audit-verify.txt"} <= names  # fmt: skip
    assert output == ""


@pytest.mark.django_db
def test_pack_into_a_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CommandError) as error:
        run("--pack", str(tmp_path / "nowhere" / "evidence.zip"))
    assert "There is no folder" in str(error.value)


def test_the_installed_command_exits_non_zero_on_a_bad_date(run_sori):
    result = run_sori("conformance", "--to", "yesterday")
    assert result.returncode != 0
    assert "yesterday" in result.stderr
