"""SQL text of the columns loaders land as text: timestamps in several formats (and unparseable ones), zero-padded
and hex ids (and blank ones), emails as people type them."""

from __future__ import annotations

import numpy as np

from .arrays import choice

# text timestamp formats: code -> (share among clean rows, description)
TS_Z, TS_PLUS2, TS_MINUS5, TS_PLUS530, TS_NAIVE, TS_MILLIS = 0, 1, 2, 3, 4, 5
TS_WORDS, TS_BAD_DATE, TS_BLANK = 10, 11, 12
_TS_CLEAN_CODES = [TS_Z, TS_PLUS2, TS_MINUS5, TS_PLUS530, TS_NAIVE, TS_MILLIS]
_TS_CLEAN_SHARES = [0.82, 0.04, 0.03, 0.01, 0.07, 0.03]
TS_BAD_CODES = [TS_WORDS, TS_BAD_DATE, TS_BLANK]


def ts_formats(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array(_TS_CLEAN_CODES, dtype=np.int8)[choice(rng, n, _TS_CLEAN_SHARES)]


def ts_sql(seconds: str, code: str) -> str:
    """SQL: epoch seconds + a format code -> the text a loader lands (every clean format is the same instant)."""
    def fmt(shift: int, pattern: str) -> str:
        return f"strftime(make_timestamp((cast({seconds} as bigint) + {shift}) * 1000000), '{pattern}')"
    return f"""(case {code}
        when {TS_Z} then {fmt(0, '%Y-%m-%dT%H:%M:%SZ')}
        when {TS_PLUS2} then {fmt(7200, '%Y-%m-%dT%H:%M:%S+02:00')}
        when {TS_MINUS5} then {fmt(-18000, '%Y-%m-%dT%H:%M:%S-05:00')}
        when {TS_PLUS530} then {fmt(19800, '%Y-%m-%dT%H:%M:%S+05:30')}
        when {TS_NAIVE} then {fmt(0, '%Y-%m-%d %H:%M:%S')}
        when {TS_MILLIS} then {fmt(0, '%Y-%m-%dT%H:%M:%S.000Z')}
        when {TS_WORDS} then 'not a date'
        when {TS_BAD_DATE} then '2026-13-45T99:00:00Z'
        when {TS_BLANK} then ''
    end)"""


def id_sql(prefix: str, number: str, width: int, blank: str = "blank") -> str:
    """SQL: a zero-padded text id, or a blank one ('' or spaces) when blank is 1 or 2."""
    return (f"(case {blank} when 1 then '' when 2 then '   ' "
            f"else '{prefix}' || lpad(cast({number} as varchar), {width}, '0') end)")


def hex_id_sql(prefix: str, number: str, blank: str = "blank") -> str:
    return f"(case {blank} when 1 then '' when 2 then '   ' else '{prefix}' || printf('%012x', {number}) end)"


def email_sql(first: str, last: str, number: str, domain: str, variant: str) -> str:
    """SQL: an email as people type it. Every variant normalizes (trim + lower) to the same address."""
    clean = f"({first} || '.' || {last} || '.' || cast({number} as varchar) || '@' || {domain})"
    return f"""(case {variant}
        when 0 then {clean}
        when 1 then upper(substr({clean}, 1, 1)) || substr({clean}, 2)
        when 2 then '  ' || {clean} || ' '
        when 3 then ' ' || upper({clean})
        else {first} || '.' || {last} || '.' || cast({number} as varchar) || '@' || upper({domain}) || '  '
    end)"""
