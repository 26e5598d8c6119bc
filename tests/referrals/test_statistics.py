"""Tables 1–2 and 4–5 of the evaluation, from visitation records."""

import datetime
import json

import pytest
from django.core.management import call_command

from inklusio.referrals import services
from inklusio.referrals.models import Decision, Offer, Referral
from inklusio.reports.registry import build_table
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


def test_support_categories_count_each_granted_child_once_per_period(cast):
    kids = [
        make_child(cast.ishoj, cast.elverhoej, f"B{i}", f"0101224{i:03d}", category="motor")
        for i in range(3)
    ]
    for kid in kids:
        services.decision_record(
            actor=cast.alice,
            child=kid,
            outcome=Decision.Outcome.GRANTED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="r",
            legal_basis=cast.legal_basis,
            start=TODAY - datetime.timedelta(days=55),
        )
    # A refusal and a withdrawn grant are not children granted a support pedagogue.
    services.decision_record(
        actor=cast.alice,
        child=cast.emil,
        outcome=Decision.Outcome.REFUSED,
        offer=Offer.SUPPORT_PEDAGOGUE,
        reasons="r",
        legal_basis=cast.legal_basis,
    )
    withdrawn = Decision.objects.get(child=kids[2])
    services.decision_end(
        actor=cast.alice,
        decision=withdrawn,
        kind=Decision.Kind.WITHDRAWAL,
        reasons="r",
        legal_basis=cast.legal_basis,
        end_on=TODAY - datetime.timedelta(days=55),
    )
    table = build_table("support-categories", cast.ishoj)
    assert table.columns == [
        "Periode",
        "Udvikling",
        "Kontakt/adfærd",
        "Hørelse/syn",
        "Opmærksomhed",
        "Motorik",
        "Tale/sprog",
        "I alt",
    ]
    # Mia (contact/behaviour, from her referral) and two children with motor difficulties.
    assert table.rows == [["2026/27", 0, 1, 0, 0, 2, 0, 3]]
    assert build_table("support-categories", cast.ishoj, year_from=2027).rows == []


def test_referrals_table_counts_submissions_and_outcomes_per_period(cast):
    Referral.objects.filter(pk=cast.referral_mia.pk).update(
        submitted_at=datetime.datetime(2026, 8, 1, 12, tzinfo=datetime.UTC)
    )
    Referral.objects.filter(pk=cast.waiting_emil.pk).update(offer=Offer.SUPPORT_PEDAGOGUE)
    services.decision_record(
        actor=cast.alice,
        child=cast.emil,
        referral=cast.waiting_emil,
        meeting=cast.meeting,
        outcome=Decision.Outcome.ALTERNATIVE,
        offer=Offer.SUPPORT_PEDAGOGUE,
        alternative="Ressourceforløb",
        reasons="r",
        legal_basis=cast.legal_basis,
    )
    table = build_table("referrals", cast.ishoj)
    assert table.rows == [["2026/27", 2, 1, 0, 1]]


def test_the_demo_gives_back_tables_4_and_5_of_the_evaluation(db, capsys):
    call_command("load_demo")
    capsys.readouterr()
    call_command(
        "statistics",
        "support-categories",
        municipality="ishoj",
        year_from="2015",
        year_to="2016/17",
        format="json",
        exact=True,
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"] == [["2015/16", 2, 3, 0, 1, 1, 0, 7], ["2016/17", 4, 0, 1, 2, 0, 0, 7]]
    call_command(
        "statistics",
        "support-categories",
        municipality="ishoj",
        year_to="2011",
        format="json",
        exact=True,
    )
    assert json.loads(capsys.readouterr().out)["rows"] == [["2011/12", 3, 16, 1, 2, 2, 1, 25]]
    call_command(
        "statistics",
        "referrals",
        municipality="ishoj",
        year_from="2013",
        year_to="2014",
        format="csv",
        exact=True,
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Periode,Indstillinger,Visiteret,Afslag,Andet tilbud"
    # Table 2: 21 children granted in 2013/14, 7 after the reorganisation; referrals fell by 67 %.
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["2013/14", "30", "21"],
        ["2014/15", "10", "7"],
    ]
