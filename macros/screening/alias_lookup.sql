{#-
    Distinct (lookup_key, value) pairs of an alias seed, keyed with normalize_key() so spellings that differ
    only in case, spacing or punctuation share one row. Seeds must not map one key to two values
    (tested in tests/python/test_vocab.py and by the unique test on base_reference__country_lookup).
-#}
{% macro alias_lookup(seed_name, value_column, alias_column='alias') -%}
    select distinct
        {{ normalize_key(alias_column) }} as lookup_key,
        {{ value_column }} as {{ value_column }}
    from {{ ref(seed_name) }}
    where {{ normalize_key(alias_column) }} is not null
{%- endmacro %}
