"""Qualtrics as Fivetran lands it, for the six shared adapter people p1..p6@example.com (schema `qualtrics`).

Shaped like the connector (fivetran/dbt_qualtrics_source's tables): survey, survey_response (recorded_date typed,
finished as 0/1, recipient_email), question (QIDs repeat across surveys: both surveys have a QID1), question_option
(key, recode_value, text), question_response (one row per answered question and chosen option, keyed by
_fivetran_id) and survey_embedded_data. Quirks: emails in mixed case with spaces; two anonymous-link responses whose
email is only in embedded data (key `Email`); an NPS question found by its selector, a CSAT question mapped by
export tag with text labels and recode values 1..5; a partial (unfinished) response; a chosen option that no longer
exists; an answer whose response row is missing; a free-text question no var maps; a response after as_of_date; a
survey preview (distribution channel `preview`) and a survey test (status 2) that would change two people's latest
NPS and CSAT if they counted.
"""

from __future__ import annotations

SYNCED = "timestamp '2026-11-02 01:00:00'"
QUESTION_MAP = {"csat_q": "csat", "QID3": "primary_motivation", "SV_onboard:QID1": "service_needs"}

SURVEYS = [("SV_pulse", "Customer pulse"), ("SV_onboard", "Onboarding")]

# survey, QID, export tag, text, type, selector
QUESTIONS = [
    ("SV_pulse", "QID1", "Q1", "How likely are you to recommend us?", "MC", "NPS"),
    ("SV_pulse", "QID2", "csat_q", "<b>How satisfied</b> are you?", "MC", "SAVR"),
    ("SV_pulse", "QID3", "Q3", "What brought you to us?", "MC", "SAVR"),
    ("SV_pulse", "QID4", "Q4", "Anything else?", "TE", "SL"),
    ("SV_onboard", "QID1", "Q1", "What help do you need?", "MC", "SAVR"),
]

# survey, QID, key, recode value, text
OPTIONS = [
    *[("SV_pulse", "QID1", str(n), str(n), str(n)) for n in range(11)],
    *[("SV_pulse", "QID2", str(n), str(n), label) for n, label in enumerate(
        ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], start=1)],
    ("SV_pulse", "QID3", "1", "1", "Save time"), ("SV_pulse", "QID3", "2", "2", "Grow revenue"),
    ("SV_onboard", "QID1", "1", "1", "Guided onboarding"), ("SV_onboard", "QID1", "2", "2", "Self-serve docs"),
]

# response, survey, recipient email, recorded, finished, distribution channel, status (0 a real response)
RESPONSES = [
    ("R_p1", "SV_pulse", " P1@Example.com", "2026-10-01 10:00:00", 1, None, None),  # a connector without them
    ("R_p2", "SV_pulse", "p2@example.com", "2026-10-02 10:00:00", 1, "email", 0),
    ("R_p3", "SV_pulse", "p3@EXAMPLE.com ", "2026-10-03 10:00:00", 1, "email", 0),
    ("R_p4a", "SV_pulse", None, "2026-05-01 10:00:00", 1, "anonymous", 0),
    ("R_p4b", "SV_pulse", "", "2026-10-04 10:00:00", 1, "anonymous", 0),
    ("R_p5", "SV_pulse", "p5@example.com", "2026-10-05 10:00:00", 0, "email", 0),  # partial: closed before the end
    ("R_p5n", "SV_onboard", "P5@example.com", "2026-10-06 10:00:00", 1, "email", 0),
    ("R_p6", "SV_pulse", "p6@example.com", "2026-10-07 10:00:00", 1, "email", 0),
    ("R_p6late", "SV_pulse", "p6@example.com", "2026-11-02 00:30:00", 1, "email", 0),  # after as_of_date
    ("R_p2prev", "SV_pulse", "p2@example.com", "2026-10-20 10:00:00", 1, "Preview ", 1),  # the owner previewing
    ("R_p3test", "SV_pulse", "p3@example.com", "2026-10-21 10:00:00", 1, "anonymous", 2),  # a generated test
]

EMBEDDED = [("R_p4a", "Email", " P4@Example.com"), ("R_p4b", "Email", "p4@example.com"), ("R_p1", "Lang", "EN")]

# _fivetran_id, response, QID, option key, text, value
ANSWERS = [
    ("fa1", "R_p1", "QID1", "9", None, "9"),
    ("fa2", "R_p1", "QID2", "5", None, "5"),
    ("fa3", "R_p1", "QID3", "1", None, "1"),
    ("fa4", "R_p1", "QID4", None, "Great product", None),  # unmapped free text: kept as qid4
    ("fb1", "R_p2", "QID1", "7", None, "7"),
    ("fb2", "R_p2", "QID2", "3", None, "3"),
    ("fc1", "R_p3", "QID1", "3", None, "3"),
    ("fc2", "R_p3", "QID2", "2", None, "2"),
    ("fd1", "R_p4a", "QID1", "10", None, "10"),
    ("fd2", "R_p4b", "QID1", "6", None, "6"),
    ("fe1", "R_p5", "QID1", "8", None, "8"),
    ("fe2", "R_p5n", "QID1", "1", None, "1"),
    ("ff1", "R_p6", "QID2", "6", None, "6"),  # an option that no longer exists: score_out_of_range
    ("ff2", "R_p6late", "QID1", "9", None, "9"),
    ("fg1", "R_gone", "QID1", "9", None, "9"),  # its response row is missing: no respondent
    ("fh1", "R_p2prev", "QID1", "0", None, "0"),  # would make p2 a detractor
    ("fh2", "R_p3test", "QID2", "5", None, "5"),  # would make p3 satisfied
]


def _lit(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _table(con, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    names = ", ".join(f'"{column}"' for column, _ in columns)
    selects = ", ".join(f'cast("{column}" as {type_}) as "{column}"' for column, type_ in columns)
    values = ", ".join("(" + ", ".join(_lit(v) for v in row) + ", " + SYNCED + ")" for row in rows)
    con.execute(f"create or replace table {name} as select {selects}, _fivetran_synced "
                f"from (values {values}) as t({names}, _fivetran_synced)")


def write(con) -> None:
    """Create Fivetran's Qualtrics tables in schema qualtrics of an open DuckDB connection."""
    con.execute("create schema if not exists qualtrics")
    _table(con, "qualtrics.survey", [("id", "varchar"), ("survey_name", "varchar")], SURVEYS)
    _table(con, "qualtrics.question",
           [("survey_id", "varchar"), ("id", "varchar"), ("data_export_tag", "varchar"), ("question_text", "varchar"),
            ("question_type", "varchar"), ("selector", "varchar")], QUESTIONS)
    _table(con, "qualtrics.question_option",
           [("survey_id", "varchar"), ("question_id", "varchar"), ("key", "varchar"), ("recode_value", "varchar"),
            ("text", "varchar")], OPTIONS)
    _table(con, "qualtrics.survey_response",
           [("id", "varchar"), ("survey_id", "varchar"), ("recipient_email", "varchar"),
            ("recorded_date", "timestamp"), ("finished", "integer"), ("distribution_channel", "varchar"),
            ("status", "integer")], RESPONSES)
    _table(con, "qualtrics.survey_embedded_data",
           [("response_id", "varchar"), ("key", "varchar"), ("value", "varchar")], EMBEDDED)
    _table(con, "qualtrics.question_response",
           [("_fivetran_id", "varchar"), ("response_id", "varchar"), ("question_id", "varchar"),
            ("question_option_key", "varchar"), ("text", "varchar"), ("value", "varchar")], ANSWERS)
