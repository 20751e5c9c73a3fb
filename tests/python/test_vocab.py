"""The reference seeds: every spelling the generator emits is mapped, and no lookup key maps to two values.

Pure Python (csv module, no dbt). Staging matches free text to a seed with normalize_key() on both sides
(macros/screening/normalize_key.sql): lower-cased, trimmed, every character that is not a letter or digit removed, unicode
letters kept. key() below is its Python twin.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from segments_warehouse import vocab

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

REGIONS = {"namer", "latam", "emea", "apac"}
EU_MEMBERS = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
              "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
GENDERS = {"female", "male", "non_binary", "other", "undisclosed"}
LIFECYCLE_STAGES = {
    "subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity", "customer", "evangelist",
    "other",
}
INDUSTRIES = set(vocab.INDUSTRY_SPELLINGS)

HEADERS = {
    "country_codes": ["country_code", "country_name", "region", "is_eu"],
    "country_aliases": ["alias", "country_code"],
    "currency_rates": ["currency_code", "usd_per_unit", "rate_date"],
    "lifecycle_stage_aliases": ["alias", "lifecycle_stage"],
    "gender_aliases": ["alias", "gender"],
    "industry_aliases": ["alias", "industry"],
}
# alias seed -> (value column, allowed values, vocab spellings by clean value)
ALIAS_SEEDS = {
    "gender_aliases": ("gender", GENDERS, vocab.GENDER_SPELLINGS),
    "lifecycle_stage_aliases": ("lifecycle_stage", LIFECYCLE_STAGES, vocab.LIFECYCLE_SPELLINGS),
    "industry_aliases": ("industry", INDUSTRIES, vocab.INDUSTRY_SPELLINGS),
}


def key(text: str) -> str:
    """Python twin of macros/screening/normalize_key.sql: lower-cased, trimmed, letters and digits only."""
    return "".join(ch for ch in text.strip().lower() if ch.isalnum())


def read_seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ambiguous_keys(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    mapping: dict[str, set[str]] = defaultdict(set)
    for spelling, value in pairs:
        mapping[key(spelling)].add(value)
    return {k: v for k, v in mapping.items() if len(v) > 1}


def lookup(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """normalize_key(spelling) -> value, as staging joins; fails when a key maps to several values."""
    ambiguous = ambiguous_keys(pairs)
    assert not ambiguous, f"keys mapping to several values: {ambiguous}"
    return {key(spelling): value for spelling, value in pairs if key(spelling)}


def country_pairs() -> list[tuple[str, str]]:
    """Every spelling staging matches to a country (base_reference__country_lookup): code, name, alias."""
    codes = read_seed("country_codes")
    pairs = [(row["country_code"], row["country_code"]) for row in codes]
    pairs += [(row["country_name"], row["country_code"]) for row in codes]
    pairs += [(row["alias"], row["country_code"]) for row in read_seed("country_aliases")]
    return pairs


def country_lookup() -> dict[str, str]:
    return lookup(country_pairs())


def placeholder_keys() -> set[str]:
    import yaml

    project = yaml.safe_load((SEEDS.parent / "dbt_project.yml").read_text(encoding="utf-8"))
    return {key(value) for value in project["vars"]["placeholder_values"]}


# --- file hygiene ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(HEADERS))
def test_seed_file_is_clean(seed):
    raw = (SEEDS / f"{seed}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without BOM"
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text), "NFC, so an accented alias has one key"
    with open(SEEDS / f"{seed}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADERS[seed]
    for number, row in enumerate(rows[1:], start=2):
        assert len(row) == len(HEADERS[seed]), (seed, number, row)
        for cell in row:
            # An empty cell loads as null, and so does "null" through dbt's agate reader.
            assert cell and cell == cell.strip() and cell.lower() != "null", (seed, number, row)


@pytest.mark.parametrize("seed", sorted(HEADERS))
def test_alias_column_unique(seed):
    """The dbt unique test on each seed's first column, here too."""
    column = HEADERS[seed][0]
    values = [row[column] for row in read_seed(seed)]
    duplicates = {v for v in values if values.count(v) > 1}
    assert not duplicates


# --- countries ---------------------------------------------------------------------------------------------------


def test_country_codes_complete():
    codes = read_seed("country_codes")
    assert len(codes) == 249
    assert len({row["country_code"] for row in codes}) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", row["country_code"]) for row in codes)
    assert len({row["country_name"] for row in codes}) == 249
    assert any(row["country_code"] == "NA" and row["country_name"] == "Namibia" for row in codes)  # not a null


def test_regions_valid():
    codes = {row["country_code"]: row["region"] for row in read_seed("country_codes")}
    assert set(codes.values()) == REGIONS
    assert {code for code, region in codes.items() if region == "namer"} == {"US", "CA", "BM", "GL", "PM"}
    spot_checks = {"MX": "latam", "BR": "latam", "PR": "latam", "JM": "latam", "GB": "emea", "DE": "emea",
                   "AE": "emea", "ZA": "emea", "TR": "emea", "RU": "emea", "JP": "apac", "IN": "apac", "AU": "apac",
                   "NZ": "apac", "SG": "apac"}
    assert {code: codes[code] for code in spot_checks} == spot_checks


def test_exactly_the_27_eu_members():
    codes = read_seed("country_codes")
    assert {row["is_eu"] for row in codes} == {"true", "false"}
    eu = {row["country_code"] for row in codes if row["is_eu"] == "true"}
    assert len(eu) == 27
    assert eu == EU_MEMBERS


def test_every_alias_country_exists():
    codes = {row["country_code"] for row in read_seed("country_codes")}
    assert {row["country_code"] for row in read_seed("country_aliases")} <= codes


