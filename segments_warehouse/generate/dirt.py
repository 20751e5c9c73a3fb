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
IMPLAUSIBLE_EPOCH = int(dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc).timestamp())


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
