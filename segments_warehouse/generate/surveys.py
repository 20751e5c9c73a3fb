"""raw_surveys.responses: NPS, CSAT and profile surveys in long form (one row per answer), and their dirt."""

from __future__ import annotations

import numpy as np

from .. import vocab
from .arrays import arrow_table, choice, take, ts_array
from .dirt import CSAT_OUT_OF_RANGE, NON_NUMERIC_SCORES, NPS_OUT_OF_RANGE, dirt_size, impossible_load_times, with_copies
from .schema import DAY, HOUR
from .text_sql import TS_BAD_CODES, email_sql, id_sql, ts_formats, ts_sql
from .words import DOMAINS, FIRST_NAMES, LAST_NAMES, OUTSIDERS
from .world import World

# -- surveys -------------------------------------------------------------------------------------------------


SURVEYS = [  # survey name, share of contacts taking it, [(question id, question text, answers or None, share)]
    ("relationship_nps", 0.5, [("nps", "How likely are you to recommend us to a friend or colleague?", None, 1.0)]),
    ("support_csat", 0.4, [("csat", "How satisfied were you with our support?", None, 1.0)]),
    ("customer_profile", 0.3, [
        ("primary_motivation", "What is the main reason you use the product?", vocab.MOTIVATIONS, 1.0),
        ("interests", "Which topic interests you most?", vocab.INTERESTS, 1.0),
        ("values", "What do you value most in a vendor?", vocab.VALUES, 1.0),
        ("personality", "Which best describes you?", vocab.PERSONALITY, 1.0)]),
    ("product_needs", 0.25, [
        ("must_have_features", "Which feature could you not live without?", vocab.MUST_HAVE_FEATURES, 1.0),
        ("service_needs", "What help would you like from us?", vocab.SERVICE_NEEDS, 0.8)]),
]
NPS_WEIGHTS = [3, 2, 2, 3, 4, 6, 8, 14, 16, 20, 22]
CSAT_WEIGHTS = [5, 8, 17, 35, 35]


