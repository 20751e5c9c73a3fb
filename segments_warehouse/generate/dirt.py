"""The shared machinery of injected dirt: how many rows get a defect, copies of clean rows carrying one defect each,
and the defective values themselves. Every dirty row is counted under the quarantine reason staging must give it
(World.expect), as it is made."""

from __future__ import annotations

import datetime as dt

import numpy as np

UNKNOWN_STATUSES = ["pending", "PENDING", "on hold", "chargeback"]
NON_NUMERIC_SCORES = ["ten", "N/A", "five", "n/a"]
NPS_OUT_OF_RANGE = ["11", "-1", "7.5", "12"]
CSAT_OUT_OF_RANGE = ["0", "6", "4.5"]
FUTURE_DAYS = (1_700, 2_900)  # future timestamps: 4.5 to 8 years after as_of (2031+ for any recent as_of)
IMPLAUSIBLE_EPOCH = int(dt.datetime(1900, 1, 1, tzinfo=dt.UTC).timestamp())
# load times a loader cannot have written (impossible_load_time): epoch 0, before var min_valid_timestamp, and a
# far-future default, more than var max_load_time_skew_hours after any dbt run
IMPOSSIBLE_LOAD_TIMES = [0, int(dt.datetime(2099, 12, 31, tzinfo=dt.UTC).timestamp())]
# text is_deleted values (raw_crm.contacts): what a CSV loader writes, and what no boolean parser can read
TRUE_SPELLINGS = ["true", "true", "TRUE", "1", "yes", " t "]
FALSE_SPELLINGS = ["false", "false", "false", "FALSE", "0", "no", "", "f", "N"]
UNPARSEABLE_BOOLEANS = ["deleted", "maybe", "2", "archived"]
# amounts: typed non-finite doubles (subscriptions.mrr) and text ones (orders.amount); text written with a
# thousands separator or a decimal comma is malformed_amount, never guessed
NON_FINITE_AMOUNTS = ["NaN", "Infinity", "-Infinity", "nan"]


def with_copies(columns: dict[str, np.ndarray], picks: list[tuple[np.ndarray, dict]]) -> dict[str, np.ndarray]:
    """Base rows followed by copies of rows `pick` with some columns overridden (one list per defect)."""
    out = {}
    for name, base in columns.items():
        parts = [base]
        for pick, overrides in picks:
            if name in overrides:
                value = overrides[name]
                parts.append(np.broadcast_to(np.asarray(value, dtype=base.dtype), len(pick)).copy()
                             if np.ndim(value) == 0 else np.asarray(value, dtype=base.dtype))
            else:
                parts.append(base[pick])
        out[name] = np.concatenate(parts)
    return out


def dirt_size(rng: np.random.Generator, pool: int, rate: float, minimum: int = 3) -> int:
    if pool <= 0:
        return 0
    return int(min(pool, max(minimum, rng.binomial(pool, rate))))


def impossible_load_times(size: int) -> np.ndarray:
    """`size` impossible load times (epoch seconds), both kinds in turn."""
    return np.array(IMPOSSIBLE_LOAD_TIMES, dtype=np.int64)[np.arange(size) % len(IMPOSSIBLE_LOAD_TIMES)]


def impossible_event_load_times(rows: dict[str, np.ndarray], pick: np.ndarray) -> dict[str, np.ndarray]:
    """Overrides for events `pick`: an impossible received_at (2099) or uuid_ts (epoch 0), in turn."""
    impossible = impossible_load_times(len(pick))
    return {"received": np.where(impossible > 0, impossible, rows["received"][pick]),
            "uuid": np.where(impossible > 0, rows["uuid"][pick], impossible)}


def loader_dirt(g, key: str, candidates: np.ndarray, specs, picks: list, rate: float = 0.002) -> None:
    """Defective copies of rows `candidates` for the loader-format reasons, drawn from their own random stream
    (the table's other rows stay exactly as they were): specs are (reason, overrides of the picked rows), each
    override a value or a function of the picked rows; each copy is expected under its reason."""
    rng = g.rng(key, "loader dirt")
    for reason, overrides in specs:
        pick = rng.choice(candidates, dirt_size(rng, len(candidates), rate, 2), replace=False)
        picks.append((pick, {name: value(pick) if callable(value) else value for name, value in overrides.items()}))
        g.expect(key, reason, len(pick))