def test_no_country_key_names_two_countries():
    """Across codes, names and aliases together: e.g. an alias must not share a key with another country's code."""
    assert not ambiguous_keys(country_pairs())


def test_every_alias_has_a_key():
    for seed in ["country_aliases", *ALIAS_SEEDS]:
        for row in read_seed(seed):
            assert key(row["alias"]), (seed, row)


def test_every_country_spelling_maps_to_its_code():
    mapping = country_lookup()
    for code, spellings in vocab.COUNTRY_SPELLINGS.items():
        for spelling in spellings:
            assert mapping.get(key(spelling)) == code, spelling


def test_every_country_has_its_name_and_alpha3_as_alias():
    codes = read_seed("country_codes")
    aliases = defaultdict(set)
    for row in read_seed("country_aliases"):
        aliases[row["country_code"]].add(row["alias"])
    for row in codes:
        assert row["country_name"] in aliases[row["country_code"]], row
    alpha3 = {alias for names in aliases.values() for alias in names if re.fullmatch(r"[A-Z]{3}", alias)}
    assert {code for code, names in aliases.items() if names & alpha3} == {row["country_code"] for row in codes}
    spot_checks = {"USA": "US", "CAN": "CA", "GBR": "GB", "DEU": "DE", "NAM": "NA", "CHE": "CH", "KOR": "KR"}
    mapping = country_lookup()
    assert {a: mapping[key(a)] for a in spot_checks} == spot_checks


def test_common_country_aliases():
    mapping = country_lookup()
    expected = {
        "U.S.A.": "US", "United States of America": "US", "America": "US", "U.K.": "GB", "Great Britain": "GB",
        "England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB", "Holland": "NL",
        "Deutschland": "DE", "Österreich": "AT", "Schweiz": "CH", "Suisse": "CH", "España": "ES", "Espana": "ES",
        "México": "MX", "Türkiye": "TR", "Turkey": "TR", "Ivory Coast": "CI", "Czech Republic": "CZ",
        "South Korea": "KR", "North Korea": "KP", "Burma": "MM", "日本": "JP", "中国": "CN", "Россия": "RU",
        "Curacao": "CW", "Saint Kitts & Nevis": "KN", "St. Lucia": "LC",
    }
    assert {spelling: mapping.get(key(spelling)) for spelling in expected} == expected


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


# --- gender, lifecycle stage, industry -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(ALIAS_SEEDS))
def test_alias_values_valid(seed):
    column, allowed, _ = ALIAS_SEEDS[seed]
    assert {row[column] for row in read_seed(seed)} == allowed  # valid, and every value has at least one alias


@pytest.mark.parametrize("seed", sorted(ALIAS_SEEDS))
def test_no_alias_key_maps_to_two_values(seed):
    column, _, _ = ALIAS_SEEDS[seed]
    assert not ambiguous_keys([(row["alias"], row[column]) for row in read_seed(seed)])


@pytest.mark.parametrize("seed", sorted(ALIAS_SEEDS))
def test_every_alias_spelling_maps(seed):
    column, _, spellings = ALIAS_SEEDS[seed]
    mapping = lookup([(row["alias"], row[column]) for row in read_seed(seed)])
    for value, variants in spellings.items():
        for variant in variants:
            if key(variant):  # blank means missing: staging maps it without a seed
                assert mapping.get(key(variant)) == value, (seed, variant)


def test_crm_internal_lifecycle_values():
    mapping = lookup([(row["alias"], row["lifecycle_stage"]) for row in read_seed("lifecycle_stage_aliases")])
    # HubSpot internal values are the stages without separators; the clean values map to themselves.
    for stage in LIFECYCLE_STAGES:
        assert mapping[key(stage)] == stage
    assert mapping[key("marketingqualifiedlead")] == "marketing_qualified_lead"
    assert mapping[key("salesqualifiedlead")] == "sales_qualified_lead"
    assert mapping[key("Open - Not Contacted")] == "lead"
    assert mapping[key("Closed Won")] == "customer"


def test_clean_values_map_to_themselves():
    for seed, (column, allowed, _) in ALIAS_SEEDS.items():
        mapping = lookup([(row["alias"], row[column]) for row in read_seed(seed)])
        for value in allowed:
            assert mapping.get(key(value)) == value, (seed, value)


# --- currencies ----------------------------------------------------------------------------------------------------


def test_currencies():
    rows = read_seed("currency_rates")
    rates = {row["currency_code"]: float(row["usd_per_unit"]) for row in rows}
    assert len(rates) == len(rows) >= 30
    assert rates["USD"] == 1.0
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in rates)
    assert all(rate > 0 for rate in rates.values())
    assert {row["rate_date"] for row in rows} == {"2026-11-01"}
    for currency in vocab.CURRENCIES:
        assert currency in rates, currency
    for spelling in vocab.CURRENCY_SPELLINGS_EXTRA:
        assert spelling.strip().upper() in rates, spelling
    for unknown in vocab.UNKNOWN_CURRENCIES:
        assert unknown.strip().upper() not in rates, unknown


def test_rates_are_plausible():
    """Guards against an inverted rate (units per USD instead of USD per unit)."""
    rates = {row["currency_code"]: float(row["usd_per_unit"]) for row in read_seed("currency_rates")}
    assert 0.9 < rates["EUR"] < 1.4 and 1.0 < rates["GBP"] < 1.6 and 0.004 < rates["JPY"] < 0.01
    assert 0.6 < rates["CAD"] < 0.85 and 0.55 < rates["AUD"] < 0.8 and 0.008 < rates["INR"] < 0.016
    assert 0.12 < rates["BRL"] < 0.25


# --- other seeds --------------------------------------------------------------------------------------------------


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
