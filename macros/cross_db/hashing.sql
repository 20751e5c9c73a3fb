{#- A text expression to a (63- or 64-bit) integer hash that fits a bigint. -#}
{% macro hash_to_bigint(text) -%}
    {{ return(adapter.dispatch('hash_to_bigint', 'segments')(text)) }}
{%- endmacro %}

{% macro default__hash_to_bigint(text) -%}
    cast(('x' || substr(md5({{ text }}), 1, 16)) as bit(64))::bigint
{%- endmacro %}

{% macro duckdb__hash_to_bigint(text) -%}
    cast(hash({{ text }}) >> 1 as bigint)
{%- endmacro %}

{% macro spark__hash_to_bigint(text) -%}
    xxhash64({{ text }})
{%- endmacro %}

{#- Bitwise XOR of a bigint column over a group (order-independent, so a set of events has one fingerprint). -#}
{% macro bit_xor_agg(expression) -%}
    {{ return(adapter.dispatch('bit_xor_agg', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__bit_xor_agg(expression) -%}
    bit_xor({{ expression }})
{%- endmacro %}

{#-
    A deterministic bucket 0..9999 of a text expression, the same on every engine: the first 8 hex digits of its
    MD5 as an integer, modulo 10000 (a custom segment set's holdout, docs/custom_segments.md).
-#}
{% macro holdout_bucket(text) -%}
    {{ return(adapter.dispatch('holdout_bucket', 'segments')(text)) }}
{%- endmacro %}

{% macro default__holdout_bucket(text) -%}
    {{ exceptions.raise_compiler_error("holdout_bucket has no implementation for " ~ target.type ~ " (macros/cross_db/hashing.sql)") }}
{%- endmacro %}

{% macro postgres__holdout_bucket(text) -%}
    (cast(('x' || lpad(substr(md5({{ text }}), 1, 8), 16, '0')) as bit(64))::bigint % 10000)
{%- endmacro %}

{% macro duckdb__holdout_bucket(text) -%}
    (cast(('0x' || substr(md5({{ text }}), 1, 8)) as bigint) % 10000)
{%- endmacro %}

{% macro spark__holdout_bucket(text) -%}
    (cast(conv(substr(md5({{ text }}), 1, 8), 16, 10) as bigint) % 10000)
{%- endmacro %}