def surveys(g: World) -> None:
    rng = g.rng("surveys")
    n = g.n
    questions: list[tuple[str, str, str]] = []  # (survey, question id, text)
    answers: list[str] = [str(v) for v in range(11)]  # 0..10 first
    parts = {"who": [], "submission": [], "q": [], "answer": [], "ts": []}
    submission_offset = 0
    for survey, share, survey_questions in SURVEYS:
        takers = np.flatnonzero(rng.random(n) < share)
        visitors = np.arange(n, n + max(1, int(len(takers) * 0.005)))  # respondents in no CRM contact
        repeat = takers[rng.random(len(takers)) < 0.12]  # answered twice: the latest counts
        who = np.concatenate([takers, visitors, repeat])
        ts = g.day_start(rng.integers(0, 365, len(who))) + rng.integers(0, DAY, len(who))
        later = np.minimum(ts[: len(takers)][np.isin(takers, repeat)], g.end - 30 * DAY)
        ts[len(takers) + len(visitors):] = later - DAY * rng.integers(1, 200, len(repeat))  # the repeat is older
        # a few submissions dated on the partial day after as_of
        ts = np.where(rng.random(len(who)) < 0.003, g.day_start(-1) + rng.integers(0, DAY // 2, len(who)), ts)
        submission = submission_offset + np.arange(len(who))
        submission_offset += len(who)
        for qid, text, options, answer_share in survey_questions:
            q = len(questions)
            questions.append((survey, qid, text))
            answering = rng.random(len(who)) < answer_share
            if options is None:
                weights = NPS_WEIGHTS if qid == "nps" else CSAT_WEIGHTS
                offset = 0 if qid == "nps" else 1
                value = offset + choice(rng, len(who), weights)
            else:
                value = len(answers) + rng.integers(0, len(options), len(who))
                answers.extend(options)
            parts["who"].append(who[answering])
            parts["submission"].append(submission[answering])
            parts["q"].append(np.full(int(answering.sum()), q))
            parts["answer"].append(value[answering])
            parts["ts"].append(ts[answering])
    rows = {key: np.concatenate(v) for key, v in parts.items()}
    order = np.lexsort((rows["q"], rows["submission"]))
    rows = {key: v[order] for key, v in rows.items()}
    k = len(rows["who"])
    insider = rows["who"] < n
    safe = np.where(insider, rows["who"], 0)
    rows.update({
        "seq": np.arange(k), "blank": np.zeros(k, dtype=np.int8), "fmt": ts_formats(rng, k),
        "variant": rng.integers(0, 5, k).astype(np.int8), "no_email": np.zeros(k, dtype=np.int8),
        "test": np.zeros(k, dtype=np.int8),
        "loaded": rows["ts"] + rng.integers(10 * 60, 12 * HOUR, k),
    })
    erased = insider & g.erased[safe]
    g.expect("surveys.responses", "erasure_requested", erased.sum())
    g.cleanable["surveys.responses.respondent_not_in_crm"] += int((~insider).sum())
    g.cleanable["surveys.responses.email_needs_normalizing"] += int((~erased & (rows["variant"] > 0)).sum())
    g.cleanable["surveys.responses.after_as_of"] += int((~erased & (rows["ts"] >= g.end)).sum())
    nps_q = [i for i, (_, qid, _) in enumerate(questions) if qid == "nps"][0]
    csat_q = [i for i, (_, qid, _) in enumerate(questions) if qid == "csat"][0]
    live = np.flatnonzero(insider & g.clean[safe])
    scored = live[np.isin(rows["q"][live], [nps_q, csat_q])]
    nps_rows = live[rows["q"][live] == nps_q]
    csat_rows = live[rows["q"][live] == csat_q]
    base = len(answers)
    answers.extend(NON_NUMERIC_SCORES + NPS_OUT_OF_RANGE + CSAT_OUT_OF_RANGE)
    picks = []
    next_seq = k

    def dirt(pool, reason, overrides, rate=0.002):
        nonlocal next_seq
        size = dirt_size(rng, len(pool), rate, 3)
        pick = np.sort(rng.choice(pool, size, replace=False))
        if reason != "duplicate_answer":
            overrides = {**overrides, "seq": next_seq + np.arange(size)}
            next_seq += size
        else:
            overrides = {"loaded": rows["loaded"][pick] + rng.integers(HOUR, 3 * DAY, size)}
        picks.append((pick, {key: (value(size) if callable(value) else value) for key, value in overrides.items()}))
        g.expect("surveys.responses", reason, size)

    dirt(live, "missing_id", {"blank": 1})
    dirt(live, "missing_respondent", {"no_email": lambda s: rng.integers(1, 4, s)})
    dirt(live, "unparseable_timestamp", {"fmt": lambda s: np.array(TS_BAD_CODES)[rng.integers(0, 3, s)]})
    dirt(live, "duplicate_answer", {})
    dirt(live, "future_timestamp", {"ts": g.far_future})
    dirt(scored, "non_numeric_score", {"answer": lambda s: base + rng.integers(0, len(NON_NUMERIC_SCORES), s)}, 0.004)
    dirt(nps_rows, "score_out_of_range",
         {"answer": lambda s: base + len(NON_NUMERIC_SCORES) + rng.integers(0, len(NPS_OUT_OF_RANGE), s)}, 0.004)
    dirt(csat_rows, "score_out_of_range",
         {"answer": lambda s: base + len(NON_NUMERIC_SCORES) + len(NPS_OUT_OF_RANGE)
          + rng.integers(0, len(CSAT_OUT_OF_RANGE), s)}, 0.004)
    # a survey tool's preview/test submissions (is_test_response true), and a flag no one can read
    dirt(live, "test_response", {"test": 1})
    dirt(live, "unparseable_boolean", {"test": 2})
    # impossible load times on new answer ids, from their own random stream
    loader = g.rng("surveys.responses", "loader dirt")
    size = dirt_size(loader, len(live), 0.002, 3)
    picks.append((np.sort(loader.choice(live, size, replace=False)),
                  {"seq": next_seq + np.arange(size), "loaded": impossible_load_times(size)}))
    next_seq += size
    g.expect("surveys.responses", "impossible_load_time", size)
    rows = with_copies(rows, picks)
    m = len(rows["who"])
    who = rows["who"]
    insider = who < n
    safe = np.where(insider, who, 0)
    q = rows["q"]
    table = arrow_table({
        "_k": np.arange(m), "blank": rows["blank"], "seq": rows["seq"], "sub": rows["submission"],
        "survey": take([s for s, _, _ in questions], q), "qtext": take([t for _, _, t in questions], q),
        "qid": take([qid for _, qid, _ in questions] + ["NPS"],
                    np.where((q == nps_q) & (rows["submission"] % 10 == 3), len(questions), q)),
        "answer": take(answers, rows["answer"]), "ts": rows["ts"], "fmt": rows["fmt"],
        "loaded": ts_array(rows["loaded"]), "variant": rows["variant"], "no_email": rows["no_email"], "test": rows["test"],
        "number": np.where(insider, who + 1, who - n + 1),
        "fn": take([s for _, s in FIRST_NAMES] + [OUTSIDERS[1][0]], np.where(insider, g.first_name[safe], len(FIRST_NAMES))),
        "ln": take([s for _, s in LAST_NAMES] + [OUTSIDERS[1][1]], np.where(insider, g.last_name[safe], len(LAST_NAMES))),
        "dom": take(DOMAINS + [OUTSIDERS[1][2]], np.where(insider, g.domain[safe], len(DOMAINS))),
    })
    g.sink.write("raw_surveys", "responses", {
        "id": id_sql("ans_", "seq + 1", max(7, len(str(next_seq)))),
        "response_id": f"'resp_' || lpad(cast(sub + 1 as varchar), {max(6, len(str(submission_offset)))}, '0')",
        "survey_name": "survey", "question_id": "qid", "question_text": "qtext",
        "respondent_email": "case no_email when 1 then '' when 2 then '   ' when 3 then null else "
                            + email_sql("fn", "ln", "number", "dom", "variant") + " end",
        "answer_text": "answer", "submitted_at": ts_sql("ts", "fmt"),
        # mostly left empty (a tool that has no such flag), else false in the spellings loaders write
        "is_test_response": "case test when 1 then 'true' when 2 then 'maybe' else "
                            "case seq % 7 when 0 then 'false' when 1 then '0' when 2 then 'FALSE' end end",
        "_loaded_at": "loaded",
    }, table)
