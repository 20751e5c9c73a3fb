{#-
    A browser or OS family without its version: "Chrome 118.0.5993" -> "chrome", "macOS 14.1" -> "macos",
    "Windows 11" -> "windows". Lower-cased; digits, dots and underscores removed; spaces collapsed.
-#}
{% macro strip_version(expression) -%}
    {{ return(adapter.dispatch('strip_version', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__strip_version(expression) -%}
    nullif(
        trim(regexp_replace(regexp_replace(lower(cast({{ expression }} as {{ dbt.type_string() }})), '[0-9._]+', ' ', 'g'), '\s+', ' ', 'g')),
        ''
    )
{%- endmacro %}

{#- Spark: regexp_replace always replaces every match (no flags argument); backslash doubled in the literal. -#}
{% macro spark__strip_version(expression) -%}
    nullif(
        trim(regexp_replace(regexp_replace(lower(cast({{ expression }} as {{ dbt.type_string() }})), '[0-9._]+', ' '), '\\s+', ' ')),
        ''
    )
{%- endmacro %}
