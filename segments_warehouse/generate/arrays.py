"""Vectorized helpers: numpy draws for all rows at once, arrow columns and tables, repeated CRM extracts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .schema import DAY, HOUR

# --------------------------------------------------------------------------------------------------------------
# vectorized helpers


def take(values: list, idx) -> pa.Array:
    """values[idx] as an arrow string array; a negative index or a None value gives null."""
    idx = np.asarray(idx, dtype=np.int64)
    dictionary = pa.array(values, type=pa.string())
    mask = idx < 0
    return dictionary.take(pa.array(np.where(mask, 0, idx), mask=mask if mask.any() else None))


def choice(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def uniform_int(rng: np.random.Generator, low, high) -> np.ndarray:
    """An integer in [low, high] per row (arrays of bounds, high >= low)."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    return low + (rng.random(np.broadcast(low, high).shape) * (high - low + 1)).astype(np.int64)


def respell(rng: np.random.Generator, clean_idx: np.ndarray, spellings: dict[str, list[str]]):
    """A random spelling of each clean value: (flat list of spellings, index into it per row)."""
    flat: list[str] = []
    offsets, sizes = [], []
    for key in spellings:
        offsets.append(len(flat))
        sizes.append(len(spellings[key]))
        flat.extend(spellings[key])
    offsets_arr, sizes_arr = np.array(offsets), np.array(sizes)
    chosen = offsets_arr[clean_idx] + (rng.random(len(clean_idx)) * sizes_arr[clean_idx]).astype(np.int64)
    return flat, chosen


def mix(x: np.ndarray, salt: int) -> np.ndarray:
    """A bijection of [0, 2**48): distinct inputs give distinct, random-looking ids."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        y = (x * np.uint64(0x9E3779B97F4B)) & np.uint64((1 << 48) - 1)
    return (y ^ np.uint64(salt & ((1 << 48) - 1))).astype(np.int64)


def ts_array(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds -> an arrow TIMESTAMP (microseconds, no zone) column for loader timestamps."""
    return pa.array(np.asarray(seconds, dtype=np.int64) * 1_000_000, type=pa.timestamp("us"))


def arrow_table(columns: dict) -> pa.Table:
    """numpy/arrow columns -> an arrow table; NaN in float columns becomes null."""
    out = {}
    for name, values in columns.items():
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            out[name] = values
        else:
            values = np.asarray(values)
            out[name] = pa.array(values, from_pandas=True) if values.dtype.kind == "f" else pa.array(values)
    return pa.table(out)


def repeat_versions(rng: np.random.Generator, k: int, share: float, max_versions: int = 3, eligible=None):
    """Repeated extracts: per entity 1 version, or 2..max_versions for `share` of the eligible ones.
    Returns (entity per row, version number per row, is latest per row, versions per entity); rows of an entity
    are contiguous, oldest first."""
    multi = rng.random(k) < share
    if eligible is not None:
        multi &= eligible
    versions = np.where(multi, rng.integers(2, max_versions + 1, k), 1)
    entity = np.repeat(np.arange(k), versions)
    starts = np.cumsum(versions) - versions
    version_no = np.arange(len(entity)) - np.repeat(starts, versions)
    latest = version_no == versions[entity] - 1
    return entity, version_no, latest, versions


def version_times(rng: np.random.Generator, entity, version_no, latest, versions, base_updated, ceiling):
    """updated_at non-decreasing with the version (the last two are sometimes equal: a re-extract that only the
    newer _loaded_at tells apart), _loaded_at strictly increasing with the version and after updated_at."""
    k = len(versions)
    step = np.where(version_no > 0, rng.integers(HOUR, 20 * DAY, len(entity)), 0)
    re_extract = (rng.random(k) < 0.3)[entity] & latest & (version_no > 0)
    step = np.where(re_extract, 0, step)
    cumulative = np.cumsum(step)
    starts = np.cumsum(versions) - versions
    cumulative = cumulative - np.repeat(cumulative[starts], versions) if len(entity) else cumulative
    updated = np.minimum(base_updated[entity] + cumulative, ceiling)
    loaded = updated + rng.integers(5 * 60, 6 * HOUR, len(entity)) + version_no * 7 * HOUR
    return updated, loaded
