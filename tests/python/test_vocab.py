"""The seeds cover every spelling the generator emits, and no seed maps one lookup key to two values."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from segments_warehouse import vocab

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def key(text: str) -> str:
    """Python twin of macros/normalize_key.sql: lower-case, letters and digits only."""
    return "".join(ch for ch in text.strip().lower() if ch.isalnum())


def read_seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def lookup(pairs: list[tuple[str, str]]) -> dict[str, str]:
    mapping: dict[str, set[str]] = defaultdict(set)
    for alias, value in pairs:
        if key(alias):
            mapping[key(alias)].add(value)
    ambiguous = {k: v for k, v in mapping.items() if len(v) > 1}
    assert not ambiguous, f"keys mapping to several values: {ambiguous}"
    return {k: next(iter(v)) for k, v in mapping.items()}


def country_lookup() -> dict[str, str]:
    codes = read_seed("country_codes")
    pairs = [(row["country_code"], row["country_code"]) for row in codes]
    pairs += [(row["country_name"], row["country_code"]) for row in codes]
    pairs += [(row["alias"], row["country_code"]) for row in read_seed("country_aliases")]
    return lookup(pairs)


def test_every_country_spelling_maps_to_its_code():
    mapping = country_lookup()
    for code, spellings in vocab.COUNTRY_SPELLINGS.items():
        for spelling in spellings:
            assert mapping.get(key(spelling)) == code, spelling


def placeholder_keys() -> set[str]:
    import yaml

    project = yaml.safe_load((SEEDS.parent / "dbt_project.yml").read_text(encoding="utf-8"))
    return {key(value) for value in project["vars"]["placeholder_values"]}


def test_country_garbage_maps_to_nothing():
    """Garbage is either a placeholder (treated as missing before lookup) or matches no country."""
    mapping = country_lookup()
    placeholders = placeholder_keys()
    for garbage in vocab.COUNTRY_GARBAGE:
        assert key(garbage) in placeholders or key(garbage) not in mapping, garbage


def test_no_real_spelling_is_a_placeholder():
    placeholders = placeholder_keys()
    for spellings in vocab.COUNTRY_SPELLINGS.values():
        for spelling in spellings:
            assert key(spelling) not in placeholders, spelling


def test_country_codes_complete_and_regions_valid():
    codes = read_seed("country_codes")
    assert len(codes) == 249
    assert len({row["country_code"] for row in codes}) == 249
    assert {row["region"] for row in codes} == {"namer", "latam", "emea", "apac"}
    assert sum(row["is_eu"] == "true" for row in codes) == 27
    assert {row["country_code"] for row in read_seed("country_aliases")} <= {row["country_code"] for row in codes}
    assert any(row["country_code"] == "NA" for row in codes)  # Namibia, not a null


@pytest.mark.parametrize(
    ("seed", "column", "spellings"),
    [
        ("gender_aliases", "gender", vocab.GENDER_SPELLINGS),
        ("lifecycle_stage_aliases", "lifecycle_stage", vocab.LIFECYCLE_SPELLINGS),
        ("industry_aliases", "industry", vocab.INDUSTRY_SPELLINGS),
    ],
)
def test_every_alias_spelling_maps(seed, column, spellings):
    mapping = lookup([(row["alias"], row[column]) for row in read_seed(seed)])
    for value, variants in spellings.items():
        for variant in variants:
            if key(variant):  # blank means missing: staging maps it without a seed
                assert mapping.get(key(variant)) == value, (seed, variant)


def test_currencies():
    rates = {row["currency_code"]: float(row["usd_per_unit"]) for row in read_seed("currency_rates")}
    assert rates["USD"] == 1.0
    for currency in vocab.CURRENCIES:
        assert currency in rates
    for spelling in vocab.CURRENCY_SPELLINGS_EXTRA:
        assert spelling.strip().upper() in rates
    for unknown in vocab.UNKNOWN_CURRENCIES:
        assert unknown not in rates


def test_rfm_map_covers_every_score_pair():
    pairs = {(int(r["r_score"]), int(r["f_score"])): r["rfm_segment"] for r in read_seed("rfm_segments")}
    assert set(pairs) == {(r, f) for r in range(1, 6) for f in range(1, 6)}
    # spot checks against SEGMENTS.md
    assert pairs[(5, 5)] == "champion" and pairs[(1, 1)] == "hibernating" and pairs[(2, 5)] == "cant_lose"
    assert pairs[(3, 3)] == "need_attention" and pairs[(4, 1)] == "promising" and pairs[(5, 1)] == "new_customer"
    assert pairs[(4, 3)] == "potential_loyalist" and pairs[(3, 4)] == "loyal" and pairs[(3, 2)] == "about_to_sleep"


def test_job_titles_map_to_their_role():
    keywords = read_seed("job_role_keywords")
    for role, titles in vocab.JOB_TITLES.items():
        for title in titles:
            words = f" {title.lower()} "
            matches = sorted(
                (int(k["priority"]), -len(k["keyword"]), k["job_role"]) for k in keywords if f" {k['keyword']} " in words
            )
            assert matches and matches[0][2] == role, title


def test_generator_placeholders_match_the_dbt_var():
    """The generator decides which garbage countries staging will call unrecognized from its own copy of the
    placeholder list: it must equal the dbt var (by key), or its manifest would disagree with staging."""
    from segments_warehouse.generate import PLACEHOLDER_KEYS

    assert {k for k in PLACEHOLDER_KEYS if k} == {k for k in placeholder_keys() if k}
