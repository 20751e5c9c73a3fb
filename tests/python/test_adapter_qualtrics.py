"""The qualtrics survey adapter (docs/adapters.md, "qualtrics"): Fivetran's Qualtrics tables
(fixtures_qualtrics.py) as the contract's long-form responses, for the six shared people, with the CRM contacts in
the generic contract and every other optional group absent. One dbt build; exact NPS and CSAT categories and needs
segment per person, and the quarantine reason of each quirky answer."""

from __future__ import annotations

import duckdb
import fixtures_qualtrics
import pytest
from conftest import build_loader_warehouse
from test_adapter_stripe import _write_crm

AS_OF = "2026-11-01"
ABSENT = ["accounts", "subscriptions", "orders", "tickets", "tracks", "pages"]

# contact -> nps_category, nps_score, csat_category, csat_score, needs_segment. Worked out by hand: c1 NPS 9 (found
# by its NPS selector) and CSAT "Very satisfied" (recode 5); c2 7 and "Neutral" (3); c3 3 and "Dissatisfied" (2:
# needs_support); c4 two anonymous responses known by embedded email, the latest 6 wins over the older 10; c5 8 in an
# unfinished response (kept), and "Guided onboarding" in the other survey's QID1 (needs_onboarding); c6 a CSAT option
# that no longer exists (quarantined) and an NPS answer after as_of_date: no response. p2's survey preview (NPS 0)
# and p3's survey test (CSAT 5) are later than their real answers, and change nothing.
EXPECTED = {
    "c1": ("promoter", 9, "satisfied", 5, "self_sufficient"),
    "c2": ("passive", 7, "neutral", 3, "self_sufficient"),
    "c3": ("detractor", 3, "dissatisfied", 2, "needs_support"),
    "c4": ("detractor", 6, "no_response", None, "self_sufficient"),
    "c5": ("passive", 8, "no_response", None, "needs_onboarding"),
    "c6": ("no_response", None, "no_response", None, "self_sufficient"),
}
EXPECTED_QUARANTINE = {"ff1": ("score_out_of_range", "6"), "fg1": ("missing_respondent", None),
                       "fh1": ("test_response", None), "fh2": ("test_response", None)}


@pytest.fixture(scope="module")
def qualtrics_warehouse(tmp_path_factory):
    def write(con):
        _write_crm(con)
        fixtures_qualtrics.write(con)

    variables = {
        "as_of_date": AS_OF, "surveys_adapter": "qualtrics", "absent_raw_tables": ABSENT,
        "qualtrics_question_map": fixtures_qualtrics.QUESTION_MAP,
        # the option's text, lower-cased, is what staging compares
        "guided_onboarding_answers": ["guided onboarding"],
    }
    path = build_loader_warehouse(tmp_path_factory, "qualtrics", write, variables)
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def test_each_person_has_the_exact_nps_csat_and_needs(qualtrics_warehouse):
    con = qualtrics_warehouse
    psycho = {c: (n, ns, k, ks) for c, n, ns, k, ks in con.execute(
        "select contact_id, nps_category, nps_score, csat_category, csat_score from marts.seg_psychographic").fetchall()}
    needs = dict(con.execute("select contact_id, needs_segment from marts.seg_needs_based").fetchall())
    assert {c: (*psycho[c], needs[c]) for c in psycho} == EXPECTED


def test_every_answer_goes_through_once_and_quirky_ones_say_why(qualtrics_warehouse):
    con = qualtrics_warehouse
    rows = {r[0]: r[1:] for r in con.execute(
        # the adapter is ephemeral: its rows are the screening model's (question ids lower-cased there)
        "select record_id, question_id, answer_text, survey_name from staging.base_surveys__responses").fetchall()}
    assert sorted(rows) == sorted(a[0] for a in fixtures_qualtrics.ANSWERS)
    assert rows["fa2"] == ("csat", "5", "Customer pulse")  # mapped by export tag, recode value
    assert rows["fa3"] == ("primary_motivation", "Save time", "Customer pulse")  # option text
    assert rows["fa4"] == ("qid4", "Great product", "Customer pulse")  # unmapped: its own id
    assert rows["fe2"] == ("service_needs", "Guided onboarding", "Onboarding")  # survey-qualified QID1
    quarantined = {i: (r, d) for i, r, d in con.execute(
        "select record_id, reason, detail from staging.stg_surveys__responses_quarantined").fetchall()}
    assert quarantined == EXPECTED_QUARANTINE
