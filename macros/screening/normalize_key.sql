{#-
    A lookup key for free text: lower-cased with every character that is not a letter or a digit removed,
    so "U.S.A.", " usa" and "USA" share the key "usa". Unicode letters are kept ("españa").
    Blank becomes null. Used on both sides of every seed lookup.
-#}
{% macro normalize_key(expression) -%}
    {{ return(adapter.dispatch('normalize_key', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__normalize_key(expression) -%}
    nullif(regexp_replace(lower(cast({{ expression }} as {{ dbt.type_string() }})), '[^[:alnum:]]', '', 'g'), '')
{%- endmacro %}

{% macro duckdb__normalize_key(expression) -%}
    nullif(regexp_replace(lower(cast({{ expression }} as {{ dbt.type_string() }})), '[^\pL\pN]', '', 'g'), '')
{%- endmacro %}

{#- Spark: Java regular expressions; the backslash is doubled because Spark SQL unescapes string literals. -#}
{% macro spark__normalize_key(expression) -%}
    nullif(regexp_replace(lower(cast({{ expression }} as {{ dbt.type_string() }})), '[^\\p{L}\\p{N}]', ''), '')
{%- endmacro %}
